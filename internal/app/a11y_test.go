package app

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"dsrdesk/internal/demodata"
	"dsrdesk/internal/dsr"
)

// axeScript is axe-core's browser script. `make test-deps` installs it with
// npm from testdata/axe/package-lock.json (npm ci).
const axeScript = "testdata/axe/node_modules/axe-core/axe.min.js"

func axeSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.FromSlash(axeScript))
	if err != nil {
		t.Fatalf("axe-core is not installed (%v); `make test-deps` installs it (npm ci in internal/app/testdata/axe)", err)
	}
	return string(b)
}

// axeViolation is one rule axe-core found broken on a page, with the
// elements that break it.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

// axeRun runs every axe-core rule that is not experimental on the document
// and returns the violations. The pages' CSP allows no inline script, so
// axe-core reaches the page through the DevTools protocol, which the CSP
// does not govern (see check).
const axeRun = `axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ({
	id: v.id, impact: v.impact || '', help: v.help,
	targets: v.nodes.map(n => n.target.join(' ')),
})))`

// auditor runs axe on page after page in one browser and collects what it
// finds, by page, role and language.
type auditor struct {
	b     page
	base  string
	src   string
	role  string
	lang  string
	pages int
	found []string
}

// check runs axe on the page the browser shows now. TestAccessibility has
// the browser evaluate axe-core in every new document; a page that has it
// not (opened before that) gets it here, by Runtime.evaluate of its text.
func (a *auditor) check(name string) {
	a.b.t.Helper()
	loaded, err := chromedp.Run(a.b.ctx, chromedp.Evaluate[bool](`typeof axe !== 'undefined'`))
	if err == nil && !loaded {
		_, err = chromedp.Run(a.b.ctx, chromedp.Evaluate[chromedp.Void](a.src))
	}
	if err != nil {
		a.b.t.Fatalf("inject axe-core on %s: %v", name, err)
	}
	vs, err := chromedp.Run(a.b.ctx, chromedp.Evaluate[[]axeViolation](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		a.b.t.Fatalf("run axe-core on %s: %v", name, err)
	}
	a.pages++
	for _, v := range vs {
		a.found = append(a.found, fmt.Sprintf("%s (%s, %s): %s [%s] %s\n\t\t%s", name, a.role, a.lang, v.ID, v.Impact, v.Help, strings.Join(v.Targets, "\n\t\t")))
	}
	// The house rules axe-core leaves to judgement: every table has
	// headers, and every header says whether it heads a column or a row.
	bad, err := chromedp.Run(a.b.ctx, chromedp.Evaluate[[]string](houseRules))
	if err != nil {
		a.b.t.Fatalf("check the tables on %s: %v", name, err)
	}
	if a.lang == "sv" {
		english, err := chromedp.Run(a.b.ctx, chromedp.Evaluate[[]string](englishOnSwedish))
		if err != nil {
			a.b.t.Fatalf("look for English on %s: %v", name, err)
		}
		bad = append(bad, english...)
	}
	for _, what := range bad {
		a.found = append(a.found, fmt.Sprintf("%s (%s, %s): %s", name, a.role, a.lang, what))
	}
}

// englishOnSwedish lists the texts of a Swedish page, and the labels and
// placeholders of its elements, that read as English: that hold one of a
// few English words that are no Swedish words, outside an element marked
// lang="en".
const englishOnSwedish = `(() => {
	const words = /\b(the|and|of|with|your|you|please|this|is|are|not|from|will)\b/i, out = [];
	const english = el => (el.closest('[lang]') || document.documentElement).lang.startsWith('en');
	const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	for (let n = walk.nextNode(); n; n = walk.nextNode()) {
		const el = n.parentElement;
		if (!el || el.closest('script, style') || english(el) || !words.test(n.textContent)) continue;
		out.push('english-text: English on a Swedish page: ' + n.textContent.trim().slice(0, 120));
	}
	for (const el of document.querySelectorAll('[aria-label], [placeholder], [title], [alt]')) {
		for (const at of ['aria-label', 'placeholder', 'title', 'alt']) {
			const v = el.getAttribute(at);
			if (v && words.test(v) && !english(el)) out.push('english-text: English ' + at + ' on a Swedish page: ' + v);
		}
	}
	return out;
})()`

// houseRules lists the tables without headers and the headers without a
// scope on the page.
const houseRules = `[
	...[...document.querySelectorAll('table')].filter(t => !t.querySelector('th')).map(t => 'table-headers: a table without headers: table#' + t.id),
	...[...document.querySelectorAll('th:not([scope])')].map(th => 'th-scope: a header without scope: ' + th.textContent.trim()),
]`

// visit opens pages by their paths and checks them. A page that shows an
// error fails the test, so that an error page is not audited in place of
// the page meant.
func (a *auditor) visit(paths ...string) {
	a.b.t.Helper()
	for _, p := range paths {
		a.b.do("open "+p, chromedp.Navigate(a.base+p))
		if a.b.count("#error-message") > 0 {
			a.b.t.Errorf("%s (%s, %s) shows an error: %s", p, a.role, a.lang, a.b.text("#error-message"))
		}
		a.check(p)
	}
}

// visitError opens pages that answer with an error page and checks them.
func (a *auditor) visitError(paths ...string) {
	a.b.t.Helper()
	for _, p := range paths {
		ctx, cancel := context.WithTimeout(a.b.ctx, 10*time.Second)
		page{a.b.t, ctx}.do("open the error page "+p, chromedp.Navigate(a.base+p), chromedp.WaitVisible(chromedp.CSS("#error-message")))
		cancel()
		a.check(p)
	}
}

// after runs steps (a form filled and sent, say) and checks the page they
// lead to.
func (a *auditor) after(name string, steps ...chromedp.Action[chromedp.Void]) {
	a.b.t.Helper()
	a.b.do(name, steps...)
	a.check(name)
}

// location is the address the browser shows.
func (p page) location() string {
	p.t.Helper()
	u, err := chromedp.Run(p.ctx, chromedp.Location())
	if err != nil {
		p.t.Fatalf("read the address: %v", err)
	}
	return u
}

// waitPath waits until the browser shows a page at path (after a form was
// sent, say, when the page before had the same elements).
func (p page) waitPath(path string) {
	p.t.Helper()
	for range 200 {
		if u, err := url.Parse(p.location()); err == nil && u.Path == path {
			if err := chromedp.Do(p.ctx, chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
				p.t.Fatalf("wait for %s: %v", path, err)
			}
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	p.t.Fatalf("the browser shows %s, not %s", p.location(), path)
}

// a11yCases are cases in the stages whose case pages differ.
type a11yCases struct {
	fresh, assembled, sent, signoff, returned, withheld, waiting, erasure, restricted string
}

// makeA11yCases brings cases to each stage through the API.
func (e *env) makeA11yCases(t *testing.T) a11yCases {
	t.Helper()
	mailbox := person(t, deskPerson)
	paper := person(t, func(p demodata.DemoPerson) bool {
		return !p.DigitalMailbox && p.Protection == dsr.ProtectionNone && !strings.Contains(p.Note, "Long history")
	})
	lefi := string(person(t, func(p demodata.DemoPerson) bool { return strings.Contains(p.Note, "LEFI") }).PNR)
	must := func(st int, raw []byte, what string, want int) {
		t.Helper()
		if st != want {
			t.Fatalf("%s: %d %s", what, st, raw)
		}
	}
	var c a11yCases
	c.fresh = e.createCase(string(mailbox.PNR), "letter", "2026-11-20").ID
	c.assembled = e.createCase(string(mailbox.PNR), "phone", "2026-11-19").ID
	st, raw := e.call("POST", "/api/v1/cases/"+c.assembled+"/extract", e.officer, nil, nil)
	must(st, raw, "assemble", http.StatusOK)
	c.sent = e.createCase(string(paper.PNR), "letter", "2026-11-18").ID
	st, raw = e.call("POST", "/api/v1/cases/"+c.sent+"/extract", e.officer, nil, nil)
	must(st, raw, "assemble for print", http.StatusOK)
	st, raw = e.call("POST", "/api/v1/cases/"+c.sent+"/send", e.officer, nil, nil)
	must(st, raw, "send to print", http.StatusOK)
	st, raw = e.call("POST", "/api/v1/print/batches", e.printer, nil, nil)
	must(st, raw, "print batch", http.StatusCreated)
	c.signoff = e.createCase(string(mailbox.PNR), "desk", "2026-11-17").ID
	st, raw = e.call("POST", "/api/v1/cases/"+c.signoff+"/outcome", e.officer, map[string]string{"outcome": "refused", "reasons": "Samma begäran som förra veckan."}, nil)
	must(st, raw, "refuse", http.StatusOK)
	c.returned = e.createCase(string(mailbox.PNR), "desk", "2026-11-17").ID
	st, raw = e.call("POST", "/api/v1/cases/"+c.returned+"/outcome", e.officer, map[string]string{"outcome": "refused", "reasons": "Uppenbart ogrundad."}, nil)
	must(st, raw, "refuse", http.StatusOK)
	st, raw = e.call("POST", "/api/v1/cases/"+c.returned+"/signoff", e.dpo, map[string]string{"decision": "return", "comment": "Skälen behöver utvecklas."}, nil)
	must(st, raw, "return", http.StatusOK)
	c.withheld = e.createCase(string(mailbox.PNR), "eservice", "2026-11-16").ID
	st, raw = e.call("POST", "/api/v1/cases/"+c.withheld+"/extract", e.officer, nil, nil)
	must(st, raw, "assemble", http.StatusOK)
	st, raw = e.call("POST", "/api/v1/cases/"+c.withheld+"/withholdings", e.officer,
		map[string]string{"register": "kontakter", "record": e.firstRecord(c.withheld, "kontakter"), "provision": "dsl_5"}, nil)
	must(st, raw, "withhold", http.StatusCreated)
	c.waiting = e.createCase(string(mailbox.PNR), "letter", "2026-11-16").ID
	st, raw = e.call("POST", "/api/v1/cases/"+c.waiting+"/identity", e.officer, map[string]string{"reason": "Namnteckningen saknas."}, nil)
	must(st, raw, "ask for identity", http.StatusOK)
	var er caseResp
	st, raw = e.call("POST", "/api/v1/cases", e.officer, map[string]any{"kinds": []string{"erasure"}, "subject": lefi, "channel": "letter",
		"scope": map[string]any{"registers": []string{"formansbeslut", "kontakter"}}}, &er)
	must(st, raw, "erasure", http.StatusCreated)
	c.erasure = er.ID
	st, raw = e.call("POST", "/api/v1/cases/"+c.erasure+"/evaluation", e.officer, nil, nil)
	must(st, raw, "evaluate", http.StatusOK)
	var rs caseResp
	st, raw = e.call("POST", "/api/v1/cases", e.officer, map[string]any{"kinds": []string{"restriction"}, "subject": lefi, "channel": "letter",
		"scope": map[string]any{"registers": []string{"paminnelser"}}}, &rs)
	must(st, raw, "restriction", http.StatusCreated)
	c.restricted = rs.ID
	st, raw = e.call("POST", "/api/v1/cases/"+c.restricted+"/evaluation", e.officer, nil, nil)
	must(st, raw, "evaluate restriction", http.StatusOK)
	st, raw = e.call("POST", "/api/v1/cases/"+c.restricted+"/execute", e.officer, nil, nil)
	must(st, raw, "execute restriction", http.StatusOK)
	return c
}

// TestAccessibility runs axe-core on every page of every role, in Swedish
// and in English, in one browser, and fails on any violation.
func TestAccessibility(t *testing.T) {
	t.Parallel()
	began := time.Now()
	e := newEnv(t)
	src := axeSource(t)
	c := e.makeA11yCases(t)
	a := &auditor{b: page{t, browser(t)}, base: e.srv.URL, src: src}
	b := a.b
	// The browser evaluates axe-core in every document it opens, before the
	// page's own content: cheaper than sending it for each page.
	if _, err := chromedp.Call(b.ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: src}); err != nil {
		t.Fatal(err)
	}
	langs := []string{"sv", "en"}
	inLang := func(lang string) {
		a.lang = lang
		b.do("switch to "+lang, chromedp.Navigate(e.srv.URL+"/lang/"+lang+"?next=/"))
	}
	users := DemoUsers()
	signIn := func(u DemoUser, then string) {
		a.role = string(u.Role)
		b.do("sign in as "+string(u.Role),
			chromedp.Navigate(e.srv.URL+"/staff/login"),
			chromedp.SendKeys(chromedp.CSS("#email"), u.Email),
			chromedp.SendKeys(chromedp.CSS("#password"), u.Password),
			chromedp.Click(chromedp.CSS("#login-submit")),
			chromedp.WaitVisible(chromedp.CSS(then)))
	}
	signOut := func() {
		b.do("sign out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS("#start-request")))
	}

	// Anonymous.
	a.role = "anonymous"
	for _, lang := range langs {
		inLang(lang)
		a.visit("/", "/e-id", "/staff/login", "/om/personuppgifter", "/om/kakor")
		a.visitError("/no/such/page", "/e-id/callback?state=x&code=y")
		a.after("wrong password",
			chromedp.Navigate(e.srv.URL+"/staff/login"),
			chromedp.SendKeys(chromedp.CSS("#email"), users[0].Email),
			chromedp.SendKeys(chromedp.CSS("#password"), "not-the-password"),
			chromedp.Click(chromedp.CSS("#login-submit")),
			chromedp.WaitVisible(chromedp.CSS("#login-error")))
	}

	// An individual signed in with e-ID.
	p := person(t, deskPerson)
	inLang("sv")
	b.do("to the form", chromedp.Navigate(e.srv.URL+"/request/9352"))
	b.eidSignIn(p, "#submit-request")
	a.role = "individual"
	b.do("submit form 9352",
		chromedp.SendKeys(chromedp.CSS("#f-phone"), "070-123 45 67"),
		chromedp.Click(chromedp.CSS("#submit-request")),
		chromedp.WaitVisible(chromedp.CSS("#case-number")))
	receipt := strings.TrimPrefix(b.location(), e.srv.URL)
	for _, lang := range langs {
		inLang(lang)
		a.visit("/", "/request/9352", "/request/rattelse", "/request/radering", "/request/begransning", "/request/invandning", receipt, "/mina-arenden", "/om/personuppgifter", "/om/kakor")
		a.visitError("/no/such/page", "/request/nosuchform", "/request/receipt/0198a3f2-0000-7000-8000-000000000000")
		a.after("form 9352 with errors",
			chromedp.Navigate(e.srv.URL+"/request/9352"),
			chromedp.Click(chromedp.CSS(`input[name="scope"][value="limited"]`)),
			chromedp.Click(chromedp.CSS("#submit-request")),
			chromedp.WaitVisible(chromedp.CSS(".errorbox")))
		a.after("rectification form with errors",
			chromedp.Navigate(e.srv.URL+"/request/rattelse"),
			chromedp.Click(chromedp.CSS("#submit-request")),
			chromedp.WaitVisible(chromedp.CSS(".errorbox")))
	}
	signOut()

	// The officer.
	signIn(users[0], "#cases")
	for _, lang := range langs {
		inLang(lang)
		a.visit("/staff/cases", "/staff/cases?queue=closed", "/staff/cases?queue=mine", "/staff/intake", "/om/kakor")
		a.visitError("/staff/print", "/staff/cases/0198a3f2-0000-7000-8000-000000000000")
		for _, id := range []string{c.fresh, c.assembled, c.sent, c.signoff, c.returned, c.withheld, c.waiting, c.erasure, c.restricted} {
			a.visit("/staff/cases/" + id)
		}
		a.visit("/staff/cases/"+c.assembled+"/review", "/staff/cases/"+c.withheld+"/review", "/om/personuppgifter")
		b.do("search", chromedp.Navigate(e.srv.URL+"/staff/cases"),
			chromedp.SendKeys(chromedp.CSS("#search-q"), "DSR-2026"),
			chromedp.Click(chromedp.CSS("#search")))
		b.waitPath("/staff/cases/search")
		a.check("search results")
		a.after("intake with errors", chromedp.Navigate(e.srv.URL+"/staff/intake"),
			chromedp.SendKeys(chromedp.CSS("#subject"), "19121212"),
			chromedp.Click(chromedp.CSS("#register")),
			chromedp.WaitVisible(chromedp.CSS(".errorbox")))
	}
	signOut()

	// The data-protection officer.
	signIn(users[1], "#cases")
	for _, lang := range langs {
		inLang(lang)
		a.visit("/staff/cases", "/staff/cases?queue=signoff", "/staff/cases/"+c.signoff, "/staff/cases/"+c.returned, "/staff/cases/"+c.withheld,
			"/staff/cases/"+c.erasure, "/staff/cases/"+c.restricted, "/staff/cases/"+c.withheld+"/review", "/staff/dashboard", "/staff/stats", "/staff/stats?year=2025")
	}
	signOut()

	// The print operator.
	signIn(users[2], "#create-batch")
	for _, lang := range langs {
		inLang(lang)
		a.visit("/staff/print")
		a.visitError("/staff/cases")
	}
	signOut()

	// The administrator.
	signIn(users[3], "#users")
	officerID := e.userID(users[0].Email)
	for _, lang := range langs {
		inLang(lang)
		a.visit("/admin/users", "/admin/users/"+officerID+"/tokens", "/admin/settings")
		a.visitError("/staff/cases")
		a.after("a token made", chromedp.Navigate(e.srv.URL+"/admin/users/"+officerID+"/tokens"),
			chromedp.Click(chromedp.CSS("#create-token")), chromedp.WaitVisible(chromedp.CSS("#new-token")))
		a.after("settings with errors", chromedp.Navigate(e.srv.URL+"/admin/settings"),
			chromedp.SetValue(chromedp.CSS("#identity_wait_days"), "3"),
			chromedp.Click(chromedp.CSS("#save-settings")), chromedp.WaitVisible(chromedp.CSS(".errorbox")))
		a.after("new user with errors", chromedp.Navigate(e.srv.URL+"/admin/users"),
			chromedp.Click(chromedp.CSS("#create-user")), chromedp.WaitVisible(chromedp.CSS("#new-user .errorbox")))
	}
	signOut()

	sort.Strings(a.found)
	if len(a.found) > 0 {
		t.Errorf("axe-core found %d violations on %d pages:\n%s", len(a.found), a.pages, strings.Join(a.found, "\n"))
	}
	t.Logf("axe-core checked %d pages in %s", a.pages, time.Since(began).Round(time.Second))
}

// focusState is what a person sees of the element with the focus.
type focusState struct {
	ID      string `json:"id"`
	Tag     string `json:"tag"`
	Name    string `json:"name"`
	Value   string `json:"value"`
	Checked bool   `json:"checked"`
	Ring    bool   `json:"ring"` // a visible focus indicator: an outline or a box shadow
	OnPage  bool   `json:"onPage"`
}

const focusJS = `(() => {
	const el = document.activeElement, cs = getComputedStyle(el), r = el.getBoundingClientRect();
	return {id: el.id, tag: el.tagName.toLowerCase(), name: el.getAttribute('name') || '', value: el.value || '', checked: !!el.checked,
		ring: (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2) || cs.boxShadow !== 'none',
		onPage: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0};
})()`

// focused is the element with the focus.
func (p page) focused() focusState {
	p.t.Helper()
	f, err := chromedp.Run(p.ctx, chromedp.Evaluate[focusState](focusJS))
	if err != nil {
		p.t.Fatalf("read the focus: %v", err)
	}
	return f
}

// press types keys as a person at the keyboard does.
func (p page) press(keys string) {
	p.t.Helper()
	p.do("press "+strconv.Quote(keys), chromedp.KeyEvent(keys, physicalKey))
}

// physicalKey sends a key as a keyboard does: a raw key-down, then the
// character. chromedp's own key-down carries the character's meaning, so
// that Enter on a link, which moves the focus on key-down, would also
// press Enter in the field the link leads to, and submit its form.
func physicalKey(k *input.DispatchKeyEventParams) {
	if k.Type == input.DispatchKeyEventTypeKeyDown {
		k.Type = input.DispatchKeyEventTypeRawKeyDown
	}
}

// tabTo presses Tab until the element matching sel has the focus, failing
// after max presses, or when an element on the way shows no focus ring.
func (p page) tabTo(sel string, max int) {
	p.t.Helper()
	match := `document.activeElement.matches(` + strconv.Quote(sel) + `)`
	for range max {
		p.press(kb.Tab)
		f := p.focused()
		if f.Tag != "body" && f.Tag != "main" && (!f.Ring || !f.OnPage) {
			p.t.Errorf("the focus on %s#%s %q shows no visible indicator (ring %t, on the page %t)", f.Tag, f.ID, f.Name, f.Ring, f.OnPage)
		}
		if ok, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](match)); err == nil && ok {
			return
		}
	}
	p.t.Fatalf("%d presses of Tab did not reach %s (the focus is on %+v)", max, sel, p.focused())
}

// TestKeyboardOnlyForms fills in and sends form 9352 and the staff intake
// form with the keyboard alone — Tab, the arrow keys, Space, typing and
// Enter — and checks that every element the focus passes shows a visible
// focus indicator, and that the skip link leads past the menu.
func TestKeyboardOnlyForms(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := page{t, browser(t)}
	p := person(t, deskPerson)

	b.do("to form 9352", chromedp.Navigate(e.srv.URL+"/request/9352"))
	b.eidSignIn(p, "#submit-request")
	b.do("reload the form", chromedp.Navigate(e.srv.URL+"/request/9352"), chromedp.WaitVisible(chromedp.CSS("#submit-request")))
	b.press(kb.Tab)
	if f := b.focused(); f.Tag != "a" || !f.Ring || !f.OnPage {
		t.Fatalf("the first Tab focuses %+v, want the visible skip link", f)
	}
	b.press(kb.Enter)
	if f := b.focused(); f.ID != "main" {
		t.Fatalf("the skip link moved the focus to %+v, want main", f)
	}
	b.tabTo(`input[name="scope"]:checked`, 10)
	b.press(kb.ArrowDown)
	if f := b.focused(); f.Name != "scope" || f.Value != "limited" || !f.Checked {
		t.Fatalf("the arrow key left %+v, want the scope 'limited' chosen", f)
	}
	b.tabTo("#f-scope_details", 3)
	b.press("Utbetalningar under 2025")
	b.tabTo("#f-phone", 3)
	b.press("070-123 45 67")
	b.tabTo("#submit-request", 3)
	b.press(kb.Enter)
	b.do("wait for the receipt", chromedp.WaitVisible(chromedp.CSS("#case-number")))
	if n := b.text("#case-number"); !strings.HasPrefix(n, "DSR-2026-") {
		t.Fatalf("the receipt shows %q", n)
	}
	b.do("sign out", chromedp.Navigate(e.srv.URL+"/"))
	b.staffSignOut()

	b.staffSignIn(e.srv.URL, DemoUsers()[0])
	b.do("open the intake form", chromedp.Navigate(e.srv.URL+"/staff/intake"), chromedp.WaitVisible(chromedp.CSS("#register")))
	b.tabTo("#f-kinds", 15)
	b.press(" ")
	if f := b.focused(); !f.Checked || f.Value != "access" {
		t.Fatalf("Space left %+v, want the request for access ticked", f)
	}
	b.tabTo("#subject", 10)
	b.press(string(p.PNR))
	b.tabTo("#subject_name", 2)
	b.press(p.Name)
	b.tabTo("#register", 15)
	b.press(kb.Enter)
	b.do("wait for the case", chromedp.WaitVisible(chromedp.CSS("#case-status")))
	if got := b.text("#case-status"); got == "" || !strings.Contains(b.location(), "done=registered") {
		t.Fatalf("after registering: %s, status %q", b.location(), got)
	}
}

// errorSummary checks the error summary a form was shown again with: it
// has the focus; each of its links leads to a field that is marked
// aria-invalid and described by its message; Tab and Enter on the first
// link move the focus to that field.
func (p page) errorSummary(what string) {
	p.t.Helper()
	if f := p.focused(); f.ID != "error-summary" {
		p.t.Fatalf("%s: the focus is on %+v, want the error summary", what, f)
	}
	type link struct {
		Href, Text string
		Target     string // the tag of the element linked to
		Invalid    string
		Described  []string // the texts of the elements aria-describedby names
	}
	links, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]link](`[...document.querySelectorAll('#error-summary a[href^="#"]')].map(a => {
		const el = document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)));
		return {Href: a.getAttribute('href'), Text: a.textContent.trim(), Target: el ? el.tagName.toLowerCase() : '',
			Invalid: el ? el.getAttribute('aria-invalid') || '' : '',
			Described: el ? (el.getAttribute('aria-describedby') || '').split(' ').filter(Boolean).map(id => ((document.getElementById(id) || {}).textContent || '').trim()) : []};
	})`))
	if err != nil {
		p.t.Fatalf("%s: read the summary: %v", what, err)
	}
	if len(links) == 0 {
		p.t.Fatalf("%s: the error summary links to no field", what)
	}
	for _, l := range links {
		switch {
		case l.Target == "":
			p.t.Errorf("%s: the summary links to %s, which is not on the page", what, l.Href)
		case l.Invalid != "true":
			p.t.Errorf("%s: %s, linked from the summary, is not marked aria-invalid", what, l.Href)
		case !slices.ContainsFunc(l.Described, func(d string) bool { return d != "" && strings.Contains(l.Text, d) }):
			p.t.Errorf("%s: %s is described by %q, none of which the summary's %q says", what, l.Href, l.Described, l.Text)
		}
	}
	p.press(kb.Tab)
	p.press(kb.Enter)
	if f, want := p.focused(), strings.TrimPrefix(links[0].Href, "#"); f.ID != want {
		p.t.Errorf("%s: the summary's first link moved the focus to %+v, want #%s", what, f, want)
	}
}

