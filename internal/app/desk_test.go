package app

import (
	"net/http"
	"strings"
	"testing"

	"dsrdesk/internal/demodata"
	"dsrdesk/internal/dsr"
)

// TestAPIRefusalSignedOffAndSent: a refusal needs its reasons, waits in the
// DPO's sign-off queue, leaves only once approved, and is a formal
// decision with the reasons, IMY and the three weeks to appeal.
func TestAPIRefusalSignedOffAndSent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	mailboxPerson := person(t, func(p demodata.DemoPerson) bool { return p.DigitalMailbox && p.Protection == dsr.ProtectionNone })
	c := e.createCase(string(mailboxPerson.PNR), "letter", "2026-11-20")
	base := "/api/v1/cases/" + c.ID

	st, raw := e.call("POST", base+"/outcome", e.officer, map[string]string{"outcome": "refused"}, nil)
	if st != http.StatusBadRequest || !strings.Contains(string(raw), "reasons") {
		t.Fatalf("a refusal without reasons: %d %s, want 400", st, raw)
	}
	if st, raw := e.call("POST", base+"/outcome", e.officer, map[string]string{"outcome": "maybe"}, nil); st != http.StatusBadRequest || !strings.Contains(string(raw), `"field":"outcome"`) {
		t.Errorf("an unknown outcome: %d %s, want 400 naming the field", st, raw)
	}
	if st, _ := e.call("POST", base+"/outcome", e.printer, map[string]string{"outcome": "refused", "reasons": "x"}, nil); st != http.StatusForbidden {
		t.Errorf("the print operator recorded an outcome: %d", st)
	}
	reasons := "Sjätte likadana begäran sedan januari; alla tidigare har besvarats i sin helhet (DSR-2026-000001–000005)."
	var got caseResp
	if st, raw := e.call("POST", base+"/outcome", e.officer, map[string]string{"outcome": "refused", "reasons": reasons}, &got); st != http.StatusOK {
		t.Fatalf("outcome: %d %s", st, raw)
	}
	if got.Outcome != "refused" || got.Status != "decided" || !got.SignOff.Required || got.SignOff.State != "pending" || got.Stage != "signoff" {
		t.Fatalf("refused case = %+v", got)
	}
	var q struct {
		Cases []caseResp `json:"cases"`
		Total int        `json:"total"`
	}
	e.call("GET", "/api/v1/cases?queue=signoff", e.dpo, nil, &q)
	if q.Total != 1 || q.Cases[0].ID != c.ID {
		t.Errorf("the sign-off queue holds %d cases, want this one", q.Total)
	}

	st, pdf := e.call("GET", base+"/letter.pdf", e.officer, nil, nil)
	if st != http.StatusOK {
		t.Fatalf("letter.pdf: %d", st)
	}
	text := strings.Join(strings.Fields(pdfText(t, pdf)), " ")
	for _, must := range []string{"Beslut", "Sjätte likadana begäran", "12.5", "Integritetsskyddsmyndigheten", "förvaltningsrätt", "tre veckor"} {
		if !strings.Contains(text, must) {
			t.Errorf("the refusal does not say %q:\n%s", must, text)
		}
	}

	if st, raw := e.call("POST", base+"/send", e.officer, nil, nil); st != http.StatusConflict {
		t.Fatalf("send before sign-off: %d %s, want 409", st, raw)
	}
	if st, _ := e.call("POST", base+"/signoff", e.officer, map[string]string{"decision": "approve"}, nil); st != http.StatusForbidden {
		t.Errorf("an officer signed off: %d", st)
	}
	if st, raw := e.call("POST", base+"/signoff", e.dpo, map[string]string{"decision": "return"}, nil); st != http.StatusBadRequest {
		t.Errorf("a return without a comment: %d %s", st, raw)
	}
	if st, raw := e.call("POST", base+"/signoff", e.dpo, map[string]string{"decision": "approve"}, &got); st != http.StatusOK || got.SignOff.State != "approved" {
		t.Fatalf("sign-off: %d %s", st, raw)
	}
	var sent struct{ Channel string }
	if st, raw := e.call("POST", base+"/send", e.officer, nil, &sent); st != http.StatusOK || sent.Channel != "digital_mailbox" {
		t.Fatalf("send: %d %s", st, raw)
	}
	e.call("GET", base, e.officer, nil, &got)
	if got.Status != "sent" || got.AnsweredOn == nil || *got.AnsweredOn != "2026-11-23" {
		t.Errorf("after sending: %+v", got)
	}
	if d := e.sim.Delivered(); len(d) != 1 {
		t.Errorf("%d letters delivered, want the decision", len(d))
	}
	e.checkAuditAndLogs()
}

