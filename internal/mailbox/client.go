package mailbox

import (
	"bytes"
	"cmp"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
)

// maxResponseBytes bounds what the client reads from the mailbox service; the
// largest answer, a lookup of MaxLookupRecipients people, is a few hundred
// kilobytes.
const maxResponseBytes = 4 << 20

// Client talks to the Mina meddelanden recipient lookup and delivery service.
// Its exported fields tune it and may be changed before first use; a Client
// is safe for concurrent use after that.
type Client struct {
	// Attempts is the most times one call is tried, counting the first.
	// New sets 4; less than 1 means 1.
	Attempts int
	// Backoff is the wait before the first retry; it doubles before each
	// further retry. New sets 200 ms.
	Backoff time.Duration

	// SenderName is the sender's name in every delivery (the contract's
	// Sender Name). New sets the agency's Swedish name.
	SenderName string
	// Support is the contact information every message carries (the
	// contract's Supportinfo) unless the message brings its own text.
	// New sets the agency's telephone number and web site.
	Support SupportInfo
	// Language is the language of a message that names none, written like
	// svSE (the contract's Language). New sets svSE.
	Language string
	// BodyText is the plain-text body of a message that has none: the
	// letter itself travels as the attachment. New sets a Swedish sentence
	// saying so.
	BodyText string

	baseURL  string
	senderID string
	hc       *http.Client
}

// SupportInfo is where a recipient with questions about a message turns
// (the contract's Supportinfo). Text is required.
type SupportInfo struct {
	Text  string
	URL   string
	Phone string
	Email string
}

// New returns a client of the mailbox service at baseURL that sends as the
// organisation with number senderOrgNo, ten digits with or without the
// dash; anything else is an error (see SenderID). A nil hc means an
// http.Client with a 30 s timeout; shorter limits come from the context of
// each call.
func New(baseURL, senderOrgNo string, hc *http.Client) (*Client, error) {
	id, err := SenderID(senderOrgNo)
	if err != nil {
		return nil, err
	}
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	agency := dsr.Agency
	return &Client{
		Attempts:   4,
		Backoff:    200 * time.Millisecond,
		SenderName: agency.Name.SV,
		Support: SupportInfo{
			Text:  "Har du frågor om brevet? Ring " + agency.Name.SV + " på " + agency.Phone.SV + ".",
			URL:   "https://www." + agency.Web,
			Phone: agency.Phone.SV,
		},
		Language: "svSE",
		BodyText: "Du har fått ett brev från " + agency.Name.SV + ". Brevet finns i den bifogade PDF-filen.",
		baseURL:  strings.TrimRight(baseURL, "/"),
		senderID: id,
		hc:       hc,
	}, nil
}

// NewClient is New for a sender organisation number known to be valid, as in
// tests; it panics when it is not.
func NewClient(baseURL, senderOrgNo string, hc *http.Client) *Client {
	c, err := New(baseURL, senderOrgNo, hc)
	if err != nil {
		panic(err)
	}
	return c
}

// Reachability is the answer of the recipient lookup for one person.
type Reachability struct {
	// Reachable is true only if the person's mailbox accepts this sender, a
	// mailbox operator is named, the account is not pending and the operator
	// has a service address (RULES §8).
	Reachable bool
	// Operator is the mailbox operator's name whenever the lookup named one,
	// even when the person is not reachable.
	Operator string
	// Reason says which condition failed when Reachable is false. It never
	// contains personal data.
	Reason string
}

// The reasons a person is not reachable, in the order they are checked.
const (
	ReasonNoMailbox         = "no digital mailbox"
	ReasonSenderNotAccepted = "mailbox does not accept this sender"
	ReasonPending           = "mailbox account is pending"
	ReasonNoServiceAddress  = "mailbox operator has no service address"
)

// The operations, as named in error messages.
const (
	opLookup  = "recipient lookup"
	opDeliver = "delivery"
)

// Receipt is the mailbox operator's acknowledgement of a delivered message.
type Receipt struct {
	TransactionID string
	Operator      string
}

