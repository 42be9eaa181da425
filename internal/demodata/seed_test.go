package demodata

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"dsrdesk/internal/catalogue"
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

// dumpQueries read every table of the source database in a fixed order.
var dumpQueries = []string{
	`SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name`,
	`SELECT pnr, name, care_of, street, postcode, town, country, protection,
		special_care_of, special_street, special_postcode, special_town, special_country FROM population ORDER BY pnr`,
	`SELECT id, pnr, benefit, decided_on, period_from, period_to, amount_per_day, decision FROM benefit_decisions ORDER BY id`,
	`SELECT id, pnr, paid_on, benefit, amount_sek, account_masked FROM payments ORDER BY id`,
	`SELECT id, pnr, contacted_on, channel, subject FROM contacts ORDER BY id`,
	`SELECT id, pnr, disclosed_on, recipient, recipient_org_no, benefit, legal_basis, purpose FROM lefi_disclosures ORDER BY id`,
	`SELECT id, pnr, decided_on, period_from, period_to, allowance_sek, own_income_sek, cohabitant_income_sek, decision FROM housing_allowance ORDER BY id`,
	`SELECT id, pnr, received_on, doc_type, benefit, case_ref, sender FROM case_documents ORDER BY id`,
	`SELECT id, pnr, case_date, benefit, role, concerns, applicant_name FROM case_parties ORDER BY id`,
}

// dump returns the whole seeded database in dir as text, one line a row.
func dump(t *testing.T, dir string) string {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, DatabaseFile)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var b strings.Builder
	for _, q := range dumpQueries {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, "%v\t", v)
			}
			b.WriteByte('\n')
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		_ = rows.Close()
	}
	return b.String()
}

func TestSeedTwice(t *testing.T) {
	ctx := context.Background()
	dir := mustSeed(t)
	catPath := filepath.Join(dir, CatalogueFile)
	got, err := os.ReadFile(catPath)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(catalogue.Default()) {
		t.Error("registers.json is not the default catalogue")
	}

	// The operator's catalogue survives a reseed.
	edited := append([]byte(" "), got...)
	if err := os.WriteFile(catPath, edited, 0o600); err != nil {
		t.Fatal(err)
	}
	first := dump(t, dir)
	if err := Seed(ctx, dir); err != nil {
		t.Fatalf("second seed: %v", err)
	}
	if got, _ := os.ReadFile(catPath); string(got) != string(edited) {
		t.Error("reseeding overwrote the operator's registers.json")
	}
	if second := dump(t, dir); first != second {
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
	slices.Sort(names)
	if want := []string{DatabaseFile, CatalogueFile}; !slices.Equal(names, want) {
		t.Errorf("data folder holds %v, want only %v (no temporary files)", names, want)
	}
}

func TestSeedIsDeterministic(t *testing.T) {
	a, b := dump(t, mustSeed(t)), dump(t, mustSeed(t))
	if a != b {
		t.Error("two seeds gave different data")
	}
	for _, p := range DemoPeople() {
		if !strings.Contains(a, string(p.PNR)+"\t"+p.Name+"\t") {
			t.Errorf("%s is not in the population register", p.Name)
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