// TestAPIWithheldExtract: an officer withholds a record and redacts a
// field; the extract counts them per provision, the case becomes a partial
// refusal whose decision goes with the extract once the DPO signs off.
func TestAPIWithheldExtract(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	mailboxPerson := person(t, func(p demodata.DemoPerson) bool { return p.DigitalMailbox && p.Protection == dsr.ProtectionNone })
	c := e.createCase(string(mailboxPerson.PNR), "eservice", "2026-11-20")
	base := "/api/v1/cases/" + c.ID
	if st, raw := e.call("POST", base+"/extract", e.officer, nil, nil); st != http.StatusOK {
		t.Fatalf("extract: %d %s", st, raw)
	}
	var got caseResp
	e.call("GET", base, e.officer, nil, &got)
	record := e.firstRecord(c.ID, "kontakter")

	for _, bad := range []map[string]string{
		{"register": "kontakter", "record": record, "provision": "osl_99"},
		{"register": "nope", "record": record, "provision": "osl_28_1"},
		{"register": "kontakter", "record": record, "field": "shoe_size", "provision": "osl_28_1"},
	} {
		if st, raw := e.call("POST", base+"/withholdings", e.officer, bad, nil); st != http.StatusBadRequest {
			t.Errorf("withhold %v: %d %s, want 400", bad, st, raw)
		}
	}
	if st, raw := e.call("POST", base+"/withholdings", e.officer, map[string]string{"register": "kontakter", "record": record, "provision": "dsl_5"}, nil); st != http.StatusCreated {
		t.Fatalf("withhold a record: %d %s", st, raw)
	}
	pay := e.firstRecord(c.ID, "utbetalningar")
	if st, raw := e.call("POST", base+"/withholdings", e.officer, map[string]string{"register": "utbetalningar", "record": pay, "field": "account", "provision": "osl_28_1"}, nil); st != http.StatusCreated {
		t.Fatalf("redact a field: %d %s", st, raw)
	}
	e.call("GET", base, e.officer, nil, &got)
	if got.Outcome != "partly_refused" || got.SignOff.State != "pending" {
		t.Fatalf("after withholding: %+v", got)
	}
	_, pdf := e.call("GET", base+"/extract.pdf", e.officer, nil, nil)
	text := strings.Join(strings.Fields(pdfText(t, pdf)), " ")
	for _, must := range []string{"1 uppgift har inte lämnats ut enligt 5 kap. 1–2 §§", "1 uppgift har inte lämnats ut enligt 28 kap. 1 §", "[maskerad]"} {
		if !strings.Contains(text, must) {
			t.Errorf("the extract does not say %q", must)
		}
	}
	if st, _ := e.call("POST", base+"/signoff", e.dpo, map[string]string{"decision": "approve"}, nil); st != http.StatusOK {
		t.Fatal("sign-off")
	}
	if st, raw := e.call("POST", base+"/send", e.officer, nil, nil); st != http.StatusOK {
		t.Fatalf("send: %d %s", st, raw)
	}
	if d := e.sim.Delivered(); len(d) != 2 {
		t.Errorf("%d letters delivered, want the decision and the extract", len(d))
	}
}

// firstRecord is the id of a case's first record in a register, read from
// the review the officer works from.
func (e *env) firstRecord(caseID, register string) string {
	e.t.Helper()
	r, err := e.app.Extracts.Review(e.t.Context(), caseID, dsr.Actor{Kind: dsr.ActorStaff, ID: "test", Role: dsr.RoleOfficer})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, s := range r.Sections {
		if s.Register.ID == register && len(s.RecordIDs) > 0 {
			return s.RecordIDs[len(s.RecordIDs)-1]
		}
	}
	e.t.Fatalf("no record in %s", register)
	return ""
}

func TestAPISearchAndNotes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := person(t, func(p demodata.DemoPerson) bool { return p.DigitalMailbox && p.Protection == dsr.ProtectionNone })
	c := e.createCase(string(p.PNR), "phone", "2026-11-20")
	var found struct{ Cases []caseResp }
	for _, q := range []string{string(p.PNR), c.Number} {
		if st, raw := e.call("POST", "/api/v1/cases/search", e.officer, map[string]string{"q": q}, &found); st != http.StatusOK || len(found.Cases) == 0 {
			t.Errorf("search: %d %s", st, raw)
		}
	}
	if st, _ := e.call("POST", "/api/v1/cases/search", e.officer, map[string]string{"q": "19811218-9875"}, nil); st != http.StatusBadRequest {
		t.Errorf("a search by an invalid number: %d", st)
	}
	if st, _ := e.call("POST", "/api/v1/cases/search", e.printer, map[string]string{"q": c.Number}, nil); st != http.StatusForbidden {
		t.Errorf("the print operator searched: %d", st)
	}
	if st, raw := e.call("POST", "/api/v1/cases/"+c.ID+"/notes", e.officer, map[string]string{"body": "Ringde tillbaka 20/11."}, nil); st != http.StatusCreated {
		t.Errorf("note: %d %s", st, raw)
	}
	if strings.Contains(e.log.String(), string(p.PNR)) {
		t.Error("the identity number searched for reached the log")
	}
}

