package mailbox

import "github.com/google/uuid"

// The JSON bodies of the wire protocol, shared by Client and Simulator. Each
// field is named after the element of the Mina meddelanden service contracts
// (schema version 3) that it stands for; doc.go has the whole mapping and
// what is simplified.

// The paths of the simulated service: the contracts' service name, schema
// version and operation.
const (
	pathIsReachable   = "/recipient/v3/isReachable"
	pathDeliverSecure = "/service/v3/deliverSecure"
	pathHealthz       = "/healthz"
)

// The limits of the service that Client checks before it sends and
// Simulator enforces on what it receives. doc.go says where each comes
// from.
const (
	// MaxLookupRecipients is the most recipients one isReachable call may
	// ask about. AreReachable splits a longer list into several calls.
	MaxLookupRecipients = 1000
	// MaxMessageBytes bounds one message: its body and its attachments,
	// decoded, together.
	MaxMessageBytes = 2_000_000
	// MaxSubjectRunes bounds a message's subject, in characters.
	MaxSubjectRunes = 100
	// MaxAttachments bounds the attachments of one message.
	MaxAttachments = 10
)

// The content types a message may carry: its body is plain text or HTML,
// its attachments are PDF.
const (
	ContentTypePlain = "text/plain"
	ContentTypeHTML  = "text/html"
	ContentTypePDF   = "application/pdf"
)

// isReachableRequest is the Recipient service's isReachable call.
type isReachableRequest struct {
	SenderOrgNr string   `json:"senderOrgNr"` // the sender id, 16 and ten digits
	RecipientID []string `json:"recipientId"` // 1 to MaxLookupRecipients
}

// isReachableResponse answers isReachable with one status per recipient.
type isReachableResponse struct {
	Return []reachabilityStatus `json:"return"`
}

type reachabilityStatus struct {
	AccountStatus  accountStatus `json:"AccountStatus"`
	SenderAccepted bool          `json:"SenderAccepted"`
}

type accountStatus struct {
	RecipientID     string           `json:"RecipientId"`
	Type            string           `json:"Type"` // accountSecure or accountNone
	Pending         bool             `json:"Pending"`
	ServiceSupplier *serviceSupplier `json:"ServiceSupplier,omitempty"`
}

// The account types the simulator answers with.
const (
	accountSecure = "Secure"
	accountNone   = "Not"
)

// serviceSupplier is a mailbox operator. ServiceAdress keeps the
// contract's spelling.
type serviceSupplier struct {
	Name          string `json:"Name"`
	ServiceAdress string `json:"ServiceAdress,omitempty"`
}

// deliverSecureRequest is the Service's deliverSecure call: one
// SealedDelivery, which wraps a SignedDelivery, which wraps the delivery.
// The signatures and the seal itself are not simulated.
type deliverSecureRequest struct {
	DeliverSecure sealedDelivery `json:"deliverSecure"`
}

type sealedDelivery struct {
	SignedDelivery signedDelivery `json:"SignedDelivery"`
}

type signedDelivery struct {
	Delivery secureDelivery `json:"Delivery"`
}

// secureDelivery is one delivery to one recipient. The contract allows
// several messages in it; dsrdesk sends, and the simulator takes, one.
type secureDelivery struct {
	Header  secureDeliveryHeader `json:"Header"`
	Message []secureMessage      `json:"Message"`
}

type secureDeliveryHeader struct {
	Sender    sender `json:"Sender"`
	Recipient string `json:"Recipient"` // 12-digit identity number
}

type sender struct {
	ID   string `json:"Id"` // 16 and the ten digits of the organisation number
	Name string `json:"Name"`
}

type secureMessage struct {
	Header     messageHeader `json:"Header"`
	Body       messageBody   `json:"Body"`
	Attachment []attachment  `json:"Attachment,omitempty"`
}

type messageHeader struct {
	ID          string      `json:"Id"` // the message id, a UUID, the same on every retry
	Subject     string      `json:"Subject"`
	Supportinfo supportinfo `json:"Supportinfo"`
	Language    string      `json:"Language"` // such as svSE
}

type supportinfo struct {
	Text        string `json:"Text"`
	URL         string `json:"URL,omitempty"`
	PhoneNumber string `json:"PhoneNumber,omitempty"`
	EmailAdress string `json:"EmailAdress,omitempty"`
}

// messageBody and attachment carry their bytes base64-encoded, as JSON
// encodes a []byte.
type messageBody struct {
	ContentType string `json:"ContentType"`
	Body        []byte `json:"Body"`
}

type attachment struct {
	ContentType string `json:"ContentType"`
	Body        []byte `json:"Body"`
	Checksum    string `json:"Checksum"` // MD5 of Body, hexadecimal
	Filename    string `json:"Filename"`
}

// deliverSecureResponse answers deliverSecure with the DeliveryResult.
type deliverSecureResponse struct {
	Return deliveryResult `json:"return"`
}

// deliveryResult is the operator's receipt. ServiceSupplier is not in the
// contract's DeliveryResult: a real sender knows the operator because it
// posted to that operator's ServiceAdress, while here one address stands
// for every operator.
type deliveryResult struct {
	Status          []deliveryStatus `json:"Status"`
	TransID         string           `json:"TransId"`
	ServiceSupplier *serviceSupplier `json:"ServiceSupplier,omitempty"`
}

type deliveryStatus struct {
	RecipientID  string `json:"RecipientId"`
	Delivered    bool   `json:"Delivered"`
	ErrorMessage string `json:"ErrorMessage,omitempty"`
}

// exceptionInformation is the body of every fault, after the contract's
// fault detail. ErrorCode carries the HTTP status.
type exceptionInformation struct {
	ErrorCode   int    `json:"ErrorCode"`
	Description string `json:"Description"`
	CallID      string `json:"CallId"`
}

// isPNR reports whether s has the stored shape of an identity number: exactly
// 12 ASCII digits (RULES §6). The check digit is the caller's business.
func isPNR(s string) bool {
	return len(s) == 12 && allDigits(s)
}

// isUUID reports whether s is a UUID in its canonical 36-character form, the
// only form accepted as a message id so that one message has one spelling.
func isUUID(s string) bool {
	return len(s) == 36 && uuid.Validate(s) == nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
