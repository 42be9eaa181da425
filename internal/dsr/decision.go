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
	Person     Person // the recipient must know whose data changed; never in the window
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
