package app

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"dsrdesk/internal/demodata"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/printzip"
)

// TestAPIDigitalMailboxPath drives create → extract → PDF → send → mailbox
// receipt over the API, then checks that a repeated send delivers nothing new.
func TestAPIDigitalMailboxPath(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := person(t, func(p demodata.DemoPerson) bool {
		return p.DigitalMailbox && p.Protection == dsr.ProtectionNone && strings.Contains(p.Note, "LEFI")
	})
	// Received Thursday 5 March 2026 by letter: 5 April is Easter Sunday and
	// 6 April Easter Monday, so the answer is due Tuesday 7 April.
	c := e.createCase(string(p.PNR)[2:8]+"-"+string(p.PNR)[8:], "letter", "2026-03-05")
	if c.DueOn != "2026-04-07" || c.TargetOn != "2026-04-05" || c.ExtendedDueOn != nil || c.Status != "received" {
		t.Fatalf("case deadlines = %+v", c)
	}
	if !strings.HasPrefix(c.Number, "DSR-2026-") {
		t.Fatalf("case number %q", c.Number)
	}

	var got caseResp
	if st, raw := e.call("GET", "/api/v1/cases/"+c.ID, e.dpo, nil, &got); st != 200 || got.Number != c.Number {
		t.Fatalf("get case: %d %s", st, raw)
	}

	var ex struct {
		Registers []struct {
			Name  string `json:"name"`
			Items int    `json:"items"`
		} `json:"registers"`
		Pages int `json:"pages"`
	}
	if st, raw := e.call("POST", "/api/v1/cases/"+c.ID+"/extract", e.officer, nil, &ex); st != 200 {
		t.Fatalf("extract: %d %s", st, raw)
	}
	if ex.Pages < 2 || len(ex.Registers) < 4 {
		t.Fatalf("extract summary = %+v", ex)
	}
	st, pdf := e.call("GET", "/api/v1/cases/"+c.ID+"/extract.pdf", e.officer, nil, nil)
	if st != 200 || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("extract.pdf: %d, %.20q", st, pdf)
	}
	text := pdfText(t, pdf)
	for _, want := range []string{"Försäkringskassan", p.Name, "Folksam", "Skandia", "Arbetsförmedlingen", c.Number} {
		if !strings.Contains(text, want) {
			t.Errorf("the extract's text lacks %q", want)
		}
	}
	if first := pdfText(t, pdf, "-f", "1", "-l", "1"); strings.Contains(first, string(p.PNR)[2:8]) {
		t.Error("the identity number is on the cover page (address window)")
	}

	var sent struct {
		Channel string `json:"channel"`
		Receipt string `json:"receipt"`
	}
	if st, raw := e.call("POST", "/api/v1/cases/"+c.ID+"/send", e.officer, nil, &sent); st != 200 {
		t.Fatalf("send: %d %s", st, raw)
	}
	d := e.sim.Delivered()
	if sent.Channel != "digital_mailbox" || len(d) != 1 || sent.Receipt != d[0].TransactionID || sent.Receipt == "" {
		t.Fatalf("send = %+v, mailbox got %+v", sent, d)
	}
	if d[0].Recipient != string(p.PNR) {
		t.Fatal("the mailbox delivery went to someone else")
	}
	if d[0].Language != "svSE" || !strings.Contains(d[0].Body, "Du har fått ett brev") {
		t.Errorf("a Swedish letter's message: language %q, body %q", d[0].Language, d[0].Body)
	}
	var again struct {
		Channel string `json:"channel"`
		Receipt string `json:"receipt"`
	}
	if st, _ := e.call("POST", "/api/v1/cases/"+c.ID+"/send", e.officer, nil, &again); st != 200 || again != sent {
		t.Fatalf("a repeated send answered %d %+v, want the first receipt", st, again)
	}
	if n := len(e.sim.Delivered()); n != 1 {
		t.Fatalf("a repeated send delivered again: %d deliveries", n)
	}
	if st, _ := e.call("GET", "/api/v1/cases/"+c.ID, e.officer, nil, &got); st != 200 || got.Status != "sent" {
		t.Fatalf("case status after send = %q", got.Status)
	}
	// Re-assembling an answered case is a conflict.
	if st, _ := e.call("POST", "/api/v1/cases/"+c.ID+"/extract", e.officer, nil, nil); st != http.StatusConflict {
		t.Fatalf("re-assembling a sent case: %d, want 409", st)
	}
	e.checkAuditAndLogs()
}

