package app

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/rs/zerolog"

	"dsrdesk/internal/config"
	"dsrdesk/internal/demodata"
	"dsrdesk/internal/dsr"
)

func demoPerson(t testing.TB, name string) demodata.DemoPerson {
	t.Helper()
	return person(t, func(p demodata.DemoPerson) bool { return p.Name == name })
}

// TestBrowserMyRequests drives the individual's side through the real
// OpenID Connect flow against the e-ID simulator: Elin signs in, files form
// 9352, finds it under "my requests", and after the officer has sent the
// answer downloads it there (audited). Åsa, a guardian, files for her son
// Filip: the receipt and her list say whom the request concerns, and
// neither sees the other's requests.
func TestBrowserMyRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := page{t, browser(t)}
	elin, asa := demoPerson(t, "Elin Lefiström"), demoPerson(t, "Åsa Testsson")

	b.do("open my requests", chromedp.Navigate(e.srv.URL+"/mina-arenden"))
	b.eidSignIn(elin, "#my-requests")
	if got := b.text("#nav-mine"); got != "Mina ärenden" {
		t.Fatalf("navigation %q", got)
	}
	before := b.count("#my-requests tbody tr")
	b.do("file form 9352",
		chromedp.Navigate(e.srv.URL+"/request/9352"),
		chromedp.WaitVisible(chromedp.CSS("#submit-request")))
	if n := b.count("#f-acting_for"); n != 0 {
		t.Fatal("Elin is nobody's guardian or attorney, yet the form asks whom the request is for")
	}
	b.do("submit", chromedp.Click(chromedp.CSS("#submit-request")), chromedp.WaitVisible(chromedp.CSS("#case-number")))
	number := b.text("#case-number")
	if got := b.text("#case-concerns"); got != elin.Name {
		t.Fatalf("the receipt says the request concerns %q", got)
	}
	receiptURL := b.location()
	caseID := receiptURL[strings.LastIndex(receiptURL, "/")+1:]

	row := `tr[data-case="` + number + `"]`
	b.do("my requests lists it", chromedp.Navigate(e.srv.URL+"/mina-arenden"), chromedp.WaitVisible(chromedp.CSS(row)))
	if n := b.count("#my-requests tbody tr"); n != before+1 {
		t.Fatalf("my requests has %d rows, want %d", n, before+1)
	}
	if got := b.text(row + " .progress"); got != "Mottagen" {
		t.Fatalf("a new request shows %q", got)
	}
	if n := b.count(row + " a.letter"); n != 0 {
		t.Fatal("a letter to download before anything was sent")
	}

	// The officer answers through the API; the answer reaches the mailbox.
	if st, raw := e.call("POST", "/api/v1/cases/"+caseID+"/extract", e.officer, nil, nil); st != 200 {
		t.Fatalf("assemble: %d %s", st, raw)
	}
	if st, raw := e.call("POST", "/api/v1/cases/"+caseID+"/send", e.officer, nil, nil); st != 200 {
		t.Fatalf("send: %d %s", st, raw)
	}
	b.do("reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(row+" a.letter")))
	if got := b.text(row + " .progress"); got != "Besvarad" {
		t.Fatalf("an answered request shows %q", got)
	}
	if got := b.text(row + " .decided"); got == "" || got == "–" {
		t.Fatalf("what was decided: %q", got)
	}
	href := b.attr(row+" a.letter", "href")
	got, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`fetch(`+strconv.Quote(href)+`).then(r => r.status + " " + r.headers.get("content-type") + " " + r.headers.get("content-length"))`, chromedp.EvalAwaitPromise))
	if err != nil || !strings.HasPrefix(got, "200 application/pdf ") {
		t.Fatalf("download the answer: %q %v", got, err)
	}
	events, _ := e.app.Store.AuditEvents(context.Background(), caseID)
	downloads := 0
	for _, ev := range events {
		if ev.Action == dsr.ActionLetterDownloaded && strings.HasPrefix(ev.Actor, "individual:") {
			downloads++
		}
	}
	if downloads != 1 {
		t.Fatalf("%d downloads audited, want 1", downloads)
	}

	// Åsa, guardian of Filip, signs in and files for him.
	b.do("sign out", chromedp.Click(chromedp.CSS("header form button")), chromedp.WaitVisible(chromedp.CSS("#start-request")))
	b.do("ask for an extract", chromedp.Click(chromedp.CSS("#start-request")))
	b.eidSignIn(asa, "#f-acting_for")
	options, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#f-acting_for option")].map(o => o.textContent.trim())`))
	if err != nil {
		t.Fatal(err)
	}
	if len(options) != 2 || !strings.HasPrefix(options[0], "Mig själv") || !strings.HasPrefix(options[1], "Filip Testsson") {
		t.Fatalf("whom Åsa may ask for: %q", options)
	}
	b.do("file for Filip",
		chromedp.SetValue(chromedp.CSS("#f-acting_for"), b.attr("#f-acting_for option:nth-child(2)", "value")),
		chromedp.Click(chromedp.CSS("#submit-request")),
		chromedp.WaitVisible(chromedp.CSS("#case-representative")))
	filipNumber := b.text("#case-number")
	if got := b.text("#case-concerns"); got != "Filip Testsson" {
		t.Fatalf("the receipt says the request concerns %q", got)
	}
	if got := b.text("#case-representative"); !strings.Contains(got, asa.Name) || !strings.Contains(got, "vårdnadshavare") {
		t.Fatalf("the receipt says it was made by %q", got)
	}
	b.do("Åsa's requests", chromedp.Navigate(e.srv.URL+"/mina-arenden"), chromedp.WaitVisible(chromedp.CSS(`tr[data-case="`+filipNumber+`"]`)))
	if got := b.text(`tr[data-case="` + filipNumber + `"] .concerns`); !strings.Contains(got, "Filip Testsson") || !strings.Contains(got, "vårdnadshavare") {
		t.Fatalf("Åsa's list says the request concerns %q", got)
	}
	if n := b.count(row); n != 0 {
		t.Fatal("Åsa sees Elin's request")
	}
	// Elin does not see Åsa's request for Filip.
	_, body := e.get(e.individualClient(elin), "/mina-arenden")
	if strings.Contains(body, filipNumber) || !strings.Contains(body, number) {
		t.Fatal("Elin's list shows the wrong requests")
	}
	e.checkAuditAndLogs()
}

