package app

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"dsrdesk/internal/demodata"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
)

// apiBodyRoute is one /api/v1 call that takes a request body (routes.go),
// with the token of the role that makes it and the case it is made on.
type apiBodyRoute struct {
	method, path string // path with {access}, {erasure}, {mandate} and {item} for the cases the input makes
	token        func(*env) string
	contentType  string
}

// apiBodyRoutes are the calls of /api/v1 that read a body, in routes.go's
// order, each with the role that would make it. Calls that read no body but
// are POSTs get the body too: it must not matter to them.
var apiBodyRoutes = []apiBodyRoute{
	{"POST", "/api/v1/cases", officerToken, ""},
	{"POST", "/api/v1/cases/search", officerToken, ""},
	{"POST", "/api/v1/cases/{access}/notes", officerToken, ""},
	{"POST", "/api/v1/cases/{access}/extension", officerToken, ""},
	{"POST", "/api/v1/cases/{access}/assign", officerToken, ""},
	{"POST", "/api/v1/cases/{access}/identity", officerToken, ""},
	{"POST", "/api/v1/cases/{access}/identity/proof", officerToken, ""},
	{"PUT", "/api/v1/cases/{access}/scope", officerToken, ""},
	{"POST", "/api/v1/cases/{access}/withholdings", officerToken, ""},
	{"POST", "/api/v1/cases/{access}/outcome", officerToken, ""},
	{"POST", "/api/v1/cases/{access}/extract", officerToken, ""},
	{"POST", "/api/v1/cases/{access}/signoff", dpoToken, ""},
	{"POST", "/api/v1/cases/{access}/signoff/resubmit", officerToken, ""},
	{"POST", "/api/v1/cases/{access}/send", officerToken, ""},
	{"POST", "/api/v1/cases/{erasure}/items", officerToken, ""},
	{"POST", "/api/v1/cases/{erasure}/items/{item}/outcome", dpoToken, ""},
	{"POST", "/api/v1/cases/{erasure}/outcome", officerToken, ""},
	{"POST", "/api/v1/cases/{erasure}/execute", officerToken, ""},
	{"POST", "/api/v1/cases/{erasure}/restrictions/notice", officerToken, ""},
	{"POST", "/api/v1/cases/{erasure}/letters/lift_notice/send", officerToken, ""},
	{"POST", "/api/v1/cases/{erasure}/restrictions/lift", officerToken, ""},
	{"POST", "/api/v1/cases/{erasure}/evaluation", officerToken, ""}, // last: it replaces the items
	{"POST", "/api/v1/cases/{mandate}/mandate", officerToken, ""},
	{"POST", "/api/v1/print/batches", printToken, ""},
	{"POST", "/api/v1/print/status", printToken, "text/csv"},
	{"POST", "/api/v1/print/letters/0190a1b2-0000-7000-8000-00000000abcd/reprint", officerToken, ""},
}

func officerToken(e *env) string { return e.officer }
func dpoToken(e *env) string     { return e.dpo }
func printToken(e *env) string   { return e.printer }

