package app

import (
	"context"
	"net/http"
	"testing"
	"time"

	"dsrdesk/internal/dsr"
)

type lettersResp struct {
	Letters []struct {
		ID      string `json:"id"`
		Kind    string `json:"kind"`
		Channel string `json:"channel"`
		Status  string `json:"status"`
		Tries   int    `json:"tries"`
		Attempt int    `json:"attempt"`
		History []struct {
			Status  string `json:"status"`
			Channel string `json:"channel"`
			Detail  string `json:"detail"`
		} `json:"history"`
	} `json:"letters"`
}

// TestOutboxRetriesAndFallsBack: an answer whose digital delivery fails
// waits in the outbox and is retried with backoff by the background run,
// with the same message id, and is delivered once; an answer whose
// delivery keeps failing goes on paper after the last try. The letters'
// history shows each step, and the audit trail verifies.
func TestOutboxRetriesAndFallsBack(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	p := person(t, deskPerson)

	answer := func(c caseResp) {
		t.Helper()
		if st, raw := e.call("POST", "/api/v1/cases/"+c.ID+"/extract", e.officer, nil, nil); st != http.StatusOK {
			t.Fatalf("assemble: %d %s", st, raw)
		}
	}
	letters := func(c caseResp) lettersResp {
		t.Helper()
		var out lettersResp
		if st, raw := e.call("GET", "/api/v1/cases/"+c.ID+"/letters", e.officer, nil, &out); st != http.StatusOK || len(out.Letters) != 1 {
			t.Fatalf("letters: %d %s", st, raw)
		}
		return out
	}

	// The operator is down at the first try: the letter waits, routed.
	first := e.createCase(string(p.PNR), "letter", "2026-11-20")
	answer(first)
	e.sim.FailNext(100)
	var sent struct{ Channel, Status string }
	if st, raw := e.call("POST", "/api/v1/cases/"+first.ID+"/send", e.officer, nil, &sent); st != http.StatusOK || sent.Status != "sending" || sent.Channel != "digital_mailbox" {
		t.Fatalf("send while the operator is down: %d %s", st, raw)
	}
	if l := letters(first).Letters[0]; l.Status != "sending" || l.Tries != 1 {
		t.Fatalf("after a failed try: %+v", l)
	}
	if n, err := e.app.Delivery.RunOutbox(ctx, 100); err != nil || n != 0 {
		t.Fatalf("the outbox tried again before the backoff: %d %v", n, err)
	}
	e.sim.FailNext(0)
	e.advance(time.Minute)
	if n, err := e.app.Delivery.RunOutbox(ctx, 100); err != nil || n != 1 {
		t.Fatalf("the outbox's retry: %d %v", n, err)
	}
	l := letters(first).Letters[0]
	if l.Status != "delivered" || len(e.sim.Delivered()) != 1 {
		t.Fatalf("after the retry: %+v, %d deliveries", l, len(e.sim.Delivered()))
	}
	// Written, routed (the first try), the first try failed, the second
	// try started, delivered.
	steps := []string{}
	for _, h := range l.History {
		steps = append(steps, h.Status)
	}
	if len(steps) != 5 || steps[0] != "pending" || steps[1] != "sending" || steps[2] != "sending" || steps[3] != "sending" || steps[4] != "delivered" {
		t.Fatalf("the letter's history: %v", steps)
	}
	if st, _ := e.call("GET", "/api/v1/cases/"+first.ID, e.officer, nil, &first); st != 200 || first.Status != "sent" {
		t.Fatalf("the case after delivery: %s", first.Status)
	}
	// Nothing left to do, and nothing delivered twice.
	e.advance(time.Hour)
	if n, _ := e.app.Delivery.RunOutbox(ctx, 100); n != 0 || len(e.sim.Delivered()) != 1 {
		t.Fatalf("a second run delivered again: %d, %d deliveries", n, len(e.sim.Delivered()))
	}

	// The operator stays down: after the last try the letter goes on paper.
	second := e.createCase(string(p.PNR), "phone", "2026-11-20")
	answer(second)
	e.sim.FailNext(1000)
	e.call("POST", "/api/v1/cases/"+second.ID+"/send", e.officer, nil, nil)
	for i := 0; i < 10 && letters(second).Letters[0].Status == "sending"; i++ {
		e.advance(time.Hour)
		if _, err := e.app.Delivery.RunOutbox(ctx, 100); err != nil {
			t.Fatal(err)
		}
	}
	e.sim.FailNext(0)
	l = letters(second).Letters[0]
	if l.Status != "queued" || l.Channel != "postal" || l.Tries != 5 || len(e.sim.Delivered()) != 1 {
		t.Fatalf("after the last failed try: %+v, %d deliveries", l, len(e.sim.Delivered()))
	}
	if last := l.History[len(l.History)-1]; last.Status != "queued" || last.Channel != "postal" {
		t.Fatalf("the history's last step: %+v", last)
	}
	if st, _ := e.call("GET", "/api/v1/cases/"+second.ID, e.officer, nil, &second); st != 200 || second.Status != "sent" {
		t.Fatalf("the case after the fallback: %s", second.Status)
	}
	// The print operator may not read a case's letters; an unknown case is 404.
	if st, _ := e.call("GET", "/api/v1/cases/"+second.ID+"/letters", e.printer, nil, nil); st != http.StatusForbidden {
		t.Fatalf("print operator reads letters: %d", st)
	}
	if st, _ := e.call("GET", "/api/v1/cases/00000000-0000-0000-0000-000000000000/letters", e.officer, nil, nil); st != http.StatusNotFound {
		t.Fatalf("unknown case: %d", st)
	}
	events, _ := e.app.Store.AuditEvents(ctx, "")
	if _, err := dsr.VerifyChain(events); err != nil {
		t.Fatal(err)
	}
}
