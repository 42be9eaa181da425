package sqlite

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"dsrdesk/internal/dsr"
)

// New cases that arrive together are committed together (group.go), and
// each is still a case of its own: one whose statements fail — here a case
// id that is taken — is refused with its error while the cases beside it
// are stored; a request key sent twice in the same moment gives one case;
// every stored case has its own number and audit entry, and the chain
// holds. A request that is gone before its turn is not stored.
func TestNewCasesArrivingTogether(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	on := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	taken := newCase("taken", on)
	if _, err := db.CreateCase(ctx, taken, "hmac", "", "", received(taken)); err != nil {
		t.Fatal(err)
	}
	const n = 120
	errs := make([]error, n)
	created := make([]bool, n)
	cases := make([]*dsr.Case, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		id, key := fmt.Sprintf("case-%03d", i), ""
		switch {
		case i == 37:
			id = "taken"
		case i == 50 || i == 51:
			key = "the-same-request"
		}
		cases[i] = newCase(id, on)
		wg.Go(func() {
			<-start
			created[i], errs[i] = db.CreateCase(ctx, cases[i], "hmac", "", key, received(cases[i]))
		})
	}
	close(start)
	wg.Wait()

	numbers := map[string]bool{taken.Number: true}
	for i := range n {
		switch {
		case i == 37:
			if errs[i] == nil || created[i] {
				t.Errorf("a case with a taken id was stored: %v", errs[i])
			}
			continue
		case errs[i] != nil:
			t.Errorf("case %d: %v", i, errs[i])
			continue
		}
		if !created[i] {
			continue // the second of the two with one request key
		}
		if numbers[cases[i].Number] {
			t.Errorf("number %s given twice", cases[i].Number)
		}
		numbers[cases[i].Number] = true
	}
	if created[50] == created[51] || cases[50].ID != cases[51].ID && cases[50].Number != cases[51].Number {
		t.Errorf("one request key sent twice at once: created %t and %t, numbers %s and %s", created[50], created[51], cases[50].Number, cases[51].Number)
	}
	var stored int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM cases`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	// n new ones, less the refused one and the repeat, plus the first.
	if want := n - 2 + 1; stored != want || len(numbers) != want {
		t.Errorf("%d cases stored with %d numbers, want %d", stored, len(numbers), want)
	}
	all, err := db.AuditEvents(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	received := 0
	for _, e := range all {
		if e.Action == dsr.ActionCaseReceived {
			received++
		}
	}
	if received != stored {
		t.Errorf("%d receipts in the audit trail for %d cases", received, stored)
	}
	if _, err := dsr.VerifyChain(all); err != nil {
		t.Fatal(err)
	}

	gone, cancel := context.WithCancel(ctx)
	cancel()
	late := newCase("late", on)
	if _, err := db.CreateCase(gone, late, "hmac", "", "", dsr.Event(officer, dsr.ActionCaseReceived, late.ID, "")); err == nil {
		t.Error("a request that was gone was stored")
	}
	if _, err := db.Case(ctx, "late"); dsr.ErrorCode(err) != dsr.ENOTFOUND {
		t.Errorf("the gone request's case: %v, want not found", err)
	}
}
