package sqlitesource

import (
	"context"
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
	if p != want {
		t.Errorf("Person = %+v, want %+v", p, want)
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
	want := []dsr.Value{dsr.CodeValue("Sjukpenning"), day(2023, 11, 20), day(2023, 11, 6), day(2023, 11, 26), dsr.AmountValue(101000), dsr.TextValue("Beviljad")}
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
