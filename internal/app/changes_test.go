package app

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"dsrdesk/internal/changes"
	"dsrdesk/internal/demodata"
	"dsrdesk/internal/documents"
	"dsrdesk/internal/dsr"
)

type itemResp struct {
	ID         string `json:"id"`
	Register   string `json:"register"`
	Record     string `json:"record"`
	Field      string `json:"field"`
	Value      string `json:"value"`
	Outcome    string `json:"outcome"`
	Ground     string `json:"ground"`
	Proposed   string `json:"proposed"`
	Overridden bool   `json:"overridden"`
	Executed   bool   `json:"executed"`
}

type executeResp struct {
	Executed []struct {
		ID      string `json:"id"`
		Outcome string `json:"outcome"`
	} `json:"executed"`
	Notifications []struct {
		Recipient string `json:"recipient"`
		OrgNo     string `json:"org_no"`
		Status    string `json:"status"`
	} `json:"notifications"`
}

// extractCounts assembles a fresh register extract of the person and
// returns the number of items per register.
func (e *env) extractCounts(subject string) map[string]int {
	e.t.Helper()
	c := e.createCase(subject, "letter", "2026-11-20")
	var out struct {
		Registers []struct {
			Name  string `json:"name"`
			Items int    `json:"items"`
		} `json:"registers"`
	}
	if st, raw := e.call("POST", "/api/v1/cases/"+c.ID+"/extract", e.officer, nil, &out); st != http.StatusOK {
		e.t.Fatalf("extract: %d %s", st, raw)
	}
	counts := map[string]int{}
	for _, r := range out.Registers {
		counts[r.Name] = r.Items
	}
	return counts
}

