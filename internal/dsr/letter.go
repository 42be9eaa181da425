package dsr

import "time"

// DeliveryChannel is how a letter reaches the person (RULES §8).
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
	LetterPending   LetterStatus = "pending"   // written, delivery not yet settled
	LetterDelivered LetterStatus = "delivered" // receipt from the mailbox operator
	LetterQueued    LetterStatus = "queued"    // waiting for a print batch
	LetterBatched   LetterStatus = "batched"   // in a print batch
)

// Letter is one outgoing answer: a PDF and where it goes.
type Letter struct {
	ID           string // opaque; also the print record id
	CaseID       string
	CaseNumber   string
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
}

// PrintBatch is a set of queued letters handed to the print shop.
type PrintBatch struct {
	ID        string
	CreatedAt time.Time
	CreatedBy string
	Letters   []Letter
}