// TestErrorSummaryTakesFocus sends each kind of form with a mistake and
// checks its error summary in the browser (errorSummary).
func TestErrorSummaryTakesFocus(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := page{t, browser(t)}
	users := DemoUsers()

	b.do("sign in with a wrong password", chromedp.Navigate(e.srv.URL+"/staff/login"),
		chromedp.SendKeys(chromedp.CSS("#email"), users[0].Email), chromedp.SendKeys(chromedp.CSS("#password"), "wrong-password"),
		chromedp.Click(chromedp.CSS("#login-submit")), chromedp.WaitVisible(chromedp.CSS("#error-summary")))
	b.errorSummary("staff sign-in")

	b.staffSignIn(e.srv.URL, users[0])
	b.do("register a request with a bad identity number", chromedp.Navigate(e.srv.URL+"/staff/intake"),
		chromedp.Click(chromedp.CSS("#f-kinds")), chromedp.SendKeys(chromedp.CSS("#subject"), "19121212-1213"),
		chromedp.Click(chromedp.CSS("#register")), chromedp.WaitVisible(chromedp.CSS("#error-summary")))
	b.errorSummary("intake")
	b.staffSignOut()

	b.do("sign in as the administrator", chromedp.Navigate(e.srv.URL+"/staff/login"),
		chromedp.SendKeys(chromedp.CSS("#email"), users[3].Email), chromedp.SendKeys(chromedp.CSS("#password"), users[3].Password),
		chromedp.Click(chromedp.CSS("#login-submit")), chromedp.WaitVisible(chromedp.CSS("#users")))
	b.do("save a wait that is too short", chromedp.Navigate(e.srv.URL+"/admin/settings"),
		chromedp.SetValue(chromedp.CSS("#identity_wait_days"), "3"),
		chromedp.Click(chromedp.CSS("#save-settings")), chromedp.WaitVisible(chromedp.CSS("#error-summary")))
	b.errorSummary("settings")
	b.do("create an account with nothing filled in", chromedp.Navigate(e.srv.URL+"/admin/users"),
		chromedp.Click(chromedp.CSS("#create-user")), chromedp.WaitVisible(chromedp.CSS("#error-summary")))
	b.errorSummary("new account")
	b.staffSignOut()

	b.do("to form 9352", chromedp.Navigate(e.srv.URL+"/request/9352"))
	b.eidSignIn(person(t, deskPerson), "#submit-request")
	b.do("send form 9352 without saying which data", chromedp.Click(chromedp.CSS(`input[name="scope"][value="limited"]`)),
		chromedp.Click(chromedp.CSS("#submit-request")), chromedp.WaitVisible(chromedp.CSS("#error-summary")))
	b.errorSummary("form 9352")
	b.do("send the rectification form empty", chromedp.Navigate(e.srv.URL+"/request/rattelse"),
		chromedp.Click(chromedp.CSS("#submit-request")), chromedp.WaitVisible(chromedp.CSS("#error-summary")))
	b.errorSummary("rectification")
	b.do("mark a value wrong without saying what is right", chromedp.Navigate(e.srv.URL+"/request/rattelse"),
		chromedp.Click(chromedp.CSS(`input[name="wrong"]`)),
		chromedp.Click(chromedp.CSS("#submit-request")), chromedp.WaitVisible(chromedp.CSS("#error-summary")))
	b.errorSummary("rectification with a value marked")
}

