package mailbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/mailbox"
	"dsrdesk/internal/pnr"
)

// Test identity numbers, each with a valid check digit.
const (
	pnrKivra       = "198112189876" // reachable through Kivra
	pnrMinMyndPost = "191212121212" // reachable through Min myndighetspost
	pnrNotAccepted = "199001011239" // has Kivra but refuses this sender
	pnrPending     = "198505052343" // account not yet open
	pnrNoAddress   = "197707073453" // operator without a service address
	pnrNoOperator  = "196606064563" // known, but no mailbox
	pnrUnknown     = "195505055672" // not in the simulator at all
	senderOrgNo    = "2021005521"
	senderID       = "16" + senderOrgNo // as the service knows the sender
)

var allPNRs = []string{pnrKivra, pnrMinMyndPost, pnrNotAccepted, pnrPending, pnrNoAddress, pnrNoOperator, pnrUnknown}

func testAccounts() map[string]mailbox.Account {
	return map[string]mailbox.Account{
		pnrKivra:       {Operator: "Kivra", SenderAccepted: true},
		pnrMinMyndPost: {Operator: "Min myndighetspost", SenderAccepted: true},
		pnrNotAccepted: {Operator: "Kivra", SenderAccepted: false},
		pnrPending:     {Operator: "Billo", SenderAccepted: true, Pending: true},
		pnrNoAddress:   {Operator: "Fortnox", SenderAccepted: true, NoServiceAddress: true},
		pnrNoOperator:  {SenderAccepted: true},
	}
}

// recorder wraps the simulator and remembers what crossed the wire.
type recorder struct {
	next http.Handler

	mu          sync.Mutex
	urls        []string
	messageIDs  []string // of every deliverSecure request, in order
	delivers    int
	lookupSizes []int             // recipients of every isReachable request, in order
	bodies      map[string][]byte // the last request body per path
}

// The paths of the simulated service.
const (
	pathLookup  = "/recipient/v3/isReachable"
	pathDeliver = "/service/v3/deliverSecure"
)

// wireDelivery is the part of a deliverSecure request the recorder reads.
type wireDelivery struct {
	DeliverSecure struct {
		SignedDelivery struct {
			Delivery struct {
				Message []struct {
					Header struct {
						ID string `json:"Id"`
					} `json:"Header"`
				} `json:"Message"`
			} `json:"Delivery"`
		} `json:"SignedDelivery"`
	} `json:"deliverSecure"`
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec.mu.Lock()
	rec.urls = append(rec.urls, r.RequestURI, r.URL.String())
	if rec.bodies == nil {
		rec.bodies = make(map[string][]byte)
	}
	rec.bodies[r.URL.Path] = body
	switch r.URL.Path {
	case pathDeliver:
		var in wireDelivery
		_ = json.Unmarshal(body, &in)
		id := ""
		if m := in.DeliverSecure.SignedDelivery.Delivery.Message; len(m) > 0 {
			id = m[0].Header.ID
		}
		rec.delivers++
		rec.messageIDs = append(rec.messageIDs, id)
	case pathLookup:
		var in struct {
			RecipientID []string `json:"recipientId"`
		}
		_ = json.Unmarshal(body, &in)
		rec.lookupSizes = append(rec.lookupSizes, len(in.RecipientID))
	}
	rec.mu.Unlock()
	rec.next.ServeHTTP(w, r)
}

func (rec *recorder) deliverCalls() (int, []string) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.delivers, append([]string(nil), rec.messageIDs...)
}

func (rec *recorder) lookups() []int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]int(nil), rec.lookupSizes...)
}

// body returns the last request body sent to path, decoded.
func (rec *recorder) body(t *testing.T, path string) map[string]any {
	t.Helper()
	rec.mu.Lock()
	raw := rec.bodies[path]
	rec.mu.Unlock()
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("request body to %s: %v", path, err)
	}
	return v
}

type fixture struct {
	sim    *mailbox.Simulator
	rec    *recorder
	srv    *httptest.Server
	client *mailbox.Client
}