// TestAPIEraseEverything walks an erasure of all data for the person whose
// data went to insurers and an authority through LEFI: a mix of erased,
// kept and referred items, carried out in the registers, every recipient
// told, a decision letter that gives the grounds and the appeal, and a
// second execution that changes nothing.
func TestAPIEraseEverything(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	elin := string(person(t, func(p demodata.DemoPerson) bool { return strings.Contains(p.Note, "LEFI") }).PNR)
	before := e.extractCounts(elin)

	var c caseResp
	if st, raw := e.call("POST", "/api/v1/cases", e.officer, map[string]any{
		"kinds": []string{"erasure"}, "subject": elin, "channel": "letter", "received_on": "2026-11-16", "grounds": []string{dsr.GroundConsentWithdrawn},
	}, &c); st != http.StatusCreated {
		t.Fatalf("register: %d %s", st, raw)
	}
	var ev struct{ Items []itemResp }
	if st, raw := e.call("POST", "/api/v1/cases/"+c.ID+"/evaluation", e.officer, nil, &ev); st != http.StatusOK {
		t.Fatalf("evaluation: %d %s", st, raw)
	}
	outcomes := map[string]map[string]int{}
	for _, it := range ev.Items {
		if outcomes[it.Register] == nil {
			outcomes[it.Register] = map[string]int{}
		}
		outcomes[it.Register][it.Outcome]++
		if it.Outcome == "keep" && !strings.Contains(it.Ground, "17(3)") {
			t.Errorf("kept item %s cites %q, not Art. 17(3)", it.ID, it.Ground)
		}
		if strings.Contains(it.Value, elin[2:8]) {
			t.Errorf("an item's value carries the identity number")
		}
	}
	want := map[string]map[string]int{
		"folkbokforing":      {"refer": 1},
		"formansbeslut":      {"erase": 1, "keep": 2},
		"utbetalningar":      {"erase": 2, "keep": 7},
		"kontakter":          {"erase": 4},
		"paminnelser":        {"erase": 1},
		"lefi":               {"keep": 4},
		"lefi_prenumeration": {"keep": 2},
	}
	if !reflect.DeepEqual(outcomes, want) {
		t.Fatalf("outcomes per register\n got %v\nwant %v", outcomes, want)
	}

	var ex executeResp
	if st, raw := e.call("POST", "/api/v1/cases/"+c.ID+"/execute", e.officer, nil, &ex); st != http.StatusOK {
		t.Fatalf("execute: %d %s", st, raw)
	}
	if len(ex.Executed) != len(ev.Items) {
		t.Errorf("%d items executed, want all %d", len(ex.Executed), len(ev.Items))
	}
	told := map[string]string{}
	for _, n := range ex.Notifications {
		told[n.OrgNo] = n.Status
	}
	wantTold := map[string]string{"502006-1585": "queued", "502017-3083": "queued", "202100-2114": "queued", "502014-6865": "queued"}
	if !reflect.DeepEqual(told, wantTold) {
		t.Errorf("Art. 19 notifications %v, want every LEFI recipient and subscriber %v", told, wantTold)
	}
	var again executeResp
	e.call("POST", "/api/v1/cases/"+c.ID+"/execute", e.officer, nil, &again)
	if !reflect.DeepEqual(again, ex) {
		t.Errorf("a second execution answered differently:\n%+v\n%+v", again, ex)
	}

	// The notices go out through the outbox, on paper to each
	// organisation's address in the catalogue: never to the person's
	// digital mailbox, and never more than once.
	e.advance(time.Minute)
	if _, err := e.app.Delivery.RunOutbox(context.Background(), 100); err != nil {
		t.Fatal(err)
	}
	var ls lettersResp
	e.call("GET", "/api/v1/cases/"+c.ID+"/letters", e.officer, nil, &ls)
	notices := 0
	for _, l := range ls.Letters {
		if l.Kind == string(dsr.PurposeArt19Notice) {
			notices++
			if l.Channel != string(dsr.DeliveryPostal) || l.Status != string(dsr.LetterQueued) {
				t.Errorf("Art. 19 notice %s: %s %s, want queued for ordinary print", l.ID, l.Channel, l.Status)
			}
		}
	}
	if notices != 4 || len(e.sim.Delivered()) != 0 {
		t.Errorf("%d notices, %d digital deliveries; want 4 on paper and none digital", notices, len(e.sim.Delivered()))
	}
	manifest := e.batchManifest()
	for _, addr := range []string{"Folksam ömsesidig sakförsäkring,Bohusgatan 14,106 60  STOCKHOLM", "Arbetsförmedlingen,Elektrogatan 4,113 99  STOCKHOLM"} {
		if !strings.Contains(manifest, addr) {
			t.Errorf("the manifest lacks the address %q:\n%s", addr, manifest)
		}
	}

	after := e.extractCounts(elin)
	for reg, diff := range map[string]int{"Förmånsbeslut": -1, "Utbetalningar": -2, "Kontakter med Försäkringskassan": -4, "Påminnelser via e-post": -1,
		"LEFI Online – utlämnade uppgifter": 0, "Folkbokföringsuppgifter (kopia från Skatteverket)": 0} {
		if after[reg] != before[reg]+diff {
			t.Errorf("%s: %d items after, %d before; want a change of %d", reg, after[reg], before[reg], diff)
		}
	}

	st, pdf := e.call("GET", "/api/v1/cases/"+c.ID+"/letter.pdf", e.officer, nil, nil)
	if st != http.StatusOK {
		t.Fatalf("letter.pdf: %d", st)
	}
	text := strings.Join(strings.Fields(pdfText(t, pdf)), " ")
	for _, must := range []string{"Integritetsskyddsmyndigheten", "förvaltningsrätt", "tre veckor", "17(3)(b), (d)", "17(1)(a)", "17(1)(b)",
		"Folksam", "Alecta", "Arbetsförmedlingen", "Skatteverket"} {
		if !strings.Contains(text, must) {
			t.Errorf("the decision letter does not say %q", must)
		}
	}
	// Some data are kept: a partial refusal, which the DPO signs off
	// before it leaves (require_signoff's default).
	var sent struct{ Channel, Receipt string }
	if st, raw := e.call("POST", "/api/v1/cases/"+c.ID+"/send", e.officer, nil, &sent); st != http.StatusConflict || !strings.Contains(string(raw), "sign off") {
		t.Fatalf("send before sign-off: %d %s, want 409", st, raw)
	}
	if st, _ := e.call("POST", "/api/v1/cases/"+c.ID+"/signoff", e.officer, map[string]string{"decision": "approve"}, nil); st != http.StatusForbidden {
		t.Errorf("an officer signed off: %d", st)
	}
	var signed caseResp
	if st, raw := e.call("POST", "/api/v1/cases/"+c.ID+"/signoff", e.dpo, map[string]string{"decision": "approve"}, &signed); st != http.StatusOK || signed.Outcome != "partly_refused" {
		t.Fatalf("sign-off: %d %s", st, raw)
	}
	if st, raw := e.call("POST", "/api/v1/cases/"+c.ID+"/send", e.officer, nil, &sent); st != http.StatusOK || sent.Channel != "digital_mailbox" {
		t.Fatalf("send: %d %s", st, raw)
	}
	var got caseResp
	e.call("GET", "/api/v1/cases/"+c.ID, e.officer, nil, &got)
	if got.Status != "sent" {
		t.Errorf("status after sending = %s", got.Status)
	}
	e.checkAuditAndLogs()
}