// IsReachable asks whether the person with identity number p can receive
// digital mail from this sender; it is AreReachable for one person. A lookup
// that fails is an error with code dsr.EUNAVAILABLE whose Cause is the
// network or HTTP failure behind it; the caller then sends the letter on
// paper, or tries again later when Transient says so.
func (c *Client) IsReachable(ctx context.Context, p pnr.PNR) (Reachability, error) {
	out, err := c.AreReachable(ctx, []pnr.PNR{p})
	if err != nil {
		return Reachability{}, err
	}
	return out[0], nil
}

// AreReachable asks whether each of people can receive digital mail from
// this sender and answers in the same order. The service takes at most
// MaxLookupRecipients people per call, so a longer list is asked in several
// calls, one after the other; each call is retried like a delivery. Every
// number must be valid, or nothing is asked. If any call fails, so does
// AreReachable.
func (c *Client) AreReachable(ctx context.Context, people []pnr.PNR) ([]Reachability, error) {
	for i, p := range people {
		if !p.Valid() {
			e := invalidPNR()
			if len(people) > 1 {
				e = dsr.FieldError("pnr", "mailbox.pnr", "Identity number %d of %d must be 12 digits with a date that exists and a correct check digit.", i+1, len(people))
			}
			return nil, e
		}
	}
	out := make([]Reachability, len(people))
	for start := 0; start < len(people); start += MaxLookupRecipients {
		batch := people[start:min(start+MaxLookupRecipients, len(people))]
		in := isReachableRequest{SenderOrgNr: c.senderID, RecipientID: make([]string, len(batch))}
		for i, p := range batch {
			in.RecipientID[i] = p.String()
		}
		var answer isReachableResponse
		if err := c.call(ctx, opLookup, pathIsReachable, in, &answer); err != nil {
			return nil, err
		}
		byID := make(map[string]reachabilityStatus, len(answer.Return))
		for _, r := range answer.Return {
			byID[r.AccountStatus.RecipientID] = r
		}
		for i, p := range batch {
			r, ok := byID[p.String()]
			if !ok {
				return nil, unavailable("The %s failed: the answer did not cover every recipient.", opLookup).
					WithCause(errors.New("mailbox: the lookup answer has no entry for a recipient asked about"))
			}
			out[start+i] = reachability(r)
		}
	}
	return out, nil
}

// reachability applies the rule of RULES §8 to one answer of the lookup.
func reachability(r reachabilityStatus) Reachability {
	var out Reachability
	s := r.AccountStatus.ServiceSupplier
	if s != nil {
		out.Operator = s.Name
	}
	switch {
	case s == nil || s.Name == "":
		out.Reason = ReasonNoMailbox
	case !r.SenderAccepted:
		out.Reason = ReasonSenderNotAccepted
	case r.AccountStatus.Pending:
		out.Reason = ReasonPending
	case s.ServiceAdress == "":
		out.Reason = ReasonNoServiceAddress
	default:
		out.Reachable = true
	}
	return out
}

// Message is one message to one person's digital mailbox: the contract's
// SecureMessage with the recipient of its delivery.
type Message struct {
	// ID is the message id (the message header's Id): a UUID chosen by the
	// caller and kept with the letter, so that every attempt reuses it and
	// the service stores the message once however often it is sent.
	ID string
	// Recipient is the person the message is for.
	Recipient pnr.PNR
	// Subject is at most MaxSubjectRunes characters.
	Subject string
	// Language is written like svSE; empty means the client's Language.
	Language string
	// SupportText replaces the client's Support text when not empty.
	SupportText string
	// Body is the message text; empty means the client's BodyText.
	Body string
	// BodyType is ContentTypePlain or ContentTypeHTML; empty means plain.
	BodyType string
	// Attachments are at most MaxAttachments PDFs; the body and the
	// attachments together are at most MaxMessageBytes.
	Attachments []Attachment
}

