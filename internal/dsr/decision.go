package dsr

import "time"

// DecisionItem is an item as a decision letter shows it: with the names of
// its register and field in the letter's language.
type DecisionItem struct {
	Item
	RegisterName Text
	FieldName    Text // empty for the whole record
}

// Notification is one Art. 19 notice to a recipient of changed data, or the
// recorded reason why none is sent.
type Notification struct {
	Recipient string // organisation name
	OrgNumber string
	Status    string // NotifyQueued or NotifyImpossible
	Reason    Text   // why a notice is impossible or disproportionate
}

// The statuses of a notification.
const (
	NotifyQueued     = "queued"     // a notice letter is written and on its way
	NotifyImpossible = "impossible" // the reason is recorded instead
)

// Decision is the answer to a request to change data (Art. 16–18, 21): what
// was asked, every item with its outcome and legal ground, and the
// recipients told of the change (Art. 19). Several kinds in one submission
// give one decision.
type Decision struct {
	CaseNumber    string
	Person        Person
	Lang          string
	ReceivedOn    time.Time
	DecidedOn     time.Time
	Kinds         []Kind
	Statement     string // the person's supplementary statement, if any
	Items         []DecisionItem
	Notifications []Notification
}

// Refused reports whether anything is not done as asked: the decision then
// gives reasons, the right to complain to IMY and how to appeal (RULES §3).
func (d *Decision) Refused() bool {
	for _, it := range d.Items {
		if !it.Outcome.Granted() {
			return true
		}
	}
	return false
}

// Art19Notice is the letter to a recipient of a person's data telling it
// that data it received were rectified, erased or restricted (Art. 19).
type Art19Notice struct {
	CaseNumber string
	Lang       string
	On         time.Time
	Recipient  Notification
	Address    []string // the window: the organisation's name and postal address
	Person     Person   // the recipient must know whose data changed; never in the window
	Items      []DecisionItem
}

// RestrictionNotice tells the person, before a restriction is lifted, which
// data will be processed again, from when and why (Art. 18(3)).
type RestrictionNotice struct {
	CaseNumber string
	Lang       string
	On         time.Time // the date of the letter
	From       time.Time // the first day the data may be processed again
	Person     Person
	Reason     string
	Items      []DecisionItem
}

// WithheldItem is one line of a partial refusal's list of withheld data: a
// register, what was left out there, how many and under which provision.
type WithheldItem struct {
	Register  Text
	Kind      WithholdKind
	Field     Text // the field redacted; empty when whole records are withheld
	N         int
	Provision Provision
}

// OutcomeDecision is the letter that tells a person how their request ended
// when it was not simply done as asked: a refusal (Art. 12(5)), identity
// not established (Art. 12(6)), a partial refusal (data withheld from the
// extract, Art. 15(4)) or that the agency holds no data on them. A refusal
// or partial refusal is a formal decision with the reasons, the right to
// complain to IMY and how to appeal to the förvaltningsrätt (RULES §3).
type OutcomeDecision struct {
	CaseNumber string
	Lang       string
	Person     Person // the addressee: the person, or the representative who asked for them
	Principal  string // the name of the person the request concerns, when the letter goes to a representative
	ReceivedOn time.Time
	DecidedOn  time.Time
	Kinds      []Kind
	Outcome    CaseOutcome
	Reasons    string         // the officer's reasons, as written
	Withheld   []WithheldItem // a partial refusal: what the extract leaves out
}

// ExtensionNotice tells the person that the time limit is extended, why and
// until when (Art. 12(3)).
type ExtensionNotice struct {
	CaseNumber string
	Lang       string
	Person     Person
	On         time.Time // the date of the letter
	ReceivedOn time.Time
	DueOn      time.Time // the ordinary deadline
	NewDueOn   time.Time // the extended one
	Reason     string
}

// Receipt confirms a request that came by letter, phone or at a desk: its
// case number, kinds, the day it arrived and the deadline (RULES §2–3).
type Receipt struct {
	CaseNumber string
	Lang       string
	Person     Person
	On         time.Time
	Channel    Channel
	Kinds      []Kind
	ReceivedOn time.Time
	DueOn      time.Time
}

// IdentityRequest asks the person for proof of identity, with reasonable
// doubt, before anything is disclosed (Art. 12(6)); it says what proof will
// do, by when, and that the request closes otherwise.
type IdentityRequest struct {
	CaseNumber string
	Lang       string
	Person     Person
	On         time.Time
	ReceivedOn time.Time
	ReplyBy    time.Time
	Reason     string // the officer's reason for the doubt
}