// newFixture serves a simulator over real HTTP, optionally behind wrap, and
// checks when the test ends that no identity number was ever put in a URL.
func newFixture(t *testing.T, wrap func(http.Handler) http.Handler) *fixture {
	t.Helper()
	f := &fixture{sim: mailbox.NewSimulator(testAccounts())}
	f.sim.HangLimit = 10 * time.Second
	var h http.Handler = f.sim
	if wrap != nil {
		h = wrap(h)
	}
	f.rec = &recorder{next: h}
	f.srv = httptest.NewServer(f.rec)
	t.Cleanup(f.srv.Close)
	f.client = mailbox.NewClient(f.srv.URL, senderOrgNo, f.srv.Client())
	f.client.Backoff = time.Millisecond
	t.Cleanup(func() {
		f.rec.mu.Lock()
		defer f.rec.mu.Unlock()
		for _, u := range f.rec.urls {
			for _, p := range allPNRs {
				if strings.Contains(u, p) || strings.Contains(u, p[2:]) || strings.Contains(u, p[2:8]+"-"+p[8:]) {
					t.Errorf("identity number in request URL %q", u)
				}
			}
		}
	})
	return f
}

// checkNoPNR fails if err's text carries any test identity number.
func checkNoPNR(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, p := range allPNRs {
		if strings.Contains(err.Error(), p) || strings.Contains(err.Error(), p[2:]) {
			t.Errorf("error %q contains an identity number", err)
		}
	}
}

func checkCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := dsr.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
	checkNoPNR(t, err)
}

var letterPDF = []byte("%PDF-1.7\n% a tiny stand-in for a letter\n%%EOF\n")

func TestIsReachable(t *testing.T) {
	f := newFixture(t, nil)
	tests := []struct {
		name      string
		pnr       pnr.PNR
		reachable bool
		operator  string
		reason    string
	}{
		{"Kivra accepts the sender", pnrKivra, true, "Kivra", ""},
		{"Min myndighetspost", pnrMinMyndPost, true, "Min myndighetspost", ""},
		{"sender not accepted", pnrNotAccepted, false, "Kivra", mailbox.ReasonSenderNotAccepted},
		{"account pending", pnrPending, false, "Billo", mailbox.ReasonPending},
		{"operator without service address", pnrNoAddress, false, "Fortnox", mailbox.ReasonNoServiceAddress},
		{"known person without mailbox", pnrNoOperator, false, "", mailbox.ReasonNoMailbox},
		{"unknown person", pnrUnknown, false, "", mailbox.ReasonNoMailbox},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.client.IsReachable(context.Background(), tt.pnr)
			if err != nil {
				t.Fatal(err)
			}
			want := mailbox.Reachability{Reachable: tt.reachable, Operator: tt.operator, Reason: tt.reason}
			if got != want {
				t.Errorf("IsReachable = %+v, want %+v", got, want)
			}
			if strings.Contains(got.Reason, string(tt.pnr[2:])) {
				t.Errorf("reason %q contains the identity number", got.Reason)
			}
		})
	}
}

func TestIsReachableRejectsMalformedNumber(t *testing.T) {
	f := newFixture(t, nil)
	for _, p := range []pnr.PNR{"", "8112189876", "19811218-9876", "19811218987x", "198112189875", "198113189876"} {
		_, err := f.client.IsReachable(context.Background(), p)
		checkCode(t, err, dsr.EINVALID)
	}
	if n := len(f.rec.urls); n != 0 {
		t.Errorf("%d requests sent for malformed numbers, want none", n/2)
	}
}

