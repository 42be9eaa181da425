package app

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"dsrdesk/internal/demodata"
)

// browserClient is an HTTP client with cookies that does not follow
// redirects, so each redirect target can be checked.
func (e *env) browserClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (e *env) form(c *http.Client, path string, values url.Values, origin string) (*http.Response, string) {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (e *env) get(c *http.Client, path string) (*http.Response, string) {
	e.t.Helper()
	resp, err := c.Get(e.srv.URL + path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (e *env) staffClient(email, password string) *http.Client {
	e.t.Helper()
	c := e.browserClient()
	resp, _ := e.form(c, "/staff/login", url.Values{"email": {email}, "password": {password}}, e.srv.URL)
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("sign-in as %s: %d", email, resp.StatusCode)
	}
	return c
}

// TestPagesEnforceRolesAndOrigin checks who may open which page, that a
// cross-site form post is refused without changing anything, and that an
// individual sees only their own receipt.
func TestPagesEnforceRolesAndOrigin(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	users := DemoUsers()
	officer := e.staffClient(users[0].Email, users[0].Password)
	printer := e.staffClient(users[2].Email, users[2].Password)

	if resp, _ := e.get(e.browserClient(), "/staff/cases"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/staff/login" {
		t.Fatalf("anonymous case list: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, body := e.get(printer, "/staff/cases"); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "Something went wrong") && !strings.Contains(body, "Något gick fel") {
		t.Fatalf("print operator on the case list: %d", resp.StatusCode)
	}
	if resp, _ := e.get(officer, "/staff/print"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("officer on the print page: %d", resp.StatusCode)
	}
	resp, list := e.get(officer, "/staff/cases")
	if resp.StatusCode != 200 || !strings.Contains(list, "FÖRSENAT") {
		t.Fatalf("case list: %d, overdue case not flagged", resp.StatusCode)
	}
	id := list[strings.Index(list, `<td><a href="/staff/cases/`)+len(`<td><a href="/staff/cases/`):]
	id = id[:strings.IndexByte(id, '"')]

	// A form posted from another site is refused and assembles nothing.
	if resp, _ := e.form(officer, "/staff/cases/"+id+"/assemble", nil, "https://evil.example"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-origin post: %d, want 403", resp.StatusCode)
	}
	if _, page := e.get(officer, "/staff/cases/"+id); strings.Contains(page, `id="extract-summary"`) {
		t.Fatal("a cross-origin post assembled the extract")
	}
	if resp, _ := e.form(officer, "/staff/cases/"+id+"/assemble", nil, e.srv.URL); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("same-origin assemble: %d", resp.StatusCode)
	}

	// An individual signs in with the test e-ID and submits form 9352.
	people := demodata.DemoPeople()
	ind := e.browserClient()
	resp, _ = e.eidFlow(ind, "/request/9352", url.Values{"person": {"0"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/request/9352" {
		t.Fatalf("e-ID sign-in: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body := e.form(ind, "/request/9352", url.Values{"scope": {"limited"}, "language": {"sv"}}, e.srv.URL)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Fyll i det här fältet.") {
		t.Fatalf("incomplete form: %d", resp.StatusCode)
	}
	_, formPage := e.get(ind, "/request/9352")
	key := formPage[strings.Index(formPage, `name="request_key" value="`)+len(`name="request_key" value="`):]
	key = key[:strings.IndexByte(key, '"')]
	filled := url.Values{"scope": {"all"}, "language": {"en"}, "phone": {"070-123 45 67"}, "request_key": {key}}
	resp, _ = e.form(ind, "/request/9352", filled, e.srv.URL)
	receipt := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(receipt, "/request/receipt/") {
		t.Fatalf("submit: %d %s", resp.StatusCode, receipt)
	}
	// A double click sends the same form again: same case, no second one.
	if resp, _ := e.form(ind, "/request/9352", filled, e.srv.URL); resp.Header.Get("Location") != receipt {
		t.Fatalf("a resubmitted form made another case: %s", resp.Header.Get("Location"))
	}
	if resp, body := e.get(ind, receipt); resp.StatusCode != 200 || !strings.Contains(body, "DSR-2026-") {
		t.Fatalf("own receipt: %d", resp.StatusCode)
	}
	other := e.individualClient(people[1])
	if resp, _ := e.get(other, receipt); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("someone else's receipt: %d, want 404", resp.StatusCode)
	}
	if resp, _ := e.get(officer, receipt); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("staff on an individual's receipt: %d, want a redirect to e-ID", resp.StatusCode)
	}
	// No URL the flows produced carries an identity number.
	for _, u := range []string{receipt, "/staff/cases/" + id} {
		for _, p := range people {
			for _, f := range pnrForms(string(p.PNR)) {
				if strings.Contains(u, f) {
					t.Fatalf("URL %s carries an identity number", u)
				}
			}
		}
	}
	if resp, _ := e.get(e.browserClient(), "/no/such/page"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown page: %d", resp.StatusCode)
	}
	big := url.Values{"scope": {"limited"}, "language": {"sv"}, "scope_details": {strings.Repeat("å", 1<<20)}}
	if resp, _ := e.form(ind, "/request/9352", big, e.srv.URL); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized form: %d, want 413", resp.StatusCode)
	}
	e.checkAuditAndLogs()
}

// TestPagesFollowTheWorkflowInTheirLanguage: the case page offers only what
// the workflow allows today, and a refusal reads in the page's language.
func TestPagesFollowTheWorkflowInTheirLanguage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	users := DemoUsers()
	officer := e.staffClient(users[0].Email, users[0].Password)

	// The demo's overdue case is first in the list: past its deadline, it
	// can no longer be extended, and the page must not offer it.
	_, list := e.get(officer, "/staff/cases")
	overdue := list[strings.Index(list, `<td><a href="/staff/cases/`)+len(`<td><a href="/staff/cases/`):]
	overdue = overdue[:strings.IndexByte(overdue, '"')]
	if _, page := e.get(officer, "/staff/cases/"+overdue); !strings.Contains(page, "FÖRSENAT") || strings.Contains(page, "/extend") {
		t.Fatal("the case page offers an extension after the deadline")
	}
	fresh := e.createCase(string(demodata.DemoPeople()[1].PNR), "letter", "2026-11-20")
	if _, page := e.get(officer, "/staff/cases/"+fresh.ID); !strings.Contains(page, "/extend") || !strings.Contains(page, `id="assemble"`) {
		t.Fatal("a new access request is not offered extension and assembly")
	}

	// An erasure request has no extract to assemble.
	var erasure caseResp
	if st, _ := e.call("POST", "/api/v1/cases", e.officer, map[string]any{"kinds": []string{"erasure"}, "subject": string(demodata.DemoPeople()[1].PNR), "channel": "letter"}, &erasure); st != http.StatusCreated {
		t.Fatalf("erasure request: %d", st)
	}
	if _, page := e.get(officer, "/staff/cases/"+erasure.ID); strings.Contains(page, `id="assemble"`) || !strings.Contains(page, "/extend") {
		t.Fatal("the erasure case page offers assembly, or no extension")
	}
	resp, page := e.form(officer, "/staff/cases/"+erasure.ID+"/assemble", nil, e.srv.URL)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(page, "Bara en begäran om registerutdrag har ett utdrag att sammanställa.") {
		t.Fatalf("assembling an erasure case: %d, want 409 in Swedish:\n%s", resp.StatusCode, page)
	}
	if resp, page := e.get(officer, "/staff/cases/0198a3f2-0000-7000-8000-000000000000"); resp.StatusCode != http.StatusNotFound || !strings.Contains(page, "Det finns inget ärende med det id:t.") {
		t.Fatalf("unknown case: %d, want 404 in Swedish", resp.StatusCode)
	}
	e.get(officer, "/lang/en?next=/")
	resp, page = e.form(officer, "/staff/cases/"+erasure.ID+"/assemble", nil, e.srv.URL)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(page, "Only a request for a register extract has an extract to assemble.") {
		t.Fatalf("assembling an erasure case in English: %d", resp.StatusCode)
	}
	// The API answers in English whatever the page language.
	var apiErr struct {
		Error struct{ Code, Message string }
	}
	st, raw := e.call("POST", "/api/v1/cases/"+erasure.ID+"/extract", e.officer, nil, nil)
	if err := json.Unmarshal(raw, &apiErr); err != nil || st != http.StatusConflict || apiErr.Error.Code != "conflict" || apiErr.Error.Message != "Only a request for a register extract has an extract to assemble." {
		t.Fatalf("API: %d %+v", st, apiErr)
	}
}

// TestLiftPanel: the case page walks the officer through lifting a
// restriction: write the notice, send it, then lift.
func TestLiftPanel(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	users := DemoUsers()
	officer := e.staffClient(users[0].Email, users[0].Password)
	elin := string(person(t, func(p demodata.DemoPerson) bool { return strings.Contains(p.Note, "LEFI") }).PNR)
	var c caseResp
	e.call("POST", "/api/v1/cases", e.officer, map[string]any{"kinds": []string{"restriction"}, "subject": elin, "channel": "letter",
		"scope": map[string]any{"registers": []string{"paminnelser"}}}, &c)
	base := "/staff/cases/" + c.ID
	if _, page := e.get(officer, base); strings.Contains(page, `id="lift"`) {
		t.Fatal("the lift panel shows before anything is restricted")
	}
	e.form(officer, base+"/evaluate", nil, e.srv.URL)
	e.form(officer, base+"/execute", nil, e.srv.URL)
	if _, page := e.get(officer, base); !strings.Contains(page, `id="announce-lift"`) || !strings.Contains(page, "1 uppgifter är begränsade") {
		t.Fatal("the lift panel does not offer to write the notice")
	}
	if resp, _ := e.form(officer, base+"/restrictions/notice", url.Values{"reason": {"Påminnelsen är avslutad."}}, e.srv.URL); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("write the notice: %d", resp.StatusCode)
	}
	if _, page := e.get(officer, base); !strings.Contains(page, `id="send-lift-notice"`) || strings.Contains(page, `id="lift-now"`) {
		t.Fatal("after writing the notice the page must offer to send it, and not yet to lift")
	}
	e.form(officer, base+"/letters/lift_notice/send", nil, e.srv.URL)
	_, page := e.get(officer, base)
	if !strings.Contains(page, `id="lift-told"`) || !strings.Contains(page, `id="lift-now"`) {
		t.Fatal("after sending the notice the page must say so and offer to lift")
	}
	if resp, body := e.form(officer, base+"/restrictions/lift", nil, e.srv.URL); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "till och med 2026-12-07") {
		t.Errorf("lifting on the day of the notice: %d, want 409 naming the date", resp.StatusCode)
	}
}
