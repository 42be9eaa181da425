package app

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"dsrdesk/internal/demodata"
	"dsrdesk/internal/dsr"
)

// scrape reads url+"/metrics" with token (if any) and extra headers; it
// returns the status, the raw body and, for a 200, every sample by its
// name and labels as written (`name{a="b"}`).
func scrape(t *testing.T, url, token string, header map[string]string) (int, string, map[string]float64) {
	t.Helper()
	req, err := http.NewRequest("GET", url+"/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, string(raw), nil
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("/metrics answered %q, not the Prometheus text format", ct)
	}
	samples := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(string(raw)))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("sample %q: %v", line, err)
		}
		samples[line[:i]] = v
	}
	return resp.StatusCode, string(raw), samples
}

// sample returns one sample, failing the test when it is missing.
func sample(t *testing.T, samples map[string]float64, key string) float64 {
	t.Helper()
	v, ok := samples[key]
	if !ok {
		t.Fatalf("/metrics has no %s", key)
	}
	return v
}

// apiTotal is the "total" of GET /api/v1/cases with query q.
func (e *env) apiTotal(q string) float64 {
	e.t.Helper()
	var page struct {
		Total int `json:"total"`
	}
	if st, raw := e.call("GET", "/api/v1/cases?"+q, e.officer, nil, &page); st != http.StatusOK {
		e.t.Fatalf("list %s: %d %s", q, st, raw)
	}
	return float64(page.Total)
}

