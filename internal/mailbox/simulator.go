package mailbox

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

// maxRequestBytes bounds one request the simulator reads: a message of
// MaxMessageBytes, base64-encoded in JSON, with room to spare. A larger
// message within it is refused by the message limit.
const maxRequestBytes = 8 << 20

// Account is what the simulated infrastructure knows about one person's
// digital mailbox. The zero Account is a person without a mailbox.
type Account struct {
	// Operator names the mailbox operator (Kivra, Min myndighetspost, Billo,
	// Fortnox); empty means the person has no mailbox.
	Operator string `json:"operator"`
	// SenderAccepted is whether the person accepts mail from the sender.
	SenderAccepted bool `json:"sender_accepted"`
	// Pending is whether the account is still being opened.
	Pending bool `json:"pending"`
	// NoServiceAddress makes the operator appear without a service address.
	NoServiceAddress bool `json:"no_service_address"`
}

// reachable applies the rule of RULES §8 to an account.
func (a Account) reachable() bool {
	return a.Operator != "" && a.SenderAccepted && !a.Pending && !a.NoServiceAddress
}

// Delivery is one message the simulator has accepted and stored.
type Delivery struct {
	MessageID       string // the message header's Id, lower case
	SenderID        string // 16 and the sender's organisation number
	SenderName      string
	Recipient       string // 12-digit identity number
	Subject         string
	Language        string
	SupportText     string
	BodyType        string // the body's ContentType
	Body            string
	Operator        string
	TransactionID   string
	AttachmentSizes []int // decoded bytes, one per attachment
	ReceivedAt      time.Time
	// Repeats counts the later calls with the same message id and the
	// same message, answered with this delivery's receipt and not stored
	// again: a sender's retries after an answer it never got.
	Repeats int

	digest [sha256.Size]byte // of what makes the message the same message
}

// Operation names an operation of the simulated service, for planning
// failures and counting calls.
type Operation string

// The operations of the simulated service.
const (
	OpIsReachable   Operation = "isReachable"
	OpDeliverSecure Operation = "deliverSecure"
)

// fault is one planned failure of a call.
type fault struct {
	hang   bool // hold the call without answering
	status int  // otherwise answer this 5xx status
}

// Simulator is a test double of Mina meddelanden: an http.Handler serving
// POST /recipient/v3/isReachable, POST /service/v3/deliverSecure and GET
// /healthz in the wire format of doc.go. It answers from a set of accounts,
// stores each message id once, and can be told to fail: see FailNext,
// ServerErrorNext, TimeoutNext and UnreachableAfter. It is safe for
// concurrent use.
type Simulator struct {
	// Now stamps each delivery. NewSimulator sets time.Now; replace it only
	// before the simulator serves its first request.
	Now func() time.Time
	// HangLimit is how long a call planned by TimeoutNext is held when its
	// caller does not give up first; it then answers 504 Gateway Timeout.
	// NewSimulator sets one minute; change it only before the simulator
	// serves its first request.
	HangLimit time.Duration

	mux *http.ServeMux

	mu         sync.Mutex
	accounts   map[string]Account
	deliveries []Delivery
	byMessage  map[string]int // message id → index into deliveries
	faults     map[Operation][]fault
	calls      map[Operation]int
	turning    map[string]int // recipient → requests that still see the account unchanged
	lose       int            // accepted deliveries whose answer is still to be lost (LoseAnswerNext)
}

// NewSimulator returns a simulator that knows the given accounts, keyed by
// 12-digit identity number. Anyone else has no mailbox. The map is copied.
func NewSimulator(recipients map[string]Account) *Simulator {
	s := &Simulator{
		Now:       time.Now,
		HangLimit: time.Minute,
		mux:       http.NewServeMux(),
		accounts:  maps.Clone(recipients),
		byMessage: make(map[string]int),
		faults:    make(map[Operation][]fault),
		calls:     make(map[Operation]int),
		turning:   make(map[string]int),
	}
	if s.accounts == nil {
		s.accounts = make(map[string]Account)
	}
	s.mux.HandleFunc("POST "+pathIsReachable, s.handleIsReachable)
	s.mux.HandleFunc("POST "+pathDeliverSecure, s.handleDeliverSecure)
	s.mux.HandleFunc("GET "+pathHealthz, s.handleHealthz)
	return s
}

