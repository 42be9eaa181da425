package sqlite

import (
	"context"
	"testing"
	"time"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
)

// TestCasesOfAPersonAndTheirRepresentative: a person's own cases and those
// they made as a representative are found by the look-up hash, nobody
// else's; cases stored before migration 0011 get their representative's
// hash when the store is told how to make it.
func TestCasesOfAPersonAndTheirRepresentative(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	day := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	own := newCase("00000000-0000-0000-0000-000000000001", day)
	forChild := newCase("00000000-0000-0000-0000-000000000002", day.AddDate(0, 0, 1))
	forChild.Representative = &dsr.Representative{Role: dsr.RoleGuardian, Name: "Åsa", PNR: "198112189876"}
	other := newCase("00000000-0000-0000-0000-000000000003", day)
	old := newCase("00000000-0000-0000-0000-000000000004", day.AddDate(0, 0, 2))
	old.Representative = &dsr.Representative{Role: "god_man", Name: "Ivar", PNR: "198112189876"}
	noNumber := newCase("00000000-0000-0000-0000-000000000005", day)
	noNumber.Representative = &dsr.Representative{Role: "fullmakt", Name: "Advokat"}
	for _, c := range []struct {
		c        *dsr.Case
		sub, rep string
	}{{own, "asa", ""}, {forChild, "filip", "asa"}, {other, "bertil", ""}, {old, "hanna", "asa"}, {noNumber, "cecilia", ""}} {
		if _, err := db.CreateCase(ctx, c.c, c.sub, c.rep, "", received(c.c)); err != nil {
			t.Fatal(err)
		}
	}
	// As a store from before migration 0011 left them.
	if _, err := db.w.ExecContext(ctx, `UPDATE cases SET representative_hmac = NULL WHERE id IN (?, ?)`, old.ID, noNumber.ID); err != nil {
		t.Fatal(err)
	}
	ids := func(h string) []string {
		t.Helper()
		cs, err := db.CasesOf(ctx, h)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range cs {
			out = append(out, c.ID[len(c.ID)-1:])
		}
		return out
	}
	if got := ids("asa"); len(got) != 2 || got[0] != "2" || got[1] != "1" {
		t.Fatalf("Åsa's cases before the fill: %v", got)
	}
	n, err := db.FillRepresentativeHMACs(ctx, func(p pnr.PNR) string {
		if p == "198112189876" {
			return "asa"
		}
		return "?"
	})
	if err != nil || n != 2 {
		t.Fatalf("filled %d: %v", n, err)
	}
	if got := ids("asa"); len(got) != 3 || got[0] != "4" || got[1] != "2" || got[2] != "1" {
		t.Fatalf("Åsa's cases, the newest first: %v", got)
	}
	if n, err := db.FillRepresentativeHMACs(ctx, func(pnr.PNR) string { return "x" }); err != nil || n != 0 {
		t.Fatalf("a second fill found %d: %v", n, err)
	}
	if got := ids("bertil"); len(got) != 1 || got[0] != "3" {
		t.Fatalf("Bertil's cases: %v", got)
	}
}
