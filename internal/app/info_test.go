package app

import (
	"html"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/web"
	assets "dsrdesk/web"
)

// TestInfoPages: the information pages open for anyone in both languages
// from every page's footer; the page on personal data gives the agency's,
// the DPO's and IMY's contact details as dsr.Agency, dsr.DPO and dsr.IMY
// hold them, and no template types them itself; the cookie page lists
// every cookie of the code's list with its purpose and lifetime.
func TestInfoPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	users := DemoUsers()
	for _, lang := range []string{"sv", "en"} {
		for _, who := range []struct {
			name   string
			client *http.Client
			start  string
		}{
			{"anonymous", e.browserClient(), "/"},
			{"officer", e.staffClient(users[0].Email, users[0].Password), "/staff/cases"},
			{"individual", e.individualClient(person(t, deskPerson)), "/request/9352"},
		} {
			c := who.client
			e.get(c, "/lang/"+lang+"?next=/")
			resp, body := e.get(c, who.start)
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, `href="/om/personuppgifter"`) || !strings.Contains(body, `href="/om/kakor"`) {
				t.Errorf("%s, %s: %s (%d) does not link the information pages from its footer", who.name, lang, who.start, resp.StatusCode)
			}
		}
		c := e.browserClient()
		e.get(c, "/lang/"+lang+"?next=/")
		resp, body := e.get(c, "/om/personuppgifter")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `<html lang="`+lang+`">`) {
			t.Fatalf("%s: the page on personal data: %d", lang, resp.StatusCode)
		}
		for id, ct := range map[string]dsr.Contact{"agency-contact": dsr.Agency, "dpo-contact": dsr.DPO, "imy-contact": dsr.IMY} {
			i := strings.Index(body, `id="`+id+`"`)
			if i < 0 {
				t.Errorf("%s: no %s on the page", lang, id)
				continue
			}
			block := html.UnescapeString(body[i : i+strings.Index(body[i:], "</address>")])
			for _, want := range append([]string{ct.Name.In(lang), ct.Phone.In(lang), ct.Email, ct.Web}, ct.Address...) {
				if want != "" && !strings.Contains(block, want) {
					t.Errorf("%s: %s does not give %q:\n%s", lang, id, want, block)
				}
			}
		}
		musts := map[string][]string{
			"sv": {"bidragsbrott", "statistik", "andra myndigheter", "Registerutdrag", "Rättelse", "Begränsning", "Radering", "allmänna handlingar", "arkivlagen",
				"digital brevlåda", "med post", "e-legitimation", "blankett 9352", "Ring", "servicekontor", "Integritetsskyddsmyndigheten"},
			"en": {"benefit crime", "statistics", "other authorities", "Access", "Rectification", "Restriction", "Erasure", "allmänna handlingar", "Archives Act",
				"digital mailbox", "by post", "e-ID", "form 9352", "Call", "service office", "Swedish Authority for Privacy Protection"},
		}
		text := html.UnescapeString(body)
		for _, want := range musts[lang] {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the page on personal data does not say %q", lang, want)
			}
		}
		resp, body = e.get(c, "/om/kakor")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: the cookie page: %d", lang, resp.StatusCode)
		}
		if n := strings.Count(body, `<tr id="cookie-`); n != len(web.Cookies()) {
			t.Errorf("%s: the cookie page lists %d cookies, the code sets %d", lang, n, len(web.Cookies()))
		}
		for _, ck := range web.Cookies() {
			i := strings.Index(body, `<tr id="cookie-`+ck.Name+`">`)
			if i < 0 {
				t.Errorf("%s: the cookie page does not list %s", lang, ck.Name)
				continue
			}
			row := html.UnescapeString(body[i : i+strings.Index(body[i:], "</tr>")])
			for _, want := range []string{ck.Name, ck.Purpose.In(lang), ck.Lifetime.In(lang)} {
				if !strings.Contains(row, want) {
					t.Errorf("%s: the row of %s does not say %q", lang, ck.Name, want)
				}
			}
		}
	}

	// The contact details have one home: no template types them.
	templates, err := fs.Glob(assets.FS, "templates/*.html")
	if err != nil || len(templates) == 0 {
		t.Fatalf("templates: %v", err)
	}
	for _, name := range templates {
		b, _ := fs.ReadFile(assets.FS, name)
		for _, ct := range []dsr.Contact{dsr.Agency, dsr.DPO, dsr.IMY} {
			for _, typed := range append([]string{ct.Phone.SV, ct.Phone.EN, ct.Email, ct.Web}, ct.Address[1:]...) {
				if typed != "" && strings.Contains(string(b), typed) {
					t.Errorf("%s types %q itself: quote it from internal/dsr/agency.go", name, typed)
				}
			}
		}
	}
}

// cookieWatch records every cookie a browser is sent by the server, from
// the raw Set-Cookie headers the DevTools protocol reports, and from the
// browser's cookie store in between.
type cookieWatch struct {
	mu     sync.Mutex
	set    []*http.Cookie   // as the Set-Cookie headers sent them
	stored []network.Cookie // as the browser keeps them
}

