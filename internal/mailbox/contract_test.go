package mailbox_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/mailbox"
	"dsrdesk/internal/pnr"
)

// The tests of this file follow the rules of the Mina meddelanden contracts
// that doc.go describes, one rule after the other.

func TestSenderID(t *testing.T) {
	tests := []struct {
		orgNo, want string
	}{
		{"202100-5521", "162021005521"},
		{"2021005521", "162021005521"},
		{"212000-2411", "162120002411"}, // a municipality
		{"202100-5522", ""},             // wrong check digit
		{"20210055", ""},                // too short
		{"162021005521", ""},            // already a sender id
		{"2021-005521", ""},             // dash in the wrong place
		{"202100 5521", ""},
		{" 2021005521", ""},
		{"20210O5521", ""},
		{"", ""},
		{"811218-9876", ""},  // a personal identity number
		{"198112189876", ""}, // a personal identity number with century
	}
	for _, tt := range tests {
		got, err := mailbox.SenderID(tt.orgNo)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("SenderID(%q) = %q, %v; want %q", tt.orgNo, got, err, tt.want)
		}
		if err == nil {
			continue
		}
		if digits := strings.ReplaceAll(strings.TrimSpace(tt.orgNo), "-", ""); len(digits) > 3 && strings.Contains(err.Error(), digits) {
			t.Errorf("SenderID(%q): error %q repeats the number", tt.orgNo, err)
		}
		if _, err := mailbox.New("http://mailbox.example", tt.orgNo, nil); err == nil {
			t.Errorf("New accepted the sender organisation number %q", tt.orgNo)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("NewClient did not panic on an invalid organisation number")
		}
	}()
	mailbox.NewClient("http://mailbox.example", "202100-5522", nil)
}

// path returns the value at a dotted path of a decoded JSON object; a
// number in the path indexes an array.
func path(t *testing.T, v any, p string) any {
	t.Helper()
	for _, k := range strings.Split(p, ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[k]; !ok {
				t.Fatalf("no %q in %s", k, p)
			}
		case []any:
			var i int
			if _, err := fmt.Sscan(k, &i); err != nil || i >= len(x) {
				t.Fatalf("no element %q in %s", k, p)
			}
			v = x[i]
		default:
			t.Fatalf("%s: %q is not inside an object or array", p, k)
		}
	}
	return v
}

// The sender is 16 and its organisation number on the wire, whichever way the
// number was configured, and every element has the contract's name.
func TestWireNamesAndSenderID(t *testing.T) {
	for _, orgNo := range []string{"202100-5521", "2021005521"} {
		t.Run(orgNo, func(t *testing.T) {
			f := newFixture(t, nil)
			c, err := mailbox.New(f.srv.URL, orgNo, f.srv.Client())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.IsReachable(context.Background(), pnrKivra); err != nil {
				t.Fatal(err)
			}
			lookup := f.rec.body(t, pathLookup)
			if got := path(t, lookup, "senderOrgNr"); got != senderID {
				t.Errorf("senderOrgNr = %v, want %s", got, senderID)
			}
			if got := path(t, lookup, "recipientId.0"); got != pnrKivra {
				t.Errorf("recipientId = %v", got)
			}

			id := uuid.NewString()
			if _, err := c.Deliver(context.Background(), strings.ToUpper(id), pnrKivra, "Registerutdrag", "registerutdrag.pdf", letterPDF); err != nil {
				t.Fatal(err)
			}
			d := path(t, f.rec.body(t, pathDeliver), "deliverSecure.SignedDelivery.Delivery")
			sum := md5.Sum(letterPDF)
			want := map[string]any{
				"Header.Sender.Id":                   senderID,
				"Header.Sender.Name":                 "Försäkringskassan",
				"Header.Recipient":                   pnrKivra,
				"Message.0.Header.Id":                id,
				"Message.0.Header.Subject":           "Registerutdrag",
				"Message.0.Header.Language":          "svSE",
				"Message.0.Header.Supportinfo.URL":   "https://www.forsakringskassan.se",
				"Message.0.Body.ContentType":         "text/plain",
				"Message.0.Attachment.0.ContentType": "application/pdf",
				"Message.0.Attachment.0.Filename":    "registerutdrag.pdf",
				"Message.0.Attachment.0.Checksum":    hex.EncodeToString(sum[:]),
				"Message.0.Attachment.0.Body":        base64.StdEncoding.EncodeToString(letterPDF),
			}
			for p, w := range want {
				if got := path(t, d, p); got != w {
					t.Errorf("%s = %v, want %v", p, got, w)
				}
			}
			if text, _ := path(t, d, "Message.0.Header.Supportinfo.Text").(string); !strings.Contains(text, "0771-524") {
				t.Errorf("Supportinfo.Text = %q, want the agency's telephone number", text)
			}
			body, _ := base64.StdEncoding.DecodeString(path(t, d, "Message.0.Body.Body").(string))
			if !strings.Contains(string(body), "bifogade") {
				t.Errorf("Body = %q, want the client's default text", body)
			}

			stored := f.sim.Delivered()
			if len(stored) != 1 || stored[0].SenderID != senderID || stored[0].SenderName != "Försäkringskassan" ||
				stored[0].Language != "svSE" || stored[0].BodyType != mailbox.ContentTypePlain || stored[0].MessageID != id {
				t.Errorf("stored %+v", stored)
			}
		})
	}
}

