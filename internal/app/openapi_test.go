package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/rs/zerolog"

	"dsrdesk/internal/demodata"
	"dsrdesk/internal/web"
)

// specClient sends API requests and checks each request and its answer
// (status, content type, body) against the OpenAPI description the server
// serves, counting the operations it has exercised.
type specClient struct {
	t      *testing.T
	e      *env
	router routers.Router
	seen   map[string]int    // "METHOD /api/v1/template" → requests sent
	extra  map[string]string // headers of the next request (doHeader)
	bad    bool              // the next request breaks the description (rejects)
}

// do sends one request with a JSON (or, for a string, CSV) body and
// returns the answer after validating both against the description; want
// is the status the call must answer.
func (sc *specClient) do(method, path, token string, body any, want int, out any) []byte {
	sc.t.Helper()
	var raw []byte
	ctype := ""
	switch b := body.(type) {
	case nil:
	case csvBody:
		raw, ctype = []byte(b), "text/csv"
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			sc.t.Fatal(err)
		}
		ctype = "application/json"
	}
	req := func() *http.Request {
		var r io.Reader
		if raw != nil {
			r = bytes.NewReader(raw)
		}
		req, err := http.NewRequest(method, sc.e.srv.URL+path, r)
		if err != nil {
			sc.t.Fatal(err)
		}
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		for k, v := range sc.extra {
			req.Header.Set(k, v)
		}
		return req
	}
	checked := req()
	route, params, err := sc.router.FindRoute(checked)
	if err != nil {
		sc.t.Fatalf("%s %s: no operation in the description: %v", method, path, err)
	}
	sc.seen[method+" "+route.Path]++
	in := &openapi3filter.RequestValidationInput{Request: checked, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: bearerPresent, MultiError: true}}
	ctx := context.Background()
	switch err := openapi3filter.ValidateRequest(ctx, in); {
	case sc.bad && err == nil:
		sc.t.Errorf("%s %s: the description lets through a request the server refuses", method, path)
	case !sc.bad && err != nil && token != "":
		sc.t.Errorf("%s %s: the request does not fit the description: %v", method, path, err)
	}
	resp, err := http.DefaultClient.Do(req())
	if err != nil {
		sc.t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		sc.t.Fatal(err)
	}
	if resp.StatusCode != want {
		sc.t.Fatalf("%s %s: %d %s, want %d", method, path, resp.StatusCode, got, want)
	}
	in.Options = &openapi3filter.Options{AuthenticationFunc: bearerPresent, MultiError: true, IncludeResponseStatus: true}
	rv := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
		Options: in.Options}
	rv.SetBodyBytes(got)
	if err := openapi3filter.ValidateResponse(ctx, rv); err != nil {
		sc.t.Errorf("%s %s: the %d answer does not fit the description: %v\n%s", method, path, resp.StatusCode, err, clip(got))
	}
	if out != nil {
		if err := json.Unmarshal(got, out); err != nil {
			sc.t.Fatalf("%s %s: decode: %v", method, path, err)
		}
	}
	return got
}

// csvBody is a request body sent as text/csv.
type csvBody string

// bearerPresent stands in for the server's own token check, which the
// real answer (401) proves: the description only says a bearer token goes
// in the Authorization header.
func bearerPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	if !strings.HasPrefix(in.RequestValidationInput.Request.Header.Get("Authorization"), "Bearer ") {
		return in.NewError(nil)
	}
	return nil
}

func clip(b []byte) []byte {
	if len(b) > 600 {
		return append(b[:600:600], "…"...)
	}
	return b
}

