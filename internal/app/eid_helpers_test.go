package app

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/chromedp/chromedp"

	"dsrdesk/internal/demodata"
)

// demoIndex is p's place in the demo people, as the e-ID simulator lists them.
func demoIndex(p demodata.DemoPerson) int {
	for i, q := range demodata.DemoPeople() {
		if q.PNR == p.PNR {
			return i
		}
	}
	return -1
}

// eidFlow walks an e-ID sign-in over HTTP as a browser would: dsrdesk's
// sign-in button, the e-ID simulator's authorization endpoint and test page
// (where form chooses the person, level and fault), and back to dsrdesk's
// callback. It returns dsrdesk's answer to the callback.
func (e *env) eidFlow(c *http.Client, next string, form url.Values) (*http.Response, string) {
	e.t.Helper()
	resp, _ := e.form(c, "/e-id", url.Values{"next": {next}}, e.srv.URL)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), e.eidURL) {
		e.t.Fatalf("e-ID start: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	follow := func(resp *http.Response) *http.Response {
		loc, err := resp.Location()
		if err != nil {
			e.t.Fatalf("no redirect (%d): %v", resp.StatusCode, err)
		}
		next, err := c.Get(loc.String())
		if err != nil {
			e.t.Fatal(err)
		}
		next.Body.Close()
		return next
	}
	resp = follow(resp) // the authorization endpoint sends the browser to the test page
	login, _ := resp.Location()
	form.Set("id", login.Query().Get("authRequestID"))
	resp, err := c.PostForm(login.String(), form)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	resp = follow(resp) // the provider's callback issues the code
	cb, _ := resp.Location()
	if cb == nil || !strings.HasPrefix(cb.String(), e.srv.URL+"/e-id/callback") {
		e.t.Fatalf("the provider did not send the browser back to dsrdesk: %d %v", resp.StatusCode, cb)
	}
	return e.get(c, strings.TrimPrefix(cb.String(), e.srv.URL))
}

// individualClient signs demo person p in with e-ID and returns a browser-like
// HTTP client holding the session.
func (e *env) individualClient(p demodata.DemoPerson) *http.Client {
	e.t.Helper()
	c := e.browserClient()
	if resp, _ := e.eidFlow(c, "/", url.Values{"person": {strconv.Itoa(demoIndex(p))}}); resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("e-ID sign-in: %d", resp.StatusCode)
	}
	return c
}

// eidSignIn completes an e-ID sign-in in the browser as demo person p, from
// dsrdesk's e-ID page, and waits for the selector then.
func (b page) eidSignIn(p demodata.DemoPerson, then string) {
	b.t.Helper()
	b.do("sign in with e-ID as "+p.Name,
		chromedp.WaitVisible(chromedp.CSS("#eid-start")),
		chromedp.Click(chromedp.CSS("#eid-start")),
		chromedp.WaitVisible(chromedp.CSS(".testbanner")),
		chromedp.Click(chromedp.CSS(`button[data-person="`+p.Name+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(then)))
}
