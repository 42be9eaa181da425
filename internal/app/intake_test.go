package app

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"dsrdesk/internal/demodata"
	"dsrdesk/internal/dsr"
)

// postMultipart posts a multipart form with files, as a browser does.
func (e *env) postMultipart(c *http.Client, path string, fields map[string][]string, files map[string][]byte) (*http.Response, string) {
	e.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	for name, content := range files {
		fw, _ := w.CreateFormFile(name, name+".pdf")
		fw.Write(content)
	}
	w.Close()
	req, _ := http.NewRequest("POST", e.srv.URL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Origin", e.srv.URL)
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestIntakePage: an officer registers a letter with its scanned copy; the
// case keeps the document and the person gets a receipt in their digital
// mailbox. Bad input shows the form again, filled in, with the error in
// the page's language, and registers nothing.
func TestIntakePage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	users := DemoUsers()
	officer := e.staffClient(users[0].Email, users[0].Password)
	printer := e.staffClient(users[2].Email, users[2].Password)
	p := person(t, func(p demodata.DemoPerson) bool { return p.DigitalMailbox && p.Protection == dsr.ProtectionNone })
	scan := []byte("%PDF-1.4\n1 0 obj << >> endobj\n% Begäran om registerutdrag, handskriven\n")

	var before struct{ Total int }
	e.call("GET", "/api/v1/cases?queue=open", e.officer, nil, &before)
	fields := map[string][]string{"kinds": {"access"}, "channel": {"letter"}, "received_on": {"2026-11-19"}, "subject": {"19811218-9875"},
		"subject_name": {"Åsa Testsson"}, "language": {"sv"}, "text": {"Jag vill ha ut allt ni har om mig."}}
	resp, page := e.postMultipart(officer, "/staff/intake", fields, map[string][]byte{"request_file": scan})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, `id="intake-error"`) || !strings.Contains(page, "Jag vill ha ut allt") {
		t.Fatalf("an invalid identity number: %d, want the form again with the error and the text kept", resp.StatusCode)
	}
	var after struct{ Total int }
	e.call("GET", "/api/v1/cases?queue=open", e.officer, nil, &after)
	if after.Total != before.Total {
		t.Fatal("a refused intake registered a case")
	}
	if resp, _ := e.postMultipart(printer, "/staff/intake", fields, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("the print operator registered a request: %d", resp.StatusCode)
	}

	fields["subject"] = []string{string(p.PNR)}
	resp, _ = e.postMultipart(officer, "/staff/intake", fields, map[string][]byte{"request_file": scan})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("intake: %d", resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	_, casePage := e.get(officer, loc)
	for _, must := range []string{"request_file.pdf", "application/pdf", "Jag vill ha ut allt ni har om mig."} {
		if !strings.Contains(casePage, must) {
			t.Errorf("the case page does not show %q", must)
		}
	}
	if strings.Contains(loc, string(p.PNR)) || strings.Contains(e.log.String(), string(p.PNR)) {
		t.Error("the identity number reached a URL or the log")
	}
	d := e.sim.Delivered()
	if len(d) != 1 || !strings.Contains(d[0].Subject, "Vi har tagit emot din begäran") {
		t.Fatalf("delivered %+v, want the receipt", d)
	}
	href := casePage[strings.Index(casePage, "/attachments/"):]
	casePath, _, _ := strings.Cut(loc, "?")
	href = casePath + href[:strings.IndexByte(href, '"')]
	resp, got := e.get(officer, href)
	if resp.StatusCode != http.StatusOK || got != string(scan) {
		t.Errorf("the scanned letter read back: %d, %d bytes", resp.StatusCode, len(got))
	}
}
