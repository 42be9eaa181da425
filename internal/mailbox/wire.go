package mailbox

import "github.com/google/uuid"

// The JSON bodies of the wire protocol, shared by Client and Simulator.

const (
	pathIsReachable = "/far/isReachable"
	pathDeliver     = "/deliver"
	pathHealthz     = "/healthz"

	contentTypePDF = "application/pdf"
)

type reachableRequest struct {
	SenderOrgNo string   `json:"sender_org_no"`
	Recipients  []string `json:"recipients"`
}

type reachableResponse struct {
	Recipients []reachableRecipient `json:"recipients"`
}

type reachableRecipient struct {
	ID              string           `json:"id"`
	SenderAccepted  bool             `json:"sender_accepted"`
	MailboxOperator *mailboxOperator `json:"mailbox_operator"`
	Pending         bool             `json:"pending"`
}

type mailboxOperator struct {
	Name           string `json:"name"`
	ServiceAddress string `json:"service_address"`
}

type deliverRequest struct {
	MessageID   string       `json:"message_id"`
	SenderOrgNo string       `json:"sender_org_no"`
	Recipient   string       `json:"recipient"`
	Subject     string       `json:"subject"`
	Attachments []attachment `json:"attachments"`
}

type attachment struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	BodyB64     string `json:"body_b64"`
}

type deliverResponse struct {
	TransactionID string `json:"transaction_id"`
	Operator      string `json:"operator"`
}

type errorResponse struct {
	Error string `json:"error"`
}

// isPNR reports whether s has the stored shape of an identity number: exactly
// 12 ASCII digits (RULES §6). The check digit is the caller's business.
func isPNR(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isUUID reports whether s is a UUID in its canonical 36-character form, the
// only form accepted as a message id so that one message has one spelling.
func isUUID(s string) bool {
	return len(s) == 36 && uuid.Validate(s) == nil
}
