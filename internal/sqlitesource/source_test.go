package sqlitesource

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"dsrdesk/internal/catalogue"
	"dsrdesk/internal/demodata"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
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

// mustOpen opens the seeded registers in dir with the catalogue in dir.
func mustOpen(tb testing.TB, dir string) (*Source, *catalogue.Catalogue) {
	tb.Helper()
	cat, err := catalogue.Load(filepath.Join(dir, demodata.CatalogueFile))
	if err != nil {
		tb.Fatal(err)
	}
	src, err := Open(filepath.Join(dir, demodata.DatabaseFile), cat)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = src.Close() })
	return src, cat
}

// demo returns the demo person whose note contains the word.
func demo(t *testing.T, word string) demodata.DemoPerson {
	t.Helper()
	for _, p := range demodata.DemoPeople() {
		if strings.Contains(p.Note, word) {
			return p
		}
	}
	t.Fatalf("no demo person is noted %q", word)
	return demodata.DemoPerson{}
}

func entry(t *testing.T, cat *catalogue.Catalogue, id string) catalogue.Entry {
	t.Helper()
	e, ok := cat.Lookup(id)
	if !ok {
		t.Fatalf("no register %q", id)
	}
	return e
}

func day(y int, m time.Month, d int) dsr.Value {
	return dsr.DateValue(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

func TestOpenChecksQueries(t *testing.T) {
	dir := mustSeed(t)
	defaults, err := catalogue.Parse("default", catalogue.Default())
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, demodata.DatabaseFile)
	entry := func(query string, cols int) catalogue.Entry {
		e := catalogue.Entry{Register: dsr.Register{ID: "prov", Name: dsr.Text{SV: "Prov"}}, Query: query}
		for range cols {
			e.Columns = append(e.Columns, catalogue.Column{Text: dsr.Text{SV: "Kolumn"}})
		}
		return e
	}
	tests := []struct {
		name  string
		entry catalogue.Entry
		want  string
	}{
		{"too few columns", entry(`SELECT id, paid_on, benefit FROM payments WHERE pnr = :pnr`, 3),
			`open source registers: register "prov": query returns 3 columns, but must return 4 (the record id, then the register's 3 columns)`},
		{"no such table", entry(`SELECT x FROM nosuch WHERE pnr = :pnr`, 1),
			`open source registers: register "prov": query: no such table: nosuch`},
		{"two positional parameters", entry(`SELECT id, paid_on FROM payments WHERE pnr = ? OR pnr = ?`, 1),
			`open source registers: register "prov": query: sql: expected 2 arguments, got 1`},
		{"writes", entry(`DELETE FROM payments WHERE pnr = :pnr RETURNING id`, 1),
			`open source registers: register "prov": query: attempt to write a readonly database`},
		{"recipients with the wrong shape", func() catalogue.Entry {
			e := entry(`SELECT id, paid_on FROM payments WHERE pnr = :pnr`, 1)
			e.RecipientsQuery = `SELECT recipient FROM lefi_disclosures WHERE pnr = :pnr`
			return e
		}(), `open source registers: register "prov": recipients_query returns 1 columns, but must return 5 (organisation, organisation number, benefit, date and legal basis)`},
		{"a change statement on a table that does not exist", func() catalogue.Entry {
			e := entry(`SELECT id, paid_on FROM payments WHERE pnr = :pnr`, 1)
			e.Rules = &catalogue.Rules{Statements: catalogue.Statements{Erase: `DELETE FROM nosuch WHERE id = :record AND pnr = :pnr`}}
			return e
		}(), `open source registers: register "prov": rules.statements.erase: no such table: nosuch`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := Open(db, &catalogue.Catalogue{Registers: []catalogue.Entry{tt.entry}, RestrictionsQuery: defaults.RestrictionsQuery, StatementsQuery: defaults.StatementsQuery})
			if err == nil {
				_ = src.Close()
				t.Fatal("no error")
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got %v\nwant %s", err, tt.want)
			}
		})
	}
	if _, err := Open(filepath.Join(dir, "nosuch.db"), &catalogue.Catalogue{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing database: error %v", err)
	}
	if _, err := Open(db, nil); err == nil {
		t.Error("no catalogue: no error")
	}
}

func TestOpenIsReadOnly(t *testing.T) {
	dir := mustSeed(t)
	src, _ := mustOpen(t, dir)
	if _, err := src.db.Exec(`DELETE FROM payments`); err == nil {
		t.Fatal("the source database accepted a write")
	}
}

// TestPersonAsStored checks that the connector returns the population
// register as it is, the address of a protected person included: hiding it
// is the job of the layer above.
func TestPersonAsStored(t *testing.T) {
	ctx := context.Background()
	src, _ := mustOpen(t, mustSeed(t))
	c := demo(t, "Skyddad folkbokföring")
	p, err := src.Person(ctx, c.PNR)
	if err != nil {
		t.Fatal(err)
	}
	want := dsr.Person{PNR: c.PNR, Name: c.Name, Street: "Hemliga gränd 7", Postcode: "75220", Town: "UPPSALA", Country: "SE", Protection: dsr.ProtectionProtected}
	if p.BornOn == nil {
		t.Error("the population register's birth date is missing")
	}
	p.BornOn = nil
	if !reflect.DeepEqual(p, want) {
		t.Errorf("Person = %+v, want %+v", p, want)
	}
	// A child's guardians come from the population register.
	child := demo(t, "A child")
	kid, err := src.Person(ctx, child.PNR)
	if err != nil || len(kid.Guardians) != 1 || kid.Guardians[0] != child.GuardianPNR || kid.BornOn == nil || kid.BornOn.Year() != 2015 {
		t.Errorf("the child: %+v, %v", kid, err)
	}
	const unknown = "198112189876"
	_, err = src.Person(ctx, unknown)
	if dsr.ErrorCode(err) != dsr.ENOTFOUND || dsr.ErrorMessage(err) != "The person is not in the population register." {
		t.Fatalf("unknown person: error %v, want ENOTFOUND", err)
	}
	if e := dsr.AsError(err); e.Key != "registers.person_not_found" || strings.Contains(err.Error(), unknown) {
		t.Errorf("unknown person: error %v", err)
	}
}

func TestRowsAreTyped(t *testing.T) {
	ctx := context.Background()
	src, cat := mustOpen(t, mustSeed(t))
	asa := demodata.DemoPeople()[0]
	_, dec, err := src.Rows(ctx, entry(t, cat, "formansbeslut"), asa.PNR)
	if err != nil {
		t.Fatal(err)
	}
	want := []dsr.Value{dsr.CodeValue("Sjukpenning"), day(2023, 11, 20), day(2023, 11, 6), day(2023, 11, 26), dsr.AmountValue(101000), dsr.CodeValue("Beviljad")}
	if !reflect.DeepEqual(dec[0], want) {
		t.Errorf("latest decision %+v, want %+v", dec[0], want)
	}
	child := demo(t, "child")
	_, none, err := src.Rows(ctx, entry(t, cat, "formansbeslut"), child.PNR)
	if err != nil || none == nil || len(none) != 0 {
		t.Errorf("the child's decisions = %+v, %v; want an empty list", none, err)
	}
}

func TestRecipients(t *testing.T) {
	ctx := context.Background()
	src, cat := mustOpen(t, mustSeed(t))
	recs, err := src.Recipients(ctx, entry(t, cat, "lefi"), demo(t, "LEFI").PNR)
	if err != nil {
		t.Fatal(err)
	}
	want := dsr.Recipient{Organisation: "Arbetsförmedlingen", OrgNumber: "202100-2114", Benefit: "Sjukpenning", Date: "2025-03-10", LegalBasis: "Förordningen (1980:995) om skyldighet för Försäkringskassan att lämna uppgifter till andra myndigheter"}
	if len(recs) != 4 || recs[0] != want {
		t.Errorf("recipients %+v, want 4, newest %+v", recs, want)
	}
	none, err := src.Recipients(ctx, entry(t, cat, "lefi"), demodata.DemoPeople()[0].PNR)
	if err != nil || none == nil || len(none) != 0 {
		t.Errorf("recipients of a person without disclosures = %+v, %v; want an empty list", none, err)
	}
	if _, err := src.Recipients(ctx, entry(t, cat, "utbetalningar"), demodata.DemoPeople()[0].PNR); err == nil {
		t.Error("a register without recipients_query named recipients")
	}
}

func TestRowsOnlyForTheOpenedCatalogue(t *testing.T) {
	ctx := context.Background()
	src, cat := mustOpen(t, mustSeed(t))
	p := pnr.Complete("19850314982")
	other := entry(t, cat, "utbetalningar")
	other.ID = "nosuch"
	if _, _, err := src.Rows(ctx, other, p); err == nil || !strings.Contains(err.Error(), `register "nosuch" is not in the catalogue`) {
		t.Errorf("unknown register: error %v", err)
	}
	changed := entry(t, cat, "utbetalningar")
	changed.Query = `SELECT paid_on, benefit, amount_sek, pnr FROM payments WHERE pnr = :pnr`
	if _, _, err := src.Rows(ctx, changed, p); err == nil || !strings.Contains(err.Error(), "differs from the entry") {
		t.Errorf("changed query: error %v", err)
	}
}

// TestEveryQueryRunsForEveryDemoPerson runs every register of the default
// catalogue for every demo person: one record id per row, one value per
// column, and an empty list, never nil, where the register holds nothing.
func TestEveryQueryRunsForEveryDemoPerson(t *testing.T) {
	ctx := context.Background()
	src, cat := mustOpen(t, mustSeed(t))
	defaults, err := catalogue.Parse("default", catalogue.Default())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cat, defaults) {
		t.Fatal("the seeded registers.json is not the default catalogue")
	}
	held := map[string]int{}
	for _, p := range demodata.DemoPeople() {
		for _, e := range cat.Registers {
			ids, rows, err := src.Rows(ctx, e, p.PNR)
			if err != nil {
				t.Fatalf("%s, register %s: %v", p.Name, e.ID, err)
			}
			if ids == nil || rows == nil || len(ids) != len(rows) {
				t.Fatalf("%s, register %s: %d ids for %d rows", p.Name, e.ID, len(ids), len(rows))
			}
			for i, row := range rows {
				if len(row) != len(e.Columns) || ids[i] == "" {
					t.Fatalf("%s, register %s: row %d has %d values and id %q", p.Name, e.ID, i+1, len(row), ids[i])
				}
			}
			held[e.ID] += len(rows)
		}
	}
	for _, e := range cat.Registers {
		if held[e.ID] == 0 {
			t.Errorf("register %s holds nothing on any demo person", e.ID)
		}
	}
}

