package app

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"dsrdesk/internal/demodata"
)

// staffSignIn signs a demo staff member in.
func (p page) staffSignIn(base string, u DemoUser) {
	p.t.Helper()
	p.do("sign in as "+string(u.Role),
		chromedp.Navigate(base+"/staff/login"),
		chromedp.SendKeys(chromedp.CSS("#email"), u.Email),
		chromedp.SendKeys(chromedp.CSS("#password"), u.Password),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#cases")))
}

// TestBrowserErasureWithOverride: an erasure request is evaluated on the
// case page, the data-protection officer overrides one proposal with a
// written reason, the decision is carried out and the letter sent.
func TestBrowserErasureWithOverride(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	elin := string(person(t, func(p demodata.DemoPerson) bool { return strings.Contains(p.Note, "LEFI") }).PNR)
	var c caseResp
	if st, raw := e.call("POST", "/api/v1/cases", e.officer, map[string]any{
		"kinds": []string{"erasure"}, "subject": elin, "channel": "letter", "scope": map[string]any{"registers": []string{"formansbeslut", "kontakter"}},
	}, &c); st != http.StatusCreated {
		t.Fatalf("register: %d %s", st, raw)
	}
	b := page{t, browser(t)}
	dpo := DemoUsers()[1]
	b.staffSignIn(e.srv.URL, dpo)
	b.do("open the case and evaluate",
		chromedp.Navigate(e.srv.URL+"/staff/cases/"+c.ID),
		chromedp.WaitVisible(chromedp.CSS("#evaluate")),
		chromedp.Click(chromedp.CSS("#evaluate")),
		chromedp.WaitVisible(chromedp.CSS("#items")))
	if tally := b.text("#items-tally"); !strings.Contains(tally, "raderas") || !strings.Contains(tally, "sparas") {
		t.Fatalf("the evaluation shows %q, want both erased and kept items", tally)
	}
	kept, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('tr[data-register="formansbeslut"][data-outcome="keep"]')).map(r => r.id.slice(5))`))
	if err != nil || len(kept) == 0 {
		t.Fatal("no kept benefit decision to override")
	}
	id := kept[0]
	b.do("the DPO overrides it with a written reason",
		chromedp.SetValue(chromedp.CSS("#outcome-"+id), "erase"),
		chromedp.SendKeys(chromedp.CSS("#reason-"+id), "Beslutet registrerades på fel person och ska inte finnas kvar."),
		chromedp.Submit(chromedp.CSS("#reason-"+id)),
		chromedp.WaitVisible(chromedp.CSS("#item-"+id+`[data-outcome="erase"]`)))
	if cell := b.text("#item-" + id + " .outcome"); !strings.Contains(cell, "raderas") || !strings.Contains(cell, "dataskyddsombudet") {
		t.Errorf("the overridden item reads %q", cell)
	}
	b.do("carry the decision out",
		chromedp.Click(chromedp.CSS("#execute")),
		chromedp.WaitVisible(chromedp.CSS("#preview-decision")),
		chromedp.WaitVisible(chromedp.CSS("#signoff-approve")))
	// The override makes the decision one the DPO signs off before it
	// leaves: no send button until then.
	if n := b.count("#send"); n != 0 {
		t.Fatal("the decision can be sent before the DPO signed it off")
	}
	b.do("the DPO signs it off",
		chromedp.Click(chromedp.CSS("#signoff-approve")),
		chromedp.WaitVisible(chromedp.CSS(`#signoff-state[data-state="approved"]`)),
		chromedp.WaitVisible(chromedp.CSS("#send")))
	b.do("send the decision", chromedp.Click(chromedp.CSS("#send")), chromedp.WaitVisible(chromedp.CSS("#letter-sent")))
	if status := b.text("#case-status"); status != "Skickat" {
		t.Errorf("status %q after sending", status)
	}
	var items struct{ Items []itemResp }
	e.call("GET", "/api/v1/cases/"+c.ID+"/items", e.officer, nil, &items)
	for _, it := range items.Items {
		if it.ID == id && (!it.Overridden || it.Outcome != "erase" || !it.Executed) {
			t.Errorf("the overridden item after execution: %+v", it)
		}
	}
	if d := e.sim.Delivered(); len(d) != 1 {
		t.Errorf("%d letters in the mailbox, want the decision", len(d))
	}
	e.checkAuditAndLogs()
}