// attr is an attribute of the first element a selector matches.
func (p page) attr(sel, name string) string {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
	if err != nil || !v.Exists {
		p.t.Fatalf("%s of %s: %v", name, sel, err)
	}
	return v.Value
}

// TestBrowserEIDRefusals: a tampered token, a wrong nonce, a wrong
// audience, an expired token and level of assurance 2 are each refused
// with a page that says why, and nobody is signed in.
func TestBrowserEIDRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := page{t, browser(t)}
	p := demoPerson(t, "Elin Lefiström")
	cases := []struct{ name, radio, says string }{
		{"tampered token", `input[name="fault"][value="tampered"]`, "signatur är inte giltig"},
		{"wrong nonce", `input[name="fault"][value="nonce"]`, "fel nonce"},
		{"wrong audience", `input[name="fault"][value="audience"]`, "utfärdad för en annan tjänst"},
		{"expired token", `input[name="fault"][value="expired"]`, "har redan gått ut"},
		{"level of assurance 2", `input[name="loa"][value$="loa2"]`, "tillitsnivå som tjänsten kräver"},
	}
	for _, tc := range cases {
		b.do(tc.name,
			chromedp.Navigate(e.srv.URL+"/e-id?next=/mina-arenden"),
			chromedp.Click(chromedp.CSS("#eid-start")),
			chromedp.WaitVisible(chromedp.CSS(".testbanner")),
			chromedp.Click(chromedp.CSS(tc.radio)),
			chromedp.Click(chromedp.CSS(`button[data-person="`+p.Name+`"]`)),
			chromedp.WaitVisible(chromedp.CSS("#error-message")))
		if got := b.text("#error-message"); !strings.Contains(got, tc.says) {
			t.Errorf("%s: the page says %q", tc.name, got)
		}
		b.do("try my requests", chromedp.Navigate(e.srv.URL+"/mina-arenden"), chromedp.WaitVisible(chromedp.CSS("#eid-start")))
		if loc := b.location(); !strings.Contains(loc, "/e-id") {
			t.Errorf("%s: signed in after all (%s)", tc.name, loc)
		}
	}
	e.checkAuditAndLogs()
}

