package app

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/chromedp/chromedp"

	"dsrdesk/internal/demodata"
)

// individualClient signs demo person p in with e-ID and returns a browser-like
// HTTP client holding the session.
func (e *env) individualClient(p demodata.DemoPerson) *http.Client {
	e.t.Helper()
	c := e.browserClient()
	i := -1
	for j, q := range demodata.DemoPeople() {
		if q.PNR == p.PNR {
			i = j
		}
	}
	if resp, _ := e.form(c, "/e-id", url.Values{"person": {strconv.Itoa(i)}}, e.srv.URL); resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("e-ID sign-in: %d", resp.StatusCode)
	}
	return c
}

// eidSignIn completes an e-ID sign-in in the browser as demo person p, from
// the page that asks for it, and waits for the selector then.
func (b page) eidSignIn(p demodata.DemoPerson, then string) {
	b.t.Helper()
	b.do("sign in with e-ID as "+p.Name,
		chromedp.WaitVisible(chromedp.CSS(".testbanner")),
		chromedp.Click(chromedp.CSS(`button[data-person="`+p.Name+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(then)))
}
