package registers

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"dsrdesk/internal/dsr"
)

// mustSeed seeds a fresh data folder and returns it.
func mustSeed(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	start := time.Now()
	if err := Seed(context.Background(), dir); err != nil {
		tb.Fatal(err)
	}
	tb.Logf("seeded in %v", time.Since(start))
	return dir
}

// mustOpen opens the seeded registers in dir with the catalogue in dir.
func mustOpen(tb testing.TB, dir string) *Source {
	tb.Helper()
	cat, err := LoadCatalogue(filepath.Join(dir, CatalogueFile))
	if err != nil {
		tb.Fatal(err)
	}
	src, err := Open(filepath.Join(dir, DatabaseFile), cat)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = src.Close() })
	return src
}

// demo returns the demo person whose note contains the word.
func demo(t *testing.T, word string) DemoPerson {
	t.Helper()
	for _, p := range DemoPeople() {
		if strings.Contains(p.Note, word) {
			return p
		}
	}
	t.Fatalf("no demo person is noted %q", word)
	return DemoPerson{}
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

func TestSeedTwice(t *testing.T) {
	ctx := context.Background()
	dir := mustSeed(t)
	catPath := filepath.Join(dir, CatalogueFile)
	got, err := os.ReadFile(catPath)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(DefaultCatalogue()) {
		t.Error("registers.json is not the default catalogue")
	}

	// The operator's catalogue survives a reseed.
	edited := append([]byte(" "), got...)
	if err := os.WriteFile(catPath, edited, 0o600); err != nil {
		t.Fatal(err)
	}
	before := mustOpen(t, dir)
	p := DemoPeople()[0]
	first, err := before.Sections(ctx, p.PNR)
	if err != nil {
		t.Fatal(err)
	}
	if err := Seed(ctx, dir); err != nil {
		t.Fatalf("second seed: %v", err)
	}
	if got, _ := os.ReadFile(catPath); string(got) != string(edited) {
		t.Error("reseeding overwrote the operator's registers.json")
	}
	second, err := mustOpen(t, dir).Sections(ctx, p.PNR)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(first, second) {
		t.Error("reseeding changed the data")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{DatabaseFile, CatalogueFile}; !sameSet(names, want) {
		t.Errorf("data folder holds %v, want only %v (no temporary files)", names, want)
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]bool{}
	for _, s := range a {
		m[s] = true
	}
	for _, s := range b {
		if !m[s] {
			return false
		}
	}
	return true
}

func TestSeedIsDeterministic(t *testing.T) {
	ctx := context.Background()
	a, b := mustOpen(t, mustSeed(t)), mustOpen(t, mustSeed(t))
	for _, p := range DemoPeople() {
		x, err := a.Sections(ctx, p.PNR)
		if err != nil {
			t.Fatal(err)
		}
		y, err := b.Sections(ctx, p.PNR)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(x, y) {
			t.Errorf("%s: two seeds gave different data", p.Name)
		}
	}
}

// luhnValid checks a 12-digit number's check digit independently of the
// package: from the right, double every second digit and subtract 9 when
// the product exceeds 9.
func luhnValid(pnr string) bool {
	if len(pnr) != 12 {
		return false
	}
	digits := pnr[2:]
	sum := 0
	for i := 0; i < len(digits); i++ {
		c := digits[len(digits)-1-i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

func TestLuhnValidAgreesWithRules(t *testing.T) {
	for _, n := range []string{"198112189876", "197010632391"} {
		if !luhnValid(n) {
			t.Errorf("%s should be valid (RULES §6)", n)
		}
	}
	if luhnValid("198112189875") {
		t.Error("a wrong check digit passed")
	}
}

func TestDemoPeople(t *testing.T) {
	people := DemoPeople()
	if len(people) < 9 {
		t.Fatalf("%d demo people, want at least 9", len(people))
	}
	seen := map[string]bool{}
	byPNR := map[string]DemoPerson{}
	var mailbox, paper, protectedPaper, child, coordination bool
	for _, p := range people {
		if !luhnValid(p.PNR) {
			t.Errorf("%s: %s has an invalid check digit", p.Name, p.PNR)
		}
		if serial := p.PNR[8:10]; serial != "98" {
			t.Errorf("%s: serial %s is not a test serial 98x", p.Name, p.PNR[8:11])
		}
		if seen[p.PNR] {
			t.Errorf("%s: number used twice", p.Name)
		}
		seen[p.PNR] = true
		byPNR[p.PNR] = p
		day := int(p.PNR[6]-'0')*10 + int(p.PNR[7]-'0')
		switch {
		case p.DigitalMailbox:
			mailbox = true
		case p.Protection == dsr.ProtectionProtected:
			protectedPaper = true
		default:
			paper = true
		}
		if day > 60 {
			coordination = true
		}
		if p.Protection.Protected() && p.Postcode != "" {
			t.Errorf("%s: a protected person's postcode is listed", p.Name)
		}
		if p.Note == "" {
			t.Errorf("%s: no note saying what the person demonstrates", p.Name)
		}
	}
	for _, p := range people {
		if strings.HasPrefix(p.PNR, "2015") {
			g, ok := byPNR[p.GuardianPNR]
			if !ok {
				t.Errorf("%s: the child's guardian is not a demo person", p.Name)
			} else if strings.HasPrefix(g.PNR, "20") {
				t.Errorf("%s: the guardian is a child too", p.Name)
			}
			child = true
		}
	}
	for what, ok := range map[string]bool{"a digital mailbox": mailbox, "paper only": paper,
		"skyddad folkbokföring without a mailbox": protectedPaper, "a child born 2015": child, "a samordningsnummer": coordination} {
		if !ok {
			t.Errorf("no demo person with %s", what)
		}
	}
}

func TestDemoPeopleJSON(t *testing.T) {
	b, err := json.Marshal(DemoPeople()[0])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"pnr", "name", "digital_mailbox", "protection", "postcode"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, b)
		}
	}
	if m["protection"] != "none" {
		t.Errorf("protection = %v, want none", m["protection"])
	}
}

func TestPerson(t *testing.T) {
	ctx := context.Background()
	dir := mustSeed(t)
	src := mustOpen(t, dir)
	raw, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, DatabaseFile)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, d := range DemoPeople() {
		t.Run(d.Name, func(t *testing.T) {
			p, err := src.Person(ctx, d.PNR)
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
			if err := raw.QueryRow(`SELECT street FROM population WHERE pnr = ?`, d.PNR).Scan(&street); err != nil || street != p.Street {
				t.Errorf("stored street %q (%v), Person says %q", street, err, p.Street)
			}
		})
	}
	godman, err := src.Person(ctx, demo(t, "god man").PNR)
	if err != nil {
		t.Fatal(err)
	}
	if lines := godman.AddressLines(); len(lines) != 4 || lines[1] != "c/o Ivar Förvaltarsson" {
		t.Errorf("god man address lines %q", lines)
	}
	box, err := src.Person(ctx, demo(t, "Särskild postadress").PNR)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(box.Street, "Box ") {
		t.Errorf("special postal address street %q", box.Street)
	}
}

func TestUnknownPerson(t *testing.T) {
	ctx := context.Background()
	src := mustOpen(t, mustSeed(t))
	const unknown = "198112189876" // valid, but nobody in the demo registers
	_, err := src.Person(ctx, unknown)
	if dsr.ErrorCode(err) != dsr.ENOTFOUND || dsr.ErrorMessage(err) != "The person is not in the population register." {
		t.Fatalf("Person: error %v, want ENOTFOUND", err)
	}
	if strings.Contains(err.Error(), unknown) || strings.Contains(err.Error(), unknown[2:8]) {
		t.Errorf("the error leaks the number: %v", err)
	}
	if _, err := src.Sections(ctx, unknown); dsr.ErrorCode(err) != dsr.ENOTFOUND {
		t.Errorf("Sections: error %v, want ENOTFOUND", err)
	}
	for _, bad := range []string{"", "811218-9876", "8112189876", "19811218987X"} {
		_, err := src.Person(ctx, bad)
		if dsr.ErrorCode(err) != dsr.EINVALID || dsr.ErrorField(err) != "pnr" {
			t.Errorf("Person(%q): error %v, want EINVALID on pnr", bad, err)
		}
	}
}

func TestSectionsCoverEveryRegister(t *testing.T) {
	ctx := context.Background()
	dir := mustSeed(t)
	src := mustOpen(t, dir)
	cat, err := LoadCatalogue(filepath.Join(dir, CatalogueFile))
	if err != nil {
		t.Fatal(err)
	}
	child := demo(t, "child")
	secs, err := src.Sections(ctx, child.PNR)
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
	src := mustOpen(t, mustSeed(t))
	asa := DemoPeople()[0]
	secs, err := src.Sections(ctx, asa.PNR)
	if err != nil {
		t.Fatal(err)
	}
	pop := section(t, secs, "folkbokforing")
	if want := [][]string{{"Åsa Testsson", "", "Testgatan 12", "113 46", "STOCKHOLM", "SE"}}; !reflect.DeepEqual(pop.Rows, want) {
		t.Errorf("population rows %q, want %q", pop.Rows, want)
	}
	dec := section(t, secs, "formansbeslut")
	if want := []string{"Sjukpenning", "2023-11-20", "2023-11-06", "2023-11-26", "1 010,00 kr", "Beviljad"}; !reflect.DeepEqual(dec.Rows[0], want) {
		t.Errorf("latest decision %q, want %q", dec.Rows[0], want)
	}
	pay := section(t, secs, "utbetalningar")
	// 21 days of sjukpenning in November 2023 at 1 010 kr a day, paid on 25 December.
	if want := []string{"2023-12-25", "Sjukpenning", "21 210,00 kr", "****4821"}; !reflect.DeepEqual(pay.Rows[0], want) {
		t.Errorf("latest payment %q, want %q", pay.Rows[0], want)
	}
	for i := 1; i < len(pay.Rows); i++ {
		if pay.Rows[i][0] > pay.Rows[i-1][0] {
			t.Fatalf("payments are not newest first at row %d", i)
		}
	}

	dag := demo(t, "Sekretessmarkering")
	secs, err = src.Sections(ctx, dag.PNR)
	if err != nil {
		t.Fatal(err)
	}
	refused := section(t, secs, "formansbeslut").Rows[0]
	if refused[2] != "" || refused[3] != "" || refused[4] != "" || !strings.HasPrefix(refused[5], "Avslag") {
		t.Errorf("a refusal without period or amount is shown as %q", refused)
	}
}

func TestSectionsHideProtectedAddress(t *testing.T) {
	ctx := context.Background()
	dir := mustSeed(t)

	// A careless operator adds a register that selects the address itself;
	// the address must still not appear.
	cat, err := LoadCatalogue(filepath.Join(dir, CatalogueFile))
	if err != nil {
		t.Fatal(err)
	}
	cat.Registers = append(cat.Registers, Entry{
		Register: dsr.Register{ID: "adresslogg", Name: dsr.Text{SV: "Adresslogg"}},
		Columns:  []Column{{Text: dsr.Text{SV: "Gata"}}, {Text: dsr.Text{SV: "Postnummer"}}, {Text: dsr.Text{SV: "Ort"}}, {Text: dsr.Text{SV: "Adress"}}},
		Query: `SELECT street, substr(postcode, 1, 3) || ' ' || substr(postcode, 4), town,
			street || ', ' || postcode || ' ' || town FROM population WHERE pnr = :pnr`,
	})
	src, err := Open(filepath.Join(dir, DatabaseFile), cat)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()

	var protected int
	for _, d := range DemoPeople() {
		p, err := src.Person(ctx, d.PNR)
		if err != nil {
			t.Fatal(err)
		}
		secs, err := src.Sections(ctx, d.PNR)
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
		if row := section(t, secs, "folkbokforing").Rows[0]; row[0] != p.Name || row[2] != "Skyddad adress" {
			t.Errorf("%s: population row %q, want the name and \"Skyddad adress\"", d.Name, row)
		}
		if row := section(t, secs, "adresslogg").Rows[0]; row[0] != "Skyddad adress" || row[3] != "Skyddad adress" {
			t.Errorf("%s: a register selecting the address shows %q", d.Name, row)
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
			b.WriteString(strings.Join(r, "\t"))
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
	src := mustOpen(t, mustSeed(t))
	p := demo(t, "Long history")
	start := time.Now()
	secs, err := src.Sections(ctx, p.PNR)
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
	src := mustOpen(t, mustSeed(t))
	p := demo(t, "LEFI")
	secs, err := src.Sections(ctx, p.PNR)
	if err != nil {
		t.Fatal(err)
	}
	lefi := section(t, secs, "lefi")
	if len(lefi.Rows) != 4 {
		t.Errorf("%d disclosures, want 4", len(lefi.Rows))
	}
	want := []dsr.Recipient{
		{Organisation: "Arbetsförmedlingen", OrgNumber: "202100-2114", Benefit: "Sjukpenning", Date: "2025-03-10", LegalBasis: "Uppgiftsskyldighet (10 kap. 28 § OSL)"},
		{Organisation: "Folksam ömsesidig sakförsäkring", OrgNumber: "502006-1585", Benefit: "Sjukpenning", Date: "2025-02-04", LegalBasis: "Samtycke från den försäkrade (12 kap. 2 § OSL)"},
		{Organisation: "Försäkringsaktiebolaget Skandia (publ)", OrgNumber: "502017-3083", Benefit: "Sjukpenning", Date: "2024-11-18", LegalBasis: "Samtycke från den försäkrade (12 kap. 2 § OSL)"},
		{Organisation: "Folksam ömsesidig sakförsäkring", OrgNumber: "502006-1585", Benefit: "Sjukpenning", Date: "2024-10-03", LegalBasis: "Samtycke från den försäkrade (12 kap. 2 § OSL)"},
	}
	if !reflect.DeepEqual(lefi.Recipients, want) {
		t.Errorf("recipients\n got %+v\nwant %+v", lefi.Recipients, want)
	}
	// Other registers are not disclosure logs and name no recipients; a
	// person without disclosures has an empty list.
	if r := section(t, secs, "utbetalningar").Recipients; r != nil {
		t.Errorf("payments name recipients %+v", r)
	}
	other, err := src.Sections(ctx, DemoPeople()[0].PNR)
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
	asa := DemoPeople()[0]

	rw, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, DatabaseFile)+"?_busy_timeout=5000")
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
	if _, err := rw.Exec(`INSERT INTO car_grants (pnr, granted_on, kind, amount) VALUES (?, '2020-05-04', 'Grundbidrag', 30000), (?, '2021-02-01', 'Anpassningsbidrag', 125500)`, asa.PNR, asa.PNR); err != nil {
		t.Fatal(err)
	}
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}

	var file map[string]any
	if err := json.Unmarshal(DefaultCatalogue(), &file); err != nil {
		t.Fatal(err)
	}
	file["registers"] = append(file["registers"].([]any), map[string]any{
		"id":                  "bilstod",
		"name":                map[string]string{"sv": "Bilstöd", "en": "Car allowance"},
		"purposes":            map[string]string{"sv": "Att handlägga bilstöd.", "en": "To handle car allowance."},
		"retention":           map[string]string{"sv": "Gallras enligt myndighetens gallringsbeslut."},
		"automated_decisions": map[string]string{"sv": "Inget automatiserat beslutsfattande."},
		"columns": []map[string]string{
			{"sv": "Beviljat", "en": "Granted on", "format": "date"},
			{"sv": "Bidrag", "en": "Grant"},
			{"sv": "Belopp", "en": "Amount", "format": "sek"},
		},
		"query": "SELECT granted_on, kind, amount FROM car_grants WHERE pnr = ? ORDER BY granted_on",
	})
	b, err := json.MarshalIndent(file, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, CatalogueFile), b, 0o600); err != nil {
		t.Fatal(err)
	}

	secs, err := mustOpen(t, dir).Sections(ctx, asa.PNR)
	if err != nil {
		t.Fatal(err)
	}
	last := secs[len(secs)-1]
	if last.Register.ID != "bilstod" || last.Register.Name.SV != "Bilstöd" || last.Register.Retention.SV == "" {
		t.Fatalf("last section is %+v, want the new register", last.Register)
	}
	want := [][]string{{"2020-05-04", "Grundbidrag", "30 000,00 kr"}, {"2021-02-01", "Anpassningsbidrag", "125 500,00 kr"}}
	if !reflect.DeepEqual(last.Rows, want) {
		t.Errorf("rows %q, want %q", last.Rows, want)
	}
	if last.Columns[2] != (dsr.Text{SV: "Belopp", EN: "Amount"}) {
		t.Errorf("columns %+v", last.Columns)
	}
}

