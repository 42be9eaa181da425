package dsr

import "time"

// Action is a step a case can take. The workflow below says which actions
// each kind of request allows in each status; services, the store and the
// pages all ask the case (Check, Can, Actions) instead of testing statuses.
type Action string

// The actions of the workflow.
const (
	ActAssemble Action = "assemble"       // put the register extract together (Art. 15)
	ActEvaluate Action = "evaluate"       // propose an outcome for every affected item (Art. 16–18, 21)
	ActDecide   Action = "decide"         // record the outcome of the case
	ActExecute  Action = "execute"        // carry the decided changes out in the registers
	ActExtend   Action = "extend"         // extend the time limit with reasons (Art. 12(3))
	ActSignOff  Action = "sign_off"       // the data-protection officer approves what leaves
	ActSend     Action = "send"           // send the answer
	ActClose    Action = "close"          // close the case
	ActLift     Action = "lift"           // lift a restriction, once the person has been told (Art. 18(3))
	ActOutcome  Action = "outcome"        // record how the case ends: answered, refused, withdrawn …
	ActAskID    Action = "ask_identity"   // ask for proof of identity, with reasonable doubt (Art. 12(6))
	ActResume   Action = "resume"         // what the case waited for arrived
	ActMandate  Action = "verify_mandate" // verify a representative's mandate
)

// Actions lists every action in the order pages offer them.
var Actions = []Action{ActAssemble, ActEvaluate, ActDecide, ActExecute, ActOutcome, ActAskID, ActResume, ActMandate, ActExtend, ActSignOff, ActSend, ActLift, ActClose}

// stay marks an action that leaves the status as it is.
const stay Status = ""

// flow is one kind's workflow: per status, the actions allowed and the
// status each leads to.
type flow map[Status]map[Action]Status

var (
	// accessFlow: a register extract is assembled (again, until it is
	// sent), then sent.
	// An outcome that needs no extract (refused, identity not
	// established, no data) makes the case decided: its decision letter is
	// the answer.
	accessFlow = flow{
		StatusReceived:  {ActAssemble: StatusAssembled, ActOutcome: stay, ActAskID: stay, ActResume: stay, ActMandate: stay, ActExtend: stay},
		StatusAssembled: {ActAssemble: StatusAssembled, ActOutcome: stay, ActAskID: stay, ActResume: stay, ActMandate: stay, ActExtend: stay, ActSignOff: stay, ActSend: StatusSent},
		StatusDecided:   {ActAssemble: StatusAssembled, ActOutcome: stay, ActResume: stay, ActMandate: stay, ActExtend: stay, ActSignOff: stay, ActSend: StatusSent},
		StatusSent:      {ActClose: StatusClosed},
	}
	// changeFlow: the requests to change data (Art. 16–18, 21). Every
	// affected item is evaluated (again, until the decision is carried
	// out), the data-protection officer may override an outcome, the
	// decision is executed in the registers, and the decision letter is
	// sent.
	changeFlow = flow{
		StatusReceived:  {ActEvaluate: StatusEvaluated, ActOutcome: stay, ActAskID: stay, ActResume: stay, ActMandate: stay, ActExtend: stay},
		StatusEvaluated: {ActEvaluate: StatusEvaluated, ActDecide: stay, ActExecute: StatusExecuted, ActOutcome: stay, ActResume: stay, ActMandate: stay, ActExtend: stay},
		StatusDecided:   {ActEvaluate: StatusEvaluated, ActOutcome: stay, ActResume: stay, ActMandate: stay, ActExtend: stay, ActSignOff: stay, ActSend: StatusSent},
		StatusExecuted:  {ActSend: StatusSent, ActExtend: stay, ActSignOff: stay, ActLift: stay},
		StatusSent:      {ActLift: stay, ActClose: StatusClosed},
	}
	workflow = map[Kind]flow{
		KindAccess:      accessFlow,
		KindRectify:     changeFlow,
		KindComplete:    changeFlow,
		KindErasure:     changeFlow,
		KindRestriction: changeFlow,
		KindObjection:   changeFlow,
	}
)

// next returns the status action a leads to from the case's status, and
// whether any of the case's kinds allows a at all.
func (c *Case) next(a Action) (Status, bool) {
	for _, k := range c.Kinds {
		if to, ok := workflow[k][c.Status][a]; ok {
			if to == stay {
				to = c.Status
			}
			return to, true
		}
	}
	return "", false
}

// Next returns the status the case has after action a; its own status when
// a does not move it.
func (c *Case) Next(a Action) Status {
	to, _ := c.next(a)
	return to
}