// TestNewRegistersAreTyped: the housing allowance, document and party
// registers type their values by the catalogue's formats, and a value the
// register does not have (no co-habitant, nothing paid) is empty.
func TestNewRegistersAreTyped(t *testing.T) {
	ctx := context.Background()
	src, cat := mustOpen(t, mustSeed(t))
	asa, child := demo(t, "sambo"), demo(t, "child")

	ids, rows, err := src.Rows(ctx, entry(t, cat, "bostadsbidrag"), asa.PNR)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || len(ids) != 3 || ids[0] == ids[1] {
		t.Fatalf("housing allowance: ids %v, rows %+v", ids, rows)
	}
	final := []dsr.Value{day(2022, 11, 21), day(2021, 1, 1), day(2021, 12, 31), {}, dsr.AmountValue(23_640_000), dsr.AmountValue(32_580_000), dsr.TextValue("Slutligt bostadsbidrag för 2021: återbetalning 2 400 kr")}
	if !reflect.DeepEqual(rows[0], final) {
		t.Errorf("final decision %+v, want %+v", rows[0], final)
	}
	if alone := rows[2][5]; !alone.IsZero() {
		t.Errorf("the co-habitant's income while living alone is %+v, want empty", alone)
	}

	_, rows, err = src.Rows(ctx, entry(t, cat, "handlingar"), asa.PNR)
	if err != nil {
		t.Fatal(err)
	}
	last := rows[len(rows)-1]
	if want := []dsr.Value{day(2015, 5, 28), dsr.TextValue("Ansökan om föräldrapenning"), dsr.CodeValue("Föräldrapenning"), dsr.TextValue("Föräldrapenning 2015-06-01 – 2015-12-31"), dsr.TextValue("Du (Mina sidor)")}; !reflect.DeepEqual(last, want) {
		t.Errorf("oldest document %+v, want %+v", last, want)
	}

	_, rows, err = src.Rows(ctx, entry(t, cat, "parter_andra_arenden"), child.PNR)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][0] != day(2019, 2, 18) || rows[0][1] != dsr.CodeValue("Tillfällig föräldrapenning") || rows[0][4] != dsr.TextValue("Åsa Testsson") {
		t.Errorf("the child's cases as a party %+v", rows)
	}
}