// ServeHTTP implements http.Handler.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

// FailNext makes the next n deliverSecure calls fail with 503 Service
// Unavailable before anything is read or stored, replacing any failures
// planned for deliverSecure before. Lookups are not affected.
func (s *Simulator) FailNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[OpDeliverSecure] = nil
	s.plan(OpDeliverSecure, n, fault{status: http.StatusServiceUnavailable})
}

// ServerErrorNext makes the next n calls of op answer status, a 5xx status
// (anything else means 503), before anything is read or stored. The
// failures queue after any planned before, in the order planned.
func (s *Simulator) ServerErrorNext(op Operation, n, status int) {
	if status < 500 || status > 599 {
		status = http.StatusServiceUnavailable
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.plan(op, n, fault{status: status})
}

// TimeoutNext makes the next n calls of op hang without answering, as a
// service that does not answer in time: the call is held until its caller
// gives up or HangLimit passes, and nothing is stored. The failures queue
// after any planned before, in the order planned.
func (s *Simulator) TimeoutNext(op Operation, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.plan(op, n, fault{hang: true})
}

// LoseAnswerNext makes the next n deliverSecure calls that are accepted
// lose their answer: the message is stored (or found stored, for a repeat)
// as usual, but the call then hangs as with TimeoutNext, so the sender
// cannot know the message arrived. Only a retry with the same message id
// tells it, without storing the message twice.
func (s *Simulator) LoseAnswerNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lose += max(n, 0)
}

// plan queues n faults f for op. The caller holds s.mu.
func (s *Simulator) plan(op Operation, n int, f fault) {
	for range max(n, 0) {
		s.faults[op] = append(s.faults[op], f)
	}
}

// SetAccount replaces what the simulator knows about recipient's mailbox,
// from the next call on, and cancels an UnreachableAfter for recipient.
func (s *Simulator) SetAccount(recipient string, a Account) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accounts[recipient] = a
	delete(s.turning, recipient)
}

// UnreachableAfter makes recipient stop accepting mail from the sender once
// n more calls that name recipient (lookups or deliveries) have been
// answered as things are; n ≤ 0 means at once. So UnreachableAfter(p, 1)
// lets the lookup find p reachable and the delivery that follows find p
// not reachable. Calls failed by a planned fault do not count.
func (s *Simulator) UnreachableAfter(recipient string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n <= 0 {
		s.turnUnreachable(recipient)
		return
	}
	s.turning[recipient] = n
}

// turnUnreachable makes recipient refuse this sender. The caller holds s.mu.
func (s *Simulator) turnUnreachable(recipient string) {
	a := s.accounts[recipient]
	a.SenderAccepted = false
	s.accounts[recipient] = a
	delete(s.turning, recipient)
}

// seen returns recipient's account as a call that names it finds it, and
// counts the call for UnreachableAfter. The caller holds s.mu.
func (s *Simulator) seen(recipient string) Account {
	if n, ok := s.turning[recipient]; ok {
		if n <= 0 {
			s.turnUnreachable(recipient)
		} else {
			s.turning[recipient] = n - 1
		}
	}
	return s.accounts[recipient]
}

// Calls returns how many calls of op the simulator has received, failed
// ones included.
func (s *Simulator) Calls(op Operation) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op]
}

// Delivered returns a copy of every stored delivery in the order received.
// A message delivered again under the same message id is stored once.
func (s *Simulator) Delivered() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Delivery, len(s.deliveries))
	for i, d := range s.deliveries {
		d.AttachmentSizes = append([]int(nil), d.AttachmentSizes...)
		out[i] = d
	}
	return out
}

func (s *Simulator) handleHealthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// failed counts a call of op and, when a failure is planned for it, fails
// the call and reports true.
func (s *Simulator) failed(w http.ResponseWriter, r *http.Request, op Operation) bool {
	s.mu.Lock()
	s.calls[op]++
	q := s.faults[op]
	if len(q) == 0 {
		s.mu.Unlock()
		return false
	}
	f := q[0]
	s.faults[op] = q[1:]
	limit := s.HangLimit
	s.mu.Unlock()

	if !f.hang {
		writeFault(w, f.status, "service temporarily unavailable")
		return true
	}
	// The server notices a caller that went away only once the body is read.
	_, _ = io.Copy(io.Discard, http.MaxBytesReader(w, r.Body, maxRequestBytes))
	t := time.NewTimer(limit)
	defer t.Stop()
	select {
	case <-r.Context().Done():
	case <-t.C:
		writeFault(w, http.StatusGatewayTimeout, "the service did not answer in time")
	}
	return true
}