// TestAPIChangeRequestErrors: bad input to the change API gets a precise
// error and leaves the store and the registers as they were.
func TestAPIChangeRequestErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	elin := string(person(t, func(p demodata.DemoPerson) bool { return strings.Contains(p.Note, "LEFI") }).PNR)
	before := e.extractCounts(elin)
	var total struct{ Total int }
	e.call("GET", "/api/v1/cases", e.officer, nil, &total)

	rectify := func(change map[string]any) map[string]any {
		return map[string]any{"kinds": []string{"rectification"}, "subject": elin, "channel": "letter", "changes": []map[string]any{change}}
	}
	for _, tt := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"unknown register", rectify(map[string]any{"register": "bilstod", "field": "x", "value": "y"}), "changes"},
		{"unknown field", rectify(map[string]any{"register": "kontakter", "field": "colour", "value": "y"}), "changes"},
		{"a field that is not rectifiable", rectify(map[string]any{"register": "utbetalningar", "field": "amount", "value": "1 000 kr"}), "changes"},
		{"unknown register in scope", map[string]any{"kinds": []string{"erasure"}, "subject": elin, "channel": "letter", "scope": map[string]any{"registers": []string{"bilstod"}}}, "scope"},
		{"a ground of another kind", map[string]any{"kinds": []string{"erasure"}, "subject": elin, "channel": "letter", "grounds": []string{"18.1.a"}}, "grounds"},
	} {
		var er errResp
		st, raw := e.call("POST", "/api/v1/cases", e.officer, tt.body, nil)
		jsonDecode(t, strings.NewReader(string(raw)), &er)
		if st != http.StatusBadRequest || er.Error.Code != "invalid" || er.Error.Field != tt.field || er.Error.Message == "" {
			t.Errorf("%s: %d %s, want 400 on %s", tt.name, st, raw, tt.field)
		}
	}
	var after struct{ Total int }
	e.call("GET", "/api/v1/cases", e.officer, nil, &after)
	if after.Total != total.Total || total.Total == 0 {
		t.Errorf("%d cases after refused requests, want %d", after.Total, total.Total)
	}

	var c caseResp
	e.call("POST", "/api/v1/cases", e.officer, map[string]any{"kinds": []string{"erasure"}, "subject": elin, "channel": "letter"}, &c)
	expect := func(name, method, path, token string, body any, status int, code, field string) {
		t.Helper()
		var er errResp
		st, raw := e.call(method, path, token, body, nil)
		jsonDecode(t, strings.NewReader(string(raw)), &er)
		if st != status || er.Error.Code != code || er.Error.Field != field {
			t.Errorf("%s: %d %s, want %d %s %q", name, st, raw, status, code, field)
		}
	}
	expect("execute before an evaluation", "POST", "/api/v1/cases/"+c.ID+"/execute", e.officer, nil, http.StatusConflict, "conflict", "")
	var ev struct{ Items []itemResp }
	e.call("POST", "/api/v1/cases/"+c.ID+"/evaluation", e.officer, nil, &ev)
	var kept string
	for _, it := range ev.Items {
		if it.Register == "formansbeslut" && it.Outcome == "keep" {
			kept = it.ID
		}
	}
	path := "/api/v1/cases/" + c.ID + "/items/" + kept + "/outcome"
	expect("an officer overrides", "POST", path, e.officer, map[string]any{"outcome": "erase", "reason": "x"}, http.StatusForbidden, "forbidden", "")
	expect("an override without a reason", "POST", path, e.dpo, map[string]any{"outcome": "erase", "reason": "  "}, http.StatusBadRequest, "invalid", "reason")
	expect("an unknown outcome", "POST", path, e.dpo, map[string]any{"outcome": "shred", "reason": "x"}, http.StatusBadRequest, "invalid", "outcome")
	expect("an outcome the register cannot carry out", "POST", "/api/v1/cases/"+c.ID+"/items/"+ev.Items[0].ID+"/outcome", e.dpo,
		map[string]any{"outcome": "erase", "reason": "Uppgiften är felaktig."}, http.StatusBadRequest, "invalid", "outcome")
	expect("an unknown item", "POST", "/api/v1/cases/"+c.ID+"/items/0198a3f2-0000-7000-8000-000000000000/outcome", e.dpo,
		map[string]any{"outcome": "erase", "reason": "x"}, http.StatusNotFound, "not_found", "")
	var items struct{ Items []itemResp }
	e.call("GET", "/api/v1/cases/"+c.ID+"/items", e.officer, nil, &items)
	if !reflect.DeepEqual(items.Items, ev.Items) {
		t.Error("a refused override changed an item")
	}
	if got := e.extractCounts(elin); !reflect.DeepEqual(got, before) {
		t.Errorf("the registers changed: %v, before %v", got, before)
	}

	// The DPO's override, with its reason, is what gets carried out.
	var it itemResp
	if st, raw := e.call("POST", path, e.dpo, map[string]any{"outcome": "erase", "reason": "Beslutet gäller en förmån som aldrig betalades ut."}, &it); st != http.StatusOK ||
		it.Outcome != "erase" || it.Proposed != "keep" || !it.Overridden {
		t.Fatalf("override: %d %s", st, raw)
	}
	var ex executeResp
	e.call("POST", "/api/v1/cases/"+c.ID+"/execute", e.officer, nil, &ex)
	if got := e.extractCounts(elin); got["Förmånsbeslut"] != before["Förmånsbeslut"]-2 {
		t.Errorf("after the override %d decisions are left of %d, want two fewer", got["Förmånsbeslut"], before["Förmånsbeslut"])
	}
	events, _ := e.app.Store.AuditEvents(t.Context(), c.ID)
	var overridden bool
	for _, ev := range events {
		overridden = overridden || ev.Action == dsr.ActionItemOverridden && strings.Contains(ev.Detail, "proposed=keep") && strings.Contains(ev.Detail, "aldrig betalades ut")
	}
	if !overridden {
		t.Error("the override, the proposal and the reason are not in the audit trail")
	}
}