// switchTarget reads a page's language switch and returns where it leads.
func (e *env) switchTarget(c *http.Client, body string) string {
	e.t.Helper()
	m := regexp.MustCompile(`<a href="([^"]*)" id="switch-lang"`).FindStringSubmatch(body)
	if m == nil {
		e.t.Fatal("the page has no language switch")
	}
	resp, _ := e.get(c, html.UnescapeString(m[1]))
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("the language switch answers %d", resp.StatusCode)
	}
	return resp.Header.Get("Location")
}

// TestLanguageSwitchReturnsToThePage: the language switch leads back to
// the page it is on, with the page's query string but without the one-off
// confirmation; a page shown in answer to a form leads back to where that
// form can be opened; a return address that is not a path on this site
// leads to the start page.
func TestLanguageSwitchReturnsToThePage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	users := DemoUsers()
	anon, officer := e.browserClient(), e.staffClient(users[0].Email, users[0].Password)
	ind := e.individualClient(person(t, deskPerson))
	id := e.createCase(string(person(t, deskPerson).PNR), "letter", "2026-11-20").ID
	for _, tc := range []struct {
		who  *http.Client
		path string
		want string
	}{
		{anon, "/", "/"},
		{anon, "/om/kakor", "/om/kakor"},
		{anon, "/no/such/page", "/no/such/page"},
		{officer, "/staff/cases?queue=closed", "/staff/cases?queue=closed"},
		{officer, "/staff/cases/" + id + "?done=assigned", "/staff/cases/" + id},
		{officer, "/staff/stats?year=2025", "/staff/stats?year=2025"},
		{ind, "/request/9352", "/request/9352"},
	} {
		resp, body := e.get(tc.who, tc.path)
		if resp.StatusCode >= 500 {
			t.Fatalf("%s: %d", tc.path, resp.StatusCode)
		}
		if got := e.switchTarget(tc.who, body); got != tc.want {
			t.Errorf("the language switch on %s leads to %q, want %q", tc.path, got, tc.want)
		}
	}
	// A page shown in answer to a form.
	_, body := e.form(anon, "/staff/login", url.Values{"email": {users[0].Email}, "password": {"wrong"}}, e.srv.URL)
	if got := e.switchTarget(anon, body); got != "/staff/login" {
		t.Errorf("after a failed sign-in the language switch leads to %q", got)
	}
	_, body = e.form(ind, "/request/9352", url.Values{"scope": {"limited"}}, e.srv.URL)
	if got := e.switchTarget(ind, body); got != "/request/9352" {
		t.Errorf("on a form shown with its errors the language switch leads to %q", got)
	}
	// The switch changes the language of the page it returns to.
	if _, page := e.get(officer, "/staff/cases?queue=closed"); !strings.Contains(page, `<html lang="en">`) {
		t.Error("the case list is not in English after the switch")
	}
	for _, next := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example", "/\t/evil.example", "/\n/evil.example", "evil"} {
		resp, _ := e.get(anon, "/lang/en?next="+url.QueryEscape(next))
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/" {
			t.Errorf("next=%q leads to %q, want the start page", next, loc)
		}
	}
}