// TestAPIPrintPath drives create → extract → send → print batch → ZIP for a
// person without a digital mailbox, and checks the protected person's letter
// stays out of the ordinary batch.
func TestAPIPrintPath(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	paper := person(t, func(p demodata.DemoPerson) bool {
		return !p.DigitalMailbox && p.Protection == dsr.ProtectionNone && strings.Contains(p.Note, "print batch")
	})
	careOf := person(t, func(p demodata.DemoPerson) bool { return strings.Contains(p.Note, "god man") })
	protected := person(t, func(p demodata.DemoPerson) bool {
		return !p.DigitalMailbox && p.Protection == dsr.ProtectionProtected
	})

	if st, raw := e.call("POST", "/api/v1/print/batches", e.printer, nil, nil); st != http.StatusConflict {
		t.Fatalf("a batch with nothing queued: %d %s, want 409", st, raw)
	}
	send := func(pnr string) string {
		c := e.createCase(pnr, "phone", "2026-11-20")
		if st, raw := e.call("POST", "/api/v1/cases/"+c.ID+"/extract", e.officer, nil, nil); st != 200 {
			t.Fatalf("extract: %d %s", st, raw)
		}
		var got caseResp
		e.call("GET", "/api/v1/cases/"+c.ID, e.officer, nil, &got)
		if got.SignOff.Required { // a protected person's letter: the DPO approves it
			if st, raw := e.call("POST", "/api/v1/cases/"+c.ID+"/signoff", e.dpo, map[string]string{"decision": "approve"}, nil); st != 200 {
				t.Fatalf("sign-off: %d %s", st, raw)
			}
		}
		var sent struct {
			Channel string `json:"channel"`
			Receipt string `json:"receipt"`
		}
		if st, raw := e.call("POST", "/api/v1/cases/"+c.ID+"/send", e.officer, nil, &sent); st != 200 {
			t.Fatalf("send: %d %s", st, raw)
		}
		return sent.Channel
	}
	if ch := send(string(paper.PNR)); ch != "postal" {
		t.Fatalf("paper person went %s", ch)
	}
	if ch := send(string(careOf.PNR)[:8] + "-" + string(careOf.PNR)[8:]); ch != "postal" {
		t.Fatalf("c/o person went %s", ch)
	}
	if ch := send(string(protected.PNR)); ch != "protected_postal" {
		t.Fatalf("protected person went %s, want protected_postal", ch)
	}
	if n := len(e.sim.Delivered()); n != 0 {
		t.Fatalf("%d letters went to the mailbox", n)
	}

	var batch struct {
		ID      string `json:"id"`
		Letters int    `json:"letters"`
	}
	if st, raw := e.call("POST", "/api/v1/print/batches", e.printer, nil, &batch); st != http.StatusCreated || batch.Letters != 2 {
		t.Fatalf("create batch: %d %s", st, raw)
	}
	st, zipped := e.call("GET", "/api/v1/print/batches/"+batch.ID+"/export", e.printer, nil, nil)
	if st != 200 {
		t.Fatalf("export: %d %s", st, zipped)
	}
	if err := printzip.Verify(bytes.NewReader(zipped), int64(len(zipped))); err != nil {
		t.Fatalf("the batch does not verify: %v", err)
	}
	files := readZip(t, zipped)
	rows, err := printzip.ReadManifest(bytes.NewReader(files["manifest.csv"]))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || len(files) != 3 {
		t.Fatalf("manifest rows %d, files %d; want 2 letters and the manifest", len(rows), len(files))
	}
	if rows[0].Postcode > rows[1].Postcode || rows[0].SortSequence != 1 {
		t.Fatalf("manifest not sorted by postcode: %+v", rows)
	}
	byPostcode := map[string]printzip.Row{}
	for _, r := range rows {
		byPostcode[r.Postcode] = r
		if r.BatchID != batch.ID || r.Pages < 2 || r.Country != "SE" {
			t.Errorf("manifest row %+v", r)
		}
		if text := pdfText(t, files[r.File], "-f", "1", "-l", "1"); !strings.Contains(text, r.AddressLines[0]) {
			t.Errorf("letter %s does not carry its addressee on page 1", r.File)
		}
	}
	if r := byPostcode[careOf.Postcode]; len(r.AddressLines) < 4 || !strings.HasPrefix(r.AddressLines[1], "c/o ") {
		t.Errorf("c/o address lines = %q", r.AddressLines)
	}
	if r := byPostcode[paper.Postcode]; r.AddressLines[0] != paper.Name ||
		r.AddressLines[len(r.AddressLines)-1][:6] != paper.Postcode[:3]+" "+paper.Postcode[3:5] {
		t.Errorf("address lines = %q", r.AddressLines)
	}
	for _, p := range demodata.DemoPeople() {
		for _, f := range pnrForms(string(p.PNR)) {
			if bytes.Contains(files["manifest.csv"], []byte(f)) {
				t.Fatalf("the manifest carries an identity number")
			}
		}
	}
	if bytes.Contains(files["manifest.csv"], []byte(protected.Name)) {
		t.Fatal("the protected person's letter is in the ordinary batch")
	}
	// Nothing is left for another batch; the protected letter waits in its own queue.
	if st, _ := e.call("POST", "/api/v1/print/batches", e.printer, nil, nil); st != http.StatusConflict {
		t.Fatalf("second batch: %d, want 409", st)
	}
	// The export can be repeated after a lost download.
	if st, again := e.call("GET", "/api/v1/print/batches/"+batch.ID+"/export", e.printer, nil, nil); st != 200 ||
		!bytes.Equal(readZip(t, again)["manifest.csv"], files["manifest.csv"]) {
		t.Fatal("a repeated export differs")
	}
	e.checkAuditAndLogs()
}

