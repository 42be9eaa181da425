package registers

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"dsrdesk/internal/catalogue"
	"dsrdesk/internal/demodata"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
	"dsrdesk/internal/sqlitesource"
)

// mustSeed seeds a fresh data folder and returns it.
func mustSeed(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	if err := demodata.Seed(context.Background(), dir); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// mustLoad loads the catalogue in dir.
func mustLoad(tb testing.TB, dir string) *catalogue.Catalogue {
	tb.Helper()
	cat, err := catalogue.Load(filepath.Join(dir, demodata.CatalogueFile))
	if err != nil {
		tb.Fatal(err)
	}
	return cat
}

// mustOpen opens the seeded registers in dir through the SQLite connector.
func mustOpen(tb testing.TB, dir string, cat *catalogue.Catalogue) *Registers {
	tb.Helper()
	src, err := sqlitesource.Open(filepath.Join(dir, demodata.DatabaseFile), cat)
	if err != nil {
		tb.Fatal(err)
	}
	r := New(cat, src)
	tb.Cleanup(func() { _ = r.Close() })
	return r
}

// demo returns the demo person whose note contains the word.
func demo(tb testing.TB, word string) demodata.DemoPerson {
	tb.Helper()
	for _, p := range demodata.DemoPeople() {
		if strings.Contains(p.Note, word) {
			return p
		}
	}
	tb.Fatalf("no demo person is noted %q", word)
	return demodata.DemoPerson{}
}

func section(t *testing.T, secs []dsr.Section, id string) dsr.Section {
	t.Helper()
	for _, s := range secs {
		if s.Register.ID == id {
			return s
		}
	}
	t.Fatalf("no section %q", id)
	return dsr.Section{}
}

// day is a calendar date.
func day(y int, m time.Month, d int) dsr.Value {
	return dsr.DateValue(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// kr is an amount in whole kronor.
func kr(n int64) dsr.Value { return dsr.AmountValue(n * 100) }

func TestPerson(t *testing.T) {
	ctx := context.Background()
	dir := mustSeed(t)
	regs := mustOpen(t, dir, mustLoad(t, dir))
	raw, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, demodata.DatabaseFile)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, d := range demodata.DemoPeople() {
		t.Run(d.Name, func(t *testing.T) {
			p, err := regs.Person(ctx, d.PNR)
			if err != nil {
				t.Fatal(err)
			}
			if p.PNR != d.PNR || p.Name != d.Name || p.Protection != d.Protection || p.Country != "SE" {
				t.Errorf("Person = %+v, want %+v", p, d)
			}
			if !d.Protection.Protected() && p.Postcode != d.Postcode {
				t.Errorf("postcode %q, want %q", p.Postcode, d.Postcode)
			}
			if p.Street == "" || p.Town == "" || len(p.Postcode) != 5 {
				t.Errorf("incomplete address %+v", p)
			}
			// The address of a protected person is still in the source.
			var street string
			if err := raw.QueryRow(`SELECT street FROM population WHERE pnr = ?`, string(d.PNR)).Scan(&street); err != nil || street != p.Street {
				t.Errorf("stored street %q (%v), Person says %q", street, err, p.Street)
			}
		})
	}
	godman, err := regs.Person(ctx, demo(t, "god man").PNR)
	if err != nil {
		t.Fatal(err)
	}
	if lines := godman.AddressLines(); len(lines) != 4 || lines[1] != "c/o Ivar Förvaltarsson" {
		t.Errorf("god man address lines %q", lines)
	}
	box, err := regs.Person(ctx, demo(t, "Särskild postadress").PNR)
	if err != nil {
		t.Fatal(err)
	}
	if lines := box.AddressLines(); box.Special == nil || len(lines) < 2 || !strings.HasPrefix(lines[1], "Box ") {
		t.Errorf("special postal address %+v, address lines %q", box.Special, lines)
	}
}

func TestUnknownPerson(t *testing.T) {
	ctx := context.Background()
	dir := mustSeed(t)
	regs := mustOpen(t, dir, mustLoad(t, dir))
	const unknown = "198112189876" // valid, but nobody in the demo registers
	_, err := regs.Person(ctx, unknown)
	if dsr.ErrorCode(err) != dsr.ENOTFOUND || dsr.ErrorMessage(err) != "The person is not in the population register." {
		t.Fatalf("Person: error %v, want ENOTFOUND", err)
	}
	if strings.Contains(err.Error(), unknown) || strings.Contains(err.Error(), unknown[2:8]) {
		t.Errorf("the error leaks the number: %v", err)
	}
	if _, err := regs.Sections(ctx, unknown); dsr.ErrorCode(err) != dsr.ENOTFOUND {
		t.Errorf("Sections: error %v, want ENOTFOUND", err)
	}
	for _, bad := range []pnr.PNR{"", "811218-9876", "8112189876", "19811218987X", "198112189875", "198113189876"} {
		_, err := regs.Person(ctx, bad)
		if dsr.ErrorCode(err) != dsr.EINVALID || dsr.ErrorField(err) != "pnr" {
			t.Errorf("Person(%q): error %v, want EINVALID on pnr", bad, err)
		}
		if _, err := regs.Sections(ctx, bad); dsr.ErrorCode(err) != dsr.EINVALID {
			t.Errorf("Sections(%q): error %v, want EINVALID", bad, err)
		}
	}
}

// fakeConnector is a Connector made of functions, for sources that are not
// SQLite or that hold what a real one never should.
type fakeConnector struct {
	PersonFn     func(ctx context.Context, p pnr.PNR) (dsr.Person, error)
	RowsFn       func(ctx context.Context, e catalogue.Entry, p pnr.PNR) ([][]dsr.Value, error)
	RecipientsFn func(ctx context.Context, e catalogue.Entry, p pnr.PNR) ([]dsr.Recipient, error)
}

func (f *fakeConnector) Person(ctx context.Context, p pnr.PNR) (dsr.Person, error) {
	return f.PersonFn(ctx, p)
}

func (f *fakeConnector) Wards(context.Context, pnr.PNR) ([]pnr.PNR, error) { return nil, nil }

func (f *fakeConnector) Rows(ctx context.Context, e catalogue.Entry, p pnr.PNR) ([]string, [][]dsr.Value, error) {
	rows, err := f.RowsFn(ctx, e, p)
	ids := make([]string, len(rows))
	for i := range rows {
		ids[i] = fmt.Sprint(i + 1)
	}
	return ids, rows, err
}

func (f *fakeConnector) Marks(context.Context, pnr.PNR) (restricted, statements []dsr.Mark, err error) {
	return nil, nil, nil
}

func (f *fakeConnector) Apply(context.Context, catalogue.Entry, pnr.PNR, ...dsr.Op) error { return nil }

func (f *fakeConnector) Recipients(ctx context.Context, e catalogue.Entry, p pnr.PNR) ([]dsr.Recipient, error) {
	return f.RecipientsFn(ctx, e, p)
}

func (f *fakeConnector) Close() error { return nil }

// fakeCatalogue has a plain register and a disclosure log.
func fakeCatalogue() *catalogue.Catalogue {
	col := func(sv, format string) catalogue.Column {
		return catalogue.Column{Text: dsr.Text{SV: sv}, Format: format}
	}
	return &catalogue.Catalogue{Registers: []catalogue.Entry{
		{Register: dsr.Register{ID: "arenden"}, Columns: []catalogue.Column{col("Datum", catalogue.FormatDate), col("Förmån", catalogue.FormatCode), col("Anteckning", "")}},
		{Register: dsr.Register{ID: "utlamnanden"}, Columns: []catalogue.Column{col("Mottagare", "")}, RecipientsQuery: "x"},
	}}
}

// cecilia is a protected person as a connector returns her.
var cecilia = dsr.Person{Name: "Cecilia Skyddsdotter", Street: "Hemliga gränd 7", CareOf: "Hemlig Värd", Postcode: "75220", Town: "UPPSALA", Protection: dsr.ProtectionProtected}

func TestUnknownProtectionLevel(t *testing.T) {
	for _, level := range []dsr.Protection{"", "skyddad", "NONE"} {
		conn := &fakeConnector{PersonFn: func(context.Context, pnr.PNR) (dsr.Person, error) {
			p := cecilia
			p.Protection = level
			return p, nil
		}}
		regs := New(fakeCatalogue(), conn)
		p := pnr.Complete("19790721984")
		if _, err := regs.Person(context.Background(), p); err == nil || dsr.ErrorCode(err) != dsr.EINTERNAL {
			t.Errorf("protection %q: error %v, want an internal error (never read as none)", level, err)
		}
		if _, err := regs.Sections(context.Background(), p); err == nil {
			t.Errorf("protection %q: Sections gave no error", level)
		}
	}
}

// TestMaskCoversAnyConnector checks that the address of a protected person is
// hidden in whatever a connector returns: text, codes, the raw text of a
// date that did not parse, and every field of a recipient.
func TestMaskCoversAnyConnector(t *testing.T) {
	ctx := context.Background()
	p := pnr.Complete("19790721984")
	given := [][]dsr.Value{
		{day(2024, 3, 12), dsr.CodeValue("Sjukpenning"), dsr.TextValue("Brev till Hemliga gränd 7")},
		{{Kind: dsr.ValueDate, Text: "752 20 Uppsala"}, dsr.CodeValue("UPPSALA"), dsr.TextValue("c/o hemlig värd")},
		{dsr.Value{}, dsr.CodeValue("75220"), dsr.TextValue("Uppsala län")},
	}
	conn := &fakeConnector{
		PersonFn: func(context.Context, pnr.PNR) (dsr.Person, error) { return cecilia, nil },
		RowsFn: func(_ context.Context, e catalogue.Entry, _ pnr.PNR) ([][]dsr.Value, error) {
			if e.ID == "utlamnanden" {
				return [][]dsr.Value{{dsr.TextValue("Folksam")}}, nil
			}
			return given, nil
		},
		RecipientsFn: func(context.Context, catalogue.Entry, pnr.PNR) ([]dsr.Recipient, error) {
			return []dsr.Recipient{{Organisation: "Hemliga gränd 7 AB", OrgNumber: "752 20", Benefit: "Sjukpenning", Date: "Uppsala", LegalBasis: "Samtycke"}}, nil
		},
	}
	secs, err := New(fakeCatalogue(), conn).Sections(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	masked := dsr.TextValue("Skyddad adress")
	want := [][]dsr.Value{
		{day(2024, 3, 12), dsr.CodeValue("Sjukpenning"), masked},
		{masked, masked, masked},
		{dsr.Value{}, masked, dsr.TextValue("Uppsala län")},
	}
	if !reflect.DeepEqual(secs[0].Rows, want) {
		t.Errorf("rows\n got %+v\nwant %+v", secs[0].Rows, want)
	}
	if given[0][2] != dsr.TextValue("Brev till Hemliga gränd 7") {
		t.Error("masking changed the connector's own rows")
	}
	wantRec := []dsr.Recipient{{Organisation: "Skyddad adress", OrgNumber: "Skyddad adress", Benefit: "Sjukpenning", Date: "Skyddad adress", LegalBasis: "Samtycke"}}
	if !reflect.DeepEqual(secs[1].Recipients, wantRec) {
		t.Errorf("recipients\n got %+v\nwant %+v", secs[1].Recipients, wantRec)
	}
	if secs[0].Recipients != nil {
		t.Errorf("a register that is not a disclosure log names recipients %+v", secs[0].Recipients)
	}
}

func TestConnectorErrorsNameTheRegister(t *testing.T) {
	ctx := context.Background()
	p := pnr.Complete("19790721984")
	broken := errors.New("connection reset")
	tests := []struct {
		name string
		conn *fakeConnector
		want string
	}{
		{"rows", &fakeConnector{
			RowsFn: func(context.Context, catalogue.Entry, pnr.PNR) ([][]dsr.Value, error) { return nil, broken },
		}, `register "arenden": connection reset`},
		{"recipients", &fakeConnector{
			RowsFn:       func(context.Context, catalogue.Entry, pnr.PNR) ([][]dsr.Value, error) { return nil, nil },
			RecipientsFn: func(context.Context, catalogue.Entry, pnr.PNR) ([]dsr.Recipient, error) { return nil, broken },
		}, `register "utlamnanden": connection reset`},
		{"a row of the wrong width", &fakeConnector{
			RowsFn: func(context.Context, catalogue.Entry, pnr.PNR) ([][]dsr.Value, error) {
				return [][]dsr.Value{{dsr.TextValue("one")}}, nil
			},
		}, `register "arenden": row 1 has 1 values, but the register declares 3 columns`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.conn.PersonFn = func(context.Context, pnr.PNR) (dsr.Person, error) {
				return dsr.Person{Name: "X", Protection: dsr.ProtectionNone}, nil
			}
			_, err := New(fakeCatalogue(), tt.conn).Sections(ctx, p)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("error %v, want %s", err, tt.want)
			}
			if tt.name != "a row of the wrong width" && !errors.Is(err, broken) {
				t.Error("the connector's error is not wrapped")
			}
		})
	}
}

func TestSectionsCoverEveryRegister(t *testing.T) {
	ctx := context.Background()
	dir := mustSeed(t)
	cat := mustLoad(t, dir)
	regs := mustOpen(t, dir, cat)
	child := demo(t, "child")
	secs, err := regs.Sections(ctx, child.PNR)
	if err != nil {
		t.Fatal(err)
	}
	if len(secs) != len(cat.Registers) {
		t.Fatalf("%d sections, want one per register (%d)", len(secs), len(cat.Registers))
	}
	for i, s := range secs {
		e := cat.Registers[i]
		if s.Register != e.Register || len(s.Columns) != len(e.Columns) {
			t.Errorf("section %d is %q, want register %q with its texts and columns", i, s.Register.ID, e.ID)
		}
		if s.Rows == nil {
			t.Errorf("section %s: nil rows; want an empty list", s.Register.ID)
		}
	}
	if n := len(section(t, secs, "formansbeslut").Rows); n != 0 {
		t.Errorf("the child has %d benefit decisions, want none (an empty section)", n)
	}
	if n := len(section(t, secs, "kontakter").Rows); n != 1 {
		t.Errorf("the child has %d contacts, want 1", n)
	}
}

func TestSectionsFormatting(t *testing.T) {
	ctx := context.Background()
	dir := mustSeed(t)
	regs := mustOpen(t, dir, mustLoad(t, dir))
	asa := demodata.DemoPeople()[0]
	secs, err := regs.Sections(ctx, asa.PNR)
	if err != nil {
		t.Fatal(err)
	}
	text := dsr.TextValue
	pop := section(t, secs, "folkbokforing")
	if want := [][]dsr.Value{{text("Åsa Testsson"), text(""), text("Testgatan 12"), text("113 46"), text("STOCKHOLM"), text("SE"), text("")}}; !reflect.DeepEqual(pop.Rows, want) {
		t.Errorf("population rows %+v, want %+v", pop.Rows, want)
	}
	dec := section(t, secs, "formansbeslut")
	if want := []dsr.Value{dsr.CodeValue("Sjukpenning"), day(2023, 11, 20), day(2023, 11, 6), day(2023, 11, 26), kr(1010), dsr.CodeValue("Beviljad")}; !reflect.DeepEqual(dec.Rows[0], want) {
		t.Errorf("latest decision %+v, want %+v", dec.Rows[0], want)
	}
	if got := dec.Rows[0][4].Display("sv"); got != "1 010,00 kr" {
		t.Errorf("amount per day shown as %q", got)
	}
	pay := section(t, secs, "utbetalningar")
	// 21 days of sjukpenning in November 2023 at 1 010 kr a day, paid on 25 December.
	if want := []dsr.Value{day(2023, 12, 25), dsr.CodeValue("Sjukpenning"), kr(21210), text("****4821")}; !reflect.DeepEqual(pay.Rows[0], want) {
		t.Errorf("latest payment %+v, want %+v", pay.Rows[0], want)
	}
	if got := pay.Rows[0][2].Display("sv"); got != "21 210,00 kr" {
		t.Errorf("payment shown as %q", got)
	}
	for i := 1; i < len(pay.Rows); i++ {
		if pay.Rows[i][0].Date.After(pay.Rows[i-1][0].Date) {
			t.Fatalf("payments are not newest first at row %d", i)
		}
	}

	dag := demo(t, "Sekretessmarkering")
	secs, err = regs.Sections(ctx, dag.PNR)
	if err != nil {
		t.Fatal(err)
	}
	refused := section(t, secs, "formansbeslut").Rows[0]
	if !refused[2].IsZero() || !refused[3].IsZero() || !refused[4].IsZero() || !strings.HasPrefix(refused[5].Text, "Avslag") {
		t.Errorf("a refusal without period or amount is shown as %+v", refused)
	}
}

func TestSectionsHideProtectedAddress(t *testing.T) {
	ctx := context.Background()
	dir := mustSeed(t)

	// A careless operator adds a register that selects the address itself;
	// the address must still not appear.
	cat := mustLoad(t, dir)
	cat.Registers = append(cat.Registers, catalogue.Entry{
		Register: dsr.Register{ID: "adresslogg", Name: dsr.Text{SV: "Adresslogg"}},
		Columns: []catalogue.Column{{Text: dsr.Text{SV: "Gata"}}, {Text: dsr.Text{SV: "Postnummer"}, Format: catalogue.FormatCode},
			{Text: dsr.Text{SV: "Ort"}, Format: catalogue.FormatDate}, {Text: dsr.Text{SV: "Adress"}}},
		Query: `SELECT '1', street, substr(postcode, 1, 3) || ' ' || substr(postcode, 4), town,
			street || ', ' || postcode || ' ' || town FROM population WHERE pnr = :pnr`,
	})
	regs := mustOpen(t, dir, cat)

	var protected int
	for _, d := range demodata.DemoPeople() {
		p, err := regs.Person(ctx, d.PNR)
		if err != nil {
			t.Fatal(err)
		}
		secs, err := regs.Sections(ctx, d.PNR)
		if err != nil {
			t.Fatal(err)
		}
		text := sectionText(secs)
		if !p.Protection.Protected() {
			if !strings.Contains(text, p.Street) {
				t.Errorf("%s: an unprotected person's address is missing from the extract", d.Name)
			}
			continue
		}
		protected++
		for _, part := range []string{p.Street, p.Postcode, p.Postcode[:3] + " " + p.Postcode[3:], p.Town} {
			if strings.Contains(strings.ToLower(text), strings.ToLower(part)) {
				t.Errorf("%s: the extract shows the protected address part %q", d.Name, part)
			}
		}
		if row := section(t, secs, "folkbokforing").Rows[0]; row[0].Text != p.Name || row[2].Text != "Skyddad adress" {
			t.Errorf("%s: population row %+v, want the name and \"Skyddad adress\"", d.Name, row)
		}
		if row := section(t, secs, "adresslogg").Rows[0]; row[0].Text != "Skyddad adress" || row[1].Text != "Skyddad adress" || row[3].Text != "Skyddad adress" {
			t.Errorf("%s: a register selecting the address shows %+v", d.Name, row)
		}
		// Secrecy that protects the person does not apply against the
		// person: their own extract shows their own address.
		own, err := regs.SubjectSections(ctx, d.PNR)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(sectionText(own), p.Street) {
			t.Errorf("%s: the person's own extract hides their own address from them", d.Name)
		}
	}
	if protected < 2 {
		t.Errorf("only %d protected demo people", protected)
	}
}

// sectionText is everything a section shows, for searching.
func sectionText(secs []dsr.Section) string {
	var b strings.Builder
	for _, s := range secs {
		for _, r := range s.Rows {
			for _, v := range r {
				b.WriteString(v.Display("sv"))
				b.WriteByte('\t')
			}
			b.WriteByte('\n')
		}
		for _, r := range s.Recipients {
			b.WriteString(strings.Join([]string{r.Organisation, r.OrgNumber, r.Benefit, r.Date, r.LegalBasis}, "\t"))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func TestSectionsLongHistory(t *testing.T) {
	ctx := context.Background()
	dir := mustSeed(t)
	regs := mustOpen(t, dir, mustLoad(t, dir))
	p := demo(t, "Long history")
	start := time.Now()
	secs, err := regs.Sections(ctx, p.PNR)
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	t.Logf("Sections for %d payments in %v", len(section(t, secs, "utbetalningar").Rows), elapsed)
	if n := len(section(t, secs, "utbetalningar").Rows); n < 20_000 {
		t.Errorf("%d payments, want at least 20,000", n)
	}
	if elapsed > 2*time.Second { // the benchmark shows the real figure; this catches a missing index
		t.Errorf("Sections took %v", elapsed)
	}
	if n := len(section(t, secs, "formansbeslut").Rows); n < 50 {
		t.Errorf("%d decisions, want one a year", n)
	}
}

func TestSectionsNameLEFIRecipients(t *testing.T) {
	ctx := context.Background()
	dir := mustSeed(t)
	regs := mustOpen(t, dir, mustLoad(t, dir))
	p := demo(t, "LEFI")
	secs, err := regs.Sections(ctx, p.PNR)
	if err != nil {
		t.Fatal(err)
	}
	lefi := section(t, secs, "lefi")
	if len(lefi.Rows) != 4 {
		t.Errorf("%d disclosures, want 4", len(lefi.Rows))
	}
	want := []dsr.Recipient{
		{Organisation: "Arbetsförmedlingen", OrgNumber: "202100-2114", Benefit: "Sjukpenning", Date: "2025-03-10", LegalBasis: "Förordningen (1980:995) om skyldighet för Försäkringskassan att lämna uppgifter till andra myndigheter"},
		{Organisation: "Folksam ömsesidig sakförsäkring", OrgNumber: "502006-1585", Benefit: "Sjukpenning", Date: "2025-02-04", LegalBasis: "Samordning av förmåner (110 kap. 39 § socialförsäkringsbalken)"},
		{Organisation: "Försäkringsaktiebolaget Skandia (publ)", OrgNumber: "502017-3083", Benefit: "Sjukpenning", Date: "2024-11-18", LegalBasis: "Samordning av förmåner (110 kap. 39 § socialförsäkringsbalken)"},
		{Organisation: "Folksam ömsesidig sakförsäkring", OrgNumber: "502006-1585", Benefit: "Sjukpenning", Date: "2024-10-03", LegalBasis: "Samordning av förmåner (110 kap. 39 § socialförsäkringsbalken)"},
	}
	if !reflect.DeepEqual(lefi.Recipients, want) {
		t.Errorf("recipients\n got %+v\nwant %+v", lefi.Recipients, want)
	}
	// Other registers are not disclosure logs and name no recipients; a
	// person without disclosures has an empty list.
	if r := section(t, secs, "utbetalningar").Recipients; r != nil {
		t.Errorf("payments name recipients %+v", r)
	}
	other, err := regs.Sections(ctx, demodata.DemoPeople()[0].PNR)
	if err != nil {
		t.Fatal(err)
	}
	if r := section(t, other, "lefi").Recipients; r == nil || len(r) != 0 {
		t.Errorf("a person without disclosures has recipients %+v", r)
	}
}

// TestAddedRegisterShowsUp adds a register the way an operator does: a new
// table in the source database and an entry in registers.json, no Go code.
func TestAddedRegisterShowsUp(t *testing.T) {
	ctx := context.Background()
	dir := mustSeed(t)
	asa := demodata.DemoPeople()[0]

	rw, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, demodata.DatabaseFile)+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE TABLE car_grants (id INTEGER PRIMARY KEY, pnr TEXT NOT NULL, granted_on TEXT NOT NULL, kind TEXT NOT NULL, amount INTEGER NOT NULL)`,
		`CREATE INDEX car_grants_pnr ON car_grants (pnr)`,
	} {
		if _, err := rw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := rw.Exec(`INSERT INTO car_grants (pnr, granted_on, kind, amount) VALUES (?, '2020-05-04', 'Grundbidrag', 30000), (?, '2021-02-01', 'Anpassningsbidrag', 125500)`, string(asa.PNR), string(asa.PNR)); err != nil {
		t.Fatal(err)
	}
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}

	var file map[string]any
	if err := json.Unmarshal(catalogue.Default(), &file); err != nil {
		t.Fatal(err)
	}
	file["registers"] = append(file["registers"].([]any), map[string]any{
		"id":                  "bilstod",
		"name":                map[string]string{"sv": "Bilstöd", "en": "Car allowance"},
		"purposes":            map[string]string{"sv": "Att handlägga bilstöd.", "en": "To handle car allowance."},
		"retention":           map[string]string{"sv": "Gallras enligt myndighetens gallringsbeslut."},
		"automated_decisions": map[string]string{"sv": "Inget automatiserat beslutsfattande."},
		"third_countries":     map[string]string{"sv": "Uppgifterna överförs inte utanför EU/EES."},
		"columns": []map[string]string{
			{"sv": "Beviljat", "en": "Granted on", "field": "granted_on", "format": "date"},
			{"sv": "Bidrag", "en": "Grant", "field": "kind"},
			{"sv": "Belopp", "en": "Amount", "format": "sek"},
		},
		"query": "SELECT rowid, granted_on, kind, amount FROM car_grants WHERE pnr = ? ORDER BY granted_on",
		"rules": map[string]any{
			"basis":        []string{"c"},
			"retention":    map[string]any{"years": 10, "from": "granted_on", "rule": map[string]string{"sv": "Tio år enligt gallringsbeslutet."}},
			"erasure":      "after_retention",
			"archiving":    true,
			"restrictable": true,
			"statements": map[string]string{
				"erase":      "DELETE FROM car_grants WHERE rowid = :record AND pnr = :pnr",
				"restrict":   "INSERT OR IGNORE INTO restrictions (register, record_id, pnr, ground, since) VALUES ('bilstod', :record, :pnr, :ground, :today)",
				"unrestrict": "DELETE FROM restrictions WHERE register = 'bilstod' AND record_id = :record AND pnr = :pnr",
				"annotate":   "INSERT OR IGNORE INTO statements (key, register, record_id, pnr, text, added_on) VALUES (:key, 'bilstod', :record, :pnr, :text, :today)",
			},
		},
	})
	b, err := json.MarshalIndent(file, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, demodata.CatalogueFile), b, 0o600); err != nil {
		t.Fatal(err)
	}

	secs, err := mustOpen(t, dir, mustLoad(t, dir)).Sections(ctx, asa.PNR)
	if err != nil {
		t.Fatal(err)
	}
	last := secs[len(secs)-1]
	if last.Register.ID != "bilstod" || last.Register.Name.SV != "Bilstöd" || last.Register.Retention.SV == "" {
		t.Fatalf("last section is %+v, want the new register", last.Register)
	}
	want := [][]dsr.Value{
		{day(2020, 5, 4), dsr.TextValue("Grundbidrag"), kr(30000)},
		{day(2021, 2, 1), dsr.TextValue("Anpassningsbidrag"), kr(125500)},
	}
	if !reflect.DeepEqual(last.Rows, want) {
		t.Errorf("rows %+v, want %+v", last.Rows, want)
	}
	var shown []string
	for _, v := range last.Rows[1] {
		shown = append(shown, v.Display("sv"))
	}
	if got := strings.Join(shown, " | "); got != "2021-02-01 | Anpassningsbidrag | 125 500,00 kr" {
		t.Errorf("second row shown as %q", got)
	}
	if last.Columns[2] != (dsr.Text{SV: "Belopp", EN: "Amount"}) {
		t.Errorf("columns %+v", last.Columns)
	}
}

func BenchmarkSectionsLongHistory(b *testing.B) {
	ctx := context.Background()
	dir := mustSeed(b)
	regs := mustOpen(b, dir, mustLoad(b, dir))
	p := demo(b, "Long history").PNR
	b.ReportAllocs()
	for b.Loop() {
		if _, err := regs.Sections(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
}

// TestChangesShowInTheNextExtract: erasing, correcting, restricting and
// completing records change the source registers for real, the next read
// shows it, and running each change again changes nothing more.
func TestChangesShowInTheNextExtract(t *testing.T) {
	ctx := context.Background()
	dir := mustSeed(t)
	regs := mustOpen(t, dir, mustLoad(t, dir))
	p := demo(t, "LEFI").PNR
	before, err := regs.Sections(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	contacts := section(t, before, "kontakter")
	if len(contacts.Rows) != 4 || len(contacts.RecordIDs) != 4 {
		t.Fatalf("contacts %d rows, %d ids", len(contacts.Rows), len(contacts.RecordIDs))
	}
	oldest, corrected := contacts.RecordIDs[3], contacts.RecordIDs[0]
	payments := section(t, before, "utbetalningar")
	restricted := payments.RecordIDs[0]
	decision := section(t, before, "formansbeslut").RecordIDs[0]
	ops := []struct {
		register string
		op       dsr.Op
	}{
		{"kontakter", dsr.Op{Kind: dsr.OpErase, Record: oldest}},
		{"kontakter", dsr.Op{Kind: dsr.OpCorrect, Record: corrected, Field: "subject", Value: "Fråga om utlämnande till Skandia"}},
		{"utbetalningar", dsr.Op{Kind: dsr.OpRestrict, Record: restricted, Ground: "18.1.a", Today: "2026-11-23"}},
		{"formansbeslut", dsr.Op{Kind: dsr.OpAnnotate, Record: decision, Text: "Jag var sjuk hela perioden.", Key: "item-1", Today: "2026-11-23"}},
	}
	for round := range 2 { // the second round repeats every change: nothing more may happen
		for _, o := range ops {
			if err := regs.Apply(ctx, o.register, p, o.op); err != nil {
				t.Fatalf("round %d: %s %s: %v", round+1, o.register, o.op.Kind, err)
			}
		}
	}
	after, err := regs.Sections(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	c := section(t, after, "kontakter")
	if len(c.Rows) != 3 || slices.Contains(c.RecordIDs, oldest) {
		t.Errorf("the erased contact is still there: %v", c.RecordIDs)
	}
	if c.Rows[0][2].Text != "Fråga om utlämnande till Skandia" {
		t.Errorf("the corrected subject reads %q", c.Rows[0][2].Text)
	}
	u := section(t, after, "utbetalningar")
	if !u.Restricted[0] || slices.Contains(u.Restricted[1:], true) {
		t.Errorf("restricted = %v, want only the first payment", u.Restricted)
	}
	f := section(t, after, "formansbeslut")
	if len(f.Statements) != 1 || f.Statements[0] != (dsr.Statement{RecordID: decision, Text: "Jag var sjuk hela perioden.", On: "2026-11-23"}) {
		t.Errorf("statements = %+v, want the one statement, attached once", f.Statements)
	}
	if err := regs.Apply(ctx, "lefi_prenumeration", p, dsr.Op{Kind: dsr.OpErase, Record: "1"}); err == nil {
		t.Error("erasing from a register that declares no erase statement was accepted")
	}
}

// recordIDs are the ids of a person's rows in a table, in the given order,
// read from the source database itself.
func recordIDs(t *testing.T, dir, table, order string, p pnr.PNR) []string {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, demodata.DatabaseFile)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT id FROM `+table+` WHERE pnr = ? ORDER BY `+order, string(p))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	ids := []string{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, fmt.Sprint(id))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return ids
}

// TestSectionsShowEveryPlaceTheDataAre: the registers a DPO expects a
// search to cover (EDPB guidelines 01/2022) hold the demo people's data,
// typed, newest first, each row with the id of its record: a housing
// allowance shared with a co-habitant, the child as a party in the
// guardian's cases, and the documents in the case files.
func TestSectionsShowEveryPlaceTheDataAre(t *testing.T) {
	ctx := context.Background()
	dir := mustSeed(t)
	regs := mustOpen(t, dir, mustLoad(t, dir))
	text, code := dsr.TextValue, dsr.CodeValue
	asa, child, goran := demo(t, "sambo"), demo(t, "child"), demo(t, "Samordningsnummer")
	if asa.Name != "Åsa Testsson" || child.GuardianPNR != asa.PNR {
		t.Fatalf("demo people %s and %s: want Åsa Testsson and her child", asa.Name, child.Name)
	}
	secs, err := regs.Sections(ctx, asa.PNR)
	if err != nil {
		t.Fatal(err)
	}

	housing := section(t, secs, "bostadsbidrag")
	want := [][]dsr.Value{
		{day(2022, 11, 21), day(2021, 1, 1), day(2021, 12, 31), {}, kr(236_400), kr(325_800), text("Slutligt bostadsbidrag för 2021: återbetalning 2 400 kr")},
		{day(2021, 8, 16), day(2021, 9, 1), day(2022, 8, 31), kr(1300), kr(231_000), kr(318_000), text("Beviljat preliminärt bostadsbidrag (sambor med ett barn)")},
		{day(2020, 3, 9), day(2020, 3, 1), day(2021, 8, 31), kr(3400), kr(224_000), {}, text("Beviljat preliminärt bostadsbidrag (ensamstående med ett barn)")},
	}
	if !reflect.DeepEqual(housing.Rows, want) {
		t.Errorf("housing allowance rows\n got %+v\nwant %+v", housing.Rows, want)
	}
	if ids := recordIDs(t, dir, "housing_allowance", "decided_on DESC, id DESC", asa.PNR); !reflect.DeepEqual(housing.RecordIDs, ids) {
		t.Errorf("housing allowance record ids %v, want %v", housing.RecordIDs, ids)
	}
	if want := []string{"decided_on", "period_from", "period_to", "allowance", "own_income", "cohabitant_income", "decision"}; !slices.Equal(housing.Fields, want) {
		t.Errorf("housing allowance fields %v, want %v", housing.Fields, want)
	}
	if got := housing.Rows[1][5].Display("sv"); got != "318 000,00 kr" {
		t.Errorf("the co-habitant's income shown to staff as %q", got)
	}

	docs := section(t, secs, "handlingar")
	if len(docs.Rows) != 7 {
		t.Fatalf("%d documents for %s, want 7", len(docs.Rows), asa.Name)
	}
	if want := []dsr.Value{day(2023, 11, 15), text("Inkomstuppgift (arbetsgivardeklaration)"), code("Sjukpenning"), text("Sjukpenning 2023-11-06 – 2023-11-26"), text("Skatteverket")}; !reflect.DeepEqual(docs.Rows[0], want) {
		t.Errorf("latest document %+v, want %+v", docs.Rows[0], want)
	}
	if want := []dsr.Value{day(2023, 11, 13), text("Läkarintyg"), code("Sjukpenning"), text("Sjukpenning 2023-11-06 – 2023-11-26"), text("Vårdcentralen Provbacken")}; !reflect.DeepEqual(docs.Rows[1], want) {
		t.Errorf("medical certificate %+v, want %+v", docs.Rows[1], want)
	}
	for i := 1; i < len(docs.Rows); i++ {
		if docs.Rows[i][0].Date.After(docs.Rows[i-1][0].Date) {
			t.Errorf("documents are not newest first at row %d", i)
		}
	}
	if ids := recordIDs(t, dir, "case_documents", "received_on DESC, id DESC", asa.PNR); !reflect.DeepEqual(docs.RecordIDs, ids) {
		t.Errorf("document record ids %v, want %v", docs.RecordIDs, ids)
	}

	// Her housing allowance is paid monthly: 18 months alone, 12 with the sambo.
	var paid, n int64
	for _, row := range section(t, secs, "utbetalningar").Rows {
		if row[1] == code("Bostadsbidrag") {
			paid += row[2].Int
			n++
		}
	}
	if n != 30 || paid != (18*3400+12*1300)*100 {
		t.Errorf("%d housing allowance payments of %d öre in all, want 30 of 76 800 kr", n, paid)
	}
	if n := len(section(t, secs, "parter_andra_arenden").Rows); n != 0 {
		t.Errorf("%s is a party in %d cases of others, want none", asa.Name, n)
	}

	secs, err = regs.Sections(ctx, child.PNR)
	if err != nil {
		t.Fatal(err)
	}
	parties := section(t, secs, "parter_andra_arenden")
	want = [][]dsr.Value{
		{day(2019, 2, 18), code("Tillfällig föräldrapenning"), text("Barn som vården avser"), text("Vård av dig när du var sjuk 2019-02-11 – 2019-02-13"), text(asa.Name)},
		{day(2016, 1, 12), code("Föräldrapenning"), text("Barn som föräldrapenningen avser"), text("Föräldrapenning för vård av dig 2016-01-01 – 2016-05-31"), text(asa.Name)},
		{day(2015, 6, 10), code("Föräldrapenning"), text("Barn som föräldrapenningen avser"), text("Föräldrapenning för vård av dig 2015-06-01 – 2015-12-31"), text(asa.Name)},
	}
	if !reflect.DeepEqual(parties.Rows, want) {
		t.Errorf("the child's cases as a party\n got %+v\nwant %+v", parties.Rows, want)
	}
	if ids := recordIDs(t, dir, "case_parties", "case_date DESC, id DESC", child.PNR); !reflect.DeepEqual(parties.RecordIDs, ids) {
		t.Errorf("party record ids %v, want %v", parties.RecordIDs, ids)
	}
	for _, id := range []string{"bostadsbidrag", "handlingar"} {
		if s := section(t, secs, id); s.Rows == nil || len(s.Rows) != 0 {
			t.Errorf("the child's %s: %+v, want an empty list", id, s.Rows)
		}
	}

	secs, err = regs.Sections(ctx, goran.PNR)
	if err != nil {
		t.Fatal(err)
	}
	docs = section(t, secs, "handlingar")
	var types []string
	for _, row := range docs.Rows {
		types = append(types, row[1].Text)
		if row[2] != code("Sjukpenning") || row[3] != text("Sjukpenning från 2025-01-27") {
			t.Errorf("%s: document %+v, want one of the sick-pay case from 2025-01-27", goran.Name, row)
		}
	}
	if want := []string{"Inkomstuppgift (arbetsgivardeklaration)", "Arbetsgivarintyg", "Läkarintyg", "Ansökan om sjukpenning"}; !slices.Equal(types, want) {
		t.Errorf("%s's documents %v, want %v", goran.Name, types, want)
	}
}

// TestDefaultWithholdingsInTheDemo counts what the catalogue withholds by
// default from each demo person's extract, the way the extract does: one
// item per row whose withheld field holds something. Only the two people
// meant to show it have any, so every other route through the demo is
// unchanged.
func TestDefaultWithholdingsInTheDemo(t *testing.T) {
	ctx := context.Background()
	dir := mustSeed(t)
	cat := mustLoad(t, dir)
	regs := mustOpen(t, dir, cat)
	want := map[string]map[string]int{
		"Åsa Testsson":   {"bostadsbidrag/cohabitant_income/osl_28_1": 2},
		"Filip Testsson": {"parter_andra_arenden/applicant/osl_28_1": 3},
	}
	for _, p := range demodata.DemoPeople() {
		secs, err := regs.SubjectSections(ctx, p.PNR)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, sec := range secs {
			e, _ := cat.Lookup(sec.Register.ID)
			for _, w := range e.Withhold {
				col := slices.Index(sec.Fields, w.Field)
				if col < 0 {
					t.Fatalf("register %s: the section has no field %s", sec.Register.ID, w.Field)
				}
				for _, row := range sec.Rows {
					if !row[col].IsZero() {
						got[sec.Register.ID+"/"+w.Field+"/"+string(w.Provision)]++
					}
				}
			}
		}
		if len(got) == 0 {
			got = nil
		}
		if !reflect.DeepEqual(got, want[p.Name]) {
			t.Errorf("%s: withheld by default %v, want %v", p.Name, got, want[p.Name])
		}
	}
}

// TestChangesInTheNewRegisters carries out each kind of change the new
// registers declare, twice, and checks that a statement never touches
// another person's record.
func TestChangesInTheNewRegisters(t *testing.T) {
	ctx := context.Background()
	dir := mustSeed(t)
	regs := mustOpen(t, dir, mustLoad(t, dir))
	asa, child, goran := demo(t, "sambo"), demo(t, "child"), demo(t, "Samordningsnummer")
	read := func(p pnr.PNR, id string) dsr.Section {
		t.Helper()
		secs, err := regs.Sections(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		return section(t, secs, id)
	}
	docs, party, housing := read(goran.PNR, "handlingar"), read(child.PNR, "parter_andra_arenden"), read(asa.PNR, "bostadsbidrag")
	oldest := docs.RecordIDs[len(docs.RecordIDs)-1]

	// Records named with someone else's number are not touched.
	if err := regs.Apply(ctx, "parter_andra_arenden", asa.PNR, dsr.Op{Kind: dsr.OpErase, Record: party.RecordIDs[0]}); err != nil {
		t.Fatal(err)
	}
	if err := regs.Apply(ctx, "handlingar", asa.PNR, dsr.Op{Kind: dsr.OpErase, Record: oldest}); err != nil {
		t.Fatal(err)
	}
	if n := len(read(child.PNR, "parter_andra_arenden").Rows); n != len(party.Rows) {
		t.Errorf("erasing with the guardian's number erased the child's record: %d rows left of %d", n, len(party.Rows))
	}

	for round := range 2 {
		for _, c := range []struct {
			register string
			p        pnr.PNR
			op       dsr.Op
		}{
			{"handlingar", goran.PNR, dsr.Op{Kind: dsr.OpErase, Record: oldest}},
			{"parter_andra_arenden", child.PNR, dsr.Op{Kind: dsr.OpRestrict, Record: party.RecordIDs[0], Ground: "18.1.a", Today: "2026-11-23"}},
			{"bostadsbidrag", asa.PNR, dsr.Op{Kind: dsr.OpRestrict, Record: housing.RecordIDs[2], Ground: "18.1.a", Today: "2026-11-23"}},
			{"bostadsbidrag", asa.PNR, dsr.Op{Kind: dsr.OpUnrestrict, Record: housing.RecordIDs[2]}},
			{"bostadsbidrag", asa.PNR, dsr.Op{Kind: dsr.OpAnnotate, Record: housing.RecordIDs[0], Text: "Min sambo flyttade in först i september 2021.", Key: "item-7", Today: "2026-11-23"}},
		} {
			if err := regs.Apply(ctx, c.register, c.p, c.op); err != nil {
				t.Fatalf("round %d: %s %s: %v", round+1, c.register, c.op.Kind, err)
			}
		}
	}
	if d := read(goran.PNR, "handlingar"); len(d.Rows) != len(docs.Rows)-1 || slices.Contains(d.RecordIDs, oldest) {
		t.Errorf("the erased document is still there: %v", d.RecordIDs)
	}
	if p := read(child.PNR, "parter_andra_arenden"); !slices.Equal(p.Restricted, []bool{true, false, false}) {
		t.Errorf("restricted = %v, want the VAB case only", p.Restricted)
	}
	h := read(asa.PNR, "bostadsbidrag")
	if slices.Contains(h.Restricted, true) {
		t.Errorf("restricted = %v after the restriction was lifted", h.Restricted)
	}
	if len(h.Statements) != 1 || h.Statements[0] != (dsr.Statement{RecordID: housing.RecordIDs[0], Text: "Min sambo flyttade in först i september 2021.", On: "2026-11-23"}) {
		t.Errorf("statements = %+v, want the one statement, attached once", h.Statements)
	}
}