func TestDeliver(t *testing.T) {
	f := newFixture(t, nil)
	now := time.Date(2026, 3, 5, 10, 0, 0, 0, time.UTC)
	f.sim.Now = func() time.Time { return now }
	id := uuid.NewString()

	rcpt, err := f.client.Deliver(context.Background(), id, pnrKivra, "Registerutdrag", "registerutdrag.pdf", letterPDF)
	if err != nil {
		t.Fatal(err)
	}
	if rcpt.TransactionID == "" || rcpt.Operator != "Kivra" {
		t.Errorf("receipt = %+v, want a transaction id from Kivra", rcpt)
	}
	got := f.sim.Delivered()
	if len(got) != 1 {
		t.Fatalf("%d deliveries stored, want 1", len(got))
	}
	d := got[0]
	if d.MessageID != id || d.Recipient != pnrKivra || d.Subject != "Registerutdrag" ||
		d.Operator != "Kivra" || d.TransactionID != rcpt.TransactionID || !d.ReceivedAt.Equal(now) {
		t.Errorf("stored delivery = %+v", d)
	}
	if len(d.AttachmentSizes) != 1 || d.AttachmentSizes[0] != len(letterPDF) {
		t.Errorf("attachment sizes = %v, want [%d]", d.AttachmentSizes, len(letterPDF))
	}
}

func TestDeliverRetriesWithSameMessageID(t *testing.T) {
	f := newFixture(t, nil)
	f.sim.FailNext(2)
	id := uuid.NewString()

	rcpt, err := f.client.Deliver(context.Background(), id, pnrKivra, "Beslut", "beslut.pdf", letterPDF)
	if err != nil {
		t.Fatal(err)
	}
	calls, ids := f.rec.deliverCalls()
	if calls != 3 {
		t.Errorf("%d delivery requests, want 3 (two failures, one success)", calls)
	}
	for _, got := range ids {
		if got != id {
			t.Errorf("attempt used message id %q, want %q on every attempt", got, id)
		}
	}
	stored := f.sim.Delivered()
	if len(stored) != 1 || stored[0].TransactionID != rcpt.TransactionID {
		t.Errorf("stored %+v, want exactly one delivery with transaction id %s", stored, rcpt.TransactionID)
	}
}

func TestDeliverGivesUpAfterAttempts(t *testing.T) {
	f := newFixture(t, nil)
	f.client.Attempts = 3
	f.sim.FailNext(10)

	_, err := f.client.Deliver(context.Background(), uuid.NewString(), pnrKivra, "Beslut", "beslut.pdf", letterPDF)
	checkCode(t, err, dsr.EUNAVAILABLE)
	if calls, _ := f.rec.deliverCalls(); calls != 3 {
		t.Errorf("%d delivery requests, want 3", calls)
	}
	if n := len(f.sim.Delivered()); n != 0 {
		t.Errorf("%d deliveries stored, want none", n)
	}
}

// dropFirst wraps h so that the first delivery request loses its connection,
// either before the handler sees it or after it has stored the message.
func dropFirst(afterHandling bool) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		var once sync.Once
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			drop := false
			if r.URL.Path == pathDeliver {
				once.Do(func() { drop = true })
			}
			if !drop {
				h.ServeHTTP(w, r)
				return
			}
			if afterHandling {
				h.ServeHTTP(httptest.NewRecorder(), r)
			}
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				panic(err)
			}
			conn.Close()
		})
	}
}

func TestDeliverRetriesConnectionError(t *testing.T) {
	f := newFixture(t, dropFirst(false))
	rcpt, err := f.client.Deliver(context.Background(), uuid.NewString(), pnrKivra, "Beslut", "beslut.pdf", letterPDF)
	if err != nil {
		t.Fatal(err)
	}
	if calls, _ := f.rec.deliverCalls(); calls != 2 {
		t.Errorf("%d delivery requests, want 2", calls)
	}
	if stored := f.sim.Delivered(); len(stored) != 1 || stored[0].TransactionID != rcpt.TransactionID {
		t.Errorf("stored %+v, want one delivery", stored)
	}
}