// TestBrowserRectification: the person files a rectification through the
// form that shows their own data; the officer evaluates, executes and
// sends; the person's next register extract shows the corrected value.
func TestBrowserRectification(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	elin := person(t, func(p demodata.DemoPerson) bool { return strings.Contains(p.Note, "LEFI") })
	secs, err := e.app.Registers.Sections(t.Context(), elin.PNR)
	if err != nil {
		t.Fatal(err)
	}
	var note string // the newest contact note, "Fråga om utlämnande till försäkringsbolag"
	for _, s := range secs {
		if s.Register.ID == "kontakter" {
			note = "kontakter/" + s.RecordIDs[0] + "/subject"
		}
	}
	const right = "Fråga om utlämnande till Skandia, inte till Folksam"
	b := page{t, browser(t)}
	b.do("open the rectification form", chromedp.Navigate(e.srv.URL+"/"), chromedp.Click(chromedp.CSS("#start-rattelse")))
	b.eidSignIn(elin, "#own-kontakter")
	if shown := b.text("#own-kontakter"); !strings.Contains(shown, "Fråga om utlämnande till försäkringsbolag") {
		t.Fatalf("the form does not show the person's own contact notes:\n%s", shown)
	}
	b.do("mark the note as wrong and give the right value",
		chromedp.Click(chromedp.CSS(`input[name="wrong"][value="`+note+`"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="fix/`+note+`"]`), right),
		chromedp.Click(chromedp.CSS("#submit-request")),
		chromedp.WaitVisible(chromedp.CSS("#case-number")))
	number := b.text("#case-number")

	b.staffSignIn(e.srv.URL, DemoUsers()[0])
	b.do("open the case and evaluate",
		chromedp.Click(`//a[text()="`+number+`"]`),
		chromedp.WaitVisible(chromedp.CSS("#evaluate")),
		chromedp.Click(chromedp.CSS("#evaluate")),
		chromedp.WaitVisible(chromedp.CSS("#items")))
	if row := b.text("#items tbody"); !strings.Contains(row, "rättas") || !strings.Contains(row, right) {
		t.Fatalf("the proposal reads %q", row)
	}
	b.do("accept: carry out and send",
		chromedp.Click(chromedp.CSS("#execute")),
		chromedp.WaitVisible(chromedp.CSS("#send")),
		chromedp.Click(chromedp.CSS("#send")),
		chromedp.WaitVisible(chromedp.CSS("#letter-sent")))

	// The person's next register extract shows the corrected value.
	c := e.createCase(string(elin.PNR), "letter", "2026-11-23")
	e.call("POST", "/api/v1/cases/"+c.ID+"/extract", e.officer, nil, nil)
	_, pdf := e.call("GET", "/api/v1/cases/"+c.ID+"/extract.pdf", e.officer, nil, nil)
	text := strings.Join(strings.Fields(pdfText(t, pdf)), " ")
	if !strings.Contains(text, "Skandia, inte till Folksam") || strings.Contains(text, "Fråga om utlämnande till försäkringsbolag") {
		t.Error("the next extract does not show the corrected value")
	}
	events, _ := e.app.Store.AuditEvents(t.Context(), "")
	kept := false
	for _, ev := range events {
		kept = kept || ev.Action == "item.corrected" && strings.Contains(ev.Detail, `old="Fråga om utlämnande till försäkringsbolag"`)
	}
	if !kept {
		t.Error("the old value is not kept in the audit trail")
	}
	e.checkAuditAndLogs()
}
