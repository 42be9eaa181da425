package app

import (
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dsrdesk/internal/demodata"
	"dsrdesk/internal/dsr"
)

// inQueue reports whether a queue lists a case, as the API pages it.
func (e *env) inQueue(queue, caseID string) bool {
	e.t.Helper()
	var page struct {
		Cases []caseResp `json:"cases"`
	}
	if st, raw := e.call("GET", "/api/v1/cases?limit=200&queue="+queue, e.officer, nil, &page); st != http.StatusOK {
		e.t.Fatalf("queue %s: %d %s", queue, st, raw)
	}
	return slices.ContainsFunc(page.Cases, func(c caseResp) bool { return c.ID == caseID })
}

// batchManifest makes an ordinary print batch of every queued letter as the
// print operator, downloads it and returns its manifest.
func (e *env) batchManifest() string {
	e.t.Helper()
	var b struct{ ID string }
	if st, raw := e.call("POST", "/api/v1/print/batches", e.printer, nil, &b); st != http.StatusCreated {
		e.t.Fatalf("batch: %d %s", st, raw)
	}
	st, zipped := e.call("GET", "/api/v1/print/batches/"+b.ID+"/export", e.printer, nil, nil)
	if st != http.StatusOK {
		e.t.Fatalf("export: %d", st)
	}
	return string(readZip(e.t, zipped)["manifest.csv"])
}