// TestAPIErrors checks that bad input gets a precise error and changes nothing.
func TestAPIErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := demodata.DemoPeople()[1]
	wrongCheck := string(p.PNR)[2:11] + string('0'+(string(p.PNR)[11]-'0'+1)%10)
	var before struct {
		Total int `json:"total"`
	}
	e.call("GET", "/api/v1/cases", e.officer, nil, &before)

	tests := []struct {
		name, method, path, token string
		body                      any
		status                    int
		code, field               string
	}{
		{"wrong check digit", "POST", "/api/v1/cases", e.officer, map[string]any{"kinds": []string{"access"}, "subject": wrongCheck, "channel": "letter"}, 400, "invalid", "subject"},
		{"date that does not exist", "POST", "/api/v1/cases", e.officer, map[string]any{"kinds": []string{"access"}, "subject": string(p.PNR), "channel": "letter", "received_on": "2026-02-30"}, 400, "invalid", "received_on"},
		{"malformed date", "POST", "/api/v1/cases", e.officer, map[string]any{"kinds": []string{"access"}, "subject": string(p.PNR), "channel": "letter", "received_on": "23/11/2026"}, 400, "invalid", "received_on"},
		{"future date", "POST", "/api/v1/cases", e.officer, map[string]any{"kinds": []string{"access"}, "subject": string(p.PNR), "channel": "letter", "received_on": "2027-01-01"}, 400, "invalid", "received_on"},
		{"unknown channel", "POST", "/api/v1/cases", e.officer, map[string]any{"kinds": []string{"access"}, "subject": string(p.PNR), "channel": "fax"}, 400, "invalid", "channel"},
		{"unknown kind", "POST", "/api/v1/cases", e.officer, map[string]any{"kinds": []string{"everything"}, "subject": string(p.PNR), "channel": "letter"}, 400, "invalid", "kinds"},
		{"no kinds", "POST", "/api/v1/cases", e.officer, map[string]any{"subject": string(p.PNR), "channel": "letter"}, 400, "invalid", "kinds"},
		{"wrong type", "POST", "/api/v1/cases", e.officer, `{"kinds":"access","subject":"x","channel":"letter"}`, 400, "invalid", "kinds"},
		{"not JSON", "POST", "/api/v1/cases", e.officer, `{"kinds":`, 400, "invalid", ""},
		{"unknown field", "POST", "/api/v1/cases", e.officer, `{"kinds":["access"],"subject":"x","channel":"letter","pnr":"1"}`, 400, "invalid", ""},
		{"oversized body", "POST", "/api/v1/cases", e.officer, `{"kinds":["access"],"subject":"` + strings.Repeat("9", 2<<20) + `"}`, 413, "too_large", ""},
		{"no token", "GET", "/api/v1/cases", "", nil, 401, "unauthorized", ""},
		{"bad token", "GET", "/api/v1/cases", "dsr_nope", nil, 401, "unauthorized", ""},
		{"print role reads cases", "GET", "/api/v1/cases", e.printer, nil, 403, "forbidden", ""},
		{"officer makes a batch", "POST", "/api/v1/print/batches", e.officer, nil, 403, "forbidden", ""},
		{"unknown case", "GET", "/api/v1/cases/0190a1b2-0000-7000-8000-000000000000", e.officer, nil, 404, "not_found", ""},
		{"malformed case id", "GET", "/api/v1/cases/nope", e.officer, nil, 404, "not_found", ""},
		{"unknown batch", "GET", "/api/v1/print/batches/0190a1b2-0000-7000-8000-000000000000/export", e.printer, nil, 404, "not_found", ""},
		{"extension without reason", "POST", "/api/v1/cases/0190a1b2-0000-7000-8000-000000000000/extension", e.officer, map[string]any{"reason": " "}, 400, "invalid", "reason"},
		{"bad status filter", "GET", "/api/v1/cases?status=lost", e.officer, nil, 400, "invalid", "status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var er errResp
			st, raw := e.call(tt.method, tt.path, tt.token, tt.body, nil)
			if st != tt.status {
				t.Fatalf("status %d %s, want %d", st, raw, tt.status)
			}
			if err := json.Unmarshal(raw, &er); err != nil {
				t.Fatalf("error body %s: %v", raw, err)
			}
			if er.Error.Code != tt.code || er.Error.Field != tt.field || er.Error.Message == "" {
				t.Fatalf("error = %+v, want code %s field %q", er.Error, tt.code, tt.field)
			}
			for _, f := range pnrForms(string(p.PNR)) {
				if strings.Contains(er.Error.Message, f) {
					t.Fatal("the error message carries the identity number")
				}
			}
			if strings.ContainsAny(er.Error.Message, "0123456789") && tt.field == "subject" {
				t.Fatalf("the message about the identity number has digits: %q", er.Error.Message)
			}
		})
	}
	var after struct {
		Total int `json:"total"`
	}
	e.call("GET", "/api/v1/cases", e.officer, nil, &after)
	if after.Total != before.Total {
		t.Fatalf("bad input changed the store: %d cases before, %d after", before.Total, after.Total)
	}
	e.checkAuditAndLogs()
}

