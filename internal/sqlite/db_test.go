package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"dsrdesk/internal/audit"
	"dsrdesk/internal/dsr"
)

var officer = dsr.Actor{Kind: "staff", ID: "u1", Role: dsr.RoleOfficer}

// mustOpen opens a store in a temporary file with a fixed clock.
func mustOpen(tb testing.TB) (*DB, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "dsrdesk.db")
	db, err := Open(context.Background(), path, Options{Now: func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) }})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db, path
}

func newCase(id string, received time.Time) *dsr.Case {
	return &dsr.Case{ID: id, Kinds: []dsr.Kind{dsr.KindAccess}, Status: dsr.StatusReceived, Channel: dsr.ChannelLetter,
		SubjectPNR: "198112189876", Language: "sv", ReceivedOn: received, TargetOn: received.AddDate(0, 1, 0), DueOn: received.AddDate(0, 1, 0)}
}

func TestMigrationsRunOnceAndReopen(t *testing.T) {
	db, path := mustOpen(t)
	v, err := db.SchemaVersion(context.Background())
	if err != nil || v < 1 {
		t.Fatalf("schema version %d, %v", v, err)
	}
	db.Close()
	again, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatalf("reopening a migrated store: %v", err)
	}
	defer again.Close()
	if v2, _ := again.SchemaVersion(context.Background()); v2 != v {
		t.Fatalf("version changed on reopen: %d → %d", v, v2)
	}
}

func TestCaseNumbersAreUniquePerYearUnderConcurrency(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[string]bool{}
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c := newCase(strings.Repeat("0", 7)+string(rune('a'+i%26))+string(rune('a'+i/26)), time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC))
			if _, err := db.CreateCase(ctx, c, "hmac", "", officer); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			seen[c.Number] = true
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	if len(seen) != 40 || !seen["DSR-2026-000001"] || !seen["DSR-2026-000040"] {
		t.Fatalf("numbers %v", seen)
	}
	c := newCase("next-year", time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC))
	if _, err := db.CreateCase(ctx, c, "hmac", "", officer); err != nil || c.Number != "DSR-2027-000001" {
		t.Fatalf("first case of 2027 numbered %q, %v", c.Number, err)
	}
}

func TestEveryCaseReadIsAuditedAndTheChainHolds(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	c := newCase("c1", time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
	if _, err := db.CreateCase(ctx, c, "hmac", "", officer); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, err := db.FindCase(ctx, "c1", officer); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.FindCase(ctx, "nope", officer); dsr.ErrorCode(err) != dsr.ENOTFOUND {
		t.Fatalf("unknown case: %v", err)
	}
	events, err := db.AuditEvents(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	reads := 0
	for _, e := range events {
		if e.Action == "case.read" && e.Actor == "staff:u1" {
			reads++
		}
	}
	if reads != 3 || events[0].Action != "case.received" {
		t.Fatalf("audit for c1: %+v", events)
	}
	all, _ := db.AuditEvents(ctx, "")
	if _, err := audit.Verify(all); err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.ExecContext(ctx, `UPDATE audit_events SET detail = 'x' WHERE seq = 1`); err == nil {
		t.Fatal("an audit entry could be changed")
	}
	if _, err := db.w.ExecContext(ctx, `DELETE FROM audit_events`); err == nil {
		t.Fatal("audit entries could be deleted")
	}
}

func TestPrepareLetterTwiceGivesOneLetter(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	c := newCase("c1", time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
	if _, err := db.CreateCase(ctx, c, "hmac", "", officer); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PrepareLetter(ctx, &dsr.Letter{ID: "l1", CaseID: "c1", MessageID: "m1"}, officer); dsr.ErrorCode(err) != dsr.ECONFLICT {
		t.Fatalf("a letter before the extract: %v", err)
	}
	if err := db.SaveExtract(ctx, "c1", []byte("%PDF-1.7 x"), dsr.ExtractSummary{Pages: 2, SHA256: "ab"}, officer); err != nil {
		t.Fatal(err)
	}
	first, err := db.PrepareLetter(ctx, &dsr.Letter{ID: "l1", CaseID: "c1", MessageID: "m1", AddressLines: []string{"Åsa"}, Postcode: "11346", Country: "SE"}, officer)
	if err != nil {
		t.Fatal(err)
	}
	// A retry after a crash prepares a new draft with new ids: it must get the first letter back.
	second, err := db.PrepareLetter(ctx, &dsr.Letter{ID: "l2", CaseID: "c1", MessageID: "m2"}, officer)
	if err != nil || second.ID != "l1" || second.MessageID != "m1" || first.Pages != 2 {
		t.Fatalf("second prepare = %+v, %v", second, err)
	}
	l, err := db.SettleLetter(ctx, "l1", dsr.DeliveryPostal, "", "not reachable", officer)
	if err != nil || l.Status != dsr.LetterQueued || l.Receipt != "l1" {
		t.Fatalf("settle = %+v, %v", l, err)
	}
	again, err := db.SettleLetter(ctx, "l1", dsr.DeliveryDigital, "tx", "", officer)
	if err != nil || again.Channel != dsr.DeliveryPostal {
		t.Fatalf("a settled letter changed: %+v, %v", again, err)
	}
	if err := db.SaveExtract(ctx, "c1", []byte("%PDF"), dsr.ExtractSummary{}, officer); dsr.ErrorCode(err) != dsr.ECONFLICT {
		t.Fatalf("re-assembling a sent case: %v", err)
	}
	b, err := db.CreateBatch(ctx, "b1", "ordinary", dsr.Actor{Kind: "staff", ID: "p", Role: dsr.RolePrint})
	if err != nil || len(b.Letters) != 1 {
		t.Fatalf("batch = %+v, %v", b, err)
	}
	if _, err := db.CreateBatch(ctx, "b2", "ordinary", officer); dsr.ErrorCode(err) != dsr.ECONFLICT {
		t.Fatalf("an empty batch: %v", err)
	}
	if bs, _ := db.Batches(ctx, 10); len(bs) != 1 {
		t.Fatalf("the refused batch was kept: %d batches", len(bs))
	}
}

func TestRequestKeyMakesCreateIdempotent(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	first := newCase("c1", time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
	if created, err := db.CreateCase(ctx, first, "hmac", "individual:p1:k1", officer); err != nil || !created {
		t.Fatalf("first: %t %v", created, err)
	}
	again := newCase("c2", time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
	created, err := db.CreateCase(ctx, again, "hmac", "individual:p1:k1", officer)
	if err != nil || created || again.ID != "c1" || again.Number != first.Number {
		t.Fatalf("repeat: created=%t case %s %s, %v", created, again.ID, again.Number, err)
	}
	other := newCase("c3", time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
	if created, err := db.CreateCase(ctx, other, "hmac", "individual:p1:k2", officer); err != nil || !created || other.Number == first.Number {
		t.Fatalf("another key: %t %v", created, err)
	}
	if _, total, _ := db.ListCases(ctx, dsr.CaseFilter{}, officer); total != 2 {
		t.Fatalf("%d cases, want 2", total)
	}
}