// TestAPIAddItem: an officer adds a record the evaluation did not include;
// the engine proposes its outcome like any other.
func TestAPIAddItem(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	elin := person(t, func(p demodata.DemoPerson) bool { return strings.Contains(p.Note, "LEFI") }).PNR
	var c caseResp
	e.call("POST", "/api/v1/cases", e.officer, map[string]any{"kinds": []string{"erasure"}, "subject": string(elin), "channel": "letter",
		"scope": map[string]any{"registers": []string{"kontakter"}}}, &c)
	path := "/api/v1/cases/" + c.ID + "/items"
	if st, _ := e.call("POST", path, e.officer, map[string]any{"register": "utbetalningar", "record": "1"}, nil); st != http.StatusConflict {
		t.Errorf("adding before an evaluation: %d, want 409", st)
	}
	var ev struct{ Items []itemResp }
	e.call("POST", "/api/v1/cases/"+c.ID+"/evaluation", e.officer, nil, &ev)
	if len(ev.Items) != 4 {
		t.Fatalf("%d items for the contacts, want 4", len(ev.Items))
	}
	secs, err := e.app.Registers.Sections(t.Context(), elin)
	if err != nil {
		t.Fatal(err)
	}
	var oldest string
	for _, s := range secs {
		if s.Register.ID == "utbetalningar" {
			oldest = s.RecordIDs[len(s.RecordIDs)-1] // payments are listed newest first
		}
	}
	var it itemResp
	if st, raw := e.call("POST", path, e.officer, map[string]any{"register": "utbetalningar", "record": oldest}, &it); st != http.StatusCreated ||
		it.Outcome != "erase" || it.Proposed != "erase" || !strings.Contains(it.Ground, "17(1)(a)") {
		t.Fatalf("added item: %d %s", st, raw)
	}
	for _, bad := range []struct {
		body   map[string]any
		status int
		field  string
	}{
		{map[string]any{"register": "utbetalningar", "record": oldest}, http.StatusConflict, ""},
		{map[string]any{"register": "utbetalningar", "record": "999999"}, http.StatusBadRequest, "record"},
		{map[string]any{"register": "bilstod", "record": "1"}, http.StatusBadRequest, "register"},
		{map[string]any{"register": "kontakter", "record": "1", "field": "contacted_on", "value": "2020-01-01"}, http.StatusBadRequest, "changes"},
	} {
		var er errResp
		st, raw := e.call("POST", path, e.officer, bad.body, nil)
		jsonDecode(t, strings.NewReader(string(raw)), &er)
		if st != bad.status || er.Error.Field != bad.field {
			t.Errorf("%v: %d %s, want %d on %q", bad.body, st, raw, bad.status, bad.field)
		}
	}
	var items struct{ Items []itemResp }
	e.call("GET", path, e.officer, nil, &items)
	if len(items.Items) != 5 {
		t.Errorf("%d items after adding one, want 5", len(items.Items))
	}
}