// A delivery whose answer is lost is retried; the service recognises the
// message id and the person gets the letter once.
func TestDeliverLostAnswerIsNotDeliveredTwice(t *testing.T) {
	f := newFixture(t, dropFirst(true))
	rcpt, err := f.client.Deliver(context.Background(), uuid.NewString(), pnrKivra, "Beslut", "beslut.pdf", letterPDF)
	if err != nil {
		t.Fatal(err)
	}
	if calls, _ := f.rec.deliverCalls(); calls != 2 {
		t.Errorf("%d delivery requests, want 2", calls)
	}
	stored := f.sim.Delivered()
	if len(stored) != 1 || stored[0].TransactionID != rcpt.TransactionID {
		t.Errorf("stored %+v, want one delivery with the receipt's transaction id", stored)
	}
}

func TestDeliverDuplicateMessageID(t *testing.T) {
	f := newFixture(t, nil)
	id := uuid.NewString()
	first, err := f.client.Deliver(context.Background(), id, pnrKivra, "Beslut", "beslut.pdf", letterPDF)
	if err != nil {
		t.Fatal(err)
	}
	// Sent again later, for example after a restart, in upper case.
	second, err := f.client.Deliver(context.Background(), strings.ToUpper(id), pnrKivra, "Beslut", "beslut.pdf", letterPDF)
	if err != nil {
		t.Fatal(err)
	}
	if first != second {
		t.Errorf("second receipt %+v, want the first %+v", second, first)
	}
	if n := len(f.sim.Delivered()); n != 1 {
		t.Errorf("%d deliveries stored, want 1", n)
	}

	// The same message id for another letter is a bug in the sender.
	other := append([]byte(nil), letterPDF...)
	other = append(other, "% changed\n"...)
	_, err = f.client.Deliver(context.Background(), id, pnrKivra, "Beslut", "beslut.pdf", other)
	checkCode(t, err, dsr.EUNAVAILABLE)
	if n := len(f.sim.Delivered()); n != 1 {
		t.Errorf("%d deliveries stored, want 1", n)
	}
}

func TestDeliverToUnreachableIsFinal(t *testing.T) {
	for _, p := range []pnr.PNR{pnrUnknown, pnrNoOperator, pnrNotAccepted, pnrPending, pnrNoAddress} {
		f := newFixture(t, nil)
		_, err := f.client.Deliver(context.Background(), uuid.NewString(), p, "Beslut", "beslut.pdf", letterPDF)
		checkCode(t, err, dsr.EUNAVAILABLE)
		if calls, _ := f.rec.deliverCalls(); calls != 1 {
			t.Errorf("%d delivery requests, want 1: a refusal is not retried", calls)
		}
		if n := len(f.sim.Delivered()); n != 0 {
			t.Errorf("%d deliveries stored, want none", n)
		}
	}
}

func TestDeliverRejectsBadArguments(t *testing.T) {
	f := newFixture(t, nil)
	id := uuid.NewString()
	tests := []struct {
		name, id      string
		pnr           pnr.PNR
		subject, file string
		pdf           []byte
	}{
		{"message id not a UUID", "letter-1", pnrKivra, "s", "a.pdf", letterPDF},
		{"message id in braces", "{" + id + "}", pnrKivra, "s", "a.pdf", letterPDF},
		{"short identity number", id, pnr.PNR(pnrKivra[2:]), "s", "a.pdf", letterPDF},
		{"wrong check digit", id, "198112189875", "s", "a.pdf", letterPDF},
		{"no subject", id, pnrKivra, " ", "a.pdf", letterPDF},
		{"file name with directory", id, pnrKivra, "s", "x/a.pdf", letterPDF},
		{"no PDF", id, pnrKivra, "s", "a.pdf", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.client.Deliver(context.Background(), tt.id, tt.pnr, tt.subject, tt.file, tt.pdf)
			checkCode(t, err, dsr.EINVALID)
		})
	}
	if calls, _ := f.rec.deliverCalls(); calls != 0 {
		t.Errorf("%d delivery requests for bad arguments, want none", calls)
	}
}

// stall holds every request until the client gives up.
func stall(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The server notices a client that went away only once the body is read.
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
}