// TestRedirectAfterPost: forms answer with a redirect (303), so that the
// back button never asks to send a form again. A search goes to its
// results at an address that carries no identity number and opens only in
// the session that searched; back from a case found, the browser shows
// the results again.
func TestRedirectAfterPost(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	users := DemoUsers()
	officer, dpo := e.staffClient(users[0].Email, users[0].Password), e.staffClient(users[1].Email, users[1].Password)
	lefi := person(t, func(p demodata.DemoPerson) bool { return strings.Contains(p.Note, "LEFI") })
	id := e.createCase(string(lefi.PNR), "letter", "2026-11-20").ID

	for _, tc := range []struct {
		path   string
		values url.Values
	}{
		{"/staff/cases/" + id + "/notes", url.Values{"body": {"Ringde och bekräftade adressen."}}},
		{"/staff/cases/" + id + "/assign", url.Values{"officer": {"me"}}},
		{"/staff/cases/search", url.Values{"q": {string(lefi.PNR)}}},
	} {
		resp, _ := e.form(officer, tc.path, tc.values, e.srv.URL)
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("POST %s: %d, want 303", tc.path, resp.StatusCode)
		}
	}
	resp, _ := e.form(officer, "/staff/cases/search", url.Values{"q": {string(lefi.PNR)}}, e.srv.URL)
	results := resp.Header.Get("Location")
	if !strings.HasPrefix(results, "/staff/cases/search?q=") {
		t.Fatalf("the search leads to %q", results)
	}
	for _, f := range pnrForms(string(lefi.PNR)) {
		if strings.Contains(results, f) {
			t.Fatalf("the results' address %s carries the identity number", results)
		}
	}
	if resp, page := e.get(officer, results); resp.StatusCode != http.StatusOK || strings.Count(page, `<td><a href="/staff/cases/`) < 2 {
		t.Fatalf("the search results: %d", resp.StatusCode)
	}
	if resp, _ := e.get(dpo, results); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/staff/cases" {
		t.Errorf("another session opened the search: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}

	b := page{t, browser(t)}
	b.staffSignIn(e.srv.URL, users[0])
	b.do("search by identity number", chromedp.SendKeys(chromedp.CSS("#search-q"), string(lefi.PNR)), chromedp.Click(chromedp.CSS("#search")))
	b.waitPath("/staff/cases/search")
	found := b.location()
	b.do("open a case found", chromedp.Click(chromedp.CSS(`#cases td a`)), chromedp.WaitVisible(chromedp.CSS("#case-status")))
	// history.back and polling in the page, not NavigateBack and DOM
	// queries: a page restored from the back-forward cache fires no load
	// event, and chromedp's node tracking does not follow it.
	b.do("go back", chromedp.Evaluate[chromedp.Void](`history.back()`))
	shown := ""
	for range 200 {
		v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.readyState === 'complete' ? location.href + ' ' + document.querySelectorAll('#cases tbody tr').length : ''`))
		if err == nil && strings.HasPrefix(v, found+" ") {
			shown = v
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	if n, _ := strconv.Atoi(strings.TrimPrefix(shown, found+" ")); n < 2 {
		t.Errorf("back from the case shows %q, want the results at %s", shown, found)
	}
}
