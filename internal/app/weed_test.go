package app

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"dsrdesk/internal/audit"
	"dsrdesk/internal/demodata"
	"dsrdesk/internal/dsr"
)

// TestBackgroundWeedingOnceADay: a request answered through the digital
// mailbox and one still open stay while the retention runs; the server's
// background job weeds once a calendar day, and two years and a day after
// the answer it takes the answered case with its extract and letter PDFs
// (the API answers 404 for them), keeps the open case, leaves the
// dashboard's open count as it was, and the audit trail verifies.
func TestBackgroundWeedingOnceADay(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	log := zerolog.Nop()
	p := person(t, func(p demodata.DemoPerson) bool {
		return p.DigitalMailbox && p.Protection == dsr.ProtectionNone && strings.Contains(p.Note, "LEFI")
	})
	subject := string(p.PNR)[2:8] + "-" + string(p.PNR)[8:]
	answered := e.createCase(subject, "letter", "2026-11-20")
	if st, raw := e.call("POST", "/api/v1/cases/"+answered.ID+"/extract", e.officer, nil, nil); st != http.StatusOK {
		t.Fatalf("extract: %d %s", st, raw)
	}
	if st, raw := e.call("POST", "/api/v1/cases/"+answered.ID+"/send", e.officer, nil, nil); st != http.StatusOK {
		t.Fatalf("send: %d %s", st, raw)
	}
	open := e.createCase(subject, "letter", "2026-11-23")
	openBefore, err := e.app.Store.OpenCounts(ctx, e.app.now())
	if err != nil {
		t.Fatal(err)
	}

	runs := func() int {
		t.Helper()
		events, err := e.app.Store.AuditEvents(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, ev := range events {
			if ev.Action == dsr.ActionWeedingRun {
				n++
			}
		}
		return n
	}
	// The loop comes round every few seconds: one run a day, the first.
	for range 3 {
		e.app.weedIfDue(ctx, log)
	}
	if n := runs(); n != 1 {
		t.Fatalf("%d weeding runs on the first day, want 1", n)
	}
	if st, _ := e.call("GET", "/api/v1/cases/"+answered.ID, e.officer, nil, nil); st != http.StatusOK {
		t.Fatalf("the answered case went before its time: %d", st)
	}

	e.advance(2*365*24*time.Hour + 48*time.Hour)
	for range 3 {
		e.app.weedIfDue(ctx, log)
	}
	if n := runs(); n != 2 {
		t.Fatalf("%d weeding runs after two years, want 2", n)
	}
	for _, path := range []string{"/api/v1/cases/" + answered.ID, "/api/v1/cases/" + answered.ID + "/extract.pdf"} {
		if st, _ := e.call("GET", path, e.officer, nil, nil); st != http.StatusNotFound {
			t.Errorf("GET %s after weeding: %d, want 404", path, st)
		}
	}
	if st, _ := e.call("GET", "/api/v1/cases/"+open.ID, e.officer, nil, nil); st != http.StatusOK {
		t.Errorf("the open case was weeded: %d", st)
	}
	openAfter, err := e.app.Store.OpenCounts(ctx, e.app.now())
	if err != nil {
		t.Fatal(err)
	}
	if openAfter.Total != openBefore.Total {
		t.Errorf("open cases on the dashboard: %d after weeding, %d before", openAfter.Total, openBefore.Total)
	}
	if n, err := audit.Verify(ctx, e.app.Store); err != nil || n == 0 {
		t.Fatalf("audit verify after weeding: %d, %v", n, err)
	}
}