func TestContextTimeout(t *testing.T) {
	f := newFixture(t, stall)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()

	start := time.Now()
	_, err := f.client.Deliver(ctx, uuid.NewString(), pnrKivra, "Beslut", "beslut.pdf", letterPDF)
	checkCode(t, err, dsr.EUNAVAILABLE)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Deliver returned after %v, want soon after the 50 ms deadline", d)
	}
	if calls, _ := f.rec.deliverCalls(); calls != 1 {
		t.Errorf("%d delivery requests, want 1: a timed-out call is not retried", calls)
	}

	ctx2, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	_, err = f.client.IsReachable(ctx2, pnrKivra)
	checkCode(t, err, dsr.EUNAVAILABLE)
}

// The deadline also cuts short the backoff between retries.
func TestContextTimeoutDuringBackoff(t *testing.T) {
	f := newFixture(t, nil)
	f.client.Backoff = time.Hour
	f.sim.FailNext(1)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := f.client.Deliver(ctx, uuid.NewString(), pnrKivra, "Beslut", "beslut.pdf", letterPDF)
	checkCode(t, err, dsr.EUNAVAILABLE)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Deliver returned after %v, want soon after the deadline", d)
	}
}

func TestServiceDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens here now

	c := mailbox.NewClient("http://"+addr, senderOrgNo, nil)
	c.Backoff = time.Millisecond
	_, err = c.IsReachable(context.Background(), pnrKivra)
	checkCode(t, err, dsr.EUNAVAILABLE)
	_, err = c.Deliver(context.Background(), uuid.NewString(), pnrKivra, "Beslut", "beslut.pdf", letterPDF)
	checkCode(t, err, dsr.EUNAVAILABLE)
}

// answer wraps h so that every delivery gets status and body instead.
func answer(status int, body string) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != pathDeliver {
				h.ServeHTTP(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
		})
	}
}

// A failed call keeps its user-safe English message and carries what went
// wrong underneath as its Cause, for the log: never an identity number.
func TestFailuresCarryTheirCause(t *testing.T) {
	down := func() *mailbox.Client {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		c := mailbox.NewClient("http://"+addr, senderOrgNo, nil)
		c.Backoff = time.Millisecond
		return c
	}
	served := func(wrap func(http.Handler) http.Handler, setup func(*fixture)) func() *mailbox.Client {
		return func() *mailbox.Client {
			f := newFixture(t, wrap)
			if setup != nil {
				setup(f)
			}
			return f.client
		}
	}
	tests := []struct {
		name      string
		client    func() *mailbox.Client
		recipient pnr.PNR
		timeout   time.Duration
		message   string
		cause     func(error) bool
	}{
		{"service down", down, pnrKivra, 0,
			"The delivery failed: could not reach the mailbox service.",
			func(err error) bool { var ne net.Error; return errors.As(err, &ne) }},
		{"server errors until the last attempt", served(nil, func(f *fixture) { f.client.Attempts = 2; f.sim.FailNext(5) }), pnrKivra, 0,
			"The delivery failed: the mailbox service answered HTTP 503.",
			func(err error) bool {
				return strings.Contains(err.Error(), "503 Service Unavailable: service temporarily unavailable")
			}},
		{"refused", served(nil, nil), pnrUnknown, 0,
			"The delivery was refused: the mailbox service answered HTTP 409.",
			func(err error) bool { return strings.Contains(err.Error(), "409 Conflict: recipient is not reachable") }},
		{"the refusal echoes the recipient", served(answer(400, `{"ErrorCode":400,"Description":"unknown recipient `+pnrKivra+`","CallId":"c1"}`), nil), pnrKivra, 0,
			"The delivery was refused: the mailbox service answered HTTP 400.",
			func(err error) bool { return strings.Contains(err.Error(), "unknown recipient [pnr]") }},
		{"an answer that is not JSON", served(answer(200, `<html>`), nil), pnrKivra, 0,
			"The delivery failed: the mailbox service sent an answer that could not be read.",
			func(err error) bool { var se *json.SyntaxError; return errors.As(err, &se) }},
		{"timeout", served(stall, nil), pnrKivra, 50 * time.Millisecond,
			"The delivery timed out or was cancelled.",
			func(err error) bool { return errors.Is(err, context.DeadlineExceeded) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			_, err := tt.client().Deliver(ctx, uuid.NewString(), tt.recipient, "Beslut", "beslut.pdf", letterPDF)
			checkCode(t, err, dsr.EUNAVAILABLE)
			if got := dsr.ErrorMessage(err); got != tt.message {
				t.Errorf("message %q, want %q", got, tt.message)
			}
			cause := dsr.AsError(err).Cause
			if cause == nil || !tt.cause(cause) {
				t.Errorf("cause = %v, not the failure behind the error", cause)
			}
		})
	}
}