// TestSameDayAssembly: access requests are assembled in the background as
// they arrive; one that needs no judgement waits in the "ready" queue and
// leaves with one call the same day; one with withheld data waits for the
// DPO; a representative's request is left to an officer.
func TestSameDayAssembly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	plain := person(t, func(p demodata.DemoPerson) bool {
		return p.DigitalMailbox && p.Protection == dsr.ProtectionNone && !strings.Contains(p.Note, "withheld")
	})
	withheld := person(t, func(p demodata.DemoPerson) bool { return strings.Contains(p.Note, "sambo's income is withheld") })
	child := person(t, func(p demodata.DemoPerson) bool { return p.GuardianPNR != "" })
	ready := e.createCase(string(plain.PNR), "eservice", "")
	partly := e.createCase(string(withheld.PNR), "letter", "")
	var rep caseResp
	e.call("POST", "/api/v1/cases", e.officer, map[string]any{"kinds": []string{"access"}, "subject": string(child.PNR), "channel": "letter",
		"representative": map[string]string{"role": "guardian", "name": "Åsa Testsson", "pnr": string(child.GuardianPNR)}}, &rep)

	n, errs := e.app.Extracts.AssembleArrived(t.Context(), 50)
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	if again, _ := e.app.Extracts.AssembleArrived(t.Context(), 50); again != 0 {
		t.Errorf("a second run assembled %d cases again", again)
	}
	var q struct {
		Cases []caseResp `json:"cases"`
		Total int        `json:"total"`
	}
	e.call("GET", "/api/v1/cases?queue=ready", e.officer, nil, &q)
	inReady := map[string]bool{}
	for _, c := range q.Cases {
		inReady[c.ID] = true
	}
	if !inReady[ready.ID] || inReady[partly.ID] || inReady[rep.ID] {
		t.Errorf("ready queue = %v after assembling %d; want only the plain request", inReady, n)
	}
	var got caseResp
	e.call("GET", "/api/v1/cases/"+partly.ID, e.officer, nil, &got)
	if got.Status != "assembled" || got.Stage != "signoff" {
		t.Errorf("the request with withheld data: %s in %q, want assembled and waiting for the DPO", got.Status, got.Stage)
	}
	e.call("GET", "/api/v1/cases/"+rep.ID, e.officer, nil, &got)
	if got.Status != "received" {
		t.Errorf("a guardian's request was assembled by the background job: %s", got.Status)
	}
	if st, raw := e.call("POST", "/api/v1/cases/"+ready.ID+"/send", e.officer, nil, nil); st != http.StatusOK {
		t.Fatalf("one click: %d %s", st, raw)
	}
	e.call("GET", "/api/v1/cases/"+ready.ID, e.officer, nil, &got)
	if got.AnsweredOn == nil || *got.AnsweredOn != got.ReceivedOn {
		t.Errorf("answered on %v, received %s: want the same day", got.AnsweredOn, got.ReceivedOn)
	}
}

// TestSameDayAssemblyLeavesTheOfficersCases: the background assembly is for
// requests that arrive and wait. One an officer has assembled already (say,
// with a withholding of their own) is not assembled again behind their
// back, and one they have sent is not tried and warned about.
func TestSameDayAssemblyLeavesTheOfficersCases(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	plain := person(t, func(p demodata.DemoPerson) bool {
		return p.DigitalMailbox && p.Protection == dsr.ProtectionNone && !strings.Contains(p.Note, "withheld")
	})
	assembled := e.createCase(string(plain.PNR), "eservice", "")
	sent := e.createCase(string(plain.PNR), "eservice", "")
	for _, c := range []caseResp{assembled, sent} {
		if st, raw := e.call("POST", "/api/v1/cases/"+c.ID+"/extract", e.officer, nil, nil); st != http.StatusOK {
			t.Fatalf("assemble: %d %s", st, raw)
		}
	}
	if st, raw := e.call("POST", "/api/v1/cases/"+sent.ID+"/send", e.officer, nil, nil); st != http.StatusOK {
		t.Fatalf("send: %d %s", st, raw)
	}
	// The demo data have requests of their own waiting: those it assembles.
	_, errs := e.app.Extracts.AssembleArrived(t.Context(), 50)
	if len(errs) != 0 {
		t.Errorf("the background assembly tried a case the officer had sent: %v", errs)
	}
	events, err := e.app.Store.AuditEvents(t.Context(), assembled.ID)
	if err != nil {
		t.Fatal(err)
	}
	times := 0
	for _, ev := range events {
		if ev.Action == dsr.ActionExtractAssembled {
			times++
		}
	}
	if times != 1 {
		t.Errorf("the officer's assembled case was assembled %d times, want once (by the officer)", times)
	}
}