// TestAPILiftRestriction: a restriction is carried out and marked in the
// extract; it can be lifted only after the person has been told, by a
// notice that has left, and from the day the notice gives (Art. 18(3)).
func TestAPILiftRestriction(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	elin := string(person(t, func(p demodata.DemoPerson) bool { return strings.Contains(p.Note, "LEFI") }).PNR)
	var c caseResp
	if st, raw := e.call("POST", "/api/v1/cases", e.officer, map[string]any{"kinds": []string{"restriction"}, "subject": elin, "channel": "letter",
		"scope": map[string]any{"registers": []string{"kontakter"}}, "grounds": []string{"18.1.a"}}, &c); st != http.StatusCreated {
		t.Fatalf("register: %d %s", st, raw)
	}
	base := "/api/v1/cases/" + c.ID
	e.call("POST", base+"/evaluation", e.officer, nil, nil)
	e.call("POST", base+"/execute", e.officer, nil, nil)
	e.call("POST", base+"/send", e.officer, nil, nil)
	marked := func() int {
		a := e.createCase(elin, "letter", "2026-11-23")
		e.call("POST", "/api/v1/cases/"+a.ID+"/extract", e.officer, nil, nil)
		_, pdf := e.call("GET", "/api/v1/cases/"+a.ID+"/extract.pdf", e.officer, nil, nil)
		return strings.Count(strings.Join(strings.Fields(pdfText(t, pdf)), " "), "Begränsad (sparas bara)")
	}
	if n := marked(); n != 4 {
		t.Fatalf("%d restricted records marked in the extract, want the 4 contact notes", n)
	}
	expect := func(name, path, token string, body any, status int) []byte {
		t.Helper()
		st, raw := e.call("POST", path, token, body, nil)
		if st != status {
			t.Errorf("%s: %d %s, want %d", name, st, raw, status)
		}
		return raw
	}
	expect("lift before telling the person", base+"/restrictions/lift", e.officer, nil, http.StatusConflict)
	expect("a notice without a reason", base+"/restrictions/notice", e.officer, map[string]any{"reason": " "}, http.StatusBadRequest)
	expect("the print operator", base+"/restrictions/notice", e.printer, map[string]any{"reason": "x"}, http.StatusForbidden)
	expect("write the notice", base+"/restrictions/notice", e.officer, map[string]any{"reason": "Uppgifterna är nu kontrollerade och riktiga."}, http.StatusCreated)
	if raw := expect("lift before the notice has left", base+"/restrictions/lift", e.officer, nil, http.StatusConflict); !strings.Contains(string(raw), "18(3)") {
		t.Errorf("the refusal does not say why: %s", raw)
	}
	var sent struct{ Channel string }
	if st, raw := e.call("POST", base+"/letters/lift_notice/send", e.officer, nil, &sent); st != http.StatusOK || sent.Channel != "digital_mailbox" {
		t.Fatalf("send the notice: %d %s", st, raw)
	}
	expect("lift before the notice's date", base+"/restrictions/lift", e.officer, nil, http.StatusConflict)

	// Two weeks later the restriction is lifted in the registers.
	later := changes.NewService(e.app.Store, e.app.Registers, e.app.Registers.Catalogue(), mustRenderer(t), e.app.Settings.Settings, func() time.Time { return testNow.AddDate(0, 0, 14) })
	lifted, err := later.Lift(t.Context(), c.ID, dsr.Actor{Kind: dsr.ActorStaff, ID: "o", Role: dsr.RoleOfficer})
	if err != nil || len(lifted) != 4 {
		t.Fatalf("lift: %d items, %v", len(lifted), err)
	}
	if n := marked(); n != 0 {
		t.Errorf("%d records still marked restricted after the lift", n)
	}
	if again, err := later.Lift(t.Context(), c.ID, dsr.Actor{Kind: dsr.ActorStaff, ID: "o", Role: dsr.RoleOfficer}); err != nil || len(again) != 0 {
		t.Errorf("a second lift: %d items, %v", len(again), err)
	}
	if d := e.sim.Delivered(); len(d) != 2 {
		t.Errorf("%d letters delivered, want the decision and the notice", len(d))
	}
	e.checkAuditAndLogs()
}

