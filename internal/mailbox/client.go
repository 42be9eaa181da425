package mailbox

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"dsrdesk/internal/dsr"
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

// IsReachable asks whether the person with the 12-digit identity number pnr
// can receive digital mail from this sender. The lookup is retried like a
// delivery. A lookup that fails is an error with code dsr.EUNAVAILABLE; the
// caller then sends the letter on paper.
func (c *Client) IsReachable(ctx context.Context, pnr string) (Reachability, error) {
	if !isPNR(pnr) {
		return Reachability{}, dsr.FieldError("pnr", "The identity number must be 12 digits.")
	}
	in := reachableRequest{SenderOrgNo: c.senderOrgNo, Recipients: []string{pnr}}
	var out reachableResponse
	if err := c.call(ctx, opLookup, pathIsReachable, in, &out); err != nil {
		return Reachability{}, err
	}
	for _, r := range out.Recipients {
		if r.ID != pnr {
			continue
		}
		return reachability(r), nil
	}
	return Reachability{}, unavailable("The %s failed: the answer did not cover the recipient.", opLookup)
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

// Deliver sends one PDF to the digital mailbox of the person with the 12-digit
// identity number pnr and returns the operator's receipt. messageID must be a
// UUID chosen by the caller and kept with the letter: every attempt, here and
// in any later call for the same letter, reuses it, so the service stores the
// message once however often it is sent (RULES §8).
//
// Server errors (5xx) and connection failures are retried up to Attempts
// times with a doubling backoff; any other answer is final. Failures are
// errors with code dsr.EUNAVAILABLE, invalid arguments dsr.EINVALID.
func (c *Client) Deliver(ctx context.Context, messageID, pnr, subject, filename string, pdf []byte) (Receipt, error) {
	switch {
	case !isUUID(messageID):
		return Receipt{}, dsr.FieldError("message_id", "The message id must be a UUID.")
	case !isPNR(pnr):
		return Receipt{}, dsr.FieldError("pnr", "The identity number must be 12 digits.")
	case strings.TrimSpace(subject) == "":
		return Receipt{}, dsr.FieldError("subject", "The subject must not be empty.")
	case filename == "" || strings.ContainsAny(filename, `/\`):
		return Receipt{}, dsr.FieldError("filename", "The file name must be a plain name without a directory.")
	case len(pdf) == 0:
		return Receipt{}, dsr.FieldError("pdf", "The letter has no PDF.")
	}
	in := deliverRequest{
		MessageID:   strings.ToLower(messageID),
		SenderOrgNo: c.senderOrgNo,
		Recipient:   pnr,
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
		return Receipt{}, unavailable("The %s failed: the mailbox service returned no transaction id.", opDeliver)
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
		return unavailable("The %s timed out or was cancelled.", op)
	}
	return last
}

// once makes one attempt. It reports whether a failure is worth retrying.
func (c *Client) once(ctx context.Context, op, path string, body []byte, out any) (transient bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+path, bytes.NewReader(body))
	if err != nil {
		// Only a malformed base URL gets here; it carries no personal data.
		return false, unavailable("The %s failed: the mailbox service address is invalid.", op)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")

	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return false, unavailable("The %s timed out or was cancelled.", op)
		}
		return true, unavailable("The %s failed: could not reach the mailbox service.", op)
	}
	defer resp.Body.Close()

	// Read the whole answer so that the connection can be reused; an answer
	// cut short by the network is as transient as a refused connection.
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		if ctx.Err() != nil {
			return false, unavailable("The %s timed out or was cancelled.", op)
		}
		return true, unavailable("The %s failed: the answer of the mailbox service was cut short.", op)
	}

	switch {
	case resp.StatusCode >= 500:
		return true, unavailable("The %s failed: the mailbox service answered HTTP %d.", op, resp.StatusCode)
	case resp.StatusCode != http.StatusOK:
		// The body may explain, but it comes from outside and could echo the
		// recipient, so it never reaches the message.
		return false, unavailable("The %s was refused: the mailbox service answered HTTP %d.", op, resp.StatusCode)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return false, unavailable("The %s failed: the mailbox service sent an answer that could not be read.", op)
	}
	return false, nil
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

func unavailable(format string, args ...any) *dsr.Error {
	return dsr.Errorf(dsr.EUNAVAILABLE, format, args...)
}