// TestAPIExtension checks the Art. 12(3) extension rule.
func TestAPIExtension(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := demodata.DemoPeople()[1]
	// Received 2026-10-31 → 30 November, a Monday: still open on 23 November.
	open := e.createCase(string(p.PNR), "desk", "2026-10-31")
	var c caseResp
	if st, raw := e.call("POST", "/api/v1/cases/"+open.ID+"/extension", e.officer, map[string]any{"reason": "Många register berörs."}, &c); st != 200 {
		t.Fatalf("extend: %d %s", st, raw)
	}
	// 31 Jan 2027 is a Sunday → Monday 1 February 2027.
	if c.ExtendedDueOn == nil || *c.ExtendedDueOn != "2027-02-01" || c.DueOn != "2026-11-30" {
		t.Fatalf("extended case = %+v", c)
	}
	if st, _ := e.call("POST", "/api/v1/cases/"+open.ID+"/extension", e.officer, map[string]any{"reason": "Igen."}, nil); st != http.StatusConflict {
		t.Fatalf("a second extension: %d, want 409", st)
	}
	// Received 2026-09-01 → due 2026-10-01, passed.
	late := e.createCase(string(p.PNR), "desk", "2026-09-01")
	st, raw := e.call("POST", "/api/v1/cases/"+late.ID+"/extension", e.officer, map[string]any{"reason": "För sent."}, nil)
	if st != http.StatusConflict || !strings.Contains(string(raw), "2026-10-01") {
		t.Fatalf("extension after due: %d %s, want 409 naming the deadline", st, raw)
	}
	var list struct {
		Cases []struct {
			ID      string `json:"id"`
			Overdue bool   `json:"overdue"`
		} `json:"cases"`
		Total int `json:"total"`
	}
	if st, _ := e.call("GET", "/api/v1/cases?status=received", e.dpo, nil, &list); st != 200 || list.Total < 2 {
		t.Fatalf("list: %d %+v", st, list)
	}
	if list.Cases[0].ID != late.ID || !list.Cases[0].Overdue {
		t.Fatalf("the overdue case is not first and flagged: %+v", list.Cases[0])
	}
}