func mustRenderer(t *testing.T) *documents.Renderer {
	t.Helper()
	r, err := documents.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestAPIErasureThatFindsNothing: a second erasure of data the first has
// already erased finds nothing to carry out. The case does not stall at
// "evaluated" with an execution that cannot run: its evaluation decides it
// "no data", and the officer sends the reply, which says that nothing the
// request concerns was found (not that the agency holds no data on the
// person at all), and which is no decision to appeal.
func TestAPIErasureThatFindsNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	elin := string(person(t, func(p demodata.DemoPerson) bool { return strings.Contains(p.Note, "LEFI") }).PNR)
	erase := func() caseResp {
		var c caseResp
		if st, raw := e.call("POST", "/api/v1/cases", e.officer, map[string]any{
			"kinds": []string{"erasure"}, "subject": elin, "channel": "letter", "received_on": "2026-11-16",
			"grounds": []string{dsr.GroundConsentWithdrawn}, "scope": map[string]any{"registers": []string{"paminnelser"}},
		}, &c); st != http.StatusCreated {
			t.Fatalf("register: %d %s", st, raw)
		}
		return c
	}
	first := erase()
	var ev struct{ Items []itemResp }
	if st, raw := e.call("POST", "/api/v1/cases/"+first.ID+"/evaluation", e.officer, nil, &ev); st != http.StatusOK || len(ev.Items) != 1 {
		t.Fatalf("first evaluation: %d, %d items, want the one reminder: %s", st, len(ev.Items), raw)
	}
	if st, raw := e.call("POST", "/api/v1/cases/"+first.ID+"/execute", e.officer, nil, nil); st != http.StatusOK {
		t.Fatalf("first execution: %d %s", st, raw)
	}

	second := erase()
	ev.Items = nil
	if st, raw := e.call("POST", "/api/v1/cases/"+second.ID+"/evaluation", e.officer, nil, &ev); st != http.StatusOK || len(ev.Items) != 0 {
		t.Fatalf("second evaluation: %d, %d items, want none: %s", st, len(ev.Items), raw)
	}
	var got caseResp
	e.call("GET", "/api/v1/cases/"+second.ID, e.officer, nil, &got)
	if got.Status != "decided" || got.Outcome != "no_data" {
		t.Fatalf("after an evaluation that found nothing: %s / %s, want decided / no_data", got.Status, got.Outcome)
	}
	var er errResp
	if st, raw := e.call("POST", "/api/v1/cases/"+second.ID+"/execute", e.officer, nil, &er); st != http.StatusConflict {
		t.Errorf("executing a case decided no data: %d %s, want 409", st, raw)
	}
	st, pdf := e.call("GET", "/api/v1/cases/"+second.ID+"/letter.pdf", e.officer, nil, nil)
	if st != http.StatusOK {
		t.Fatalf("letter.pdf: %d", st)
	}
	text := strings.Join(strings.Fields(pdfText(t, pdf)), " ")
	if !strings.Contains(text, "Vi har inga uppgifter om dig som begäran gäller") || !strings.Contains(text, "inget för oss att ändra, radera eller begränsa") {
		t.Errorf("the reply does not say that nothing the request concerns was found:\n%s", text)
	}
	if strings.Contains(text, "Vi behandlar alltså inga personuppgifter") || strings.Contains(text, "förvaltningsrätt") {
		t.Errorf("the reply says the agency holds no data at all, or offers an appeal:\n%s", text)
	}
	var sent struct{ Channel string }
	if st, raw := e.call("POST", "/api/v1/cases/"+second.ID+"/send", e.officer, nil, &sent); st != http.StatusOK || sent.Channel != "digital_mailbox" {
		t.Fatalf("send: %d %s", st, raw)
	}
	e.checkAuditAndLogs()
}

