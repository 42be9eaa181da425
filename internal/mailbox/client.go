package mailbox

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
)

// maxResponseBytes bounds what the client reads from the mailbox service; a
// real answer is a few hundred bytes.
const maxResponseBytes = 1 << 20

// Client talks to the Mina meddelanden recipient lookup and delivery service.
// Its exported fields tune retries and may be changed before first use; a
// Client is safe for concurrent use after that.
type Client struct {
	// Attempts is the most times one call is tried, counting the first.
	// NewClient sets 4; less than 1 means 1.
	Attempts int
	// Backoff is the wait before the first retry; it doubles before each
	// further retry. NewClient sets 200 ms.
	Backoff time.Duration

	baseURL     string
	senderOrgNo string
	hc          *http.Client
}

// NewClient returns a client of the mailbox service at baseURL that sends as
// the organisation senderOrgNo. A nil hc means an http.Client with a 30 s
// timeout; shorter limits come from the context of each call.
func NewClient(baseURL, senderOrgNo string, hc *http.Client) *Client {
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Client{
		Attempts:    4,
		Backoff:     200 * time.Millisecond,
		baseURL:     strings.TrimRight(baseURL, "/"),
		senderOrgNo: senderOrgNo,
		hc:          hc,
	}
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
// digital mail from this sender. The lookup is retried like a delivery. A
// lookup that fails is an error with code dsr.EUNAVAILABLE whose Cause is the
// network or HTTP failure behind it; the caller then sends the letter on
// paper.
func (c *Client) IsReachable(ctx context.Context, p pnr.PNR) (Reachability, error) {
	if !p.Valid() {
		return Reachability{}, invalidPNR()
	}
	in := reachableRequest{SenderOrgNo: c.senderOrgNo, Recipients: []string{p.String()}}
	var out reachableResponse
	if err := c.call(ctx, opLookup, pathIsReachable, in, &out); err != nil {
		return Reachability{}, err
	}
	for _, r := range out.Recipients {
		if r.ID != p.String() {
			continue
		}
		return reachability(r), nil
	}
	return Reachability{}, unavailable("The %s failed: the answer did not cover the recipient.", opLookup).
		WithCause(errors.New("mailbox: the lookup answer has no entry for the recipient asked about"))
}

// reachability applies the rule of RULES §8 to one answer of the lookup.
func reachability(r reachableRecipient) Reachability {
	var out Reachability
	if r.MailboxOperator != nil {
		out.Operator = r.MailboxOperator.Name
	}
	switch {
	case r.MailboxOperator == nil || r.MailboxOperator.Name == "":
		out.Reason = ReasonNoMailbox
	case !r.SenderAccepted:
		out.Reason = ReasonSenderNotAccepted
	case r.Pending:
		out.Reason = ReasonPending
	case r.MailboxOperator.ServiceAddress == "":
		out.Reason = ReasonNoServiceAddress
	default:
		out.Reachable = true
	}
	return out
}

// Deliver sends one PDF to the digital mailbox of the person with identity
// number p and returns the operator's receipt. messageID must be a
// UUID chosen by the caller and kept with the letter: every attempt, here and
// in any later call for the same letter, reuses it, so the service stores the
// message once however often it is sent (RULES §8).
//
// Server errors (5xx) and connection failures are retried up to Attempts
// times with a doubling backoff; any other answer is final. Failures are
// errors with code dsr.EUNAVAILABLE whose Cause is the network or HTTP
// failure behind them; invalid arguments are dsr.EINVALID.
func (c *Client) Deliver(ctx context.Context, messageID string, p pnr.PNR, subject, filename string, pdf []byte) (Receipt, error) {
	switch {
	case !isUUID(messageID):
		return Receipt{}, dsr.FieldError("message_id", "mailbox.message_id", "The message id must be a UUID.")
	case !p.Valid():
		return Receipt{}, invalidPNR()
	case strings.TrimSpace(subject) == "":
		return Receipt{}, dsr.FieldError("subject", "mailbox.subject", "The subject must not be empty.")
	case filename == "" || strings.ContainsAny(filename, `/\`):
		return Receipt{}, dsr.FieldError("filename", "mailbox.filename", "The file name must be a plain name without a directory.")
	case len(pdf) == 0:
		return Receipt{}, dsr.FieldError("pdf", "mailbox.no_pdf", "The letter has no PDF.")
	}
	in := deliverRequest{
		MessageID:   strings.ToLower(messageID),
		SenderOrgNo: c.senderOrgNo,
		Recipient:   p.String(),
		Subject:     subject,
		Attachments: []attachment{{
			Filename:    filename,
			ContentType: contentTypePDF,
			BodyB64:     base64.StdEncoding.EncodeToString(pdf),
		}},
	}
	var out deliverResponse
	if err := c.call(ctx, opDeliver, pathDeliver, in, &out); err != nil {
		return Receipt{}, err
	}
	if out.TransactionID == "" {
		return Receipt{}, unavailable("The %s failed: the mailbox service returned no transaction id.", opDeliver).
			WithCause(errors.New("mailbox: the delivery answer has no transaction id"))
	}
	return Receipt{TransactionID: out.TransactionID, Operator: out.Operator}, nil
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
	var last error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			if !sleep(ctx, wait) {
				break
			}
			wait *= 2
		}
		transient, err := c.once(ctx, op, path, body, out)
		if err == nil {
			return nil
		}
		last = err
		if !transient {
			return err
		}
	}
	if ctx.Err() != nil {
		return unavailable("The %s timed out or was cancelled.", op).WithCause(errors.Join(ctx.Err(), last))
	}
	return last
}

// once makes one attempt. It reports whether a failure is worth retrying.
func (c *Client) once(ctx context.Context, op, path string, body []byte, out any) (transient bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+path, bytes.NewReader(body))
	if err != nil {
		// Only a malformed base URL gets here; it carries no personal data.
		return false, unavailable("The %s failed: the mailbox service address is invalid.", op).WithCause(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")

	// An error of the HTTP client names the URL, which never holds an
	// identity number (they travel in bodies only), so it may be logged.
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return false, unavailable("The %s timed out or was cancelled.", op).WithCause(err)
		}
		return true, unavailable("The %s failed: could not reach the mailbox service.", op).WithCause(err)
	}
	defer resp.Body.Close()

	// Read the whole answer so that the connection can be reused; an answer
	// cut short by the network is as transient as a refused connection.
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		if ctx.Err() != nil {
			return false, unavailable("The %s timed out or was cancelled.", op).WithCause(err)
		}
		return true, unavailable("The %s failed: the answer of the mailbox service was cut short.", op).WithCause(err)
	}

	switch {
	case resp.StatusCode >= 500:
		return true, unavailable("The %s failed: the mailbox service answered HTTP %d.", op, resp.StatusCode).
			WithCause(statusError(resp, data))
	case resp.StatusCode != http.StatusOK:
		// The body may explain, but it comes from outside and could echo the
		// recipient, so it never reaches the message; the cause, which is
		// logged, has it with anything shaped like a number redacted.
		return false, unavailable("The %s was refused: the mailbox service answered HTTP %d.", op, resp.StatusCode).
			WithCause(statusError(resp, data))
	}
	if err := json.Unmarshal(data, out); err != nil {
		return false, unavailable("The %s failed: the mailbox service sent an answer that could not be read.", op).
			WithCause(fmt.Errorf("mailbox: decode answer: %w", err))
	}
	return false, nil
}

// maxCauseText bounds how much of an error answer goes into a cause.
const maxCauseText = 200

// statusError is the cause of a failure the service answered with an HTTP
// error status: the status and the service's own explanation, when it gave
// one in the protocol's error body. The explanation comes from outside, so
// anything in it shaped like an identity number is redacted.
func statusError(resp *http.Response, body []byte) error {
	var e errorResponse
	if json.Unmarshal(body, &e) != nil || e.Error == "" {
		return fmt.Errorf("mailbox service answered %s", resp.Status)
	}
	msg := e.Error
	if len(msg) > maxCauseText {
		msg = strings.ToValidUTF8(msg[:maxCauseText], "") + "…"
	}
	return fmt.Errorf("mailbox service answered %s: %s", resp.Status, pnr.Redact(msg))
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