// TestAnsweredOnlyWhenReachedAndReturnedMail: a case answered on paper
// stays open until the print shop reports its letter handed to the post;
// then it is answered that day. When the post brings the letter back the
// case is open again, in the officer's returned-mail queue, with the
// letter marked on its page; the officer prints it again, which looks the
// address up in the population register anew (the person has moved), and
// the case leaves the queue. The next batch carries the new address.
func TestAnsweredOnlyWhenReachedAndReturnedMail(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	paper := person(t, func(p demodata.DemoPerson) bool {
		return !p.DigitalMailbox && p.Protection == dsr.ProtectionNone && strings.Contains(p.Note, "print batch")
	})
	c := e.createCase(string(paper.PNR), "letter", "2026-11-20")
	e.call("POST", "/api/v1/cases/"+c.ID+"/extract", e.officer, nil, nil)
	var sent struct {
		Channel  string `json:"channel"`
		LetterID string `json:"letter_id"`
	}
	if st, raw := e.call("POST", "/api/v1/cases/"+c.ID+"/send", e.officer, nil, &sent); st != http.StatusOK || sent.Channel != string(dsr.DeliveryPostal) {
		t.Fatalf("send: %d %s", st, raw)
	}
	var got caseResp
	e.call("GET", "/api/v1/cases/"+c.ID, e.officer, nil, &got)
	if got.Status != "sent" || got.AnsweredOn != nil || !e.inQueue("open", c.ID) || e.inQueue("closed", c.ID) {
		t.Fatalf("a letter waiting for print: status %s, answered %v, open %t", got.Status, got.AnsweredOn, e.inQueue("open", c.ID))
	}
	if st, raw := e.call("POST", "/api/v1/print/batches", e.printer, nil, nil); st != http.StatusCreated {
		t.Fatalf("batch: %d %s", st, raw)
	}
	if !e.inQueue("open", c.ID) {
		t.Fatal("a letter at the print shop answered its case")
	}
	if st, res := e.postCSV(e.printer, sent.LetterID+",printed,2026-11-24T08:00:00+01:00\n"+sent.LetterID+",handed_over,2026-11-24T15:00:00+01:00\n"); st != 200 || res.Applied != 2 {
		t.Fatalf("status file: %d %+v", st, res)
	}
	e.call("GET", "/api/v1/cases/"+c.ID, e.officer, nil, &got)
	if got.AnsweredOn == nil || *got.AnsweredOn != "2026-11-24" || e.inQueue("open", c.ID) || !e.inQueue("closed", c.ID) {
		t.Fatalf("handed to the post: answered %v, open %t", got.AnsweredOn, e.inQueue("open", c.ID))
	}

	// The post brings it back: the person has moved.
	if st, res := e.postCSV(e.printer, sent.LetterID+",returned,2026-11-27T09:00:00+01:00\n"); st != 200 || res.Applied != 1 {
		t.Fatalf("returned: %d %+v", st, res)
	}
	e.call("GET", "/api/v1/cases/"+c.ID, e.officer, nil, &got)
	if got.Stage != string(dsr.StageReturned) || !e.inQueue("returned", c.ID) || !e.inQueue("open", c.ID) {
		t.Fatalf("returned mail: stage %q, in the returned queue %t", got.Stage, e.inQueue("returned", c.ID))
	}
	users := DemoUsers()
	officer := e.staffClient(users[0].Email, users[0].Password)
	resp, body := e.get(officer, "/staff/cases?queue=returned")
	if resp.StatusCode != 200 || !strings.Contains(body, c.Number) || !strings.Contains(body, "Returpost") {
		t.Fatalf("the returned-mail queue page: %d, lists the case %t", resp.StatusCode, strings.Contains(body, c.Number))
	}
	resp, body = e.get(officer, "/staff/cases/"+c.ID)
	if resp.StatusCode != 200 || !strings.Contains(body, `id="returned-mail"`) || !strings.Contains(body, `id="reprint-`+sent.LetterID+`"`) {
		t.Fatalf("the case page does not offer to print the returned letter again: %d", resp.StatusCode)
	}

	// Skatteverket's notification of the move reaches the register copy.
	src, err := sql.Open("sqlite3", "file:"+filepath.Join(e.app.Config.DataDir, demodata.DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if _, err := src.Exec(`UPDATE population SET street = 'Nyflyttargatan 7', postcode = '41319', town = 'GÖTEBORG' WHERE pnr = ?`, string(paper.PNR)); err != nil {
		t.Fatal(err)
	}
	resp, _ = e.form(officer, "/staff/cases/"+c.ID+"/reprint", url.Values{"letter": {sent.LetterID}}, e.srv.URL)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("print again: %d", resp.StatusCode)
	}
	e.call("GET", "/api/v1/cases/"+c.ID, e.officer, nil, &got)
	if got.Stage == string(dsr.StageReturned) || e.inQueue("returned", c.ID) || slices.Contains(got.Flags, string(dsr.FlagReturnedMail)) {
		t.Fatalf("printed again: stage %q, flags %v", got.Stage, got.Flags)
	}
	var ls lettersResp
	e.call("GET", "/api/v1/cases/"+c.ID+"/letters", e.officer, nil, &ls)
	if len(ls.Letters) != 1 || ls.Letters[0].Status != string(dsr.LetterQueued) || ls.Letters[0].Attempt != 2 {
		t.Fatalf("the letter after the reprint: %+v", ls.Letters)
	}
	manifest := e.batchManifest()
	if !strings.Contains(manifest, fmt.Sprintf("%s,Nyflyttargatan 7,413 19  GÖTEBORG", paper.Name)) || !strings.Contains(manifest, ",41319,") {
		t.Fatalf("the reprint does not go to the new address:\n%s", manifest)
	}
	e.checkAuditAndLogs()
}

// TestEnglishLetterToTheMailbox: an answer in English reaches the digital
// mailbox as an English message: its language, subject and text.
func TestEnglishLetterToTheMailbox(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := person(t, func(p demodata.DemoPerson) bool {
		return p.DigitalMailbox && p.Protection == dsr.ProtectionNone && strings.Contains(p.Note, "LEFI")
	})
	var c caseResp
	if st, raw := e.call("POST", "/api/v1/cases", e.officer, map[string]any{
		"kinds": []string{"access"}, "subject": string(p.PNR), "channel": "letter", "received_on": "2026-11-20", "language": "en",
	}, &c); st != http.StatusCreated {
		t.Fatalf("create: %d %s", st, raw)
	}
	e.call("POST", "/api/v1/cases/"+c.ID+"/extract", e.officer, nil, nil)
	if st, raw := e.call("POST", "/api/v1/cases/"+c.ID+"/send", e.officer, nil, nil); st != http.StatusOK {
		t.Fatalf("send: %d %s", st, raw)
	}
	d := e.sim.Delivered()
	if len(d) != 1 || d[0].Language != "enGB" || !strings.Contains(d[0].Body, "You have received a letter") || strings.Contains(d[0].Subject, "Registerutdrag") {
		t.Fatalf("an English letter's message: %+v", d)
	}
}