// TestSpecialPostalAddress: the population register's särskild postadress
// is read apart from the registered address, for the person who has one,
// and both show in the population register's rows of the extract; a
// person without one has none, and a protected person's rows show neither.
func TestSpecialPostalAddress(t *testing.T) {
	ctx := context.Background()
	src, cat := mustOpen(t, mustSeed(t))
	box := demo(t, "Särskild postadress")
	p, err := src.Person(ctx, box.PNR)
	if err != nil {
		t.Fatal(err)
	}
	want := &dsr.Address{Street: "Box 4711", Postcode: "10321", Town: "STOCKHOLM", Country: "SE"}
	if !reflect.DeepEqual(p.Special, want) {
		t.Errorf("Special = %+v, want %+v", p.Special, want)
	}
	if p.Street == "" || p.Street == want.Street || p.Postcode != box.Postcode {
		t.Errorf("the registered address %q %q is not kept apart from the särskild postadress", p.Street, p.Postcode)
	}
	plain := demo(t, "No digital mailbox")
	if q, err := src.Person(ctx, plain.PNR); err != nil || q.Special != nil {
		t.Errorf("a person without a särskild postadress: Special = %+v, %v", q.Special, err)
	}

	e := entry(t, cat, "folkbokforing")
	field := func(row []dsr.Value, name string) string {
		t.Helper()
		_, i, ok := e.Field(name)
		if !ok {
			t.Fatalf("the population register has no field %q", name)
		}
		return row[i].Display("sv")
	}
	_, rows, err := src.Rows(ctx, e, box.PNR)
	if err != nil || len(rows) != 1 {
		t.Fatalf("rows %v, %v", rows, err)
	}
	for name, want := range map[string]string{"street": p.Street, "postcode": box.Postcode[:3] + " " + box.Postcode[3:], "special_address": "Box 4711, 103 21 STOCKHOLM"} {
		if got := field(rows[0], name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	// A protected person's rows show no address at all: the stored
	// särskild postadress stays in the register.
	prot := demo(t, "Skyddad folkbokföring")
	_, rows, err = src.Rows(ctx, e, prot.PNR)
	if err != nil || len(rows) != 1 {
		t.Fatalf("rows %v, %v", rows, err)
	}
	if got := field(rows[0], "special_address"); got != "" {
		t.Errorf("a protected person's särskild postadress shows %q", got)
	}
	// Nor does the register show one for a person who has none.
	_, rows, err = src.Rows(ctx, e, plain.PNR)
	if err != nil || len(rows) != 1 {
		t.Fatalf("rows %v, %v", rows, err)
	}
	if got := field(rows[0], "special_address"); got != "" {
		t.Errorf("a person without a särskild postadress has %q", got)
	}
}

// TestPopulationCopyWithoutSpecialAddress: a population copy made before
// it kept a särskild postadress, read with the catalogue of that time, still
// opens, and its people have none.
func TestPopulationCopyWithoutSpecialAddress(t *testing.T) {
	ctx := context.Background()
	dir := mustSeed(t)
	path := filepath.Join(dir, demodata.DatabaseFile)
	db, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"special_care_of", "special_street", "special_postcode", "special_town", "special_country"} {
		if _, err := db.Exec(`ALTER TABLE population DROP COLUMN ` + c); err != nil {
			t.Fatal(err)
		}
	}
	_ = db.Close()
	cat, err := catalogue.Load(filepath.Join(dir, demodata.CatalogueFile))
	if err != nil {
		t.Fatal(err)
	}
	old := cat.Registers[0]
	if old.ID != "folkbokforing" {
		t.Fatalf("the first register is %q", old.ID)
	}
	old.Columns = old.Columns[:6]
	old.Query = `SELECT '1', name, care_of, street, postcode, town, country FROM population WHERE pnr = :pnr`
	cat.Registers[0] = old
	src, err := Open(path, cat)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	box := demo(t, "Särskild postadress")
	p, err := src.Person(ctx, box.PNR)
	if err != nil || p.Special != nil || p.Postcode != box.Postcode {
		t.Errorf("Person = %+v, %v", p, err)
	}
}
