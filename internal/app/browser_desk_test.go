package app

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"dsrdesk/internal/demodata"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/mailbox"
)

// deskPerson is a demo person with a digital mailbox, no protected identity
// and nothing the catalogue withholds by default (not Åsa Testsson, whose
// sambo's income is withheld, nor the long history of 20,000 payments).
func deskPerson(p demodata.DemoPerson) bool {
	return p.DigitalMailbox && p.Protection == dsr.ProtectionNone &&
		!strings.Contains(p.Note, "withheld") && !strings.Contains(p.Note, "Long history")
}

// staffSignOut signs whoever is signed in out, from the menu's button.
func (p page) staffSignOut() {
	p.t.Helper()
	// The start page may be showing already: wait until the sign-out
	// button is gone, or the next navigation aborts the sign-out's.
	p.do("sign out",
		chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`form[action="/logout"]`)),
		chromedp.WaitVisible(chromedp.CSS("#start-request")))
}

// deliveredPDF is the stored letter that a mailbox delivery carried: the
// simulator keeps no attachment bodies, so the letter is found by its
// receipt (the operator's transaction id) and checked against the size of
// the delivered attachment and the letter's recorded SHA-256.
func (e *env) deliveredPDF(t *testing.T, caseID string, d mailbox.Delivery) (dsr.Letter, []byte) {
	t.Helper()
	letters, err := e.app.Store.CaseLetters(t.Context(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range letters {
		if l.Receipt != d.TransactionID {
			continue
		}
		pdf, err := e.app.Store.LetterPDF(t.Context(), l.ID)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(pdf)
		if len(d.AttachmentSizes) != 1 || d.AttachmentSizes[0] != len(pdf) || !strings.EqualFold(l.SHA256, hex.EncodeToString(sum[:])) {
			t.Fatalf("the %s letter (%d bytes, sha256 %s) is not what was delivered (%v)", l.Purpose, len(pdf), l.SHA256, d.AttachmentSizes)
		}
		return l, pdf
	}
	t.Fatalf("no letter of the case has the receipt %s", d.TransactionID)
	return dsr.Letter{}, nil
}

// pdfFlat is a PDF's text with its whitespace made single spaces, so that
// phrases can be found across line breaks.
func pdfFlat(t *testing.T, pdf []byte) string {
	t.Helper()
	return strings.Join(strings.Fields(pdfText(t, pdf)), " ")
}

// TestBrowserRefusalSignedOffAndSent: an access request by letter is
// refused as manifestly unfounded on the case page; the refusal waits for
// the data-protection officer, who approves it in their own session; it is
// then sent to the person's digital mailbox as a decision with its
// reasons, the right to complain to IMY and three weeks to appeal.
func TestBrowserRefusalSignedOffAndSent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := person(t, deskPerson)
	c := e.createCase(string(p.PNR), "letter", "2026-11-20")
	const reasons = "Sjunde likadana begäran i år; samtliga tidigare har besvarats i sin helhet och inga nya uppgifter har tillkommit."
	users := DemoUsers()
	b := page{t, browser(t)}

	b.staffSignIn(e.srv.URL, users[0])
	b.do("open the case",
		chromedp.Navigate(e.srv.URL+"/staff/cases/"+c.ID),
		chromedp.WaitVisible(chromedp.CSS("#case-outcome")))
	if got := b.text("#case-status"); got != "Mottaget" {
		t.Fatalf("a fresh case has status %q, want Mottaget", got)
	}
	if n := b.count("#signoff-approve") + b.count("#send-decision") + b.count("#preview-letter"); n != 0 {
		t.Fatalf("a case without an outcome offers sign-off, sending or a letter (%d)", n)
	}
	b.do("record the refusal with its reasons",
		chromedp.Click(chromedp.CSS("#outcome-form summary")),
		chromedp.WaitVisible(chromedp.CSS("#outcome")),
		chromedp.SetValue(chromedp.CSS("#outcome"), "refused"),
		chromedp.SendKeys(chromedp.CSS("#outcome-reasons-input"), reasons),
		chromedp.Click(chromedp.CSS("#record-outcome")),
		chromedp.WaitVisible(chromedp.CSS(`#signoff-state[data-state="pending"]`)))
	if n := b.count(`#case-outcome[data-outcome="refused"]`); n != 1 {
		t.Errorf("the outcome reads %q", b.text("#case-outcome"))
	}
	if got := b.text("#outcome-reasons"); got != reasons {
		t.Errorf("the reasons read %q", got)
	}
	if got := b.text("#case-status"); got != "Beslutat" {
		t.Errorf("status %q after the refusal, want Beslutat", got)
	}
	// The officer can neither send the refusal nor sign it off.
	if n := b.count("#send-decision") + b.count("#send"); n != 0 {
		t.Fatal("the refusal can be sent before the DPO signed it off")
	}
	if n := b.count("#signoff-approve") + b.count("#signoff-return"); n != 0 {
		t.Fatal("the officer is offered the DPO's sign-off")
	}
	if n := b.count("#preview-letter"); n != 1 {
		t.Error("the refusal's letter cannot be previewed")
	}

	b.staffSignOut()
	b.staffSignIn(e.srv.URL, users[1])
	b.do("the DPO opens the case",
		chromedp.Navigate(e.srv.URL+"/staff/cases/"+c.ID),
		chromedp.WaitVisible(chromedp.CSS("#signoff-approve")))
	if n := b.count(`#signoff-state[data-state="pending"]`) + b.count("#signoff-return"); n != 2 {
		t.Error("the DPO is not shown the pending sign-off with a way to return it")
	}
	b.do("the DPO approves",
		chromedp.Click(chromedp.CSS("#signoff-approve")),
		chromedp.WaitVisible(chromedp.CSS(`#signoff-state[data-state="approved"]`)),
		chromedp.WaitVisible(chromedp.CSS("#send-decision")))
	if n := b.count("#signoff-approve"); n != 0 {
		t.Error("an approved case still offers approval")
	}
	b.do("send the decision",
		chromedp.Click(chromedp.CSS("#send-decision")),
		chromedp.WaitVisible(chromedp.CSS("#answered-on")))
	if got := b.text("#case-status"); got != "Skickat" {
		t.Errorf("status %q after sending, want Skickat", got)
	}
	if got := b.text("#answered-on"); got != "2026-11-23" {
		t.Errorf("answered on %q, want the day of the mailbox receipt", got)
	}
	if n := b.count("#send-decision"); n != 0 {
		t.Error("a sent decision can be sent again")
	}

	d := e.sim.Delivered()
	if len(d) != 1 {
		t.Fatalf("%d letters in the mailbox, want the refusal", len(d))
	}
	if d[0].Recipient != string(p.PNR) {
		t.Error("the refusal went to someone else's mailbox")
	}
	l, pdf := e.deliveredPDF(t, c.ID, d[0])
	if l.Purpose != dsr.PurposeAnswer {
		t.Errorf("the delivered letter's purpose is %s", l.Purpose)
	}
	text := pdfFlat(t, pdf)
	for _, must := range []string{reasons, "Integritetsskyddsmyndigheten", "tre veckor"} {
		if !strings.Contains(text, must) {
			t.Errorf("the delivered refusal does not say %q:\n%s", must, text)
		}
	}
	e.checkAuditAndLogs()
}

// TestBrowserExtractWithRedactionAndWithheldRecord: the officer assembles
// an extract and, on the review page, redacts a payment's account under
// OSL 28:1 and withholds a contact note under DSL 5 kap.; the case becomes a
// partial refusal the DPO approves; the extract counts what was left out
// under each provision, masks the account, leaves the note out, and leaves
// with the decision.
func TestBrowserExtractWithRedactionAndWithheldRecord(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := person(t, deskPerson)
	c := e.createCase(string(p.PNR), "letter", "2026-11-20")
	users := DemoUsers()
	b := page{t, browser(t)}

	b.staffSignIn(e.srv.URL, users[0])
	b.do("open the case and assemble",
		chromedp.Navigate(e.srv.URL+"/staff/cases/"+c.ID),
		chromedp.WaitVisible(chromedp.CSS("#assemble")),
		chromedp.Click(chromedp.CSS("#assemble")),
		chromedp.WaitVisible(chromedp.CSS("#extract-summary")),
		chromedp.WaitVisible(chromedp.CSS("#review")))
	b.do("open the review",
		chromedp.Click(chromedp.CSS("#review")),
		chromedp.WaitVisible(chromedp.CSS("#register-utbetalningar")),
		chromedp.WaitVisible(chromedp.CSS("#register-kontakter")))
	if n := b.count("#withholdings"); n != 0 {
		t.Fatalf("the review of %s withholds something before the officer did", p.Name)
	}
	payments := b.count("#register-utbetalningar tbody tr")
	if payments < 2 || b.count("#register-kontakter tbody tr") < 2 {
		t.Fatalf("%s has %d payments and %d contacts; the test needs several", p.Name, payments, b.count("#register-kontakter tbody tr"))
	}
	const (
		payPrefix     = "row-utbetalningar-"
		contactPrefix = "row-kontakter-"
		withheldNote  = "Hjälp att logga in på Mina sidor"
	)
	payRow, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector('#register-utbetalningar tbody tr').id`))
	if err != nil || !strings.HasPrefix(payRow, payPrefix) {
		t.Fatalf("first payment row %q: %v", payRow, err)
	}
	contactRow, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(Array.from(document.querySelectorAll('#register-kontakter tbody tr')).find(r => r.textContent.includes(`+"`"+withheldNote+"`"+`)) || {id: ""}).id`))
	if err != nil || !strings.HasPrefix(contactRow, contactPrefix) {
		t.Fatalf("no contact row about %q (%q): %v", withheldNote, contactRow, err)
	}
	pay, contact := strings.TrimPrefix(payRow, payPrefix), strings.TrimPrefix(contactRow, contactPrefix)
	byID := func(id string) string { return `[id="` + id + `"]` }

	b.do("redact the payment's account under OSL 28:1",
		chromedp.SetValue(chromedp.CSS(byID("what-utbetalningar-"+pay)), "account"),
		chromedp.SetValue(chromedp.CSS(byID("provision-utbetalningar-"+pay)), string(dsr.ProvisionOSL28_1)),
		chromedp.Click(chromedp.CSS(byID("withhold-utbetalningar-"+pay))),
		chromedp.WaitVisible(chromedp.CSS(byID(payRow)+".withheld")),
		chromedp.WaitVisible(chromedp.CSS("#withholdings")))
	b.do("withhold the contact note under DSL 5 kap.",
		chromedp.SetValue(chromedp.CSS(byID("what-kontakter-"+contact)), "item"),
		chromedp.SetValue(chromedp.CSS(byID("provision-kontakter-"+contact)), string(dsr.ProvisionDSL5)),
		chromedp.Click(chromedp.CSS(byID("withhold-kontakter-"+contact))),
		chromedp.WaitVisible(chromedp.CSS(byID(contactRow)+".withheld")))
	if n := b.count(`#withholdings tbody tr[data-source="officer"]`); n != 2 || b.count("#withholdings tbody tr") != 2 {
		t.Fatalf("the review lists %d withholdings by the officer, want 2:\n%s", n, b.text("#withholdings"))
	}
	if b.count(`#withholdings tbody tr[data-kind="redact"]`) != 1 || b.count(`#withholdings tbody tr[data-kind="item"]`) != 1 {
		t.Errorf("want one redaction and one withheld record:\n%s", b.text("#withholdings"))
	}
	if table := b.text("#withholdings"); !strings.Contains(table, "OSL 28:1") || !strings.Contains(table, "DSL 5 kap.") || !strings.Contains(table, "account") {
		t.Errorf("the withholdings table reads:\n%s", table)
	}

	b.do("back on the case",
		chromedp.Navigate(e.srv.URL+"/staff/cases/"+c.ID),
		chromedp.WaitVisible(chromedp.CSS(`#signoff-state[data-state="pending"]`)))
	if n := b.count(`#case-outcome[data-outcome="partly_refused"]`); n != 1 {
		t.Errorf("the outcome reads %q, want a partial refusal", b.text("#case-outcome"))
	}
	if n := b.count("#send") + b.count("#send-decision"); n != 0 {
		t.Fatal("the partial refusal can be sent before the DPO signed it off")
	}
	// Utbetalningar (N poster, 1 undantagna); Kontakter … (N poster, 1 undantagna)
	if summary := b.text("#extract-summary"); b.count("#extract-summary .withheld") != 2 || strings.Count(summary, "1 undantagna") != 2 {
		t.Errorf("the extract summary does not count one withheld datum in each of two registers: %q", summary)
	}

	b.staffSignOut()
	b.staffSignIn(e.srv.URL, users[1])
	b.do("the DPO approves",
		chromedp.Navigate(e.srv.URL+"/staff/cases/"+c.ID),
		chromedp.WaitVisible(chromedp.CSS("#signoff-approve")),
		chromedp.Click(chromedp.CSS("#signoff-approve")),
		chromedp.WaitVisible(chromedp.CSS(`#signoff-state[data-state="approved"]`)),
		chromedp.WaitVisible(chromedp.CSS("#send")))

	st, extract := e.call("GET", "/api/v1/cases/"+c.ID+"/extract.pdf", e.dpo, nil, nil)
	if st != 200 {
		t.Fatalf("extract.pdf: %d", st)
	}
	text := pdfFlat(t, extract)
	for _, must := range []string{
		"1 uppgift har inte lämnats ut enligt 28 kap. 1 §",
		"1 uppgift har inte lämnats ut enligt 5 kap. 1–2 §§",
		"[maskerad]",
	} {
		if !strings.Contains(text, must) {
			t.Errorf("the extract does not say %q:\n%s", must, text)
		}
	}
	if strings.Contains(text, withheldNote) {
		t.Error("the withheld contact note is in the extract")
	}
	if n := strings.Count(text, "[maskerad]"); n != 1 {
		t.Errorf("%d masked values in the extract, want the one account", n)
	}

	b.do("send", chromedp.Click(chromedp.CSS("#send")), chromedp.WaitVisible(chromedp.CSS("#letter-sent")))
	if got := b.text("#case-status"); got != "Skickat" {
		t.Errorf("status %q after sending, want Skickat", got)
	}
	d := e.sim.Delivered()
	if len(d) != 2 {
		t.Fatalf("%d letters in the mailbox, want the decision and the extract", len(d))
	}
	purposes := map[dsr.Purpose][]byte{}
	for _, x := range d {
		if x.Recipient != string(p.PNR) {
			t.Error("a letter went to someone else's mailbox")
		}
		l, pdf := e.deliveredPDF(t, c.ID, x)
		purposes[l.Purpose] = pdf
	}
	if dec, ans := purposes[dsr.PurposeDecision], purposes[dsr.PurposeAnswer]; dec == nil || ans == nil {
		t.Fatalf("the mailbox holds %v, want a decision and an answer", mapKeys(purposes))
	} else {
		if sent := pdfFlat(t, ans); !strings.Contains(sent, "[maskerad]") || strings.Contains(sent, withheldNote) ||
			!strings.Contains(sent, "1 uppgift har inte lämnats ut enligt 28 kap. 1 §") {
			t.Error("the extract delivered is not the redacted one")
		}
		if dt := pdfFlat(t, dec); !strings.Contains(dt, "Integritetsskyddsmyndigheten") {
			t.Errorf("the decision on the partial refusal does not name IMY:\n%s", dt)
		}
	}
	e.checkAuditAndLogs()
}

func mapKeys[K comparable, V any](m map[K]V) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