// TestEIDOverHTTP checks what a browser does not show: no identity number
// in any address of the flow (the state included), the sign-in cookie gone
// afterwards, a callback replayed or from another browser refused, and a
// form for someone the person may not act for refused without a case.
func TestEIDOverHTTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	elin := demoPerson(t, "Elin Lefiström")
	c := e.browserClient()
	var seen []string
	c.CheckRedirect = func(r *http.Request, _ []*http.Request) error {
		seen = append(seen, r.URL.String())
		return http.ErrUseLastResponse
	}
	resp, _ := e.eidFlow(c, "/mina-arenden", url.Values{"person": {strconv.Itoa(demoIndex(elin))}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/mina-arenden" {
		t.Fatalf("callback: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	seen = append(seen, resp.Request.URL.String())
	for _, u := range seen {
		for _, f := range pnrForms(string(elin.PNR)) {
			if strings.Contains(u, f) {
				t.Fatalf("an address of the flow carries the identity number: %s", u)
			}
		}
	}
	base, _ := url.Parse(e.srv.URL)
	for _, ck := range c.Jar.Cookies(base) {
		if ck.Name == "dsr_eid" {
			t.Fatal("the sign-in cookie outlived the sign-in")
		}
	}
	if r, body := e.get(c, "/mina-arenden"); r.StatusCode != 200 || !strings.Contains(body, elin.Name) {
		t.Fatalf("signed in: %d", r.StatusCode)
	}
	// The same callback again, or in another browser: refused, no session.
	if r, body := e.get(c, strings.TrimPrefix(resp.Request.URL.String(), e.srv.URL)); r.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Inloggningen startades inte") {
		t.Fatalf("a replayed callback: %d", r.StatusCode)
	}
	other := e.browserClient()
	if r, _ := e.get(other, strings.TrimPrefix(resp.Request.URL.String(), e.srv.URL)); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a callback in another browser: %d", r.StatusCode)
	}
	if r, _ := e.get(other, "/mina-arenden"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("the other browser is signed in: %d", r.StatusCode)
	}

	// Elin acting for a child that is not hers: the form says so, no case.
	total := func() int {
		var out struct{ Total int }
		if st, raw := e.call("GET", "/api/v1/cases?queue=open&limit=1", e.officer, nil, &out); st != 200 {
			t.Fatalf("count cases: %d %s", st, raw)
		}
		return out.Total
	}
	count := total()
	_, page := e.get(c, "/request/9352")
	r, body := e.form(c, "/request/9352", url.Values{"scope": {"all"}, "language": {"sv"}, "request_key": {formKeyOf(page)},
		"acting_for": {"p0123456789abcdef0123"}}, e.srv.URL)
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Du kan inte göra en begäran för den personen") {
		t.Fatalf("acting for a stranger: %d", r.StatusCode)
	}
	if total() != count {
		t.Fatal("a refused request made a case")
	}
	// A letter that is not hers: 404, the same as no letter.
	if r, _ := e.get(c, "/mina-arenden/00000000-0000-0000-0000-000000000000/brev/x"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("someone else's letter: %d", r.StatusCode)
	}
}

func formKeyOf(page string) string {
	const marker = `name="request_key" value="`
	i := strings.Index(page, marker)
	if i < 0 {
		return ""
	}
	k := page[i+len(marker):]
	return k[:strings.IndexByte(k, '"')]
}

// TestEIDNotConnected: without an e-ID broker configured and without
// --demo, the sign-in page says that e-ID is not connected.
func TestEIDNotConnected(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	copySeeded(t, dir)
	cfg := config.Defaults()
	cfg.DataDir, cfg.MailboxURL = dir, "http://127.0.0.1:1"
	a, err := New(context.Background(), cfg, zerolog.Nop(), func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	e := &env{t: t, app: a}
	e.srv = httptest.NewServer(a.Handler)
	defer e.srv.Close()
	c := e.browserClient()
	if _, body := e.get(c, "/e-id"); !strings.Contains(body, "E-legitimation är inte ansluten") || strings.Contains(body, `id="eid-start"`) {
		t.Fatal("the e-ID page does not say that e-ID is not connected")
	}
	if r, body := e.form(c, "/e-id", url.Values{"next": {"/"}}, e.srv.URL); r.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "inte ansluten") {
		t.Fatalf("starting a sign-in anyway: %d", r.StatusCode)
	}
}
