package dsr

import "time"

// Action is a step a case can take. The workflow below says which actions
// each kind of request allows in each status; services, the store and the
// pages all ask the case (Check, Can, Actions) instead of testing statuses.
type Action string

// The actions of the workflow.
const (
	ActAssemble Action = "assemble" // put the register extract together (Art. 15)
	ActEvaluate Action = "evaluate" // propose an outcome for every affected item (Art. 16–18, 21)
	ActDecide   Action = "decide"   // record the outcome of the case
	ActExecute  Action = "execute"  // carry the decided changes out in the registers
	ActExtend   Action = "extend"   // extend the time limit with reasons (Art. 12(3))
	ActSignOff  Action = "sign_off" // the data-protection officer approves what leaves
	ActSend     Action = "send"     // send the answer
	ActClose    Action = "close"    // close the case
	ActLift     Action = "lift"     // lift a restriction, once the person has been told (Art. 18(3))
)

// Actions lists every action in the order pages offer them.
var Actions = []Action{ActAssemble, ActEvaluate, ActDecide, ActExecute, ActExtend, ActSignOff, ActSend, ActLift, ActClose}

// stay marks an action that leaves the status as it is.
const stay Status = ""

// flow is one kind's workflow: per status, the actions allowed and the
// status each leads to.
type flow map[Status]map[Action]Status

var (
	// accessFlow: a register extract is assembled (again, until it is
	// sent), then sent.
	accessFlow = flow{
		StatusReceived:  {ActAssemble: StatusAssembled, ActExtend: stay, ActClose: StatusClosed},
		StatusAssembled: {ActAssemble: StatusAssembled, ActExtend: stay, ActSend: StatusSent, ActClose: StatusClosed},
		StatusSent:      {ActClose: StatusClosed},
	}
	// changeFlow: the requests to change data (Art. 16–18, 21). Every
	// affected item is evaluated (again, until the decision is carried
	// out), the data-protection officer may override an outcome, the
	// decision is executed in the registers, and the decision letter is
	// sent.
	changeFlow = flow{
		StatusReceived:  {ActEvaluate: StatusEvaluated, ActExtend: stay, ActClose: StatusClosed},
		StatusEvaluated: {ActEvaluate: StatusEvaluated, ActDecide: stay, ActExecute: StatusExecuted, ActExtend: stay, ActClose: StatusClosed},
		StatusExecuted:  {ActSend: StatusSent, ActExtend: stay, ActLift: stay},
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
		if c.Status == StatusExecuted || c.Status.Answered() {
			return Errorf(ECONFLICT, "case.executed", "The decision has been carried out; the request can no longer be evaluated.")
		}
		return Errorf(ECONFLICT, "case.no_items", "Only a request to rectify, complete, erase, restrict or object has items to evaluate.")
	case ActExecute, ActDecide:
		if c.Status == StatusReceived {
			return Errorf(ECONFLICT, "case.not_evaluated", "The request must be evaluated first.")
		}
		if c.Status == StatusExecuted || c.Status.Answered() {
			return Errorf(ECONFLICT, "case.executed", "The decision has been carried out; the request can no longer be evaluated.")
		}
	case ActExtend:
		return Errorf(ECONFLICT, "case.answered", "The case has already been answered.")
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