// TestArt19NoticesLeaveLateInTheEvening: an erasure carried out at 23:30
// UTC — already the next day in Stockholm — puts its Art. 19 notices in
// the outbox due at once, and the outbox's next run sends them on paper.
// (They used to be due at the start of "today", the Stockholm date read
// as UTC midnight, which late in the evening is an hour ahead.)
func TestArt19NoticesLeaveLateInTheEvening(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.advance(14*time.Hour + 30*time.Minute) // testNow is 09:00 UTC
	elin := string(person(t, func(p demodata.DemoPerson) bool { return strings.Contains(p.Note, "LEFI") }).PNR)
	var c caseResp
	if st, raw := e.call("POST", "/api/v1/cases", e.officer, map[string]any{
		"kinds": []string{"erasure"}, "subject": elin, "channel": "letter", "received_on": "2026-11-23", "grounds": []string{dsr.GroundConsentWithdrawn},
	}, &c); st != http.StatusCreated {
		t.Fatalf("register: %d %s", st, raw)
	}
	for _, step := range []string{"evaluation", "execute"} {
		if st, raw := e.call("POST", "/api/v1/cases/"+c.ID+"/"+step, e.officer, nil, nil); st != http.StatusOK {
			t.Fatalf("%s: %d %s", step, st, raw)
		}
	}
	if _, err := e.app.Delivery.RunOutbox(context.Background(), 200); err != nil {
		t.Fatal(err)
	}
	var out struct {
		Letters []struct {
			Kind, Channel, Status string
		}
	}
	e.call("GET", "/api/v1/cases/"+c.ID+"/letters", e.officer, nil, &out)
	notices := 0
	for _, l := range out.Letters {
		if l.Kind != string(dsr.PurposeArt19Notice) {
			continue
		}
		notices++
		if l.Status != string(dsr.LetterQueued) || l.Channel != string(dsr.DeliveryPostal) {
			t.Errorf("an Art. 19 notice is %s on %q after the outbox ran, want queued on paper", l.Status, l.Channel)
		}
	}
	if notices == 0 {
		t.Fatal("the erasure wrote no Art. 19 notice")
	}
}
