package dsr

import "time"

// DeliveryChannel is how a letter reaches its addressee (RULES §8).
type DeliveryChannel string

// The delivery channels.
const (
	DeliveryDigital   DeliveryChannel = "digital_mailbox"
	DeliveryPostal    DeliveryChannel = "postal"
	DeliveryProtected DeliveryChannel = "protected_postal"
)

// LetterStatus is where a letter is on its way out.
type LetterStatus string

// The letter statuses.
const (
	LetterPending    LetterStatus = "pending"     // written; its route is not decided yet
	LetterSending    LetterStatus = "sending"     // routed to the digital mailbox; delivery under way or to be retried
	LetterDelivered  LetterStatus = "delivered"   // receipt from the mailbox operator
	LetterQueued     LetterStatus = "queued"      // routed to paper, waiting for a print batch
	LetterBatched    LetterStatus = "batched"     // in a print batch
	LetterPrinted    LetterStatus = "printed"     // the print shop printed it
	LetterHandedOver LetterStatus = "handed_over" // the print shop handed it to the post
	LetterReturned   LetterStatus = "returned"    // the post brought it back
)

// LetterStatuses lists every letter status; the store keeps the list in a
// table of its own, so adding one needs no table rebuild.
var LetterStatuses = []LetterStatus{LetterPending, LetterSending, LetterDelivered, LetterQueued, LetterBatched,
	LetterPrinted, LetterHandedOver, LetterReturned}

// LetterEvent is one step in a letter's history: its status (and route)
// from that moment, and why.
type LetterEvent struct {
	At      time.Time
	Status  LetterStatus
	Channel DeliveryChannel
	Detail  string
}

// LetterMove is a change of a letter's route and status, as the outbox and
// the print shop's reports make them.
type LetterMove struct {
	Status  LetterStatus
	Channel DeliveryChannel // "" keeps the route
	Receipt string          // "" keeps the receipt
	Tries   int             // delivery attempts made so far
	NextTry *time.Time      // when the outbox tries again; nil: not scheduled
	Detail  string          // why, for the letter's history (never personal data)
}

// Purpose is why a letter is written.
type Purpose string

// The purposes of letters.
const (
	PurposeAnswer          Purpose = "answer"           // the extract, or the decision
	PurposeExtensionNotice Purpose = "extension_notice" // Art. 12(3)
	PurposeReceipt         Purpose = "receipt"          // confirmation of a paper or phone request
	PurposeIdentityRequest Purpose = "identity_request" // Art. 12(6)
	PurposeArt19Notice     Purpose = "art19_notice"     // to a recipient of changed data
	PurposeLiftNotice      Purpose = "lift_notice"      // a restriction will be lifted (Art. 18(3))
	PurposeDecision        Purpose = "decision"         // a partial refusal's decision, sent with the extract
)

// Purposes lists every purpose.
var Purposes = []Purpose{PurposeAnswer, PurposeExtensionNotice, PurposeReceipt, PurposeIdentityRequest, PurposeArt19Notice, PurposeLiftNotice, PurposeDecision}

// AddresseeKind is who a letter is for.
type AddresseeKind string

// The kinds of addressee.
const (
	AddresseeSubject        AddresseeKind = "subject"        // the person the case is about
	AddresseeRepresentative AddresseeKind = "representative" // a guardian, god man, förvaltare or attorney
	AddresseeOrganisation   AddresseeKind = "organisation"   // an insurer or authority (Art. 19)
)

// Addressee is who a letter goes to. Ref identifies an organisation by its
// organisation number; it is empty for the subject.
type Addressee struct {
	Kind AddresseeKind
	Name string
	Ref  string
}

// LetterKey is the key that makes a letter unique, so that it is never
// written or sent twice: one answer, one extension notice, one receipt and
// one identity request per case, one Art. 19 notice per recipient.
func LetterKey(caseID string, p Purpose, a Addressee) string {
	if p == PurposeArt19Notice {
		return caseID + ":" + string(p) + ":" + a.Ref
	}
	return caseID + ":" + string(p)
}

