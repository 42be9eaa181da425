package mailbox

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

// maxDeliverBytes bounds one delivery request the simulator accepts.
const maxDeliverBytes = 32 << 20

// maxLookupRecipients bounds the recipients of one lookup request.
const maxLookupRecipients = 100

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
	MessageID       string
	Recipient       string // 12-digit identity number
	Subject         string
	Operator        string
	TransactionID   string
	AttachmentSizes []int // decoded bytes, one per attachment
	ReceivedAt      time.Time

	digest [sha256.Size]byte // of recipient, subject and attachments
}

// Simulator is a test double of Mina meddelanden: an http.Handler serving
// POST /far/isReachable, POST /deliver and GET /healthz. It answers from a
// fixed set of accounts, stores each message id once, and can be told to fail.
// It is safe for concurrent use.
type Simulator struct {
	// Now stamps each delivery. NewSimulator sets time.Now; replace it only
	// before the simulator serves its first request.
	Now func() time.Time

	mux *http.ServeMux

	mu         sync.Mutex
	accounts   map[string]Account
	deliveries []Delivery
	byMessage  map[string]int // message id → index into deliveries
	failNext   int
}

// NewSimulator returns a simulator that knows the given accounts, keyed by
// 12-digit identity number. Anyone else has no mailbox. The map is copied.
func NewSimulator(recipients map[string]Account) *Simulator {
	s := &Simulator{
		Now:       time.Now,
		mux:       http.NewServeMux(),
		accounts:  maps.Clone(recipients),
		byMessage: make(map[string]int),
	}
	if s.accounts == nil {
		s.accounts = make(map[string]Account)
	}
	s.mux.HandleFunc("POST "+pathIsReachable, s.handleIsReachable)
	s.mux.HandleFunc("POST "+pathDeliver, s.handleDeliver)
	s.mux.HandleFunc("GET "+pathHealthz, s.handleHealthz)
	return s
}

// ServeHTTP implements http.Handler.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

// FailNext makes the next n delivery requests fail with 503 Service
// Unavailable before anything is read or stored. Lookups are not affected.
func (s *Simulator) FailNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = max(n, 0)
}

// Delivered returns a copy of every stored delivery in the order received.
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

func (s *Simulator) handleIsReachable(w http.ResponseWriter, r *http.Request) {
	var in reachableRequest
	if !decode(w, r, 1<<20, &in) {
		return
	}
	switch {
	case in.SenderOrgNo == "":
		writeError(w, http.StatusBadRequest, "sender_org_no is required")
		return
	case len(in.Recipients) == 0 || len(in.Recipients) > maxLookupRecipients:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("recipients must hold 1 to %d identity numbers", maxLookupRecipients))
		return
	}
	for _, id := range in.Recipients {
		if !isPNR(id) {
			writeError(w, http.StatusBadRequest, "every recipient must be a 12-digit identity number")
			return
		}
	}

	out := reachableResponse{Recipients: make([]reachableRecipient, 0, len(in.Recipients))}
	s.mu.Lock()
	for _, id := range in.Recipients {
		a := s.accounts[id]
		rr := reachableRecipient{ID: id, SenderAccepted: a.SenderAccepted, Pending: a.Pending}
		if a.Operator != "" {
			rr.MailboxOperator = &mailboxOperator{Name: a.Operator}
			if !a.NoServiceAddress {
				rr.MailboxOperator.ServiceAddress = serviceAddress(a.Operator)
			}
		}
		out.Recipients = append(out.Recipients, rr)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func (s *Simulator) handleDeliver(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.failNext > 0 {
		s.failNext--
		s.mu.Unlock()
		writeError(w, http.StatusServiceUnavailable, "service temporarily unavailable")
		return
	}
	s.mu.Unlock()

	var in deliverRequest
	if !decode(w, r, maxDeliverBytes, &in) {
		return
	}
	sizes, digest, problem := checkDelivery(in)
	if problem != "" {
		writeError(w, http.StatusBadRequest, problem)
		return
	}
	messageID := strings.ToLower(in.MessageID)

	s.mu.Lock()
	defer s.mu.Unlock()
	if i, ok := s.byMessage[messageID]; ok {
		d := s.deliveries[i]
		if d.digest != digest {
			writeError(w, http.StatusConflict, "message_id was already used for a different message")
			return
		}
		writeJSON(w, http.StatusOK, deliverResponse{TransactionID: d.TransactionID, Operator: d.Operator})
		return
	}
	a := s.accounts[in.Recipient]
	if !a.reachable() {
		writeError(w, http.StatusConflict, "recipient is not reachable for this sender")
		return
	}
	d := Delivery{
		MessageID:       messageID,
		Recipient:       in.Recipient,
		Subject:         in.Subject,
		Operator:        a.Operator,
		TransactionID:   uuid.NewString(),
		AttachmentSizes: sizes,
		ReceivedAt:      s.Now(),
		digest:          digest,
	}
	s.byMessage[messageID] = len(s.deliveries)
	s.deliveries = append(s.deliveries, d)
	writeJSON(w, http.StatusOK, deliverResponse{TransactionID: d.TransactionID, Operator: d.Operator})
}

// checkDelivery validates a delivery request. It returns the decoded size of
// each attachment and a digest of the message, or a problem that never
// contains the recipient.
func checkDelivery(in deliverRequest) (sizes []int, digest [sha256.Size]byte, problem string) {
	switch {
	case !isUUID(in.MessageID):
		return nil, digest, "message_id must be a UUID"
	case in.SenderOrgNo == "":
		return nil, digest, "sender_org_no is required"
	case !isPNR(in.Recipient):
		return nil, digest, "recipient must be a 12-digit identity number"
	case strings.TrimSpace(in.Subject) == "":
		return nil, digest, "subject is required"
	case len(in.Attachments) == 0:
		return nil, digest, "at least one attachment is required"
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", in.Recipient, in.Subject)
	for _, a := range in.Attachments {
		body, err := base64.StdEncoding.DecodeString(a.BodyB64)
		switch {
		case a.Filename == "":
			return nil, digest, "every attachment needs a filename"
		case a.ContentType != contentTypePDF:
			return nil, digest, "attachments must be application/pdf"
		case err != nil:
			return nil, digest, "attachment body is not valid base64"
		case !bytes.HasPrefix(body, []byte("%PDF-")):
			return nil, digest, "attachment is not a PDF"
		}
		sizes = append(sizes, len(body))
		sum := sha256.Sum256(body)
		fmt.Fprintf(h, "%s\x00%x\x00", a.Filename, sum)
	}
	copy(digest[:], h.Sum(nil))
	return sizes, digest, ""
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
			writeError(w, http.StatusRequestEntityTooLarge, "request body too large")
			return false
		}
		writeError(w, http.StatusBadRequest, "request body is not valid JSON for this operation")
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, errorResponse{Error: msg})
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