func TestOpenChecksQueries(t *testing.T) {
	dir := mustSeed(t)
	db := filepath.Join(dir, DatabaseFile)
	entry := func(query string, cols int) Entry {
		e := Entry{Register: dsr.Register{ID: "prov", Name: dsr.Text{SV: "Prov"}}, Query: query}
		for range cols {
			e.Columns = append(e.Columns, Column{Text: dsr.Text{SV: "Kolumn"}})
		}
		return e
	}
	tests := []struct {
		name  string
		entry Entry
		want  string
	}{
		{"too few columns", entry(`SELECT paid_on, benefit FROM payments WHERE pnr = :pnr`, 3),
			`open source registers: register "prov": query returns 2 columns, but the register declares 3`},
		{"no such table", entry(`SELECT x FROM nosuch WHERE pnr = :pnr`, 1),
			`open source registers: register "prov": query: no such table: nosuch`},
		{"two positional parameters", entry(`SELECT paid_on FROM payments WHERE pnr = ? OR pnr = ?`, 1),
			`open source registers: register "prov": query: sql: expected 2 arguments, got 1`},
		{"writes", entry(`DELETE FROM payments WHERE pnr = :pnr RETURNING id`, 1),
			`open source registers: register "prov": query: attempt to write a readonly database`},
		{"recipients with the wrong shape", func() Entry {
			e := entry(`SELECT paid_on FROM payments WHERE pnr = :pnr`, 1)
			e.RecipientsQuery = `SELECT recipient FROM lefi_disclosures WHERE pnr = :pnr`
			return e
		}(), `open source registers: register "prov": recipients_query returns 1 columns, but the register declares 5`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := Open(db, &Catalogue{Registers: []Entry{tt.entry}})
			if err == nil {
				_ = src.Close()
				t.Fatal("no error")
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got %v\nwant %s", err, tt.want)
			}
		})
	}
	if _, err := Open(filepath.Join(dir, "nosuch.db"), &Catalogue{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing database: error %v", err)
	}
	if _, err := Open(db, nil); err == nil {
		t.Error("no catalogue: no error")
	}
}

func BenchmarkSectionsLongHistory(b *testing.B) {
	ctx := context.Background()
	src := mustOpen(b, mustSeed(b))
	var pnr string
	for _, p := range DemoPeople() {
		if strings.Contains(p.Note, "Long history") {
			pnr = p.PNR
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := src.Sections(ctx, pnr); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSeed(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	for b.Loop() {
		if err := Seed(ctx, dir); err != nil {
			b.Fatal(err)
		}
	}
}