// checkAuditAndLogs verifies the audit chain and scans the whole run's log
// for identity numbers.
func (e *env) checkAuditAndLogs() {
	e.t.Helper()
	events, err := e.app.Store.AuditEvents(context.Background(), "")
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := dsr.VerifyChain(events); err != nil {
		e.t.Fatalf("audit chain: %v", err)
	}
	logs := e.log.String()
	if !strings.Contains(logs, `"request_id"`) {
		e.t.Fatal("the log has no request lines")
	}
	for _, p := range demodata.DemoPeople() {
		for _, f := range pnrForms(string(p.PNR)) {
			if strings.Contains(logs, f) {
				e.t.Fatalf("the log carries an identity number")
			}
		}
	}
	for _, ev := range events {
		for _, p := range demodata.DemoPeople() {
			if strings.Contains(ev.Detail, string(p.PNR)[2:]) {
				e.t.Fatalf("audit entry %d carries an identity number", ev.Seq)
			}
		}
	}
}

// TestAPIIdempotencyKey checks that a create repeated with the same
// Idempotency-Key (a client retrying after a lost answer) makes one case.
func TestAPIIdempotencyKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	body := map[string]any{"kinds": []string{"access"}, "subject": string(demodata.DemoPeople()[1].PNR), "channel": "letter"}
	post := func(key string) (int, caseResp) {
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/cases", strings.NewReader(mustJSON(t, body)))
		req.Header.Set("Authorization", "Bearer "+e.officer)
		req.Header.Set("Idempotency-Key", key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var c caseResp
		jsonDecode(t, resp.Body, &c)
		return resp.StatusCode, c
	}
	var before struct{ Total int }
	e.call("GET", "/api/v1/cases", e.officer, nil, &before)
	st1, c1 := post("retry-42")
	st2, c2 := post("retry-42")
	st3, c3 := post("retry-43")
	if st1 != 201 || st2 != 200 || st3 != 201 || c1.ID != c2.ID || c1.ID == c3.ID {
		t.Fatalf("statuses %d %d %d, ids %s %s %s", st1, st2, st3, c1.ID, c2.ID, c3.ID)
	}
	var after struct{ Total int }
	e.call("GET", "/api/v1/cases", e.officer, nil, &after)
	if after.Total != before.Total+2 {
		t.Fatalf("%d new cases, want 2", after.Total-before.Total)
	}
	// Another staff member's identical key is a different submission.
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/cases", strings.NewReader(mustJSON(t, body)))
	req.Header.Set("Authorization", "Bearer "+e.dpo)
	req.Header.Set("Idempotency-Key", "retry-42")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("another user's key: %d, want 201", resp.StatusCode)
	}
}