func (w *cookieWatch) listen(ev any) {
	extra, ok := ev.(*network.EventResponseReceivedExtraInfo)
	if !ok {
		return
	}
	for k, v := range extra.Headers {
		s, ok := v.(string)
		if !ok || !strings.EqualFold(k, "set-cookie") {
			continue
		}
		w.mu.Lock()
		for _, line := range strings.Split(s, "\n") {
			if ck, err := http.ParseSetCookie(line); err == nil {
				w.set = append(w.set, ck)
			}
		}
		w.mu.Unlock()
	}
}

// snapshot adds the cookies the browser holds for base now.
func (w *cookieWatch) snapshot(b page, base string) {
	b.t.Helper()
	res, err := chromedp.Call(b.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{base}})
	if err != nil {
		b.t.Fatalf("read the browser's cookies: %v", err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, ck := range res.Cookies {
		w.stored = append(w.stored, *ck)
	}
}

// TestCookiePageMatchesTheBrowser signs in as staff and as an individual
// in a real browser, switches language, and compares every cookie the
// browser was sent with the code's list and the cookie page: each is
// listed, HttpOnly, SameSite=Lax, with the listed lifetime; every listed
// cookie was really set by some step; the page shows exactly the list.
// The e-ID simulator shares the host (cookies ignore ports) and sets none.
func TestCookiePageMatchesTheBrowser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := page{t, browser(t)}
	w := &cookieWatch{}
	if err := chromedp.Listen(b.ctx, w.listen); err != nil {
		t.Fatal(err)
	}
	listed := map[string]web.Cookie{}
	for _, ck := range web.Cookies() {
		listed[ck.Name] = ck
	}

	b.do("open the start page", chromedp.Navigate(e.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#start-request")))
	b.do("switch to English", chromedp.Click(chromedp.CSS("#switch-lang")), chromedp.WaitVisible(chromedp.CSS(`html[lang="en"]`)))
	w.snapshot(b, e.srv.URL)
	b.staffSignIn(e.srv.URL, DemoUsers()[0])
	w.snapshot(b, e.srv.URL)
	b.staffSignOut()
	b.do("ask for an extract", chromedp.Click(chromedp.CSS("#start-request")))
	b.eidSignIn(person(t, deskPerson), "#submit-request")
	w.snapshot(b, e.srv.URL)
	b.do("switch to Swedish", chromedp.Click(chromedp.CSS("#switch-lang")), chromedp.WaitVisible(chromedp.CSS(`html[lang="sv"]`)))
	w.snapshot(b, e.srv.URL)

	// The listener takes the lock from the tab's event loop: hold it only
	// to copy, never across a browser step.
	w.mu.Lock()
	set, stored := w.set, w.stored
	w.mu.Unlock()
	seen := map[string]bool{}
	for _, ck := range set {
		seen[ck.Name] = true
		l, ok := listed[ck.Name]
		switch {
		case !ok:
			t.Errorf("the browser was sent cookie %s, which is not in the list the cookie page shows", ck.Name)
			continue
		case !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/":
			t.Errorf("cookie %s was set without HttpOnly, SameSite=Lax or Path=/: %s", ck.Name, ck.String())
		case ck.MaxAge < 0 || ck.Value == "":
			// A removal: the attributes above are all it needs.
		case ck.MaxAge != l.MaxAge:
			t.Errorf("cookie %s was set for %d s, the list says %d s (%s)", ck.Name, ck.MaxAge, l.MaxAge, l.Lifetime.EN)
		}
	}
	for _, ck := range stored {
		l, ok := listed[ck.Name]
		switch {
		case !ok:
			t.Errorf("the browser holds cookie %s, which is not in the list", ck.Name)
		case !ck.HTTPOnly || ck.SameSite != network.CookieSameSiteLax:
			t.Errorf("the browser holds %s with HttpOnly=%t SameSite=%q", ck.Name, ck.HTTPOnly, ck.SameSite)
		case ck.Session != (l.MaxAge == 0):
			t.Errorf("the browser keeps %s as a session cookie: %t; the list gives it %d s", ck.Name, ck.Session, l.MaxAge)
		}
	}
	for name := range listed {
		if !seen[name] {
			t.Errorf("cookie %s is listed, but no step set it: a listed cookie the service no longer sets?", name)
		}
	}

	// The page shows the list, in both languages, in the list's order.
	for _, lang := range []string{"sv", "en"} {
		b.do("open the cookie page in "+lang, chromedp.Navigate(e.srv.URL+"/lang/"+lang+"?next=/om/kakor"), chromedp.WaitVisible(chromedp.CSS("#cookies")))
		type row struct{ Name, Purpose, Lifetime string }
		rows, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]row](`[...document.querySelectorAll('#cookies tbody tr')].map(r => ({
			Name: r.cells[0].textContent.trim(), Purpose: r.cells[1].textContent.trim(), Lifetime: r.cells[2].textContent.trim()}))`))
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(web.Cookies()) {
			t.Errorf("%s: the cookie page shows %d cookies, the list has %d", lang, len(rows), len(web.Cookies()))
			continue
		}
		for i, ck := range web.Cookies() {
			if want := (row{ck.Name, ck.Purpose.In(lang), ck.Lifetime.In(lang)}); rows[i] != want {
				t.Errorf("%s: row %d shows %+v, want %+v", lang, i+1, rows[i], want)
			}
		}
	}
	if u, _ := url.Parse(b.location()); u.Path != "/om/kakor" {
		t.Errorf("the language switch left the cookie page for %s", u)
	}
}
