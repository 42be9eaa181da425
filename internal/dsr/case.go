package dsr

import (
	"time"

	"dsrdesk/internal/pnr"
)

// Kind is what a data subject asks for (RULES §1).
type Kind string

// The request kinds.
const (
	KindAccess      Kind = "access"
	KindRectify     Kind = "rectification"
	KindComplete    Kind = "completion"
	KindErasure     Kind = "erasure"
	KindRestriction Kind = "restriction"
	KindObjection   Kind = "objection"
)

// Kinds lists every request kind in display order.
var Kinds = []Kind{KindAccess, KindRectify, KindComplete, KindErasure, KindRestriction, KindObjection}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if k == x {
			return true
		}
	}
	return false
}

// Channel is how a request reached the agency.
type Channel string

// The channels.
const (
	ChannelEService Channel = "eservice"
	ChannelLetter   Channel = "letter"
	ChannelPhone    Channel = "phone"
	ChannelDesk     Channel = "desk"
)

// Channels lists every channel in display order.
var Channels = []Channel{ChannelEService, ChannelLetter, ChannelPhone, ChannelDesk}

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool {
	switch c {
	case ChannelEService, ChannelLetter, ChannelPhone, ChannelDesk:
		return true
	}
	return false
}

// Status is where a case is in its life. The statuses are data: the
// workflow (workflow.go) says what each allows, and the store keeps the list
// in a table of its own, so adding one needs no table rebuild.
type Status string

// The case statuses, in order.
const (
	StatusReceived  Status = "received"  // registered, nothing done yet
	StatusAssembled Status = "assembled" // the extract has been put together
	StatusEvaluated Status = "evaluated" // every affected item has a proposed outcome
	StatusExecuted  Status = "executed"  // the decided changes are made in the registers
	StatusDecided   Status = "decided"   // refused or nothing to give: the decision letter is the answer
	StatusSent      Status = "sent"      // the answer left: routed to the digital mailbox or to paper
	StatusClosed    Status = "closed"    // nothing more to do
)

// Statuses lists every case status in order.
var Statuses = []Status{StatusReceived, StatusAssembled, StatusEvaluated, StatusDecided, StatusExecuted, StatusSent, StatusClosed}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, x := range Statuses {
		if s == x {
			return true
		}
	}
	return false
}

// Sent reports whether a case in this status has sent its answer (or was
// closed): the officer's work on it is done. Whether the answer reached
// the person, which is what stops the deadline, is Case.Answered.
func (s Status) Sent() bool { return s == StatusSent || s == StatusClosed }

// Representative is someone acting for the data subject (RULES §1).
type Representative struct {
	Role string  `json:"role"` // guardian, god_man, forvaltare, fullmakt, framtidsfullmakt
	Name string  `json:"name"`
	PNR  pnr.PNR `json:"pnr,omitempty"` // the representative's number: to confirm custody and to find their address; never shown
	// Mandate is the officer's verification of the representative's
	// authority; nil until verified.
	Mandate *Mandate `json:"mandate,omitempty"`
}

// RoleGuardian is the representative role of a child's guardian
// (vårdnadshavare).
const RoleGuardian = "guardian"

// Mandate is what an officer verified about a representative's authority:
// that the evidence is valid for the period, covers this request and
// whether it covers receiving the answer.
type Mandate struct {
	VerifiedBy              string     `json:"verified_by"`
	VerifiedOn              *time.Time `json:"verified_on"`
	From                    string     `json:"from,omitempty"` // YYYY-MM-DD
	To                      string     `json:"to,omitempty"`
	DeliverToRepresentative bool       `json:"deliver_to_representative"`
	Note                    string     `json:"note,omitempty"`
}

// InForce reports whether the mandate covers today: its period, when it
// has one, holds the day. A date that cannot be read covers nothing.
func (m *Mandate) InForce(today time.Time) bool {
	if m.From != "" {
		if from, err := time.Parse(DateLayout, m.From); err != nil || from.After(today) {
			return false
		}
	}
	if m.To != "" {
		if to, err := time.Parse(DateLayout, m.To); err != nil || to.Before(today) {
			return false
		}
	}
	return true
}

// AnswerTo is who the answer of the case goes to: the guardian who asked
// for a child, or a representative whose mandate covers receiving it; the
// person themself otherwise (RULES §1). The representative must be known
// by number, so that the letter goes to the population-register address
// or digital mailbox, never an address given in the request (RULES §3).
func (c *Case) AnswerTo() (pnr.PNR, AddresseeKind) {
	if r := c.Representative; r != nil && r.PNR != "" && (r.Role == RoleGuardian || r.Mandate != nil && r.Mandate.DeliverToRepresentative) {
		return r.PNR, AddresseeRepresentative
	}
	return c.SubjectPNR, AddresseeSubject
}

// ChangeRequest is what a request asks for beyond its kinds: the registers
// and period it is limited to (any kind), and what a request to rectify,
// complete, erase, restrict or object asks to change.
type ChangeRequest struct {
	Scope     []string `json:"scope,omitempty"`     // register ids; empty means all
	From      string   `json:"from,omitempty"`      // YYYY-MM-DD: the period asked for, from
	To        string   `json:"to,omitempty"`        // YYYY-MM-DD: … to, inclusive
	Changes   []Change `json:"changes,omitempty"`   // rectification: the right values
	Statement string   `json:"statement,omitempty"` // completion: the supplementary statement
	Grounds   []string `json:"grounds,omitempty"`   // Art. 17(1) and 18(1) grounds (GroundNoLongerNecessary …)
}