// Attachment is one file of a message.
type Attachment struct {
	// Filename is a plain name without a directory.
	Filename string
	// ContentType must be ContentTypePDF; empty means PDF.
	ContentType string
	Body        []byte
}

// Deliver sends one PDF to the digital mailbox of the person with identity
// number p and returns the operator's receipt; it is Send of a message with
// the client's language, support text and body and the PDF as its one
// attachment. messageID must be a UUID chosen by the caller and kept with the
// letter: every attempt, here and in any later call for the same letter,
// reuses it, so the service stores the message once however often it is
// sent (RULES §8).
func (c *Client) Deliver(ctx context.Context, messageID string, p pnr.PNR, subject, filename string, pdf []byte) (Receipt, error) {
	return c.Send(ctx, Message{
		ID:          messageID,
		Recipient:   p,
		Subject:     subject,
		Attachments: []Attachment{{Filename: filename, ContentType: ContentTypePDF, Body: pdf}},
	})
}

// Send delivers m to its recipient's digital mailbox (deliverSecure) and
// returns the operator's receipt.
//
// A message that breaks a rule or a limit of the service is refused before
// anything is sent: dsr.EINVALID, or dsr.ETOOLARGE for a message over
// MaxMessageBytes. Server errors (5xx), timeouts of the HTTP client and
// connection failures are retried up to Attempts times with a doubling
// backoff; any other answer is final. Failures are errors with code
// dsr.EUNAVAILABLE whose Cause is the network or HTTP failure behind them;
// Transient tells a failure worth trying again later from a refusal.
func (c *Client) Send(ctx context.Context, m Message) (Receipt, error) {
	switch {
	case !isUUID(m.ID):
		return Receipt{}, dsr.FieldError("message_id", "mailbox.message_id", "The message id must be a UUID.")
	case !m.Recipient.Valid():
		return Receipt{}, invalidPNR()
	}
	d := c.secureDelivery(m)
	if p := checkDelivery(&d); p != nil {
		return Receipt{}, p.err()
	}
	in := deliverSecureRequest{DeliverSecure: sealedDelivery{SignedDelivery: signedDelivery{Delivery: d}}}
	var out deliverSecureResponse
	if err := c.call(ctx, opDeliver, pathDeliverSecure, in, &out); err != nil {
		return Receipt{}, err
	}
	r := out.Return
	var status *deliveryStatus
	for i := range r.Status {
		if r.Status[i].RecipientID == m.Recipient.String() {
			status = &r.Status[i]
		}
	}
	switch {
	case status == nil:
		return Receipt{}, unavailable("The %s failed: the answer did not cover the recipient.", opDeliver).
			WithCause(&maybeDeliveredError{errors.New("mailbox: the delivery answer has no status for the recipient")})
	case !status.Delivered:
		return Receipt{}, unavailable("The %s was refused: the mailbox operator did not deliver the message.", opDeliver).
			WithCause(fmt.Errorf("mailbox: not delivered: %s", clip(status.ErrorMessage)))
	case r.TransID == "":
		return Receipt{}, unavailable("The %s failed: the mailbox service returned no transaction id.", opDeliver).
			WithCause(&maybeDeliveredError{errors.New("mailbox: the delivery answer has no transaction id")})
	}
	rc := Receipt{TransactionID: r.TransID}
	if r.ServiceSupplier != nil {
		rc.Operator = r.ServiceSupplier.Name
	}
	return rc, nil
}

