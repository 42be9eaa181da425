package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"dsrdesk/internal/demodata"
	"dsrdesk/internal/dsr"
)

// postCSV sends the print shop's status file as the print operator.
func (e *env) postCSV(token, body string) (int, printImport) {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/print/status", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "text/csv")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out printImport
	if resp.StatusCode == 200 {
		if err := json.Unmarshal(raw, &out); err != nil {
			e.t.Fatalf("%s: %v", raw, err)
		}
	}
	return resp.StatusCode, out
}

type printImport struct {
	Applied   int `json:"applied"`
	Unchanged int `json:"unchanged"`
	Rejected  []struct {
		Line   int    `json:"line"`
		Reason string `json:"reason"`
	} `json:"rejected"`
}

// TestPrintStatusAndReprint: the print shop's status file moves paper
// letters on — printed, handed to the post (which answers the case that
// day), returned (which flags the case for the officer) — with every bad
// line reported and nothing applied from it; a protected letter is unknown
// to the ordinary operator; a returned letter is printed again with its
// attempt counter one up, in the next batch.
func TestPrintStatusAndReprint(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	paper := person(t, func(p demodata.DemoPerson) bool {
		return !p.DigitalMailbox && p.Protection == dsr.ProtectionNone && strings.Contains(p.Note, "print batch")
	})
	protected := person(t, func(p demodata.DemoPerson) bool { return !p.DigitalMailbox && p.Protection == dsr.ProtectionProtected })
	send := func(subject string) (caseResp, string) {
		t.Helper()
		c := e.createCase(subject, "letter", "2026-11-20")
		e.call("POST", "/api/v1/cases/"+c.ID+"/extract", e.officer, nil, nil)
		var sent struct {
			Channel  string `json:"channel"`
			LetterID string `json:"letter_id"`
		}
		st, _ := e.call("POST", "/api/v1/cases/"+c.ID+"/send", e.officer, nil, &sent)
		if st == http.StatusConflict { // a protected person's answer: the DPO signs it off first
			if st, raw := e.call("POST", "/api/v1/cases/"+c.ID+"/signoff", e.dpo, map[string]string{"decision": "approve"}, nil); st != 200 {
				t.Fatalf("sign-off: %d %s", st, raw)
			}
		}
		if st, raw := e.call("POST", "/api/v1/cases/"+c.ID+"/send", e.officer, nil, &sent); st != 200 {
			t.Fatalf("send: %d %s", st, raw)
		}
		return c, sent.LetterID
	}
	first, l1 := send(string(paper.PNR))
	second, l2 := send(string(paper.PNR))
	_, l3 := send(string(protected.PNR))
	if st, raw := e.call("POST", "/api/v1/print/batches", e.printer, nil, nil); st != http.StatusCreated {
		t.Fatalf("batch: %d %s", st, raw)
	}
	// l2 is batched too; queue a third ordinary letter that is not.
	_, l4 := send(string(paper.PNR))

	file := strings.Join([]string{
		"record_id,status,at",
		l1 + ",printed,2026-11-24T08:00:00+01:00",
		l1 + ",handed_over,2026-11-24T14:05:00+01:00",
		"00000000-0000-7000-8000-000000000000,printed,2026-11-24T08:00:00+01:00",
		l2 + ",printed,24/11/2026",
		l4 + ",printed,2026-11-24T08:00:00+01:00",
		l3 + ",printed,2026-11-24T08:00:00+01:00",
		l2 + ",returned,2026-11-24T08:00:00+01:00",
	}, "\n")
	before := e.auditCount()
	st, res := e.postCSV(e.printer, file)
	if st != 200 || res.Applied != 2 || len(res.Rejected) != 5 {
		t.Fatalf("import: %d %+v", st, res)
	}
	reasons := map[int]string{}
	for _, r := range res.Rejected {
		reasons[r.Line] = r.Reason
	}
	for line, want := range map[int]string{4: "unknown record", 5: "malformed time", 6: "impossible transition from queued", 7: "unknown record", 8: "impossible transition from batched to returned"} {
		if !strings.Contains(reasons[line], want) {
			t.Errorf("line %d: %q, want %q", line, reasons[line], want)
		}
	}
	if e.auditCount() != before+2 {
		t.Fatalf("%d audit events for 2 applied lines", e.auditCount()-before)
	}
	// The same file again: applied before, nothing new.
	if _, again := e.postCSV(e.printer, file); again.Applied != 0 || again.Unchanged != 2 {
		t.Fatalf("the same file again: %+v", again)
	}
	var got caseResp
	e.call("GET", "/api/v1/cases/"+first.ID, e.officer, nil, &got)
	if got.AnsweredOn == nil || *got.AnsweredOn != "2026-11-24" {
		t.Fatalf("handed to the post on 24 November: answered_on %v", got.AnsweredOn)
	}
	e.call("GET", "/api/v1/cases/"+second.ID, e.officer, nil, &got)
	if got.AnsweredOn != nil {
		t.Fatal("a letter still at the print shop answered its case")
	}

	// Returned mail: printed, handed over, then back; the case is flagged.
	st, res = e.postCSV(e.printer, fmt.Sprintf("%s,handed_over,2026-11-24T15:00:00+01:00\n%s,returned,2026-11-27T09:00:00+01:00\n", l2, l2))
	if st != 200 || res.Applied != 2 || len(res.Rejected) != 0 {
		t.Fatalf("returned: %d %+v", st, res)
	}
	e.call("GET", "/api/v1/cases/"+second.ID, e.officer, nil, &got)
	if !strings.Contains(strings.Join(got.Flags, " "), "returned_mail") {
		t.Fatalf("a returned letter's case flags: %v", got.Flags)
	}
	var rp struct {
		RecordID string `json:"record_id"`
		Attempt  int    `json:"attempt"`
	}
	if st, raw := e.call("POST", "/api/v1/print/letters/"+l2+"/reprint", e.officer, nil, &rp); st != 200 || rp.RecordID != l2 || rp.Attempt != 2 {
		t.Fatalf("reprint: %d %s", st, raw)
	}
	if st, _ := e.call("POST", "/api/v1/print/letters/"+l4+"/reprint", e.printer, nil, nil); st != http.StatusConflict {
		t.Fatalf("reprinting a letter that never reached the print shop: %d", st)
	}
	if st, _ := e.call("POST", "/api/v1/print/letters/"+l3+"/reprint", e.printer, nil, nil); st != http.StatusNotFound {
		t.Fatalf("the ordinary operator reprints a protected letter: %d", st)
	}
	var b struct{ Letters int }
	if st, _ := e.call("POST", "/api/v1/print/batches", e.printer, nil, &b); st != http.StatusCreated || b.Letters != 2 {
		t.Fatalf("the next batch holds %d letters, want the reprint and the new one", b.Letters)
	}
	// The protected route's batch: only with the protected-print permission.
	if st, _ := e.call("POST", "/api/v1/print/batches", e.printer, map[string]string{"route": "protected"}, nil); st != http.StatusForbidden {
		t.Fatalf("the ordinary operator batches the protected route: %d", st)
	}
	if st, _ := e.call("POST", "/api/v1/print/batches", e.printer, map[string]string{"route": "elsewhere"}, nil); st != http.StatusBadRequest {
		t.Fatalf("an unknown route: %d", st)
	}
	protTok, err := e.app.Auth.CreateToken(context.Background(), protectedPrinter(t, e), dsr.SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	var pb struct {
		Letters int    `json:"letters"`
		Route   string `json:"route"`
	}
	if st, raw := e.call("POST", "/api/v1/print/batches", protTok, map[string]string{"route": "protected"}, &pb); st != http.StatusCreated || pb.Letters != 1 || pb.Route != "protected" {
		t.Fatalf("the protected batch: %d %s", st, raw)
	}
	// Now the protected operator reports on the protected letter.
	if st, res := e.postCSV(protTok, l3+",printed,2026-11-25T08:00:00+01:00\n"); st != 200 || res.Applied != 1 {
		t.Fatalf("the protected operator's report: %d %+v", st, res)
	}
	// The officer may not import status files; a non-CSV body is refused.
	if st, _ := e.postCSV(e.officer, file); st != http.StatusForbidden {
		t.Fatalf("officer imports: %d", st)
	}
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/print/status", bytes.NewReader([]byte(`{"x":1}`)))
	req.Header.Set("Authorization", "Bearer "+e.printer)
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("a JSON body: %v %v", resp.StatusCode, err)
	}
	e.checkAuditAndLogs()
}

// protectedPrinter adds a print operator with the protected-print role and
// returns the e-mail address.
func protectedPrinter(t *testing.T, e *env) string {
	t.Helper()
	const email = "skyddat.tryck@demo.dsrdesk.se"
	if _, err := e.app.Auth.AddUser(context.Background(), email, "Skyddad Tryckare", dsr.RolePrintProtected, "ett-långt-lösenord", dsr.SystemActor); err != nil {
		t.Fatal(err)
	}
	return email
}
