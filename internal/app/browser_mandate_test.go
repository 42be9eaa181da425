package app

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"dsrdesk/internal/demodata"
)

// TestBrowserGuardianForChild: a guardian asks for their child's register
// extract by letter. Nothing can be sent until an officer has verified the
// mandate (custody, from the population register); the extract about the
// child then goes to the guardian who asked, not to the child.
func TestBrowserGuardianForChild(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	child := person(t, func(p demodata.DemoPerson) bool { return p.GuardianPNR != "" })
	var c caseResp
	if st, raw := e.call("POST", "/api/v1/cases", e.officer, map[string]any{
		"kinds": []string{"access"}, "subject": string(child.PNR), "channel": "letter", "received_on": "2026-11-20",
		"representative": map[string]string{"role": "guardian", "name": "Åsa Testsson", "pnr": string(child.GuardianPNR)},
	}, &c); st != http.StatusCreated {
		t.Fatalf("register: %d %s", st, raw)
	}
	if c.Waiting != "mandate" || c.Stage != "waiting" {
		t.Fatalf("a guardian's request waits for %q in %q, want the mandate", c.Waiting, c.Stage)
	}
	// An adult cannot have a guardian.
	adult := person(t, func(p demodata.DemoPerson) bool { return p.PNR == child.GuardianPNR })
	if st, raw := e.call("POST", "/api/v1/cases", e.officer, map[string]any{
		"kinds": []string{"access"}, "subject": string(adult.PNR), "channel": "letter",
		"representative": map[string]string{"role": "guardian", "name": "Någon Annan"},
	}, nil); st != http.StatusBadRequest || !strings.Contains(string(raw), "adult") {
		t.Errorf("a guardian of an adult: %d %s", st, raw)
	}

	b := page{t, browser(t)}
	b.staffSignIn(e.srv.URL, DemoUsers()[0])
	b.do("assemble while the mandate waits",
		chromedp.Navigate(e.srv.URL+"/staff/cases/"+c.ID),
		chromedp.WaitVisible(chromedp.CSS("#waiting")),
		chromedp.Click(chromedp.CSS("#assemble")),
		chromedp.WaitVisible(chromedp.CSS("#extract-summary")))
	if n := b.count("#send"); n != 0 {
		t.Fatal("the extract can be sent before the mandate is verified")
	}
	if st, _ := e.call("POST", "/api/v1/cases/"+c.ID+"/send", e.officer, nil, nil); st != http.StatusConflict {
		t.Fatalf("send before the mandate is verified: %d, want 409", st)
	}
	b.do("verify the guardian's custody",
		chromedp.Click(chromedp.CSS("#mandate-valid")),
		chromedp.Click(chromedp.CSS("#mandate-covers")),
		chromedp.SendKeys(chromedp.CSS("#mandate-note"), "Vårdnad enligt folkbokföringen."),
		chromedp.Click(chromedp.CSS("#verify-mandate")),
		chromedp.WaitVisible(chromedp.CSS("#mandate-verified")))
	// The child's extract withholds the applicant's name in the parent's
	// cases by default: a partial refusal, which the DPO signs off.
	if st, raw := e.call("POST", "/api/v1/cases/"+c.ID+"/signoff", e.dpo, map[string]string{"decision": "approve"}, nil); st != http.StatusOK {
		t.Fatalf("sign-off: %d %s", st, raw)
	}
	b.do("send",
		chromedp.Navigate(e.srv.URL+"/staff/cases/"+c.ID),
		chromedp.WaitVisible(chromedp.CSS("#send")),
		chromedp.Click(chromedp.CSS("#send")),
		chromedp.WaitVisible(chromedp.CSS("#letter-sent")))
	d := e.sim.Delivered()
	if len(d) != 2 {
		t.Fatalf("delivered %d letters, want the decision and the extract", len(d))
	}
	for _, x := range d {
		if x.Recipient != string(child.GuardianPNR) {
			t.Errorf("a letter went to %s, want the guardian who asked", x.Recipient)
		}
	}
	if strings.Contains(b.text("#audit"), "mandate.verified") || !strings.Contains(b.text("#audit"), "behörighet") {
		t.Errorf("the audit trail does not say in words that the mandate was verified: %q", b.text("#audit"))
	}
	e.checkAuditAndLogs()
}