// TestOpenAPI loads the OpenAPI 3.1 description the server serves at
// /api/v1/openapi.json (public), then calls every operation it describes
// on real cases, letters and print batches, validating each request and
// each answer — status, content type and body — against it. A route under
// /api/v1 that the description leaves out, or an operation the test does
// not call, fails it.
func TestOpenAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()

	resp, err := http.Get(e.srv.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	specRaw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET /api/v1/openapi.json without a token: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	doc, err := openapi3.NewLoader().LoadFromData(specRaw)
	if err != nil {
		t.Fatalf("load the description: %v", err)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Errorf("the description is OpenAPI %s, want 3.1", doc.OpenAPI)
	}
	if err := doc.Validate(ctx); err != nil {
		t.Fatalf("the description is not valid OpenAPI: %v", err)
	}
	// The description names its server relatively ("/"); the router
	// matches on the test server's address.
	doc.Servers = openapi3.Servers{{URL: e.srv.URL}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	sc := &specClient{t: t, e: e, router: router, seen: map[string]int{}}

	// Every route the server serves under /api/v1 (gin's route table,
	// declared in access.go or not) is described.
	declared, undeclared, _ := web.DeclaredRoutes(e.app.Handler)
	served := undeclared // "METHOD /path"
	for _, r := range declared {
		served = append(served, r.Method+" "+r.Path)
	}
	described := 0
	for _, r := range served {
		method, path, _ := strings.Cut(r, " ")
		if !strings.HasPrefix(path, "/api/v1/") {
			continue
		}
		described++
		if item := doc.Paths.Find(openAPIPath(path)); item == nil || item.GetOperation(method) == nil {
			t.Errorf("%s %s is served but not described in internal/web/openapi.json", method, path)
		}
	}
	if described == 0 {
		t.Fatal("the server serves no route under /api/v1")
	}

	sc.do("GET", "/api/v1/openapi.json", "", nil, http.StatusOK, nil)
	sc.do("GET", "/api/v1/cases", "", nil, http.StatusUnauthorized, nil)
	sc.do("GET", "/api/v1/stats?year=2026", e.officer, nil, http.StatusForbidden, nil)
	sc.do("GET", "/api/v1/stats?year=2026", e.dpo, nil, http.StatusOK, nil)

	// An access request with an idempotency key, read, searched, noted,
	// assigned, extended and scoped, its extract assembled with data
	// withheld, signed off after a return, and sent.
	elin := string(person(t, func(p demodata.DemoPerson) bool { return strings.Contains(p.Note, "LEFI") }).PNR)
	newCase := map[string]any{"kinds": []string{"access"}, "subject": elin, "channel": "letter", "received_on": "2026-11-20"}
	keyed := func(want int) (c caseResp) {
		t.Helper()
		sc.doHeader("POST", "/api/v1/cases", e.officer, newCase, "Idempotency-Key", "openapi-1", want, &c)
		return c
	}
	c := keyed(http.StatusCreated)
	if again := keyed(http.StatusOK); again.ID != c.ID {
		t.Errorf("the same idempotency key made a second case")
	}
	sc.rejects("POST", "/api/v1/cases", e.officer, map[string]any{"kinds": []string{"access"}, "subject": elin, "channel": "fax"})
	base := "/api/v1/cases/" + c.ID
	sc.do("GET", base, e.officer, nil, http.StatusOK, nil)
	sc.do("GET", "/api/v1/cases/no-such-case", e.officer, nil, http.StatusNotFound, nil)
	sc.do("GET", "/api/v1/cases?status=received&limit=5&offset=0", e.officer, nil, http.StatusOK, nil)
	sc.do("GET", "/api/v1/cases?queue=open&limit=5", e.officer, nil, http.StatusOK, nil)
	sc.rejects("GET", "/api/v1/cases?queue=nope", e.officer, nil)
	var found struct{ Cases []caseResp }
	sc.do("POST", "/api/v1/cases/search", e.officer, map[string]string{"q": c.Number}, http.StatusOK, &found)
	if len(found.Cases) != 1 || found.Cases[0].ID != c.ID {
		t.Errorf("search by case number found %+v", found.Cases)
	}
	sc.do("POST", base+"/notes", e.officer, map[string]string{"body": "Ringde och bekräftade adressen."}, http.StatusCreated, nil)
	sc.do("POST", base+"/assign", e.officer, map[string]string{"officer": "me"}, http.StatusOK, nil)
	sc.do("POST", base+"/extension", e.officer, map[string]string{"reason": "Många register att gå igenom."}, http.StatusOK, nil)
	sc.do("PUT", base+"/scope", e.officer, map[string]any{}, http.StatusOK, nil)
	sc.do("POST", base+"/extract", e.officer, nil, http.StatusOK, nil)
	sc.do("GET", base+"/extract.pdf", e.officer, nil, http.StatusOK, nil)
	sc.do("GET", base+"/withholdings", e.officer, nil, http.StatusOK, nil)
	sc.do("POST", base+"/withholdings", e.officer, map[string]string{"register": "kontakter", "record": e.firstRecord(c.ID, "kontakter"), "provision": "dsl_5"}, http.StatusCreated, nil)
	sc.rejects("POST", base+"/withholdings", e.officer, map[string]string{"register": "kontakter", "record": e.firstRecord(c.ID, "kontakter"), "provision": "osl_99"})
	var wh struct {
		Withholdings []struct{ ID, Source string }
	}
	sc.do("GET", base+"/withholdings", e.officer, nil, http.StatusOK, &wh)
	wid := ""
	for _, w := range wh.Withholdings {
		if w.Source == "officer" {
			wid = w.ID
		}
	}
	if wid == "" {
		t.Fatalf("the officer's withholding is not listed: %+v", wh)
	}
	sc.do("DELETE", base+"/withholdings/"+wid, e.officer, nil, http.StatusOK, nil)
	sc.do("DELETE", base+"/withholdings/"+wid, e.officer, nil, http.StatusNotFound, nil)
	sc.do("POST", base+"/withholdings", e.officer, map[string]string{"register": "kontakter", "record": e.firstRecord(c.ID, "kontakter"), "provision": "dsl_5"}, http.StatusCreated, nil)
	sc.do("POST", base+"/send", e.officer, nil, http.StatusConflict, nil) // waits for the DPO
	sc.do("POST", base+"/signoff", e.dpo, map[string]string{"decision": "return", "comment": "Ange skälen tydligare."}, http.StatusOK, nil)
	sc.do("POST", base+"/signoff/resubmit", e.officer, nil, http.StatusOK, nil)
	sc.do("POST", base+"/signoff", e.officer, map[string]string{"decision": "approve"}, http.StatusForbidden, nil)
	sc.do("POST", base+"/signoff", e.dpo, map[string]string{"decision": "approve"}, http.StatusOK, nil)
	sc.do("GET", base+"/letter.pdf", e.officer, nil, http.StatusOK, nil)
	sc.do("POST", base+"/send", e.officer, nil, http.StatusOK, nil)
	sc.do("GET", base+"/letters", e.officer, nil, http.StatusOK, nil)

	// The rate limit: a second dsrdesk over the same store allows one call
	// at once per token (and per address without one), and its clock stands
	// still, so the bucket never fills again. The second call, with a token
	// or without, gets the 429 the description declares, Retry-After and all.
	limited := sc.withAPILimit(specRaw, 1, 1)
	limited.do("GET", base, e.officer, nil, http.StatusOK, nil)
	limited.do("GET", base, e.officer, nil, http.StatusTooManyRequests, nil)
	limited.do("POST", "/api/v1/cases/search", e.officer, map[string]string{"q": c.Number}, http.StatusTooManyRequests, nil)
	limited.do("GET", "/api/v1/cases", "", nil, http.StatusUnauthorized, nil)
	limited.do("GET", "/api/v1/cases", "", nil, http.StatusTooManyRequests, nil)
	sc.do("GET", base, e.dpo, nil, http.StatusOK, nil) // the first server keeps its own limits

	// A withdrawn request; one waiting for proof of identity; a guardian's
	// request waiting for the mandate.
	other := e.createCase(elin, "letter", "2026-11-20")
	sc.do("POST", "/api/v1/cases/"+other.ID+"/outcome", e.officer, map[string]string{"outcome": "refused"}, http.StatusBadRequest, nil)
	sc.do("POST", "/api/v1/cases/"+other.ID+"/outcome", e.officer, map[string]string{"outcome": "withdrawn", "reasons": "Återkallad per telefon."}, http.StatusOK, nil)
	ident := e.createCase(elin, "letter", "2026-11-20")
	sc.do("POST", "/api/v1/cases/"+ident.ID+"/identity/proof", e.officer, map[string]string{"note": "x"}, http.StatusConflict, nil)
	sc.do("POST", "/api/v1/cases/"+ident.ID+"/identity", e.officer, map[string]string{"reason": "Namnteckningen saknas."}, http.StatusOK, nil)
	sc.do("POST", "/api/v1/cases/"+ident.ID+"/identity/proof", e.officer, map[string]string{"note": "Kopia av pass inkom."}, http.StatusOK, nil)
	child := person(t, func(p demodata.DemoPerson) bool { return p.GuardianPNR != "" })
	var ward caseResp
	sc.do("POST", "/api/v1/cases", e.officer, map[string]any{"kinds": []string{"access"}, "subject": string(child.PNR), "channel": "letter",
		"received_on": "2026-11-20", "representative": map[string]string{"role": "guardian", "name": "Åsa Testsson", "pnr": string(child.GuardianPNR)}},
		http.StatusCreated, &ward)
	sc.do("POST", "/api/v1/cases/"+ward.ID+"/mandate", e.officer, map[string]any{"valid": true, "covers_request": true, "note": "Vårdnad enligt folkbokföringen."}, http.StatusOK, nil)

	// A restriction: carried out, the notice of its lifting written and
	// sent, lifted two weeks later.
	var rs caseResp
	sc.do("POST", "/api/v1/cases", e.officer, map[string]any{"kinds": []string{"restriction"}, "subject": elin, "channel": "letter",
		"scope": map[string]any{"registers": []string{"kontakter"}}, "grounds": []string{"18.1.a"}}, http.StatusCreated, &rs)
	rb := "/api/v1/cases/" + rs.ID
	sc.do("POST", rb+"/evaluation", e.officer, nil, http.StatusOK, nil)
	sc.do("POST", rb+"/execute", e.officer, nil, http.StatusOK, nil)
	sc.do("POST", rb+"/send", e.officer, nil, http.StatusOK, nil)
	sc.do("POST", rb+"/restrictions/lift", e.officer, nil, http.StatusConflict, nil)
	sc.do("POST", rb+"/restrictions/notice", e.officer, map[string]string{"reason": "Uppgifterna är nu kontrollerade."}, http.StatusCreated, nil)
	sc.do("POST", rb+"/letters/lift_notice/send", e.officer, nil, http.StatusOK, nil)

	// A request to erase: evaluated, an item overridden by the DPO, carried out.
	var er caseResp
	sc.do("POST", "/api/v1/cases", e.officer, map[string]any{"kinds": []string{"erasure"}, "subject": elin, "channel": "letter",
		"scope": map[string]any{"registers": []string{"formansbeslut"}}}, http.StatusCreated, &er)
	eb := "/api/v1/cases/" + er.ID
	sc.do("POST", eb+"/execute", e.officer, nil, http.StatusConflict, nil)
	var ev struct{ Items []itemResp }
	sc.do("POST", eb+"/evaluation", e.officer, nil, http.StatusOK, &ev)
	sc.do("GET", eb+"/items", e.officer, nil, http.StatusOK, nil)
	if len(ev.Items) == 0 {
		t.Fatal("the evaluation has no items")
	}
	first := ev.Items[0]
	for _, it := range ev.Items {
		if it.Outcome == "erase" {
			first = it
		}
	}
	sc.do("POST", eb+"/items", e.officer, map[string]string{"register": first.Register, "record": first.Record, "field": first.Field}, http.StatusConflict, nil)
	sc.do("POST", eb+"/items/"+first.ID+"/outcome", e.dpo, map[string]string{"outcome": "keep", "reason": "Behövs för ett pågående ärende."}, http.StatusOK, nil)
	sc.do("POST", eb+"/execute", e.officer, nil, http.StatusOK, nil)

	// A paper letter: batched, followed, downloaded, its print-shop status
	// imported, reprinted.
	paperCase, _, _ := e.realLetter()
	paper, err := e.app.Store.CaseLetters(ctx, paperCase)
	if err != nil || len(paper) == 0 {
		t.Fatalf("the paper letter: %v", err)
	}
	record := paper[0].ID
	sc.do("POST", "/api/v1/print/letters/"+record+"/reprint", e.printer, nil, http.StatusConflict, nil) // still queued
	sc.do("POST", "/api/v1/print/batches", e.officer, nil, http.StatusForbidden, nil)
	var batch struct{ ID string }
	sc.do("POST", "/api/v1/print/batches", e.printer, map[string]string{"route": "ordinary"}, http.StatusCreated, &batch)
	sc.do("POST", "/api/v1/print/batches", e.printer, nil, http.StatusConflict, nil)
	sc.do("GET", "/api/v1/print/batches/"+batch.ID, e.printer, nil, http.StatusOK, nil)
	if zip := sc.do("GET", "/api/v1/print/batches/"+batch.ID+"/export", e.printer, nil, http.StatusOK, nil); len(readZip(t, zip)) == 0 {
		t.Error("the batch export is an empty ZIP")
	}
	sc.do("POST", "/api/v1/print/status", e.printer, csvBody("record_id,status,at\n"+record+",printed,2026-11-23T12:00:00Z\nnope,printed,x\n"), http.StatusOK, nil)
	sc.do("POST", "/api/v1/print/letters/"+record+"/reprint", e.printer, nil, http.StatusOK, nil)

	// Two weeks on, the restriction is lifted.
	e.advance(15 * 24 * time.Hour)
	sc.do("POST", rb+"/restrictions/lift", e.officer, nil, http.StatusOK, nil)

	// Every operation behind the bearer check is behind the rate limit too,
	// so each must declare the 429 (the shared response, with Retry-After).
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.Security != nil && len(*op.Security) == 0 {
				continue // public: no token, no limit
			}
			if op.Responses.Status(http.StatusTooManyRequests) == nil {
				t.Errorf("%s %s does not describe the rate limit's 429", method, path)
			}
		}
	}
	if r := doc.Components.Responses["E429"]; r == nil || r.Value.Headers["Retry-After"] == nil || !r.Value.Headers["Retry-After"].Value.Required {
		t.Error("the shared 429 response does not require the Retry-After header")
	}

	var missed []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			if sc.seen[method+" "+path] == 0 {
				missed = append(missed, method+" "+path)
			}
		}
	}
	slices.Sort(missed)
	if len(missed) > 0 {
		t.Errorf("operations the test did not call:\n  %s", strings.Join(missed, "\n  "))
	}
	n := 0
	for _, v := range sc.seen {
		n += v
	}
	t.Logf("OpenAPI: %d operations, %d requests validated", len(sc.seen), n)
}

