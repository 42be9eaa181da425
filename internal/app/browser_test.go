package app

import (
	"context"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"dsrdesk/internal/demodata"
	"dsrdesk/internal/dsr"
)

// browser starts headless Debian chromium for one test.
func browser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is not installed; `make test` installs it (Debian package chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelC := chromedp.NewContext(actx)
	// The first call starts the browser; it must not carry a timeout, or
	// the browser would die with it.
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		cancelC()
		cancelA()
		t.Fatalf("start chromium: %v", err)
	}
	ctx, cancelT := context.WithTimeout(bctx, 90*time.Second)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	return ctx
}

// page drives one browser tab and fails the test on the first error.
type page struct {
	t   *testing.T
	ctx context.Context
}

func (p page) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, steps...); err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
}

func (p page) text(sel string) string {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("read %s: %v", sel, err)
	}
	return strings.TrimSpace(v)
}

// count is how many elements on the page match a CSS selector.
func (p page) count(sel string) int {
	p.t.Helper()
	n, err := chromedp.Run(p.ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+strconv.Quote(sel)+`).length`))
	if err != nil {
		p.t.Fatalf("count %s: %v", sel, err)
	}
	return n
}

func (p page) value(sel string) string {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("read %s: %v", sel, err)
	}
	return v
}

// TestBrowserIndividualAndOfficer walks the individual's part (test e-ID,
// form 9352, receipt) and the officer's (sign in, open the case, assemble,
// send) in a real browser.
func TestBrowserIndividualAndOfficer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := page{t, browser(t)}
	p := person(t, func(p demodata.DemoPerson) bool {
		return p.DigitalMailbox && p.Protection == dsr.ProtectionNone && strings.Contains(p.Note, "LEFI")
	})

	b.do("open the start page", chromedp.Navigate(e.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#start-request")))
	if h := b.text("h1"); h != "Dina personuppgifter hos Försäkringskassan" {
		t.Errorf("start page heading %q: Swedish by default expected", h)
	}
	b.do("ask for an extract", chromedp.Click(chromedp.CSS("#start-request")))
	b.eidSignIn(p, "#submit-request")
	if got := b.text("#signed-in-name"); got != p.Name {
		t.Errorf("signed in as %q, want %q", got, p.Name)
	}
	b.do("submit form 9352 with a missing detail",
		chromedp.Click(chromedp.CSS(`input[name="scope"][value="limited"]`)),
		chromedp.Click(chromedp.CSS("#submit-request")),
		chromedp.WaitVisible(chromedp.CSS(".errorbox")))
	b.do("complete and submit form 9352",
		chromedp.SendKeys(chromedp.CSS("#f-scope_details"), "Utbetalningar och utlämnanden 2025–2026, även till försäkringsbolag"),
		chromedp.Click(chromedp.CSS("#submit-request")),
		chromedp.WaitVisible(chromedp.CSS("#case-number")))
	number, due := b.text("#case-number"), b.text("#case-due")
	// Received Monday 23 November 2026 → due Wednesday 23 December 2026.
	if !strings.HasPrefix(number, "DSR-2026-") || due != "2026-12-23" {
		t.Fatalf("receipt shows number %q due %q", number, due)
	}

	officer := DemoUsers()[0]
	b.do("officer signs in",
		chromedp.Navigate(e.srv.URL+"/staff/login"),
		chromedp.SendKeys(chromedp.CSS("#email"), officer.Email),
		chromedp.SendKeys(chromedp.CSS("#password"), officer.Password),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#cases")),
		chromedp.WaitVisible(chromedp.CSS("#overdue-alert")))
	b.do("open the case and assemble",
		chromedp.Click(`//a[text()="`+number+`"]`),
		chromedp.WaitVisible(chromedp.CSS("#assemble")),
		chromedp.Click(chromedp.CSS("#assemble")),
		chromedp.WaitVisible(chromedp.CSS("#extract-summary")),
		chromedp.WaitVisible(chromedp.CSS("#preview")))
	if summary := b.text("#extract-summary"); !strings.Contains(summary, "LEFI") {
		t.Errorf("extract summary %q does not name the LEFI register", summary)
	}
	b.do("send", chromedp.Click(chromedp.CSS("#send")), chromedp.WaitVisible(chromedp.CSS("#letter-sent")))
	sent, status := b.text("#letter-sent"), b.text("#case-status")
	d := e.sim.Delivered()
	if len(d) != 1 || !strings.Contains(sent, "Digital brevlåda") || !strings.Contains(sent, d[0].TransactionID) {
		t.Fatalf("case page says %q; mailbox has %+v", sent, d)
	}
	if status != "Skickat" {
		t.Errorf("status %q after sending", status)
	}
	e.checkAuditAndLogs()
}

// TestBrowserEnglishAndBadLogin switches the interface to English and
// checks that a wrong password re-renders the form with a message.
func TestBrowserEnglishAndBadLogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := page{t, browser(t)}
	b.do("switch to English",
		chromedp.Navigate(e.srv.URL+"/"),
		chromedp.Click(chromedp.CSS("#switch-lang")),
		chromedp.WaitVisible(chromedp.CSS("#start-request")))
	if h := b.text("h1"); h != "Your personal data at Försäkringskassan" {
		t.Errorf("English heading %q", h)
	}
	b.do("sign in with a wrong password",
		chromedp.Navigate(e.srv.URL+"/staff/login"),
		chromedp.SendKeys(chromedp.CSS("#email"), DemoUsers()[0].Email),
		chromedp.SendKeys(chromedp.CSS("#password"), "not-the-password"),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#login-error")))
	if msg, email := b.text("#login-error"), b.value("#email"); !strings.Contains(msg, "Wrong e-mail address or password") || email != DemoUsers()[0].Email {
		t.Errorf("bad login shows %q with e-mail %q", msg, email)
	}
}