// TestAPIQueues: the case list's queues over the API, paged by cursor, and
// assignment for "mine".
func TestAPIQueues(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	type listResp struct {
		Cases []caseResp `json:"cases"`
		Total int        `json:"total"`
		Next  string     `json:"next"`
	}
	var overdue listResp
	if st, raw := e.call("GET", "/api/v1/cases?queue=overdue", e.officer, nil, &overdue); st != http.StatusOK || overdue.Total != 1 || len(overdue.Cases) != 1 {
		t.Fatalf("overdue queue: %d %s", st, raw)
	}
	// Page through the open queue two at a time.
	var seen []string
	cursor := ""
	for range 10 {
		var page listResp
		e.call("GET", "/api/v1/cases?queue=open&limit=2&cursor="+cursor, e.officer, nil, &page)
		for _, c := range page.Cases {
			seen = append(seen, c.Number)
		}
		if page.Next == "" {
			if len(seen) != page.Total || page.Total < 5 {
				t.Errorf("paged through %d of %d open cases", len(seen), page.Total)
			}
			break
		}
		cursor = page.Next
	}
	var mine listResp
	e.call("GET", "/api/v1/cases?queue=mine", e.officer, nil, &mine)
	if mine.Total != 0 {
		t.Fatalf("%d cases are mine before any is assigned", mine.Total)
	}
	var assigned caseResp
	if st, raw := e.call("POST", "/api/v1/cases/"+overdue.Cases[0].ID+"/assign", e.officer, map[string]any{"officer": "me"}, &assigned); st != http.StatusOK {
		t.Fatalf("assign: %d %s", st, raw)
	}
	e.call("GET", "/api/v1/cases?queue=mine", e.officer, nil, &mine)
	if mine.Total != 1 || mine.Cases[0].ID != overdue.Cases[0].ID {
		t.Errorf("mine after taking the overdue case: %+v", mine)
	}
	var dpoMine listResp
	e.call("GET", "/api/v1/cases?queue=mine", e.dpo, nil, &dpoMine)
	if dpoMine.Total != 0 {
		t.Error("a colleague's case shows among the DPO's own")
	}
	for _, bad := range []struct{ path, field string }{
		{"/api/v1/cases?queue=urgent", "queue"},
		{"/api/v1/cases?queue=open&cursor=bm90LWEtY3Vyc29y", "cursor"},
	} {
		var er errResp
		st, raw := e.call("GET", bad.path, e.officer, nil, nil)
		jsonDecode(t, strings.NewReader(string(raw)), &er)
		if st != http.StatusBadRequest || er.Error.Field != bad.field {
			t.Errorf("%s: %d %s", bad.path, st, raw)
		}
	}
	var er errResp
	_, raw := e.call("POST", "/api/v1/cases/"+overdue.Cases[0].ID+"/assign", e.officer, map[string]any{"officer": "nobody-here"}, nil)
	jsonDecode(t, strings.NewReader(string(raw)), &er)
	if er.Error.Field != "officer" {
		t.Errorf("assigning to an unknown officer: %s", raw)
	}
}