// testPNRs returns n distinct valid identity numbers, the first of them known
// to the simulator.
func testPNRs(t *testing.T, n int) []pnr.PNR {
	t.Helper()
	out := []pnr.PNR{pnrKivra, pnrNotAccepted, pnrUnknown}
	base := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; len(out) < n; i++ {
		p := pnr.Complete(base.AddDate(0, 0, i/500).Format("20060102") + fmt.Sprintf("%03d", 200+i%500))
		if !p.Valid() {
			t.Fatalf("made an invalid number %s", p)
		}
		out = append(out, p)
	}
	return out[:n]
}

// A lookup of more than 1,000 people is split into calls of at most 1,000,
// and the answers come back in the order asked.
func TestAreReachableSplitsIntoBatches(t *testing.T) {
	tests := []struct {
		n     int
		calls []int
	}{
		{0, nil},
		{1, []int{1}},
		{1000, []int{1000}},
		{1001, []int{1000, 1}},
		{2345, []int{1000, 1000, 345}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.n), func(t *testing.T) {
			f := newFixture(t, nil)
			people := testPNRs(t, tt.n)
			got, err := f.client.AreReachable(context.Background(), people)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.n {
				t.Fatalf("%d answers for %d people", len(got), tt.n)
			}
			if sizes := f.rec.lookups(); fmt.Sprint(sizes) != fmt.Sprint(tt.calls) {
				t.Errorf("calls of sizes %v, want %v", sizes, tt.calls)
			}
			if n := f.sim.Calls(mailbox.OpIsReachable); n != len(tt.calls) {
				t.Errorf("the simulator counted %d calls, want %d", n, len(tt.calls))
			}
			for i, r := range got {
				want := mailbox.Reachability{Reason: mailbox.ReasonNoMailbox}
				switch people[i] {
				case pnrKivra:
					want = mailbox.Reachability{Reachable: true, Operator: "Kivra"}
				case pnrNotAccepted:
					want = mailbox.Reachability{Operator: "Kivra", Reason: mailbox.ReasonSenderNotAccepted}
				}
				if r != want {
					t.Errorf("answer %d = %+v, want %+v", i, r, want)
				}
			}
		})
	}
}

// An answer in the middle of the list lands where it was asked, across
// batches.
func TestAreReachableKeepsOrderAcrossBatches(t *testing.T) {
	f := newFixture(t, nil)
	people := testPNRs(t, 1500)
	people[0], people[1200] = people[1200], people[0] // pnrKivra into the second batch
	got, err := f.client.AreReachable(context.Background(), people)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range got {
		if r.Reachable != (i == 1200) {
			t.Errorf("answer %d reachable = %v", i, r.Reachable)
		}
	}
}