// Letter is one outgoing letter of a case: its purpose, its addressee, its
// own PDF and subject line, and where it went.
type Letter struct {
	ID           string // opaque; also the print record id
	CaseID       string
	CaseNumber   string
	Purpose      Purpose
	Addressee    Addressee
	Key          string // LetterKey
	Subject      string // the subject line in the digital mailbox
	Channel      DeliveryChannel
	Status       LetterStatus
	MessageID    string // reused on every delivery attempt
	Receipt      string // mailbox transaction id, or the print record id
	Pages        int
	SHA256       string
	AddressLines []string // never an identity number
	Postcode     string
	Country      string
	BatchID      string
	Attempt      int
	CreatedAt    time.Time
	Tries        int // delivery attempts the outbox made
	// NextTry, when a letter is written, puts it in the outbox from the
	// start: the outbox sends it then if nothing has sent it before, so
	// a crash between writing and sending loses nothing. Nil for a letter
	// that waits for an officer's send.
	NextTry *time.Time
	History []LetterEvent
}

// AddressTo puts its addressee's address on the letter: the address block
// the envelope window shows (Person.AddressLines: the särskild postadress
// when the register has one) and the postcode and country the print shop
// sorts by. A protected person's letter carries the name only and no
// postcode: their address never leaves the population register (RULES §7).
func (l *Letter) AddressTo(p Person) {
	l.AddressLines, l.Postcode, l.Country = p.AddressLines(), "", "SE"
	if p.Protection.Protected() {
		return
	}
	m := p.Mailing()
	l.Postcode = m.Postcode
	if m.Country != "" {
		l.Country = m.Country
	}
}

// Sent reports whether a letter has left the agency: delivered to the
// digital mailbox, or handed to the print shop in a batch and on from
// there (printed, handed to the post, even returned).
func (l Letter) Sent() bool {
	switch l.Status {
	case LetterDelivered, LetterBatched, LetterPrinted, LetterHandedOver, LetterReturned:
		return true
	}
	return false
}

// Reached reports whether a letter reached its addressee as far as the
// agency can know: the mailbox operator's receipt, or the print shop's
// report that it was handed to the post.
func (l Letter) Reached() bool {
	return l.Status == LetterDelivered || l.Status == LetterHandedOver
}

// PrintRoute is a print shop's route: the ordinary batch or the protected
// one for people with protected identities (RULES §7).
type PrintRoute string

// The print routes.
const (
	RouteOrdinary  PrintRoute = "ordinary"
	RouteProtected PrintRoute = "protected"
)

// Channel is the delivery channel whose letters the route prints.
func (r PrintRoute) Channel() DeliveryChannel {
	if r == RouteProtected {
		return DeliveryProtected
	}
	return DeliveryPostal
}

// Permission is what an operator needs to batch the route.
func (r PrintRoute) Permission() Permission {
	if r == RouteProtected {
		return PermPrintProtected
	}
	return PermPrintOrdinary
}

// PrintBatch is a set of queued letters handed to the print shop.
type PrintBatch struct {
	ID        string
	Route     PrintRoute
	CreatedAt time.Time
	CreatedBy string
	Count     int // letters in the batch
	// File is where the batch's ZIP stands in the data folder: built in
	// the background after the batch is made, so that a large batch is
	// downloaded from a finished file.
	File BatchFile
	// How far its letters are, as the print shop reported: printed (or
	// further), handed to the post (or returned from it), returned.
	Printed, HandedOver, Returned int
}

// BatchFile is the state of a print batch's ZIP in the data folder.
type BatchFile string

// The states of a batch's file.
const (
	BatchFileNone    BatchFile = ""        // made before files were kept: built when downloaded
	BatchFilePending BatchFile = "pending" // to be built (again, after a crash)
	BatchFileReady   BatchFile = "ready"   // built and complete
	BatchFileFailed  BatchFile = "failed"  // could not be built; built again when downloaded
)
