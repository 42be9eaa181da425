package dsr

import "time"

// CaseOutcome is how a case ended (RULES §3). Every case records one before
// it closes; a refusal or a partial refusal is a formal decision with
// reasons, the right to complain to IMY and how to appeal.
type CaseOutcome string

// The outcomes of a case.
const (
	CaseAnswered               CaseOutcome = "answered"                 // done as asked
	CasePartlyRefused          CaseOutcome = "partly_refused"           // done in part: data withheld, or items refused
	CaseRefused                CaseOutcome = "refused"                  // manifestly unfounded or excessive (Art. 12(5))
	CaseIdentityNotEstablished CaseOutcome = "identity_not_established" // Art. 12(6)
	CaseWithdrawn              CaseOutcome = "withdrawn"                // the person withdrew the request
	CaseNoData                 CaseOutcome = "no_data"                  // the agency holds no data on the person (for a request to change data: none it concerns)
)

// CaseOutcomes lists every outcome of a case in the order pages offer them.
var CaseOutcomes = []CaseOutcome{CaseAnswered, CasePartlyRefused, CaseRefused, CaseIdentityNotEstablished, CaseWithdrawn, CaseNoData}

// Valid reports whether o is a known outcome.
func (o CaseOutcome) Valid() bool {
	for _, x := range CaseOutcomes {
		if o == x {
			return true
		}
	}
	return false
}

// Refusal reports whether the outcome refuses the person anything: it is
// then a formal decision (beslut) with reasons, IMY and appeal (RULES §3).
func (o CaseOutcome) Refusal() bool {
	return o == CasePartlyRefused || o == CaseRefused || o == CaseIdentityNotEstablished
}

// Letter reports whether the outcome is told the person in a letter; only
// a withdrawn request closes without one.
func (o CaseOutcome) Letter() bool { return o != "" && o != CaseWithdrawn }

// CheckOutcome validates an outcome and its reasons as an officer records
// them: a refusal needs written reasons that show it (Art. 12(5)).
func CheckOutcome(o CaseOutcome, reasons string) error {
	if !o.Valid() {
		return FieldError("outcome", "outcome.unknown", "Unknown outcome; use %s.", JoinOr(CaseOutcomes))
	}
	if o.Refusal() && reasons == "" {
		return FieldError("reasons", "outcome.reasons_missing", "A refusal needs the reasons that show it (GDPR Art. 12(5)).")
	}
	return nil
}

// SignOffState is where a case is in the data-protection officer's sign-off.
type SignOffState string

// The sign-off states.
const (
	SignOffNone     SignOffState = ""         // not required, or nothing to approve yet
	SignOffPending  SignOffState = "pending"  // the letter waits for the DPO
	SignOffApproved SignOffState = "approved" // the DPO approved the letter as it is
	SignOffReturned SignOffState = "returned" // the DPO returned it to the officer with a comment
)

// SignOff is the data-protection officer's approval of what leaves a case.
type SignOff struct {
	Required bool
	State    SignOffState
	By       string // the DPO's staff id
	Comment  string
	At       *time.Time
}

// SignOffPolicy is the setting require_signoff: which cases need the DPO's
// approval before anything leaves them.
type SignOffPolicy string

// The sign-off policies.
const (
	SignOffDefault SignOffPolicy = "default" // refusals, partial refusals, overrides and protected persons
	SignOffAll     SignOffPolicy = "all"     // every case
	SignOffOff     SignOffPolicy = "off"     // no case
)

// Valid reports whether p is a known policy.
func (p SignOffPolicy) Valid() bool {
	return p == SignOffDefault || p == SignOffAll || p == SignOffOff
}

// Needs reports whether a case with these facts needs the DPO's sign-off
// under the policy: the one rule every service asks.
func (p SignOffPolicy) Needs(o CaseOutcome, overridden, protected bool) bool {
	switch p {
	case SignOffAll:
		return true
	case SignOffOff:
		return false
	}
	return o.Refusal() || overridden || protected
}

// Waiting is what a case waits for from outside the agency.
type Waiting string

// What a case may wait for.
const (
	WaitingNone     Waiting = ""
	WaitingIdentity Waiting = "identity" // proof of identity, asked for with reasonable doubt (Art. 12(6))
	WaitingMandate  Waiting = "mandate"  // the representative's mandate evidence, or its verification
)

// Stage is the work queue an open case belongs to beyond its deadline: it
// waits for something, for the DPO, or is ready to send. The store keeps it
// on the case row so that each queue is read from an index.
type Stage string

// The stages.
const (
	StageNone     Stage = ""
	StageWaiting  Stage = "waiting"  // for proof of identity or a mandate
	StageSignOff  Stage = "signoff"  // for the DPO's approval
	StageReady    Stage = "ready"    // the answer can be sent with one click
	StageReturned Stage = "returned" // a letter came back from the post: look up the address and send again
)

// Stage returns the work queue the case belongs to on the given day.
func (c *Case) Stage(today time.Time) Stage {
	switch {
	case c.Status == StatusClosed:
		return StageNone
	case c.HasFlag(FlagReturnedMail):
		return StageReturned
	case c.Status.Sent():
		return StageNone
	case c.Waiting != WaitingNone:
		return StageWaiting
	case c.SignOff.State == SignOffPending:
		return StageSignOff
	case c.Can(ActSend, today) && len(c.Flags) == 0:
		return StageReady
	}
	return StageNone
}

