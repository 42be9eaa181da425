package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"dsrdesk/internal/pnr"
)

// TestDemoNumbersAreValidTestNumbers checks that every identity number the
// load sends passes dsrdesk's own parser, is a test number (serial 98x) and
// is sent only once in a run of 20,000 cases.
func TestDemoNumbersAreValidTestNumbers(t *testing.T) {
	today := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	seen := map[string]bool{}
	for _, s := range demoNumbers(20000) {
		p, err := pnr.Parse(s, today)
		if err != nil {
			t.Fatalf("the load would send an invalid number %s: %v", s, err)
		}
		if p.Display() != s {
			t.Errorf("%s displays as %s", s, p.Display())
		}
		if !strings.HasPrefix(s[9:], "98") {
			t.Errorf("%s does not use a 98x test serial", s)
		}
		if seen[s] {
			t.Errorf("%s is sent twice", s)
		}
		seen[s] = true
	}
}

// TestLoadCountsErrorsAndLatency loads a real HTTP server that refuses every
// fifth request and checks what the report would show: the created cases,
// the refusals by status, and latencies for both.
func TestLoadCountsErrorsAndLatency(t *testing.T) {
	var n, authorized atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/api/v1/cases" {
			http.NotFound(w, r)
			return
		}
		if r.Header.Get("Authorization") == "Bearer tok" {
			authorized.Add(1)
		}
		if n.Add(1)%5 == 0 {
			http.Error(w, `{"error":"busy"}`, http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{"id":"x"}`)
	}))
	defer srv.Close()

	r := load(context.Background(), srv.URL, "tok", demoNumbers(100), "2026-11-23", 4, 300*time.Millisecond)
	if r.ok == 0 {
		t.Fatal("no request counted as created")
	}
	refused := r.errors["HTTP 503"]
	if refused == 0 || r.errorCount() != refused {
		t.Fatalf("errors = %v, want only HTTP 503", r.errors)
	}
	if len(r.latencies) != r.ok+refused {
		t.Errorf("%d latencies for %d answers", len(r.latencies), r.ok+refused)
	}
	if int(authorized.Load()) < r.ok+refused {
		t.Errorf("only %d of %d requests carried the bearer token", authorized.Load(), r.ok+refused)
	}
	var out strings.Builder
	if met := report(&out, r, r, options{goalRatio: 0.5, goalP99: time.Minute}); met {
		t.Errorf("a run with errors was reported as meeting the goal:\n%s", out.String())
	}
	if !strings.Contains(out.String(), `error "HTTP 503"`) || !strings.Contains(out.String(), "MISSED") {
		t.Errorf("report does not show the refusals:\n%s", out.String())
	}
}