// withAPILimit returns a client of a second dsrdesk over the same data
// folder (the same tokens and cases) whose API allows perSecond calls a
// second and burst at once, checked against its own copy of the
// description (the router matches on the server's address).
func (sc *specClient) withAPILimit(specRaw []byte, perSecond float64, burst int) *specClient {
	sc.t.Helper()
	cfg := sc.e.app.Config
	cfg.APIRate, cfg.APIBurst = perSecond, burst
	a, err := New(context.Background(), cfg, zerolog.Nop(), func() time.Time { return testNow })
	if err != nil {
		sc.t.Fatal(err)
	}
	sc.t.Cleanup(func() { a.Close() })
	srv := httptest.NewServer(a.Handler)
	sc.t.Cleanup(srv.Close)
	doc, err := openapi3.NewLoader().LoadFromData(specRaw)
	if err != nil {
		sc.t.Fatal(err)
	}
	doc.Servers = openapi3.Servers{{URL: srv.URL}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		sc.t.Fatal(err)
	}
	e := *sc.e
	e.app, e.srv = a, srv
	return &specClient{t: sc.t, e: &e, router: router, seen: sc.seen}
}

// doHeader is do with one request header more.
func (sc *specClient) doHeader(method, path, token string, body any, header, value string, want int, out any) []byte {
	sc.t.Helper()
	sc.extra = map[string]string{header: value}
	defer func() { sc.extra = nil }()
	return sc.do(method, path, token, body, want, out)
}

// rejects sends a request the description itself rules out, which the
// server must refuse with 400.
func (sc *specClient) rejects(method, path, token string, body any) {
	sc.t.Helper()
	sc.bad = true
	defer func() { sc.bad = false }()
	sc.do(method, path, token, body, http.StatusBadRequest, nil)
}

// openAPIPath is gin's path template in OpenAPI's form: /cases/:id →
// /cases/{id}.
func openAPIPath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, ":") {
			segs[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(segs, "/")
}