func TestConcurrentDeliveries(t *testing.T) {
	f := newFixture(t, nil)
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var p pnr.PNR = pnrKivra
			if i%2 == 1 {
				p = pnrMinMyndPost
			}
			_, err := f.client.Deliver(context.Background(), uuid.NewString(), p, "Beslut", "beslut.pdf", letterPDF)
			errs <- err
			_ = f.sim.Delivered()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if got := len(f.sim.Delivered()); got != n {
		t.Errorf("%d deliveries stored, want %d", got, n)
	}
}

func TestSimulatorHTTP(t *testing.T) {
	f := newFixture(t, nil)
	lookup := func(sender string, ids ...string) string {
		b, _ := json.Marshal(map[string]any{"senderOrgNr": sender, "recipientId": ids})
		return string(b)
	}
	tests := []struct {
		name, method, path, body string
		status                   int
	}{
		{"health", http.MethodGet, "/healthz", "", http.StatusOK},
		{"lookup by GET", http.MethodGet, pathLookup, "", http.StatusMethodNotAllowed},
		{"unknown path", http.MethodPost, "/nope", "{}", http.StatusNotFound},
		{"the old paths are gone", http.MethodPost, "/deliver", "{}", http.StatusNotFound},
		{"lookup", http.MethodPost, pathLookup, lookup(senderID, pnrKivra), http.StatusOK},
		{"lookup without sender", http.MethodPost, pathLookup, `{"recipientId":["` + pnrKivra + `"]}`, http.StatusBadRequest},
		{"lookup with the dashed organisation number", http.MethodPost, pathLookup, lookup("202100-5521", pnrKivra), http.StatusBadRequest},
		{"lookup with the bare organisation number", http.MethodPost, pathLookup, lookup(senderOrgNo, pnrKivra), http.StatusBadRequest},
		{"lookup of nobody", http.MethodPost, pathLookup, lookup(senderID), http.StatusBadRequest},
		{"lookup of a short number", http.MethodPost, pathLookup, lookup(senderID, "8112189876"), http.StatusBadRequest},
		{"lookup with unknown field", http.MethodPost, pathLookup, `{"senderOrgNr":"` + senderID + `","recipientId":["` + pnrKivra + `"],"x":1}`, http.StatusBadRequest},
		{"lookup with the old field names", http.MethodPost, pathLookup, `{"sender_org_no":"` + senderID + `","recipients":["` + pnrKivra + `"]}`, http.StatusBadRequest},
		{"deliver garbage", http.MethodPost, pathDeliver, `{`, http.StatusBadRequest},
		{"deliver nothing", http.MethodPost, pathDeliver, `{}`, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, f.srv.URL+tt.path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := f.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d (%s)", resp.StatusCode, tt.status, body)
			}
			if bytes.Contains(body, []byte(pnrKivra)) && tt.status != http.StatusOK {
				t.Errorf("error body %q echoes the identity number", body)
			}
		})
	}
	if n := len(f.sim.Delivered()); n != 0 {
		t.Errorf("%d deliveries stored from bad requests, want none", n)
	}
}