// SignedOff reports whether the letters of the case may leave as far as the
// DPO is concerned: no sign-off is required, or the DPO approved.
func (c *Case) SignedOff() bool {
	return !c.SignOff.Required || c.SignOff.State == SignOffApproved
}

// RecordOutcome sets the outcome of the case, checked against the
// workflow. A withdrawn request closes at once, with nothing to send; a
// refusal, identity not established or no data makes the case decided, its
// decision letter the answer. A request to change data that has been
// evaluated item by item gets its outcome from the decision (Decided).
func (c *Case) RecordOutcome(o CaseOutcome, reasons string, today time.Time) error {
	if err := c.Check(ActOutcome, today); err != nil {
		return err
	}
	if err := CheckOutcome(o, reasons); err != nil {
		return err
	}
	if !c.Has(KindAccess) && (o == CaseAnswered || o == CasePartlyRefused) {
		return FieldError("outcome", "outcome.follows_decision", "A request to change data is answered or partly refused by its decision, item by item; evaluate and execute it.")
	}
	if c.Status == StatusEvaluated && o != CaseWithdrawn {
		return FieldError("outcome", "outcome.evaluated", "The request has been evaluated item by item; its outcome follows from the decision.")
	}
	if o != CaseIdentityNotEstablished && c.Waiting == WaitingIdentity && o != CaseWithdrawn {
		return Errorf(ECONFLICT, "case.waiting_identity", "The case waits for proof of identity; nothing is disclosed before it arrives.")
	}
	c.Outcome, c.OutcomeReasons = o, reasons
	c.DecidedOn = ptr(Day(today))
	switch o {
	case CaseWithdrawn:
		c.Status = StatusClosed
	case CaseRefused, CaseIdentityNotEstablished, CaseNoData:
		c.Status = StatusDecided
	}
	if o == CaseIdentityNotEstablished {
		c.Waiting, c.WaitingSince = WaitingNone, nil
	}
	return nil
}

// Evaluated records that a request to change data has been evaluated and
// found items affected. With none, there is nothing to carry out and
// nothing to decide item by item: the case is decided "no data" at once,
// its reply the answer (an evaluation that finds nothing is not left
// waiting for an execution that cannot run). A request that also asks for
// an extract is answered by the extract, and keeps its status. An
// evaluation that finds items again after that takes the "no data" back.
func (c *Case) Evaluated(found int, today time.Time) {
	c.Status = c.Next(ActEvaluate)
	if found == 0 && !c.Has(KindAccess) {
		c.Outcome, c.OutcomeReasons = CaseNoData, ""
		c.DecidedOn = ptr(Day(today))
		c.Status = StatusDecided
		return
	}
	if c.Outcome == CaseNoData {
		c.Outcome, c.DecidedOn = "", nil
	}
}

// Decided records the outcome that a decision on a request to change data
// gives: answered when every item is done as asked, refused when none is,
// partly refused otherwise.
func (c *Case) Decided(granted, refused int, today time.Time) {
	switch {
	case refused == 0:
		c.Outcome = CaseAnswered
	case granted == 0:
		c.Outcome = CaseRefused
	default:
		c.Outcome = CasePartlyRefused
	}
	c.DecidedOn = ptr(Day(today))
}

// PrepareSignOff is called whenever the letter that will leave the case
// changes: an approval given to an earlier letter lapses, and the case
// waits for the DPO when the policy needs it.
func (c *Case) PrepareSignOff(p SignOffPolicy, overridden bool) {
	c.SignOff = SignOff{Required: p.Needs(c.Outcome, overridden, c.HasFlag(FlagProtected))}
	if c.SignOff.Required && c.Outcome != CaseWithdrawn && !c.Status.Sent() {
		c.SignOff.State = SignOffPending
	}
}

func ptr[T any](v T) *T { return &v }

// Progress is how far a request has come, in the words the person who
// made it is told on "my requests": the desk's own stages stay inside.
type Progress string

// The steps a person sees.
const (
	ProgressReceived   Progress = "received"    // registered, nobody has started
	ProgressHandling   Progress = "handling"    // an officer is working on it
	ProgressNeedsProof Progress = "needs_proof" // waiting for the person's proof of identity
	ProgressMandate    Progress = "mandate"     // waiting for a representative's mandate to be checked
	ProgressAnswered   Progress = "answered"    // the answer has been sent
	ProgressClosed     Progress = "closed"
)

// Progress says how far the case has come, for the person who asked.
func (c *Case) Progress() Progress {
	switch {
	case c.Status == StatusClosed:
		return ProgressClosed
	case c.Status == StatusSent:
		return ProgressAnswered
	case c.Waiting == WaitingIdentity:
		return ProgressNeedsProof
	case c.Waiting == WaitingMandate:
		return ProgressMandate
	case c.Status == StatusReceived:
		return ProgressReceived
	}
	return ProgressHandling
}