// secureDelivery is m on the wire, the client's defaults filled in.
func (c *Client) secureDelivery(m Message) secureDelivery {
	msg := secureMessage{
		Header: messageHeader{
			ID:       strings.ToLower(m.ID),
			Subject:  m.Subject,
			Language: cmp.Or(m.Language, c.Language),
			Supportinfo: supportinfo{
				Text:        cmp.Or(m.SupportText, c.Support.Text),
				URL:         c.Support.URL,
				PhoneNumber: c.Support.Phone,
				EmailAdress: c.Support.Email,
			},
		},
		Body: messageBody{ContentType: cmp.Or(m.BodyType, ContentTypePlain), Body: []byte(cmp.Or(m.Body, c.BodyText))},
	}
	for _, a := range m.Attachments {
		sum := md5.Sum(a.Body)
		msg.Attachment = append(msg.Attachment, attachment{
			ContentType: cmp.Or(a.ContentType, ContentTypePDF),
			Body:        a.Body,
			Checksum:    hex.EncodeToString(sum[:]),
			Filename:    a.Filename,
		})
	}
	return secureDelivery{
		Header:  secureDeliveryHeader{Sender: sender{ID: c.senderID, Name: c.SenderName}, Recipient: m.Recipient.String()},
		Message: []secureMessage{msg},
	}
}

// Transient reports whether err, from a Client call, is a failure that may
// pass: the service timed out, answered 5xx, could not be reached, cut its
// answer short, or the caller's context ended. Trying again later with the
// same message id is then safe. A refusal (the service answered 4xx or did
// not deliver), an answer that could not be read and invalid arguments are
// not transient.
func Transient(err error) bool {
	var t *transientError
	return errors.As(err, &t)
}

// transientError marks the cause of a transient failure.
type transientError struct{ err error }

func (t *transientError) Error() string { return t.err.Error() }
func (t *transientError) Unwrap() error { return t.err }

// MaybeDelivered reports whether err, from a Client call, leaves open
// whether the service took the message: on one of the call's tries the
// request went out and no clear answer came back (the call timed out or
// was cancelled in flight, the connection was cut, the service answered
// 504 or another 5xx but 503 Service Unavailable), or the service's
// answer could not be read. Only a later delivery with the same message
// id tells: the service answers it with the first delivery's receipt, or
// refuses it when it never had it. A failure that is not MaybeDelivered
// never got the message taken: no connection, 503 on every try, or a
// refusal.
func MaybeDelivered(err error) bool {
	var m *maybeDeliveredError
	return errors.As(err, &m)
}

// maybeDeliveredError marks the cause of a failure after which the
// service may have the message.
type maybeDeliveredError struct{ err error }

func (m *maybeDeliveredError) Error() string { return m.err.Error() }
func (m *maybeDeliveredError) Unwrap() error { return m.err }

// reachedNothing reports whether a failed request surely never reached
// the service: the connection was refused or the name did not resolve.
func reachedNothing(err error) bool {
	var dns *net.DNSError
	return errors.Is(err, syscall.ECONNREFUSED) || errors.As(err, &dns)
}

// call posts in as JSON to path and decodes the answer into out, retrying
// transient failures. op names the operation in error messages.
func (c *Client) call(ctx context.Context, op, path string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("encode %s request: %w", op, err)
	}
	attempts := max(c.Attempts, 1)
	wait := c.Backoff
	var last *dsr.Error
	maybe := false // a try may have got the message taken
	// done is the call's failure err, marked MaybeDelivered when a try
	// left that open.
	done := func(err *dsr.Error) error {
		if maybe {
			err = err.WithCause(&maybeDeliveredError{err.Cause})
		}
		return err
	}
	for i := 0; i < attempts; i++ {
		if i > 0 {
			if !sleep(ctx, wait) {
				break
			}
			wait *= 2
		}
		transient, taken, err := c.once(ctx, op, path, body, out)
		if err == nil {
			return nil
		}
		maybe = maybe || taken
		if transient {
			err = err.WithCause(&transientError{err.Cause})
		}
		last = err
		if !transient || ctx.Err() != nil {
			return done(err)
		}
	}
	if ctx.Err() != nil {
		var cause error = ctx.Err()
		if last != nil {
			cause = errors.Join(ctx.Err(), last)
		}
		return done(unavailable("The %s timed out or was cancelled.", op).WithCause(&transientError{cause}))
	}
	if last == nil {
		return unavailable("The %s was not tried.", op)
	}
	return done(last)
}