// The lookup answers for each recipient asked about, in the contract's
// element names.
func TestSimulatorLookupWireFormat(t *testing.T) {
	f := newFixture(t, nil)
	body := `{"senderOrgNr":"` + senderID + `","recipientId":["` + pnrKivra + `","` + pnrUnknown + `","` + pnrNoAddress + `"]}`
	resp, err := f.srv.Client().Post(f.srv.URL+pathLookup, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	type status struct {
		AccountStatus struct {
			RecipientID     string `json:"RecipientId"`
			Type            string `json:"Type"`
			Pending         bool   `json:"Pending"`
			ServiceSupplier *struct {
				Name          string `json:"Name"`
				ServiceAdress string `json:"ServiceAdress"`
			} `json:"ServiceSupplier"`
		} `json:"AccountStatus"`
		SenderAccepted bool `json:"SenderAccepted"`
	}
	var out struct {
		Return []status `json:"return"`
	}
	dec := json.NewDecoder(resp.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&out); err != nil {
		t.Fatal(err)
	}
	if len(out.Return) != 3 {
		t.Fatalf("%d answers, want 3", len(out.Return))
	}
	k, u, n := out.Return[0], out.Return[1], out.Return[2]
	if k.AccountStatus.RecipientID != pnrKivra || !k.SenderAccepted || k.AccountStatus.Type != "Secure" ||
		k.AccountStatus.ServiceSupplier == nil || k.AccountStatus.ServiceSupplier.Name != "Kivra" ||
		!strings.HasPrefix(k.AccountStatus.ServiceSupplier.ServiceAdress, "https://") {
		t.Errorf("reachable answer = %+v", k)
	}
	if u.AccountStatus.RecipientID != pnrUnknown || u.AccountStatus.ServiceSupplier != nil || u.SenderAccepted || u.AccountStatus.Type != "Not" {
		t.Errorf("unknown answer = %+v, want no operator", u)
	}
	if n.AccountStatus.ServiceSupplier == nil || n.AccountStatus.ServiceSupplier.ServiceAdress != "" {
		t.Errorf("answer without service address = %+v", n)
	}
}

func TestLoadSaveAccounts(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "accounts.json")
	want := testAccounts()
	if err := mailbox.SaveAccounts(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := mailbox.LoadAccounts(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("loaded %d accounts, want %d", len(got), len(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("account %s = %+v, want %+v", k, got[k], v)
		}
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		t.Errorf("accounts file mode %v, want readable by its owner only", perm)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d files after save, want only the accounts file", len(entries))
	}

	// The file format is the documented one.
	raw := `{"` + pnrKivra + `": {"operator": "Kivra", "sender_accepted": true}}`
	if err := os.WriteFile(path, []byte(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err = mailbox.LoadAccounts(path)
	if err != nil {
		t.Fatal(err)
	}
	if got[pnrKivra] != (mailbox.Account{Operator: "Kivra", SenderAccepted: true}) {
		t.Errorf("loaded %+v", got)
	}

	// A simulator fed from the file answers from it.
	sim := mailbox.NewSimulator(got)
	srv := httptest.NewServer(sim)
	defer srv.Close()
	r, err := mailbox.NewClient(srv.URL, senderOrgNo, srv.Client()).IsReachable(context.Background(), pnrKivra)
	if err != nil || !r.Reachable {
		t.Errorf("IsReachable = %+v, %v; want reachable", r, err)
	}
}

func TestLoadAccountsRejectsBadFiles(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"short key":     `{"8112189876": {"operator": "Kivra"}}`,
		"unknown field": `{"` + pnrKivra + `": {"operater": "Kivra"}}`,
		"not JSON":      `{`,
	} {
		path := filepath.Join(dir, "a.json")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := mailbox.LoadAccounts(path)
		if err == nil {
			t.Errorf("%s: LoadAccounts succeeded, want an error", name)
		}
		checkNoPNR(t, err)
	}
	if err := mailbox.SaveAccounts(filepath.Join(dir, "b.json"), map[string]mailbox.Account{"x": {}}); err == nil {
		t.Error("SaveAccounts accepted a key that is not an identity number")
	}
}