// Case is one data-subject request and everything decided about it.
type Case struct {
	ID              string
	Number          string
	Kinds           []Kind
	Status          Status
	Channel         Channel
	SubjectPNR      pnr.PNR // never logged, never in a URL
	SubjectName     string
	Representative  *Representative
	Language        string // "sv" or "en": the language of letters
	Details         map[string]string
	Change          ChangeRequest // what a request to change data asks for
	ReceivedOn      time.Time
	TargetOn        time.Time
	DueOn           time.Time
	ExtendedDueOn   *time.Time
	ExtensionReason string
	AssignedTo      string // a staff id; "" for no one
	Outcome         CaseOutcome
	OutcomeReasons  string     // why: required for a refusal (Art. 12(5))
	DecidedOn       *time.Time // the day the outcome was recorded
	SignOff         SignOff
	Waiting         Waiting    // proof of identity or a mandate, asked for
	WaitingSince    *time.Time // the day the case began to wait
	PausedDays      int        // days the clock stood still while waiting (pause_clock_for_identity)
	Flags           []Flag     // what needs a human judgement before the answer leaves
	AnsweredOn      *time.Time // the day the answer reached the person (mailbox receipt or handed to the post)
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Flag is a fact about a case that needs an officer's judgement before its
// answer may leave: such a case is never "ready to send" on its own.
type Flag string

// The flags.
const (
	FlagProtected      Flag = "protected"      // the person has a protected identity (RULES §7)
	FlagRepresentative Flag = "representative" // someone acts for the person; the mandate is checked
	FlagWithheld       Flag = "withheld"       // data are withheld from the extract
	FlagChildOver15    Flag = "child_over_15"  // a guardian asks for a child of 15 or more
	FlagCatalogue      Flag = "catalogue"      // the catalogue flagged data for review
)

// HasFlag reports whether the case carries flag f.
// LetterReached records that a letter of the case reached the person on
// day: the case counts as answered from the first day its answer did.
func (c *Case) LetterReached(l *Letter, day time.Time) {
	if l.Purpose == PurposeAnswer && l.Reached() && c.AnsweredOn == nil {
		d := Day(day)
		c.AnsweredOn = &d
	}
}

func (c *Case) HasFlag(f Flag) bool {
	for _, x := range c.Flags {
		if x == f {
			return true
		}
	}
	return false
}

// SetFlag adds or removes flag f.
func (c *Case) SetFlag(f Flag, on bool) {
	var out []Flag
	for _, x := range c.Flags {
		if x != f {
			out = append(out, x)
		}
	}
	if on {
		out = append(out, f)
	}
	c.Flags = out
}

// EffectiveDue is the deadline in force: the extended one when extended.
func (c *Case) EffectiveDue() time.Time {
	if c.ExtendedDueOn != nil {
		return *c.ExtendedDueOn
	}
	return c.DueOn
}

// DaysLeft is the number of calendar days from today to the deadline in
// force; negative when the case is overdue.
func (c *Case) DaysLeft(today time.Time) int {
	return int(c.EffectiveDue().Sub(Day(today)).Hours() / 24)
}

// Answered reports whether the case has had its answer: the answer
// reached the person (the mailbox operator's receipt, or the print shop's
// report that the letter was handed to the post), or the case was closed
// without one (a withdrawn request). Until then its deadline runs, even
// when the letter has left: a paper letter waiting for its batch, a
// protected letter until its batch is handed over.
func (c *Case) Answered() bool { return c.Status == StatusClosed || c.AnsweredOn != nil }

// Open reports whether the case is still the agency's to finish: not
// answered yet, or answered by a letter the post brought back (the address
// is looked up again and the letter sent again). Every open queue lists
// only open cases.
func (c *Case) Open() bool {
	return c.Status != StatusClosed && (!c.Answered() || c.HasFlag(FlagReturnedMail))
}

// Overdue reports whether an open case has passed its deadline.
func (c *Case) Overdue(today time.Time) bool {
	return c.Open() && c.DaysLeft(today) < 0
}

// Note is an officer's internal note on a case: how it is handled, never
// sent to anyone.
type Note struct {
	ID     string
	CaseID string
	Actor  string // as the audit trail writes it
	Body   string
	At     time.Time
}

// AttachmentPurpose is why a document is filed with a case.
type AttachmentPurpose string

// The purposes of filed documents.
const (
	AttachRequest   AttachmentPurpose = "request"    // the scanned letter or form 9352
	AttachPhoneNote AttachmentPurpose = "phone_note" // the officer's note of a phone call
	AttachMandate   AttachmentPurpose = "mandate"    // a power of attorney, a court's appointment, …
	AttachIdentity  AttachmentPurpose = "identity"   // proof of identity
)

// Valid reports whether p is a known purpose.
func (p AttachmentPurpose) Valid() bool {
	return p == AttachRequest || p == AttachPhoneNote || p == AttachMandate || p == AttachIdentity
}

// Attachment is a document filed with a case: uploaded (a PDF or an image)
// or, when Posted, kept on paper and only registered.
type Attachment struct {
	ID          string
	CaseID      string
	Purpose     AttachmentPurpose
	Filename    string
	ContentType string
	Size        int64
	SHA256      string
	Content     []byte // nil when listed
	Posted      bool
	Actor       string
	At          time.Time
}
