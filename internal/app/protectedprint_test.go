package app

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"dsrdesk/internal/demodata"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/printzip"
)

// sendToPaper registers an access request for subject, assembles it, has
// the DPO sign it off when it needs that (a protected person's answer),
// sends it and returns the channel it went by.
func (e *env) sendToPaper(subject string) (caseResp, string) {
	e.t.Helper()
	c := e.createCase(subject, "letter", "2026-11-20")
	if st, raw := e.call("POST", "/api/v1/cases/"+c.ID+"/extract", e.officer, nil, nil); st != http.StatusOK {
		e.t.Fatalf("extract: %d %s", st, raw)
	}
	var got caseResp
	e.call("GET", "/api/v1/cases/"+c.ID, e.officer, nil, &got)
	if got.SignOff.Required {
		if st, raw := e.call("POST", "/api/v1/cases/"+c.ID+"/signoff", e.dpo, map[string]string{"decision": "approve"}, nil); st != http.StatusOK {
			e.t.Fatalf("sign-off: %d %s", st, raw)
		}
	}
	var sent struct {
		Channel string `json:"channel"`
	}
	if st, raw := e.call("POST", "/api/v1/cases/"+c.ID+"/send", e.officer, nil, &sent); st != http.StatusOK {
		e.t.Fatalf("send: %d %s", st, raw)
	}
	return c, sent.Channel
}

// windowText is the text that shows through a C5 envelope's left window
// on a letter's first page (RULES §9: 20 mm from the left, 45 mm from the
// top, 90 × 45 mm), read back with pdftotext at 72 dpi (points).
func windowText(t *testing.T, pdf []byte) string {
	return pdfText(t, pdf, "-f", "1", "-l", "1", "-r", "72", "-x", "57", "-y", "128", "-W", "255", "-H", "127")
}