// FuzzAPIBodies sends any body to every call of /api/v1 that takes one, with
// the right role's token, against one running dsrdesk (real HTTP, real
// SQLite, the demo data). Each input gets cases of its own to work on, made
// through the API: an access request, an evaluated erasure request and a
// request from a representative awaiting the mandate. Whatever the body,
// the answer is never a 5xx, a 4xx is a JSON error with a code (and its
// message and field show nothing shaped like an identity number), and a 2xx
// that says it is JSON is. After every input the store passes PRAGMA
// integrity_check and the audit chain verifies; at the end, too, and no
// identity number is in the log. The seed corpus
// (testdata/fuzz/FuzzAPIBodies) holds a valid body for each call and
// near-valid ones.
func FuzzAPIBodies(f *testing.F) {
	e := newEnv(f)
	demo := demodata.DemoPeople()
	// The access request is from someone with little data (each input
	// assembles an extract) and a digital mailbox (so that sending queues
	// no paper); the erasure is of the data that went to recipients; the
	// representative is a child's guardian, whose mandate the population
	// register proves.
	access := person(f, func(p demodata.DemoPerson) bool { return strings.HasPrefix(p.Name, "Åsa ") })
	erasure := person(f, func(p demodata.DemoPerson) bool { return strings.Contains(p.Note, "LEFI") })
	child := person(f, func(p demodata.DemoPerson) bool { return p.GuardianPNR != "" })
	var ran atomic.Int64 // inputs run in this process: `go test -fuzz` runs them in worker processes
	f.Cleanup(func() {
		storeIntact(f, e)
		if ran.Load() > 0 {
			e.checkAuditAndLogs() // the audit chain again, and no identity number in the log
		}
	})

	f.Fuzz(func(t *testing.T, body string) {
		ran.Add(1)
		ids := map[string]string{
			"{access}": createFor(t, e, map[string]any{"kinds": []string{"access"}, "subject": string(access.PNR), "channel": "letter", "received_on": "2026-11-20"}),
			"{erasure}": createFor(t, e, map[string]any{"kinds": []string{"erasure"}, "subject": string(erasure.PNR), "channel": "letter",
				"received_on": "2026-11-16", "grounds": []string{dsr.GroundConsentWithdrawn}}),
			"{mandate}": createFor(t, e, map[string]any{"kinds": []string{"access"}, "subject": string(child.PNR), "channel": "letter",
				"received_on": "2026-11-20", "representative": map[string]any{"role": "guardian", "name": "Vårdnadshavare", "pnr": string(child.GuardianPNR)}}),
		}
		var ev struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		if st, raw := send(t, e, "POST", "/api/v1/cases/"+ids["{erasure}"]+"/evaluation", e.officer, "", "", &ev); st != http.StatusOK {
			t.Fatalf("evaluate the erasure: %d %s", st, raw)
		}
		ids["{item}"] = "none" // once every item has been erased by earlier inputs
		if len(ev.Items) > 0 {
			ids["{item}"] = ev.Items[0].ID
		}

		for _, r := range apiBodyRoutes {
			path := r.path
			for k, v := range ids {
				path = strings.ReplaceAll(path, k, v)
			}
			ct := r.contentType
			if ct == "" {
				ct = "application/json"
			}
			st, raw := send(t, e, r.method, path, r.token(e), ct, body, nil)
			checkAPIAnswer(t, r.method+" "+r.path, st, raw, demo)
		}
		// After every input, so that the input that breaks the store is the
		// one reported.
		storeIntact(t, e)
	})
}

// createFor registers a case through the API and returns its id.
func createFor(t *testing.T, e *env, body map[string]any) string {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	var c caseResp
	if st, raw := send(t, e, "POST", "/api/v1/cases", e.officer, "application/json", string(b), &c); st != http.StatusCreated {
		t.Fatalf("register a case: %d %s", st, raw)
	}
	return c.ID
}

// send makes one API call with a raw body ("" for none) and decodes a 2xx
// JSON answer into out when out is not nil. Unlike env.call it reports
// through the fuzz target's own t.
func send(t *testing.T, e *env, method, path, token, contentType, body string, out any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode < 300 && strings.HasPrefix(ct, "application/json") && !json.Valid(raw) {
		t.Fatalf("%s %s: %d with a body that is not JSON: %q", method, path, resp.StatusCode, raw)
	}
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, raw, err)
		}
	}
	if resp.StatusCode >= 400 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("%s %s: %d with Content-Type %q, want a JSON error: %q", method, path, resp.StatusCode, resp.Header.Get("Content-Type"), raw)
	}
	return resp.StatusCode, raw
}

// checkAPIAnswer checks the answer to a fuzzed body: never a 5xx, and a
// 4xx is a JSON error with a code that shows no identity number.
func checkAPIAnswer(t *testing.T, call string, status int, raw []byte, demo []demodata.DemoPerson) {
	t.Helper()
	if status >= 500 {
		t.Fatalf("%s: %d %s", call, status, raw)
	}
	if status < 400 {
		return
	}
	var er errResp
	if err := json.Unmarshal(raw, &er); err != nil || er.Error.Code == "" || er.Error.Message == "" {
		t.Fatalf("%s: %d with %q, want {\"error\":{\"code\",\"message\"}}", call, status, raw)
	}
	if pnr.LooksLike(er.Error.Message) || pnr.LooksLike(er.Error.Field) {
		t.Fatalf("%s: %d: the error shows something shaped like an identity number: %q", call, status, raw)
	}
	for _, p := range demo {
		if strings.Contains(string(raw), string(p.PNR)[2:]) {
			t.Fatalf("%s: %d: the error shows a demo person's identity number", call, status)
		}
	}
}

// storeIntact checks that the case store is sound: PRAGMA integrity_check
// on the file, and the audit trail's hash chain.
func storeIntact(tb testing.TB, e *env) {
	tb.Helper()
	ctx := context.Background()
	db, err := sql.Open("sqlite3", "file:"+e.app.Config.CaseStorePath()+"?mode=ro")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		tb.Fatalf("integrity_check: %q %v", check, err)
	}
	events, err := e.app.Store.AuditEvents(ctx, "")
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := dsr.VerifyChain(events); err != nil {
		tb.Fatalf("audit chain: %v", err)
	}
}