// once makes one attempt. It reports whether a failure is worth retrying (a
// failure because ctx ended is transient but ends the retries), and whether
// the service may have taken the request though the attempt failed.
func (c *Client) once(ctx context.Context, op, path string, body []byte, out any) (transient, taken bool, err *dsr.Error) {
	req, rerr := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+path, bytes.NewReader(body))
	if rerr != nil {
		// Only a malformed base URL gets here; it carries no personal data.
		return false, false, unavailable("The %s failed: the mailbox service address is invalid.", op).WithCause(rerr)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")

	// An error of the HTTP client names the URL, which never holds an
	// identity number (they travel in bodies only), so it may be logged.
	resp, derr := c.hc.Do(req)
	if derr != nil {
		taken := !reachedNothing(derr)
		if ctx.Err() != nil {
			return true, taken, unavailable("The %s timed out or was cancelled.", op).WithCause(derr)
		}
		if isTimeout(derr) {
			return true, taken, unavailable("The %s failed: the mailbox service did not answer in time.", op).WithCause(derr)
		}
		return true, taken, unavailable("The %s failed: could not reach the mailbox service.", op).WithCause(derr)
	}
	defer resp.Body.Close()

	// Read the whole answer so that the connection can be reused; an answer
	// cut short by the network is as transient as a refused connection.
	data, rerr := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if rerr != nil {
		if ctx.Err() != nil {
			return true, true, unavailable("The %s timed out or was cancelled.", op).WithCause(rerr)
		}
		return true, true, unavailable("The %s failed: the answer of the mailbox service was cut short.", op).WithCause(rerr)
	}

	switch {
	case resp.StatusCode >= 500:
		// 503 says the service did not take the request; any other 5xx
		// (504 above all) may come after it did.
		return true, resp.StatusCode != http.StatusServiceUnavailable, unavailable("The %s failed: the mailbox service answered HTTP %d.", op, resp.StatusCode).
			WithCause(statusError(resp, data))
	case resp.StatusCode != http.StatusOK:
		// The body may explain, but it comes from outside and could echo the
		// recipient, so it never reaches the message; the cause, which is
		// logged, has it with anything shaped like a number redacted.
		return false, false, unavailable("The %s was refused: the mailbox service answered HTTP %d.", op, resp.StatusCode).
			WithCause(statusError(resp, data))
	}
	if jerr := json.Unmarshal(data, out); jerr != nil {
		return false, true, unavailable("The %s failed: the mailbox service sent an answer that could not be read.", op).
			WithCause(fmt.Errorf("mailbox: decode answer: %w", jerr))
	}
	return false, false, nil
}

// isTimeout reports whether err is the HTTP client's own timeout.
func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// maxCauseText bounds how much of an error answer goes into a cause.
const maxCauseText = 200

// statusError is the cause of a failure the service answered with an HTTP
// error status: the status and the service's own explanation, when it gave
// one in a fault body.
func statusError(resp *http.Response, body []byte) error {
	var e exceptionInformation
	if json.Unmarshal(body, &e) != nil || e.Description == "" {
		return fmt.Errorf("mailbox service answered %s", resp.Status)
	}
	return fmt.Errorf("mailbox service answered %s: %s", resp.Status, clip(e.Description))
}

// clip shortens a text that came from outside for a cause, and redacts
// anything in it shaped like an identity number.
func clip(msg string) string {
	if len(msg) > maxCauseText {
		msg = strings.ToValidUTF8(msg[:maxCauseText], "") + "…"
	}
	return pnr.Redact(msg)
}

// sleep waits for d or until ctx is done, and reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// unavailable is the error of a call the mailbox service could not answer.
// The caller attaches what went wrong as its Cause.
func unavailable(format string, args ...any) *dsr.Error {
	return dsr.Errorf(dsr.EUNAVAILABLE, "mailbox.unavailable", format, args...)
}

// invalidPNR is the error for an identity number that is not valid.
func invalidPNR() *dsr.Error {
	return dsr.FieldError("pnr", "mailbox.pnr", "The identity number must be 12 digits with a date that exists and a correct check digit.")
}