// TestProtectedPrintRoute: a protected person's paper letter goes into a
// batch of its own, which only the protected-print operator sees and
// downloads, every download audited; in it the letter comes with an inner
// sheet carrying the person's identity number and name, the manifest sends
// it to Skatteverket's forwarding and names no one by number, and the
// print shop gets its instructions. The ordinary batch never holds it.
func TestProtectedPrintRoute(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	prot := person(t, func(p demodata.DemoPerson) bool { return !p.DigitalMailbox && p.Protection == dsr.ProtectionProtected })
	paper := person(t, func(p demodata.DemoPerson) bool {
		return !p.DigitalMailbox && p.Protection == dsr.ProtectionNone && strings.Contains(p.Note, "print batch")
	})
	if _, ch := e.sendToPaper(string(prot.PNR)); ch != string(dsr.DeliveryProtected) {
		t.Fatalf("the protected person's letter went %s", ch)
	}
	if _, ch := e.sendToPaper(string(paper.PNR)); ch != string(dsr.DeliveryPostal) {
		t.Fatalf("the paper person's letter went %s", ch)
	}
	email := protectedPrinter(t, e)
	protTok, err := e.app.Auth.CreateToken(context.Background(), email, dsr.SystemActor)
	if err != nil {
		t.Fatal(err)
	}

	// The ordinary operator's page knows nothing of the protected queue.
	users := DemoUsers()
	ordinary := e.staffClient(users[2].Email, users[2].Password)
	if _, page := e.get(ordinary, "/staff/print"); !strings.Contains(page, `id="queued">1<`) || strings.Contains(page, `id="protected"`) ||
		strings.Contains(page, "create-protected-batch") {
		t.Fatalf("the ordinary operator's page shows the protected queue:\n%s", page)
	}
	cleared := e.staffClient(email, "ett-långt-lösenord")
	if _, page := e.get(cleared, "/staff/print"); !strings.Contains(page, `id="protected">1<`) || !strings.Contains(page, `id="create-protected-batch"`) ||
		!strings.Contains(page, "Skatteverket, Box 2820, 403 20  GÖTEBORG") {
		t.Fatalf("the protected operator's page lacks the protected queue:\n%s", page)
	}

	// The ordinary batch: the paper letter only.
	var ord struct {
		ID      string `json:"id"`
		Letters int    `json:"letters"`
		Route   string `json:"route"`
	}
	if st, raw := e.call("POST", "/api/v1/print/batches", e.printer, nil, &ord); st != http.StatusCreated || ord.Letters != 1 || ord.Route != "ordinary" {
		t.Fatalf("the ordinary batch: %d %s", st, raw)
	}
	st, ordZip := e.call("GET", "/api/v1/print/batches/"+ord.ID+"/export", e.printer, nil, nil)
	if st != http.StatusOK {
		t.Fatalf("ordinary export: %d %s", st, ordZip)
	}
	if err := printzip.Verify(bytes.NewReader(ordZip), int64(len(ordZip))); err != nil {
		t.Fatal(err)
	}
	ordFiles := readZip(t, ordZip)
	if len(ordFiles) != 2 || bytes.Contains(ordFiles[printzip.ManifestName], []byte(prot.Name)) || ordFiles[printzip.InstructionName] != nil {
		t.Fatalf("the ordinary batch holds %d files; the protected person's letter or instructions are in it", len(ordFiles))
	}
	for name, f := range ordFiles {
		if strings.HasPrefix(name, "letters/") {
			if w := windowText(t, f); !strings.Contains(w, paper.Name) || containsPNR(w) {
				t.Errorf("the ordinary letter's window shows %q", w)
			}
		}
	}

	// The protected batch: not for the ordinary operator, made by the cleared one.
	if st, _ := e.call("POST", "/api/v1/print/batches", e.printer, map[string]string{"route": "protected"}, nil); st != http.StatusForbidden {
		t.Fatalf("the ordinary operator made a protected batch: %d", st)
	}
	form := url.Values{"route": {"protected"}}
	if resp, _ := e.form(cleared, "/staff/print/batches", form, e.srv.URL); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the protected batch from the page: %d", resp.StatusCode)
	}
	_, page := e.get(cleared, "/staff/print")
	m := regexp.MustCompile(`<tr id="batch-([0-9a-f-]{36})">\s*<th scope="row"><code>[^<]+</code></th>\s*<td>Skyddad</td>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the protected operator's page does not list the protected batch:\n%s", page)
	}
	protID := m[1]
	if _, page := e.get(ordinary, "/staff/print"); strings.Contains(page, protID) {
		t.Fatal("the ordinary operator's page lists the protected batch")
	}
	for _, path := range []string{"/api/v1/print/batches/" + protID + "/export", "/api/v1/print/batches/" + protID} {
		if st, _ := e.call("GET", path, e.printer, nil, nil); st != http.StatusNotFound {
			t.Fatalf("the ordinary operator reads %s: %d, want 404", path, st)
		}
	}
	if resp, _ := e.get(ordinary, "/staff/print/batches/"+protID+"/export"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("the ordinary operator downloads the protected batch from the page: %d", resp.StatusCode)
	}
	if resp, _ := e.get(e.browserClient(), "/staff/print/batches/"+protID+"/export"); resp.StatusCode == http.StatusOK {
		t.Fatal("an anonymous visitor downloads the protected batch")
	}
	var status struct {
		Route   string `json:"route"`
		Letters int    `json:"letters"`
		File    string `json:"file"`
	}
	for deadline := time.Now().Add(30 * time.Second); status.File != "ready"; time.Sleep(20 * time.Millisecond) {
		if st, raw := e.call("GET", "/api/v1/print/batches/"+protID, protTok, nil, &status); st != http.StatusOK || time.Now().After(deadline) {
			t.Fatalf("the protected batch's status: %d %s", st, raw)
		}
	}
	if status.Route != "protected" || status.Letters != 1 {
		t.Fatalf("the protected batch: %+v", status)
	}

	// Downloaded from the page and through the API: the same whole batch.
	resp, pageZip := e.get(cleared, "/staff/print/batches/"+protID+"/export")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("the page download: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	st, apiZip := e.call("GET", "/api/v1/print/batches/"+protID+"/export", protTok, nil, nil)
	if st != http.StatusOK || !bytes.Equal(apiZip, []byte(pageZip)) {
		t.Fatalf("the API download: %d, same as the page's: %t", st, bytes.Equal(apiZip, []byte(pageZip)))
	}
	if err := printzip.Verify(bytes.NewReader(apiZip), int64(len(apiZip))); err != nil {
		t.Fatalf("the protected batch does not verify: %v", err)
	}
	files := readZip(t, apiZip)
	rows, err := printzip.ReadManifest(bytes.NewReader(files[printzip.ManifestName]))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || len(files) != 4 {
		t.Fatalf("%d rows and %d files; want one letter, its inner sheet, the instructions and the manifest", len(rows), len(files))
	}
	r := rows[0]
	if strings.Join(r.AddressLines, " | ") != "Skatteverket | Box 2820 | 403 20  GÖTEBORG" || r.Postcode != "40320" || r.Country != "SE" || !r.Protected() {
		t.Fatalf("the manifest row is addressed %q %s %s", r.AddressLines, r.Postcode, r.Country)
	}
	manifest := string(files[printzip.ManifestName])
	if containsPNR(manifest) || strings.Contains(manifest, prot.Name) {
		t.Fatal("the protected batch's manifest names the person")
	}
	sheet := pdfText(t, files[r.InnerSheet])
	display := string(prot.PNR)[:8] + "-" + string(prot.PNR)[8:]
	if !strings.Contains(sheet, display) || !strings.Contains(sheet, prot.Name) {
		t.Fatalf("the inner sheet does not carry the identity number and name:\n%s", sheet)
	}
	if w := windowText(t, files[r.InnerSheet]); !strings.Contains(w, display) || !strings.Contains(w, prot.Name) {
		t.Fatalf("the inner sheet's window shows %q", w)
	}
	if w := windowText(t, files[r.File]); containsPNR(w) || strings.Contains(w, "Box") {
		t.Fatalf("the letter's own window shows %q", w)
	}
	instr := string(files[printzip.InstructionName])
	for _, want := range []string{"innerbladet först", "fönstret", "Skatteverket", "Box 2820", "403 20  GÖTEBORG", "Blanda dem aldrig med vanlig post", protID} {
		if !strings.Contains(instr, want) {
			t.Errorf("the instructions lack %q", want)
		}
	}

	// Every download is audited: who, which batch, its route and count.
	events, err := e.app.Store.AuditEvents(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	who := "staff:" + e.userID(email)
	downloads := 0
	for _, ev := range events {
		if ev.Action == dsr.ActionBatchExported && strings.Contains(ev.Detail, "batch="+protID+" route=protected letters=1") {
			if ev.Actor != who {
				t.Errorf("a download of the protected batch recorded as %s, want %s", ev.Actor, who)
			}
			downloads++
		}
	}
	if downloads != 2 {
		t.Fatalf("%d downloads of the protected batch audited, want the page's and the API's", downloads)
	}
	// Nothing is left in the protected queue.
	if st, _ := e.call("POST", "/api/v1/print/batches", protTok, map[string]string{"route": "protected"}, nil); st != http.StatusConflict {
		t.Fatalf("a second protected batch: %d, want 409", st)
	}
	e.checkAuditAndLogs()
}

// containsPNR reports whether text holds a demo person's identity number
// in any of its written forms.
func containsPNR(text string) bool {
	for _, p := range demodata.DemoPeople() {
		for _, f := range pnrForms(string(p.PNR)) {
			if strings.Contains(text, f) {
				return true
			}
		}
	}
	return false
}

// TestPrintPageIsAccessible runs axe-core on the print page as the
// protected-print operator sees it (both queues, both routes' batches)
// in Swedish and English, and while a large batch's file is built (its
// labelled progress bar, with the page's reloading stopped so that axe
// sees one page).
func TestPrintPageIsAccessible(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	prot := person(t, func(p demodata.DemoPerson) bool { return !p.DigitalMailbox && p.Protection == dsr.ProtectionProtected })
	e.sendToPaper(string(prot.PNR))
	caseID, pdf, pages := e.realLetter()
	e.queueSyntheticLetters(caseID, pdf, pages, 10_000)
	email := protectedPrinter(t, e)
	a := &auditor{b: page{t, browser(t)}, base: e.srv.URL, src: axeSource(t), role: string(dsr.RolePrintProtected)}
	a.b.do("sign in", chromedp.Navigate(e.srv.URL+"/staff/login"),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), "ett-långt-lösenord"),
		chromedp.Click(chromedp.CSS("#login-submit")))
	a.b.waitPath("/staff/print")
	for _, lang := range []string{"sv", "en"} {
		a.lang = lang
		a.b.do("switch to "+lang, chromedp.Navigate(e.srv.URL+"/lang/"+lang+"?next=/staff/print"))
		a.check("the print page, nothing batched")
	}
	// The batches are made through the API: a page that reloads itself
	// would reload under axe.
	a.lang = "sv"
	a.b.do("switch to sv", chromedp.Navigate(e.srv.URL+"/lang/sv?next=/staff/print?reload=off"))
	tok, err := e.app.Auth.CreateToken(context.Background(), email, dsr.SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	if st, raw := e.call("POST", "/api/v1/print/batches", tok, map[string]string{"route": "protected"}, nil); st != http.StatusCreated {
		t.Fatalf("the protected batch: %d %s", st, raw)
	}
	if st, raw := e.call("POST", "/api/v1/print/batches", tok, nil, nil); st != http.StatusCreated {
		t.Fatalf("the large batch: %d %s", st, raw)
	}
	a.visit("/staff/print?reload=off")
	if a.b.count("progress") == 0 {
		t.Log("the large batch was built before the page opened; its progress bar was not audited this time")
	}
	b := e.waitForBatchFile(e.firstBatchID(t), e.printer, time.Minute)
	if b.Letters != 10_001 {
		t.Fatalf("the large batch holds %d letters", b.Letters)
	}
	a.visit("/staff/print")
	if len(a.found) > 0 {
		t.Errorf("axe-core found %d violations:\n%s", len(a.found), strings.Join(a.found, "\n"))
	}
}

// firstBatchID is the newest ordinary batch, as the ordinary operator's
// page lists it.
func (e *env) firstBatchID(t *testing.T) string {
	t.Helper()
	users := DemoUsers()
	_, body := e.get(e.staffClient(users[2].Email, users[2].Password), "/staff/print")
	m := regexp.MustCompile(`<tr id="batch-([0-9a-f-]{36})">`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no batch listed")
	}
	return m[1]
}