// Check returns nil when the case allows action a on today's date, and
// otherwise a conflict error saying why not.
func (c *Case) Check(a Action, today time.Time) error {
	if _, ok := c.next(a); !ok {
		return c.refusal(a)
	}
	switch a {
	case ActSend:
		switch {
		case c.Waiting == WaitingIdentity:
			return Errorf(ECONFLICT, "case.waiting_identity", "The case waits for proof of identity; nothing is disclosed before it arrives.")
		case c.Waiting == WaitingMandate:
			return Errorf(ECONFLICT, "case.waiting_mandate", "The representative's mandate must be verified before anything is disclosed.")
		case !c.SignedOff():
			return Errorf(ECONFLICT, "case.signoff_missing", "The data-protection officer must sign off the letter before it is sent.")
		case c.Status == StatusAssembled && c.Outcome.Refusal() && c.Outcome != CasePartlyRefused:
			return Errorf(ECONFLICT, "case.outcome_mismatch", "The case is refused; record the outcome again to send its decision.")
		}
	case ActSignOff:
		if c.SignOff.State != SignOffPending {
			return Errorf(ECONFLICT, "case.signoff_not_pending", "Nothing in the case waits for sign-off.")
		}
	case ActClose:
		if c.Outcome == "" {
			return Errorf(ECONFLICT, "case.no_outcome", "A case cannot close without a recorded outcome.")
		}
	case ActAskID:
		if c.Channel == ChannelEService {
			return Errorf(ECONFLICT, "case.identified", "The person signed in with e-ID and is identified; asking for proof would be disproportionate (RULES §3).")
		}
		if c.Waiting != WaitingNone {
			return Errorf(ECONFLICT, "case.already_waiting", "The case already waits for %s.", c.Waiting)
		}
	case ActResume:
		if c.Waiting != WaitingIdentity {
			return Errorf(ECONFLICT, "case.not_waiting", "The case does not wait for proof of identity.")
		}
	case ActMandate:
		if c.Representative == nil {
			return Errorf(ECONFLICT, "case.no_representative", "Nobody acts for the person in this case.")
		}
	}
	if a == ActExtend {
		if c.ExtendedDueOn != nil {
			return Errorf(ECONFLICT, "case.already_extended", "The case is already extended.")
		}
		// RULES §2.6: an extension is possible only on or before due_on.
		if Day(today).After(c.DueOn) {
			return Errorf(ECONFLICT, "case.deadline_passed", "The deadline %s has passed; the time limit can no longer be extended.", FormatDate(c.DueOn))
		}
	}
	return nil
}

// Can reports whether the case allows action a on today's date.
func (c *Case) Can(a Action, today time.Time) bool { return c.Check(a, today) == nil }

// Allowed lists the actions the case allows on today's date.
func (c *Case) Allowed(today time.Time) []Action {
	var out []Action
	for _, a := range Actions {
		if c.Can(a, today) {
			out = append(out, a)
		}
	}
	return out
}

// refusal says why the workflow does not allow an action in the case's
// status, in the words the API has always used.
func (c *Case) refusal(a Action) error {
	switch a {
	case ActAssemble:
		if !c.Has(KindAccess) {
			return Errorf(ECONFLICT, "case.no_extract", "Only a request for a register extract has an extract to assemble.")
		}
		return Errorf(ECONFLICT, "case.extract_closed", "The case is %s; its extract can no longer be assembled.", c.Status)
	case ActSend:
		if !c.Has(KindAccess) {
			return Errorf(ECONFLICT, "case.not_executed", "The decision must be carried out before the answer can be sent.")
		}
		return Errorf(ECONFLICT, "case.not_assembled", "The extract must be assembled before the answer can be sent.")
	case ActEvaluate:
		if c.Status == StatusExecuted || c.Status.Sent() {
			return Errorf(ECONFLICT, "case.executed", "The decision has been carried out; the request can no longer be evaluated.")
		}
		return Errorf(ECONFLICT, "case.no_items", "Only a request to rectify, complete, erase, restrict or object has items to evaluate.")
	case ActExecute, ActDecide:
		if c.Status == StatusReceived {
			return Errorf(ECONFLICT, "case.not_evaluated", "The request must be evaluated first.")
		}
		if c.Status == StatusExecuted || c.Status.Sent() {
			return Errorf(ECONFLICT, "case.executed", "The decision has been carried out; the request can no longer be evaluated.")
		}
	case ActExtend, ActOutcome, ActAskID, ActResume, ActMandate, ActSignOff:
		if c.Status.Sent() || c.Status == StatusExecuted {
			return Errorf(ECONFLICT, "case.answered", "The case has already been answered.")
		}
	}
	return Errorf(ECONFLICT, "case.action_refused", "The case is %s; it does not allow %s.", c.Status, a)
}

// Has reports whether the case asks for kind k.
func (c *Case) Has(k Kind) bool {
	for _, x := range c.Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// AutoAssembles reports whether a new case is assembled in the background
// the moment it arrives (same-day answers): a request for a register
// extract that nobody acts for and that waits for nothing. Whether its
// answer then needs a human judgement (protected identity, withheld data)
// the assembly itself finds out; without one the case is ready to send.
func (c *Case) AutoAssembles() bool {
	return c.Has(KindAccess) && c.Representative == nil && c.Waiting == WaitingNone && c.Status == StatusReceived
}