func (s *Simulator) handleIsReachable(w http.ResponseWriter, r *http.Request) {
	if s.failed(w, r, OpIsReachable) {
		return
	}
	var in isReachableRequest
	if !decode(w, r, 1<<20, &in) {
		return
	}
	switch {
	case !isSenderID(in.SenderOrgNr):
		writeFault(w, http.StatusBadRequest, "senderOrgNr must be 16 followed by the ten digits of the sender's organisation number")
		return
	case len(in.RecipientID) == 0:
		writeFault(w, http.StatusBadRequest, "isReachable needs at least one recipientId")
		return
	case len(in.RecipientID) > MaxLookupRecipients:
		writeFault(w, http.StatusBadRequest, fmt.Sprintf("isReachable takes at most %d recipientId per call", MaxLookupRecipients))
		return
	}
	for _, id := range in.RecipientID {
		if !isPNR(id) {
			writeFault(w, http.StatusBadRequest, "every recipientId must be a 12-digit identity number")
			return
		}
	}

	out := isReachableResponse{Return: make([]reachabilityStatus, 0, len(in.RecipientID))}
	s.mu.Lock()
	for _, id := range in.RecipientID {
		a := s.seen(id)
		st := reachabilityStatus{AccountStatus: accountStatus{RecipientID: id, Type: accountNone}, SenderAccepted: a.SenderAccepted}
		if a.Operator != "" {
			st.AccountStatus.Type = accountSecure
			st.AccountStatus.Pending = a.Pending
			st.AccountStatus.ServiceSupplier = &serviceSupplier{Name: a.Operator}
			if !a.NoServiceAddress {
				st.AccountStatus.ServiceSupplier.ServiceAdress = serviceAddress(a.Operator)
			}
		}
		out.Return = append(out.Return, st)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func (s *Simulator) handleDeliverSecure(w http.ResponseWriter, r *http.Request) {
	if s.failed(w, r, OpDeliverSecure) {
		return
	}
	var in deliverSecureRequest
	if !decode(w, r, maxRequestBytes, &in) {
		return
	}
	d := &in.DeliverSecure.SignedDelivery.Delivery
	if p := checkDelivery(d); p != nil {
		status := http.StatusBadRequest
		if p.tooLarge {
			status = http.StatusRequestEntityTooLarge
		}
		writeFault(w, status, p.text())
		return
	}
	m := &d.Message[0]
	messageID := strings.ToLower(m.Header.ID)
	digest := messageDigest(d)

	s.mu.Lock()
	a := s.seen(d.Header.Recipient)
	if i, ok := s.byMessage[messageID]; ok {
		stored := s.deliveries[i]
		if stored.digest != digest {
			s.mu.Unlock()
			writeFault(w, http.StatusConflict, "the message id was already used for a different message")
			return
		}
		s.deliveries[i].Repeats++
		s.answer(w, r, receipt(stored))
		return
	}
	if !a.reachable() {
		s.mu.Unlock()
		writeFault(w, http.StatusConflict, "recipient is not reachable for this sender")
		return
	}
	stored := Delivery{
		MessageID:     messageID,
		SenderID:      d.Header.Sender.ID,
		SenderName:    d.Header.Sender.Name,
		Recipient:     d.Header.Recipient,
		Subject:       m.Header.Subject,
		Language:      m.Header.Language,
		SupportText:   m.Header.Supportinfo.Text,
		BodyType:      m.Body.ContentType,
		Body:          string(m.Body.Body),
		Operator:      a.Operator,
		TransactionID: uuid.NewString(),
		ReceivedAt:    s.Now(),
		digest:        digest,
	}
	for _, at := range m.Attachment {
		stored.AttachmentSizes = append(stored.AttachmentSizes, len(at.Body))
	}
	s.byMessage[messageID] = len(s.deliveries)
	s.deliveries = append(s.deliveries, stored)
	s.answer(w, r, receipt(stored))
}

// answer answers an accepted delivery, or loses the answer when
// LoseAnswerNext says so. The caller holds s.mu; answer releases it.
func (s *Simulator) answer(w http.ResponseWriter, r *http.Request, out deliverSecureResponse) {
	if s.lose == 0 {
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, out)
		return
	}
	s.lose--
	limit := s.HangLimit
	s.mu.Unlock()
	t := time.NewTimer(limit)
	defer t.Stop()
	select {
	case <-r.Context().Done():
	case <-t.C:
		writeFault(w, http.StatusGatewayTimeout, "the service did not answer in time")
	}
}

// receipt is the answer to the delivery of d.
func receipt(d Delivery) deliverSecureResponse {
	return deliverSecureResponse{Return: deliveryResult{
		Status:          []deliveryStatus{{RecipientID: d.Recipient, Delivered: true}},
		TransID:         d.TransactionID,
		ServiceSupplier: &serviceSupplier{Name: d.Operator},
	}}
}

// messageDigest identifies what makes a delivered message the same message:
// sender, recipient, subject, language, body and attachments. The sender's
// name and the support information may change between retries.
func messageDigest(d *secureDelivery) [sha256.Size]byte {
	m := &d.Message[0]
	h := sha256.New()
	field := func(b []byte) {
		fmt.Fprintf(h, "%d:", len(b))
		h.Write(b)
	}
	for _, s := range []string{d.Header.Sender.ID, d.Header.Recipient, m.Header.Subject, m.Header.Language, m.Body.ContentType} {
		field([]byte(s))
	}
	field(m.Body.Body)
	for _, a := range m.Attachment {
		field([]byte(a.Filename))
		field([]byte(a.ContentType))
		field(a.Body)
	}
	var sum [sha256.Size]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

// serviceAddress makes up a plausible service address for an operator.
func serviceAddress(operator string) string {
	slug := strings.ToLower(strings.Join(strings.Fields(operator), "-"))
	return "https://" + slug + ".mailbox.example/deliversecure"
}

// decode reads a JSON body of at most limit bytes into v, answering the
// request itself when it cannot.
func decode(w http.ResponseWriter, r *http.Request, limit int64, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writeFault(w, http.StatusRequestEntityTooLarge, "request body too large")
			return false
		}
		writeFault(w, http.StatusBadRequest, "request body is not valid JSON for this operation")
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeFault answers with a fault: its HTTP status and a description that
// never contains an identity number.
func writeFault(w http.ResponseWriter, status int, description string) {
	writeJSON(w, status, exceptionInformation{ErrorCode: status, Description: description, CallID: uuid.NewString()})
}

// LoadAccounts reads simulator accounts from a JSON file of the form
// {"<12-digit pnr>": {"operator": "Kivra", "sender_accepted": true, ...}}.
func LoadAccounts(path string) (map[string]Account, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load mailbox accounts: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var accounts map[string]Account
	if err := dec.Decode(&accounts); err != nil {
		return nil, fmt.Errorf("load mailbox accounts from %s: %w", path, err)
	}
	if err := checkAccountKeys(accounts); err != nil {
		return nil, fmt.Errorf("load mailbox accounts from %s: %w", path, err)
	}
	if accounts == nil {
		accounts = make(map[string]Account)
	}
	return accounts, nil
}

// SaveAccounts writes accounts to path in the form LoadAccounts reads. It
// writes a temporary file in the same directory and renames it into place, so
// a reader sees the old file or the new one, never half of one. The file is
// readable by its owner only, since its keys are identity numbers.
func SaveAccounts(path string, accounts map[string]Account) (err error) {
	if err := checkAccountKeys(accounts); err != nil {
		return fmt.Errorf("save mailbox accounts: %w", err)
	}
	if accounts == nil {
		accounts = map[string]Account{}
	}
	data, err := json.MarshalIndent(accounts, "", "  ")
	if err != nil {
		return fmt.Errorf("save mailbox accounts: %w", err)
	}
	data = append(data, '\n')

	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("save mailbox accounts: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("save mailbox accounts: %w", err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("save mailbox accounts: %w", err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("save mailbox accounts: %w", err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("save mailbox accounts: %w", err)
	}
	return nil
}

// checkAccountKeys rejects a key that is not a 12-digit identity number
// without repeating the key: it may be personal data.
func checkAccountKeys(accounts map[string]Account) error {
	for k := range accounts {
		if !isPNR(k) {
			return errors.New("an account key is not a 12-digit identity number")
		}
	}
	return nil
}