// TestMetrics: after cases, letters, a print batch and requests of every
// kind, /metrics read from loopback counts the requests by route template
// and status with their latency, tells the cases by status, the overdue
// and the closed ones as the API counts them, the outbox's depth and the
// print queues and batches; no identity number or case id is in it.
func TestMetrics(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	paper := person(t, func(p demodata.DemoPerson) bool {
		return !p.DigitalMailbox && p.Protection == dsr.ProtectionNone && strings.Contains(p.Note, "print batch")
	})
	prot := person(t, func(p demodata.DemoPerson) bool { return !p.DigitalMailbox && p.Protection == dsr.ProtectionProtected })
	late := e.createCase(string(paper.PNR), "letter", "2026-08-03") // its month ran out in September
	fresh := e.createCase(string(paper.PNR), "letter", "2026-11-23")
	sent, ch := e.sendToPaper(string(paper.PNR))
	if ch != string(dsr.DeliveryPostal) {
		t.Fatalf("the paper letter went %s", ch)
	}
	if _, ch := e.sendToPaper(string(prot.PNR)); ch != string(dsr.DeliveryProtected) {
		t.Fatalf("the protected letter went %s", ch)
	}
	// A digital answer while the mailbox operator is down waits, sending.
	digital := e.createCase(string(person(t, deskPerson).PNR), "letter", "2026-11-20")
	if st, raw := e.call("POST", "/api/v1/cases/"+digital.ID+"/extract", e.officer, nil, nil); st != http.StatusOK {
		t.Fatalf("assemble: %d %s", st, raw)
	}
	e.sim.FailNext(100)
	var routed struct{ Status string }
	if st, raw := e.call("POST", "/api/v1/cases/"+digital.ID+"/send", e.officer, nil, &routed); st != http.StatusOK || routed.Status != "sending" {
		t.Fatalf("send while the operator is down: %d %s", st, raw)
	}
	e.sim.FailNext(0)

	_, before, s := scrape(t, e.srv.URL, "", nil)
	got200 := s[`dsrdesk_http_requests_total{method="GET",route="/api/v1/cases/:id",status="200"}`]
	observed := s[`dsrdesk_http_request_duration_seconds_count{method="GET",route="/api/v1/cases/:id"}`]
	// Every letter waits in the print queue of its route until a batch takes it.
	if q := sample(t, s, `dsrdesk_print_queued_letters{route="ordinary"}`); q != 1 {
		t.Errorf("ordinary print queue: %v, want 1", q)
	}
	if q := sample(t, s, `dsrdesk_print_queued_letters{route="protected"}`); q != 1 {
		t.Errorf("protected print queue: %v, want 1", q)
	}
	if b := sample(t, s, `dsrdesk_print_batches{route="ordinary"}`); b != 0 {
		t.Errorf("ordinary batches before any: %v", b)
	}
	if !strings.Contains(before, "# TYPE dsrdesk_http_request_duration_seconds histogram") {
		t.Error("no request-latency histogram")
	}

	// Requests whose URLs carry case ids and an identity number.
	for _, id := range []string{late.ID, fresh.ID, sent.ID} {
		if st, raw := e.call("GET", "/api/v1/cases/"+id, e.officer, nil, nil); st != http.StatusOK {
			t.Fatalf("get case: %d %s", st, raw)
		}
	}
	if st, _ := e.call("GET", "/api/v1/cases/"+late.ID, e.printer, nil, nil); st != http.StatusForbidden {
		t.Fatalf("the print operator read a case: %d", st)
	}
	if st, _ := e.call("GET", "/sok/"+string(paper.PNR), "", nil, nil); st != http.StatusNotFound {
		t.Fatalf("an unknown page: %d", st)
	}
	if st, _ := e.call("GET", "/api/v1/cases?queue=overdue&subject="+string(prot.PNR), e.officer, nil, nil); st != http.StatusOK {
		t.Fatalf("list with a query: %d", st)
	}

	var batch struct {
		Letters int `json:"letters"`
	}
	if st, raw := e.call("POST", "/api/v1/print/batches", e.printer, nil, &batch); st != http.StatusCreated || batch.Letters != 1 {
		t.Fatalf("batch: %d %s", st, raw)
	}

	st, body, s := scrape(t, e.srv.URL, "", nil)
	if st != http.StatusOK {
		t.Fatalf("/metrics from loopback: %d %s", st, body)
	}
	// Requests by route template and status, with their latency.
	if n := sample(t, s, `dsrdesk_http_requests_total{method="GET",route="/api/v1/cases/:id",status="200"}`); n != got200+3 {
		t.Errorf("GET /api/v1/cases/:id 200: %v, want %v", n, got200+3)
	}
	if n := sample(t, s, `dsrdesk_http_requests_total{method="GET",route="/api/v1/cases/:id",status="403"}`); n != 1 {
		t.Errorf("GET /api/v1/cases/:id 403: %v, want 1", n)
	}
	if n := sample(t, s, `dsrdesk_http_requests_total{method="GET",route="unmatched",status="404"}`); n != 1 {
		t.Errorf("unmatched 404: %v, want 1", n)
	}
	if n := sample(t, s, `dsrdesk_http_requests_total{method="POST",route="/api/v1/print/batches",status="201"}`); n != 1 {
		t.Errorf("POST /api/v1/print/batches 201: %v, want 1", n)
	}
	if n := sample(t, s, `dsrdesk_http_request_duration_seconds_count{method="GET",route="/api/v1/cases/:id"}`); n != observed+4 {
		t.Errorf("latency observations of GET /api/v1/cases/:id: %v, want %v", n, observed+4)
	}
	if n := sample(t, s, `dsrdesk_http_request_duration_seconds_bucket{method="GET",route="/api/v1/cases/:id",le="+Inf"}`); n != observed+4 {
		t.Errorf("the +Inf bucket of GET /api/v1/cases/:id: %v, want %v", n, observed+4)
	}
	if sample(t, s, `dsrdesk_http_request_duration_seconds_sum{method="GET",route="/api/v1/cases/:id"}`) <= 0 {
		t.Error("no time spent on GET /api/v1/cases/:id")
	}

	// Cases as the API counts them.
	var open float64
	for _, st := range dsr.Statuses {
		if st != dsr.StatusClosed {
			open += sample(t, s, `dsrdesk_cases_open{status="`+string(st)+`"}`)
		}
	}
	if want := e.apiTotal("queue=open"); open != want {
		t.Errorf("open cases: %v in /metrics, %v in the API", open, want)
	}
	if got, want := sample(t, s, `dsrdesk_cases_open{status="received"}`), e.apiTotal("status=received"); got != want || got < 2 {
		t.Errorf("received cases: %v in /metrics, %v in the API", got, want)
	}
	if got, want := sample(t, s, `dsrdesk_cases_overdue`), e.apiTotal("queue=overdue"); got != want || got < 1 {
		t.Errorf("overdue cases: %v in /metrics, %v in the API", got, want)
	}
	if got, want := sample(t, s, `dsrdesk_cases_closed`), e.apiTotal("queue=closed"); got != want {
		t.Errorf("closed cases: %v in /metrics, %v in the API", got, want)
	}
	if got, want := sample(t, s, `dsrdesk_cases_due_soon`), e.apiTotal("queue=due_soon"); got != want {
		t.Errorf("cases due soon: %v in /metrics, %v in the API", got, want)
	}

	// The outbox and the print route: the batch took the ordinary letter.
	depth, err := e.app.Store.OutboxDepth(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	pending := 0
	for _, n := range depth[dsr.LetterPending] {
		pending += n
	}
	if got := sample(t, s, `dsrdesk_outbox_pending_letters`); got != float64(pending) {
		t.Errorf("pending letters: %v, the store holds %d", got, pending)
	}
	if got := sample(t, s, `dsrdesk_outbox_sending_letters`); got != 1 {
		t.Errorf("letters sending: %v, want 1", got)
	}
	for route, want := range map[string]float64{"ordinary": 0, "protected": 1} {
		if q := sample(t, s, `dsrdesk_print_queued_letters{route="`+route+`"}`); q != want {
			t.Errorf("%s print queue after the batch: %v, want %v", route, q, want)
		}
	}
	if b := sample(t, s, `dsrdesk_print_batches{route="ordinary"}`); b != 1 {
		t.Errorf("ordinary batches: %v, want 1", b)
	}
	if n := sample(t, s, `dsrdesk_print_latest_batch_letters{route="ordinary"}`); n != 1 {
		t.Errorf("letters in the newest ordinary batch: %v, want 1", n)
	}
	if n := sample(t, s, `dsrdesk_print_latest_batch_letters{route="protected"}`); n != 0 {
		t.Errorf("letters in the newest protected batch (none made): %v", n)
	}

	// Nothing that names a person or a case.
	for _, out := range []string{before, body} {
		if containsPNR(out) {
			t.Error("/metrics holds an identity number")
		}
		for _, c := range []caseResp{late, fresh, sent, digital} {
			if strings.Contains(out, c.ID) || strings.Contains(out, c.Number) {
				t.Errorf("/metrics names case %s", c.Number)
			}
		}
	}
}

// TestMetricsAccess: from an address outside DSRDESK_METRICS_ALLOW,
// /metrics answers 403 without a token, with a case officer's, a print
// operator's or an unknown token, and with a forged X-Forwarded-For; an
// administrator's or a data-protection officer's token reads it.
func TestMetricsAccess(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	env := map[string]string{"DSRDESK_METRICS_ALLOW": "10.0.0.0/8, 192.0.2.7"}
	cfg, err := e.app.Config.FromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.MetricsAllow) != 2 {
		t.Fatalf("DSRDESK_METRICS_ALLOW read as %v", cfg.MetricsAllow)
	}
	// A second dsrdesk over the same data folder, listening on loopback,
	// which the allowlist leaves out.
	other, err := New(ctx, cfg, zerolog.Nop(), func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	srv := httptest.NewServer(other.Handler)
	t.Cleanup(srv.Close)

	users := DemoUsers()
	admin, err := e.app.Auth.CreateToken(ctx, users[3].Email, dsr.SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		who, token string
		header     map[string]string
		want       int
	}{
		{"no token", "", nil, http.StatusForbidden},
		{"a forged X-Forwarded-For", "", map[string]string{"X-Forwarded-For": "10.1.2.3", "X-Real-IP": "10.1.2.3"}, http.StatusForbidden},
		{"an unknown token", "not-a-token", nil, http.StatusForbidden},
		{"a case officer's token", e.officer, nil, http.StatusForbidden},
		{"a print operator's token", e.printer, nil, http.StatusForbidden},
		{"a data-protection officer's token", e.dpo, nil, http.StatusOK},
		{"an administrator's token", admin, nil, http.StatusOK},
	} {
		st, body, s := scrape(t, srv.URL, tc.token, tc.header)
		if st != tc.want {
			t.Errorf("%s from outside the allowlist: %d, want %d", tc.who, st, tc.want)
			continue
		}
		if st == http.StatusOK {
			sample(t, s, `dsrdesk_cases_overdue`)
		} else if strings.Contains(body, "dsrdesk_") {
			t.Errorf("%s: the refusal holds metrics", tc.who)
		}
	}
	// The default allowlist (loopback) lets the first dsrdesk answer.
	if st, _, _ := scrape(t, e.srv.URL, "", nil); st != http.StatusOK {
		t.Errorf("/metrics from loopback with the default allowlist: %d", st)
	}
	if _, err := e.app.Config.FromEnv(func(k string) string {
		return map[string]string{"DSRDESK_METRICS_ALLOW": "10.0.0.0/8, intranet"}[k]
	}); err == nil || !strings.Contains(err.Error(), "DSRDESK_METRICS_ALLOW") {
		t.Errorf("a name in DSRDESK_METRICS_ALLOW: %v", err)
	}
}