func TestAreReachableRejectsAnInvalidNumber(t *testing.T) {
	f := newFixture(t, nil)
	people := testPNRs(t, 1200)
	people[1100] = "198112189875"
	_, err := f.client.AreReachable(context.Background(), people)
	checkCode(t, err, dsr.EINVALID)
	if got := dsr.ErrorMessage(err); !strings.Contains(got, "1101 of 1200") {
		t.Errorf("message %q does not say which number", got)
	}
	if n := f.sim.Calls(mailbox.OpIsReachable); n != 0 {
		t.Errorf("%d lookups sent, want none", n)
	}
}

// The simulator refuses a lookup of 1,001 people with a fault, as the real
// service does, and takes 1,000.
func TestSimulatorRefusesMoreThan1000(t *testing.T) {
	f := newFixture(t, nil)
	for _, n := range []int{1000, 1001, 5000} {
		ids := make([]string, n)
		for i, p := range testPNRs(t, n) {
			ids[i] = string(p)
		}
		body, _ := json.Marshal(map[string]any{"senderOrgNr": senderID, "recipientId": ids})
		resp, err := f.srv.Client().Post(f.srv.URL+pathLookup, "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var fault struct {
			ErrorCode   int    `json:"ErrorCode"`
			Description string `json:"Description"`
			CallID      string `json:"CallId"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&fault)
		resp.Body.Close()
		switch {
		case n <= 1000 && resp.StatusCode != http.StatusOK:
			t.Errorf("%d recipients: status %d, want 200", n, resp.StatusCode)
		case n > 1000 && (resp.StatusCode != http.StatusBadRequest || fault.ErrorCode != 400 ||
			!strings.Contains(fault.Description, "at most 1000") || fault.CallID == ""):
			t.Errorf("%d recipients: status %d, fault %+v; want a 400 fault naming the limit", n, resp.StatusCode, fault)
		}
	}
}

// The same message id delivered again gives the first transaction id and is
// stored once, even when the sender's name or support text changed between
// the attempts; another message under the same id is refused.
func TestIdempotentRedelivery(t *testing.T) {
	f := newFixture(t, nil)
	id := uuid.NewString()
	first, err := f.client.Deliver(context.Background(), id, pnrKivra, "Beslut", "beslut.pdf", letterPDF)
	if err != nil {
		t.Fatal(err)
	}
	restarted := mailbox.NewClient(f.srv.URL, "202100-5521", f.srv.Client())
	restarted.SenderName = "Försäkringskassan, Östersund"
	restarted.Support.Text = "Ring oss."
	for range 3 {
		again, err := restarted.Deliver(context.Background(), id, pnrKivra, "Beslut", "beslut.pdf", letterPDF)
		if err != nil {
			t.Fatal(err)
		}
		if again != first {
			t.Errorf("receipt %+v, want the first %+v", again, first)
		}
	}
	if n := len(f.sim.Delivered()); n != 1 {
		t.Errorf("%d deliveries stored, want 1", n)
	}

	for name, m := range map[string]mailbox.Message{
		"another subject":   {Subject: "Beslut om rättelse"},
		"another recipient": {Recipient: pnrMinMyndPost},
		"another language":  {Language: "enGB"},
		"another body":      {Body: "Ett annat brev."},
		"another file name": {Attachments: []mailbox.Attachment{{Filename: "annat.pdf", Body: letterPDF}}},
	} {
		t.Run(name, func(t *testing.T) {
			msg := mailbox.Message{ID: id, Recipient: pnrKivra, Subject: "Beslut",
				Attachments: []mailbox.Attachment{{Filename: "beslut.pdf", Body: letterPDF}}}
			if m.Subject != "" {
				msg.Subject = m.Subject
			}
			if m.Recipient != "" {
				msg.Recipient = m.Recipient
			}
			msg.Language, msg.Body = m.Language, m.Body
			if m.Attachments != nil {
				msg.Attachments = m.Attachments
			}
			_, err := f.client.Send(context.Background(), msg)
			checkCode(t, err, dsr.EUNAVAILABLE)
			if mailbox.Transient(err) {
				t.Error("a conflicting message id is reported as transient")
			}
			if !strings.Contains(dsr.AsError(err).Cause.Error(), "409 Conflict: the message id was already used") {
				t.Errorf("cause %v, want the service's conflict", dsr.AsError(err).Cause)
			}
		})
	}
	if n := len(f.sim.Delivered()); n != 1 {
		t.Errorf("%d deliveries stored after the conflicts, want 1", n)
	}
}

// A call the service does not answer in time hangs until the HTTP client's
// timeout; the client tries again, and the message is delivered once.
func TestTimeoutIsRetried(t *testing.T) {
	f := newFixture(t, nil)
	hc := f.srv.Client()
	hc.Timeout = 200 * time.Millisecond
	c := mailbox.NewClient(f.srv.URL, senderOrgNo, hc)
	c.Backoff = time.Millisecond
	f.sim.TimeoutNext(mailbox.OpDeliverSecure, 1)
	f.sim.TimeoutNext(mailbox.OpIsReachable, 2)

	r, err := c.IsReachable(context.Background(), pnrKivra)
	if err != nil || !r.Reachable {
		t.Fatalf("IsReachable = %+v, %v", r, err)
	}
	if n := f.sim.Calls(mailbox.OpIsReachable); n != 3 {
		t.Errorf("%d lookups, want 3 (two timeouts, one answer)", n)
	}
	rcpt, err := c.Deliver(context.Background(), uuid.NewString(), pnrKivra, "Beslut", "beslut.pdf", letterPDF)
	if err != nil {
		t.Fatal(err)
	}
	if n := f.sim.Calls(mailbox.OpDeliverSecure); n != 2 {
		t.Errorf("%d deliveries tried, want 2", n)
	}
	if d := f.sim.Delivered(); len(d) != 1 || d[0].TransactionID != rcpt.TransactionID {
		t.Errorf("stored %+v, want one delivery", d)
	}
}

// A timeout on every attempt is a transient failure for the caller to retry
// later, whether the HTTP client or the caller's context gave up.
func TestTimeoutIsTransient(t *testing.T) {
	t.Run("the HTTP client's timeout", func(t *testing.T) {
		f := newFixture(t, nil)
		hc := f.srv.Client()
		hc.Timeout = 100 * time.Millisecond
		c := mailbox.NewClient(f.srv.URL, senderOrgNo, hc)
		c.Attempts, c.Backoff = 2, time.Millisecond
		f.sim.TimeoutNext(mailbox.OpDeliverSecure, 2)
		_, err := c.Deliver(context.Background(), uuid.NewString(), pnrKivra, "Beslut", "beslut.pdf", letterPDF)
		checkCode(t, err, dsr.EUNAVAILABLE)
		if !mailbox.Transient(err) {
			t.Errorf("%v is not transient", err)
		}
		if got := dsr.ErrorMessage(err); got != "The delivery failed: the mailbox service did not answer in time." {
			t.Errorf("message %q", got)
		}
		if n := f.sim.Calls(mailbox.OpDeliverSecure); n != 2 {
			t.Errorf("%d deliveries tried, want 2", n)
		}
		if n := len(f.sim.Delivered()); n != 0 {
			t.Errorf("%d deliveries stored, want none", n)
		}
	})
	t.Run("the caller's deadline", func(t *testing.T) {
		f := newFixture(t, nil)
		f.sim.TimeoutNext(mailbox.OpIsReachable, 1)
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err := f.client.IsReachable(ctx, pnrKivra)
		checkCode(t, err, dsr.EUNAVAILABLE)
		if !mailbox.Transient(err) {
			t.Errorf("%v is not transient", err)
		}
		if n := f.sim.Calls(mailbox.OpIsReachable); n != 1 {
			t.Errorf("%d lookups, want 1: the deadline ends the retries", n)
		}
	})
	t.Run("a caller that waits longer than the simulator", func(t *testing.T) {
		sim := mailbox.NewSimulator(testAccounts())
		sim.HangLimit = 50 * time.Millisecond
		srv := httptest.NewServer(sim)
		defer srv.Close()
		c := mailbox.NewClient(srv.URL, senderOrgNo, srv.Client())
		c.Attempts = 1
		sim.TimeoutNext(mailbox.OpIsReachable, 1)
		_, err := c.IsReachable(context.Background(), pnrKivra)
		checkCode(t, err, dsr.EUNAVAILABLE)
		if !mailbox.Transient(err) || !strings.Contains(dsr.ErrorMessage(err), "HTTP 504") {
			t.Errorf("%v: want a transient 504", err)
		}
	})
}

// Server errors are retried with backoff and are transient; FailNext still
// fails deliveries only.
func TestServerErrors(t *testing.T) {
	f := newFixture(t, nil)
	f.client.Attempts = 3
	f.sim.ServerErrorNext(mailbox.OpIsReachable, 2, http.StatusBadGateway)
	if r, err := f.client.IsReachable(context.Background(), pnrKivra); err != nil || !r.Reachable {
		t.Fatalf("IsReachable = %+v, %v; want reachable at the third try", r, err)
	}

	f.sim.ServerErrorNext(mailbox.OpIsReachable, 3, http.StatusInternalServerError)
	_, err := f.client.IsReachable(context.Background(), pnrKivra)
	checkCode(t, err, dsr.EUNAVAILABLE)
	if !mailbox.Transient(err) || dsr.ErrorMessage(err) != "The recipient lookup failed: the mailbox service answered HTTP 500." {
		t.Errorf("%v: want a transient 500", err)
	}
	if n := f.sim.Calls(mailbox.OpIsReachable); n != 6 {
		t.Errorf("%d lookups, want 6", n)
	}

	f.sim.FailNext(1)
	if _, err := f.client.IsReachable(context.Background(), pnrKivra); err != nil {
		t.Errorf("FailNext failed a lookup: %v", err)
	}
	if _, err := f.client.Deliver(context.Background(), uuid.NewString(), pnrKivra, "Beslut", "beslut.pdf", letterPDF); err != nil {
		t.Fatal(err)
	}
	if n := f.sim.Calls(mailbox.OpDeliverSecure); n != 2 {
		t.Errorf("%d deliveries tried, want 2 (one 503)", n)
	}

	// Planned failures queue in order; a status that is not 5xx means 503.
	f.client.Attempts = 1
	f.sim.ServerErrorNext(mailbox.OpDeliverSecure, 1, http.StatusTeapot)
	f.sim.ServerErrorNext(mailbox.OpDeliverSecure, 1, http.StatusGatewayTimeout)
	for _, want := range []string{"HTTP 503", "HTTP 504"} {
		_, err := f.client.Deliver(context.Background(), uuid.NewString(), pnrKivra, "Beslut", "beslut.pdf", letterPDF)
		if !strings.Contains(dsr.ErrorMessage(err), want) || !mailbox.Transient(err) {
			t.Errorf("%v, want a transient %s", err, want)
		}
	}
}

// A person reachable at the lookup can be unreachable by the delivery, or by
// the delivery's retry after a failed first attempt. The refusal is final.
func TestUnreachableAfter(t *testing.T) {
	t.Run("between lookup and delivery", func(t *testing.T) {
		f := newFixture(t, nil)
		f.sim.UnreachableAfter(pnrKivra, 1)
		if r, err := f.client.IsReachable(context.Background(), pnrKivra); err != nil || !r.Reachable {
			t.Fatalf("IsReachable = %+v, %v; want reachable", r, err)
		}
		_, err := f.client.Deliver(context.Background(), uuid.NewString(), pnrKivra, "Beslut", "beslut.pdf", letterPDF)
		checkCode(t, err, dsr.EUNAVAILABLE)
		if mailbox.Transient(err) || !strings.Contains(dsr.AsError(err).Cause.Error(), "409 Conflict: recipient is not reachable") {
			t.Errorf("%v: want a final refusal", err)
		}
		if r, _ := f.client.IsReachable(context.Background(), pnrKivra); r.Reachable || r.Reason != mailbox.ReasonSenderNotAccepted {
			t.Errorf("IsReachable afterwards = %+v", r)
		}
		if n := len(f.sim.Delivered()); n != 0 {
			t.Errorf("%d deliveries stored, want none", n)
		}
	})
	t.Run("at the retry", func(t *testing.T) {
		f := newFixture(t, nil)
		f.client.Attempts = 1
		f.sim.UnreachableAfter(pnrKivra, 1)
		f.sim.FailNext(1)
		if r, err := f.client.IsReachable(context.Background(), pnrKivra); err != nil || !r.Reachable {
			t.Fatalf("IsReachable = %+v, %v; want reachable", r, err)
		}
		id := uuid.NewString()
		_, err := f.client.Deliver(context.Background(), id, pnrKivra, "Beslut", "beslut.pdf", letterPDF)
		if !mailbox.Transient(err) {
			t.Fatalf("first attempt: %v, want a transient 503", err)
		}
		_, err = f.client.Deliver(context.Background(), id, pnrKivra, "Beslut", "beslut.pdf", letterPDF)
		checkCode(t, err, dsr.EUNAVAILABLE)
		if mailbox.Transient(err) {
			t.Errorf("retry: %v, want a final refusal", err)
		}
	})
	t.Run("at once, and SetAccount", func(t *testing.T) {
		f := newFixture(t, nil)
		f.sim.UnreachableAfter(pnrMinMyndPost, 0)
		if r, _ := f.client.IsReachable(context.Background(), pnrMinMyndPost); r.Reachable {
			t.Errorf("IsReachable = %+v, want not reachable", r)
		}
		f.sim.UnreachableAfter(pnrKivra, 5)
		f.sim.SetAccount(pnrKivra, mailbox.Account{Operator: "Billo", SenderAccepted: true, Pending: true})
		if r, _ := f.client.IsReachable(context.Background(), pnrKivra); r != (mailbox.Reachability{Operator: "Billo", Reason: mailbox.ReasonPending}) {
			t.Errorf("IsReachable after SetAccount = %+v", r)
		}
		f.sim.SetAccount(pnrUnknown, mailbox.Account{Operator: "Fortnox", SenderAccepted: true})
		if _, err := f.client.Deliver(context.Background(), uuid.NewString(), pnrUnknown, "Beslut", "beslut.pdf", letterPDF); err != nil {
			t.Errorf("delivery to a new account: %v", err)
		}
	})
}

// Refusals and bad arguments are not transient; the failures of the other
// tests are.
func TestTransient(t *testing.T) {
	f := newFixture(t, nil)
	_, err := f.client.Deliver(context.Background(), "not-a-uuid", pnrKivra, "Beslut", "beslut.pdf", letterPDF)
	if mailbox.Transient(err) {
		t.Error("an invalid argument is transient")
	}
	_, err = f.client.Deliver(context.Background(), uuid.NewString(), pnrUnknown, "Beslut", "beslut.pdf", letterPDF)
	if err == nil || mailbox.Transient(err) {
		t.Errorf("a refusal: %v, want not transient", err)
	}
	if mailbox.Transient(nil) {
		t.Error("no error is transient")
	}
}

// The client refuses a message that breaks a limit before sending it.
func TestClientEnforcesLimits(t *testing.T) {
	f := newFixture(t, nil)
	pdfOf := func(n int) []byte {
		b := bytes.Repeat([]byte{'x'}, n)
		copy(b, "%PDF-1.7\n")
		return b
	}
	// The default body's bytes count towards the message's size.
	bodyLen := len(f.client.BodyText)
	ok := func(m mailbox.Message) mailbox.Message {
		m.ID, m.Recipient = uuid.NewString(), pnrKivra
		if m.Subject == "" {
			m.Subject = "Beslut"
		}
		if m.Attachments == nil {
			m.Attachments = []mailbox.Attachment{{Filename: "beslut.pdf", Body: letterPDF}}
		}
		return m
	}
	pdfs := func(n int) []mailbox.Attachment {
		out := make([]mailbox.Attachment, n)
		for i := range out {
			out[i] = mailbox.Attachment{Filename: fmt.Sprintf("bilaga-%d.pdf", i+1), Body: letterPDF}
		}
		return out
	}
	tests := []struct {
		name string
		msg  mailbox.Message
		code string // "" means sent and delivered
	}{
		{"subject of 100 characters", ok(mailbox.Message{Subject: strings.Repeat("å", 100)}), ""},
		{"subject of 101 characters", ok(mailbox.Message{Subject: strings.Repeat("å", 101)}), dsr.EINVALID},
		{"no attachment", ok(mailbox.Message{Attachments: []mailbox.Attachment{}}), ""},
		{"10 attachments", ok(mailbox.Message{Attachments: pdfs(10)}), ""},
		{"11 attachments", ok(mailbox.Message{Attachments: pdfs(11)}), dsr.EINVALID},
		{"an image", ok(mailbox.Message{Attachments: []mailbox.Attachment{{Filename: "a.png", ContentType: "image/png", Body: letterPDF}}}), dsr.EINVALID},
		{"an attachment that is not a PDF", ok(mailbox.Message{Attachments: []mailbox.Attachment{{Filename: "a.pdf", Body: []byte("hello")}}}), dsr.EINVALID},
		{"an HTML body", ok(mailbox.Message{Body: "<p>Hej</p>", BodyType: mailbox.ContentTypeHTML}), ""},
		{"a Markdown body", ok(mailbox.Message{Body: "*Hej*", BodyType: "text/markdown"}), dsr.EINVALID},
		{"English", ok(mailbox.Message{Language: "enGB"}), ""},
		{"a language without country", ok(mailbox.Message{Language: "sv"}), dsr.EINVALID},
		{"2,000,000 bytes in all", ok(mailbox.Message{Attachments: []mailbox.Attachment{{Filename: "a.pdf", Body: pdfOf(mailbox.MaxMessageBytes - bodyLen)}}}), ""},
		{"one byte more", ok(mailbox.Message{Attachments: []mailbox.Attachment{{Filename: "a.pdf", Body: pdfOf(mailbox.MaxMessageBytes - bodyLen + 1)}}}), dsr.ETOOLARGE},
		{"too large in two attachments", ok(mailbox.Message{Attachments: []mailbox.Attachment{{Filename: "a.pdf", Body: pdfOf(1_500_000)}, {Filename: "b.pdf", Body: pdfOf(600_000)}}}), dsr.ETOOLARGE},
	}
	sent := 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.client.Send(context.Background(), tt.msg)
			if tt.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				sent++
				return
			}
			checkCode(t, err, tt.code)
			if mailbox.Transient(err) {
				t.Error("a broken limit is transient")
			}
		})
	}
	if calls, _ := f.rec.deliverCalls(); calls != sent {
		t.Errorf("%d delivery requests, want %d: a message over a limit is never sent", calls, sent)
	}
	if n := len(f.sim.Delivered()); n != sent {
		t.Errorf("%d deliveries stored, want %d", n, sent)
	}
}

// wireMessage is a valid deliverSecure request as a JSON object, for the
// simulator's own checks.
func wireMessage(pdf []byte) map[string]any {
	sum := md5.Sum(pdf)
	return map[string]any{"deliverSecure": map[string]any{"SignedDelivery": map[string]any{"Delivery": map[string]any{
		"Header": map[string]any{"Sender": map[string]any{"Id": senderID, "Name": "Försäkringskassan"}, "Recipient": pnrKivra},
		"Message": []any{map[string]any{
			"Header": map[string]any{"Id": uuid.NewString(), "Subject": "Beslut", "Language": "svSE",
				"Supportinfo": map[string]any{"Text": "Ring oss."}},
			"Body": map[string]any{"ContentType": "text/plain", "Body": base64.StdEncoding.EncodeToString([]byte("Hej."))},
			"Attachment": []any{map[string]any{"ContentType": "application/pdf", "Filename": "beslut.pdf",
				"Body": base64.StdEncoding.EncodeToString(pdf), "Checksum": hex.EncodeToString(sum[:])}},
		}},
	}}}}
}

// The simulator enforces the same rules and limits on what it receives, with
// a fault that names the rule and never the recipient.
func TestSimulatorEnforcesLimits(t *testing.T) {
	f := newFixture(t, nil)
	big := bytes.Repeat([]byte{'x'}, mailbox.MaxMessageBytes)
	copy(big, "%PDF-1.7\n")
	tests := []struct {
		name   string
		change func(d map[string]any)
		status int
		says   string
	}{
		{"valid", func(map[string]any) {}, http.StatusOK, ""},
		{"sender as organisation number", func(d map[string]any) { set(d, "Header.Sender.Id", "202100-5521") }, http.StatusBadRequest, "16 followed by"},
		{"sender without 16", func(d map[string]any) { set(d, "Header.Sender.Id", senderOrgNo) }, http.StatusBadRequest, "16 followed by"},
		{"sender with a wrong check digit", func(d map[string]any) { set(d, "Header.Sender.Id", "162021005522") }, http.StatusBadRequest, "16 followed by"},
		{"no message id", func(d map[string]any) { set(d, "Message.0.Header.Id", "") }, http.StatusBadRequest, "UUID"},
		{"long subject", func(d map[string]any) { set(d, "Message.0.Header.Subject", strings.Repeat("a", 101)) }, http.StatusBadRequest, "at most 100"},
		{"no support text", func(d map[string]any) { set(d, "Message.0.Header.Supportinfo.Text", " ") }, http.StatusBadRequest, "support"},
		{"bad language", func(d map[string]any) { set(d, "Message.0.Header.Language", "swedish") }, http.StatusBadRequest, "svSE"},
		{"body of another type", func(d map[string]any) { set(d, "Message.0.Body.ContentType", "application/pdf") }, http.StatusBadRequest, "text/plain"},
		{"attachment of another type", func(d map[string]any) { set(d, "Message.0.Attachment.0.ContentType", "image/png") }, http.StatusBadRequest, "application/pdf"},
		{"wrong checksum", func(d map[string]any) { set(d, "Message.0.Attachment.0.Checksum", strings.Repeat("0", 32)) }, http.StatusBadRequest, "checksum"},
		{"two messages", func(d map[string]any) {
			m := d["Message"].([]any)
			d["Message"] = append(m, m[0])
		}, http.StatusBadRequest, "exactly one message"},
		{"eleven attachments", func(d map[string]any) {
			m := d["Message"].([]any)[0].(map[string]any)
			a := m["Attachment"].([]any)
			for range 10 {
				a = append(a, a[0])
			}
			m["Attachment"] = a
		}, http.StatusBadRequest, "at most 10"},
		{"too large", func(d map[string]any) {
			sum := md5.Sum(big)
			set(d, "Message.0.Attachment.0.Body", base64.StdEncoding.EncodeToString(big))
			set(d, "Message.0.Attachment.0.Checksum", hex.EncodeToString(sum[:]))
		}, http.StatusRequestEntityTooLarge, "at most 2000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := wireMessage(letterPDF)
			tt.change(path(t, req, "deliverSecure.SignedDelivery.Delivery").(map[string]any))
			body, _ := json.Marshal(req)
			resp, err := f.srv.Client().Post(f.srv.URL+pathDeliver, "application/json", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			answer, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status || !strings.Contains(string(answer), tt.says) {
				t.Errorf("status %d, %s; want %d saying %q", resp.StatusCode, answer, tt.status, tt.says)
			}
			if tt.status != http.StatusOK && bytes.Contains(answer, []byte(pnrKivra)) {
				t.Errorf("fault %s echoes the recipient", answer)
			}
		})
	}
	if n := len(f.sim.Delivered()); n != 1 {
		t.Errorf("%d deliveries stored, want only the valid one", n)
	}
}

// set replaces the value at a dotted path of a JSON object made of maps and
// slices.
func set(v any, p string, value any) {
	keys := strings.Split(p, ".")
	for _, k := range keys[:len(keys)-1] {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			var i int
			fmt.Sscan(k, &i)
			v = x[i]
		}
	}
	v.(map[string]any)[keys[len(keys)-1]] = value
}
