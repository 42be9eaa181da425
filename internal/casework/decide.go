package casework

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"dsrdesk/internal/dsr"
)

// Outcome records how a case ends (RULES §3): answered, partly refused,
// refused as manifestly unfounded or excessive (with the reasons that show
// it), identity not established, withdrawn, or no data. A refusal makes
// its decision letter the answer; the DPO signs it off when the setting
// require_signoff says so.
func (s *Service) Outcome(ctx context.Context, id string, o dsr.CaseOutcome, reasons string, actor dsr.Actor) (*dsr.Case, error) {
	if err := dsr.Require(actor, dsr.PermDecide); err != nil {
		return nil, err
	}
	reasons = strings.TrimSpace(reasons)
	if utf8.RuneCountInString(reasons) > maxDetail {
		return nil, dsr.FieldError("reasons", "input.text_too_long", "The text is too long (at most %d characters).", maxDetail)
	}
	if _, err := uuid.Parse(id); err != nil {
		return nil, errNoCase()
	}
	set, err := s.settings(ctx)
	if err != nil {
		return nil, err
	}
	today := dsr.Day(s.now())
	return s.store.UpdateCase(ctx, id, func(c *dsr.Case) ([]dsr.AuditEvent, error) {
		if err := c.RecordOutcome(o, reasons, today); err != nil {
			return nil, err
		}
		c.PrepareSignOff(set.RequireSignOff, false)
		detail := "outcome=" + string(o)
		if reasons != "" {
			detail += " reasons=" + reasons
		}
		return []dsr.AuditEvent{dsr.Event(actor, dsr.ActionOutcomeRecorded, id, detail)}, nil
	})
}

// The DPO's answers to a letter waiting for sign-off.
const (
	SignOffApprove = "approve"
	SignOffReturn  = "return"
)

// SignOff is the data-protection officer's approval of what leaves a case,
// or its return to the officer with a comment (which a return needs).
func (s *Service) SignOff(ctx context.Context, id, decision, comment string, actor dsr.Actor) (*dsr.Case, error) {
	if err := dsr.Require(actor, dsr.PermSignOff); err != nil {
		return nil, err
	}
	comment = strings.TrimSpace(comment)
	switch {
	case decision != SignOffApprove && decision != SignOffReturn:
		return nil, dsr.FieldError("decision", "signoff.decision_unknown", "The decision must be approve or return.")
	case decision == SignOffReturn && comment == "":
		return nil, dsr.FieldError("comment", "signoff.comment_missing", "Say what the officer should change.")
	case utf8.RuneCountInString(comment) > maxDetail:
		return nil, dsr.FieldError("comment", "input.text_too_long", "The text is too long (at most %d characters).", maxDetail)
	}
	if _, err := uuid.Parse(id); err != nil {
		return nil, errNoCase()
	}
	now := s.now()
	return s.store.UpdateCase(ctx, id, func(c *dsr.Case) ([]dsr.AuditEvent, error) {
		if err := c.Check(dsr.ActSignOff, now); err != nil {
			return nil, err
		}
		c.SignOff.State, c.SignOff.By, c.SignOff.Comment, c.SignOff.At = dsr.SignOffApproved, actor.ID, comment, &now
		action := dsr.ActionSignedOff
		if decision == SignOffReturn {
			c.SignOff.State, action = dsr.SignOffReturned, dsr.ActionSignOffReturned
		}
		detail := "outcome=" + string(c.Outcome)
		if comment != "" {
			detail += " comment=" + comment
		}
		return []dsr.AuditEvent{dsr.Event(actor, action, id, detail)}, nil
	})
}

// Resubmit sends a letter the DPO returned back for sign-off, once the
// officer has dealt with the comment.
func (s *Service) Resubmit(ctx context.Context, id string, actor dsr.Actor) (*dsr.Case, error) {
	if err := dsr.Require(actor, dsr.PermHandle); err != nil {
		return nil, err
	}
	if _, err := uuid.Parse(id); err != nil {
		return nil, errNoCase()
	}
	return s.store.UpdateCase(ctx, id, func(c *dsr.Case) ([]dsr.AuditEvent, error) {
		if c.SignOff.State != dsr.SignOffReturned {
			return nil, dsr.Errorf(dsr.ECONFLICT, "signoff.not_returned", "The DPO has not returned this case.")
		}
		c.SignOff.State = dsr.SignOffPending
		return []dsr.AuditEvent{dsr.Event(actor, dsr.ActionSignOffAsked, id, "resubmitted")}, nil
	})
}

// Resume records that the proof of identity a case waited for arrived:
// the case goes on, and when the setting pause_clock_for_identity is on its
// deadlines move by the days it waited (RULES §2).
func (s *Service) Resume(ctx context.Context, id, note string, actor dsr.Actor) (*dsr.Case, error) {
	if err := dsr.Require(actor, dsr.PermHandle); err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	if note == "" {
		return nil, dsr.FieldError("note", "identity.proof_missing", "Say what proof of identity arrived.")
	}
	if utf8.RuneCountInString(note) > maxDetail {
		return nil, dsr.FieldError("note", "input.text_too_long", "The text is too long (at most %d characters).", maxDetail)
	}
	if _, err := uuid.Parse(id); err != nil {
		return nil, errNoCase()
	}
	set, err := s.settings(ctx)
	if err != nil {
		return nil, err
	}
	today := dsr.Day(s.now())
	return s.store.UpdateCase(ctx, id, func(c *dsr.Case) ([]dsr.AuditEvent, error) {
		if err := c.Check(dsr.ActResume, today); err != nil {
			return nil, err
		}
		detail := "proof=" + note
		if set.PauseClockForIdentity && c.WaitingSince != nil {
			days := int(today.Sub(*c.WaitingSince).Hours() / 24)
			c.PausedDays += days
			d := s.calendar.Compute(c.ReceivedOn)
			c.DueOn = s.calendar.Shift(d.DueOn, c.PausedDays)
			if c.ExtendedDueOn != nil {
				ext := s.calendar.Shift(d.ExtendedDueOn, c.PausedDays)
				c.ExtendedDueOn = &ext
			}
			detail += " paused_days=" + strconv.Itoa(days) + " due_on=" + dsr.FormatDate(c.EffectiveDue())
		}
		c.Waiting, c.WaitingSince = dsr.WaitingNone, nil
		return []dsr.AuditEvent{dsr.Event(actor, dsr.ActionIdentityProved, id, detail)}, nil
	})
}

// Scope is the part of their data a person asked for: some registers, a
// period, or both.
type Scope struct {
	Registers []string
	From, To  string // YYYY-MM-DD; "" for an open end
}

// SetScope records what part of their data the person asked for, as the
// officer reads it from the request (form 9352's "only certain data or a
// certain period"): the extract is then of just those registers and that
// period, and its cover letter says so. An empty scope is everything.
func (s *Service) SetScope(ctx context.Context, id string, sc Scope, actor dsr.Actor) (*dsr.Case, error) {
	if err := dsr.Require(actor, dsr.PermHandle); err != nil {
		return nil, err
	}
	if len(sc.Registers) > maxScope {
		return nil, dsr.FieldError("registers", "input.scope_too_many", "Too many registers (at most %d).", maxScope)
	}
	for _, r := range sc.Registers {
		if _, ok := s.cat.Lookup(r); !ok {
			return nil, dsr.FieldError("registers", "scope.register_unknown", "No register %q in the catalogue.", r)
		}
	}
	var from, to time.Time
	var err error
	if sc.From != "" {
		if from, err = dsr.ParseDate("from", sc.From); err != nil {
			return nil, err
		}
	}
	if sc.To != "" {
		if to, err = dsr.ParseDate("to", sc.To); err != nil {
			return nil, err
		}
	}
	if sc.From != "" && sc.To != "" && to.Before(from) {
		return nil, dsr.FieldError("to", "scope.period_reversed", "The period ends before it begins.")
	}
	if _, err := uuid.Parse(id); err != nil {
		return nil, errNoCase()
	}
	today := dsr.Day(s.now())
	return s.store.UpdateCase(ctx, id, func(c *dsr.Case) ([]dsr.AuditEvent, error) {
		if err := c.Check(dsr.ActAssemble, today); err != nil {
			return nil, err
		}
		c.Change.Scope, c.Change.From, c.Change.To = sc.Registers, sc.From, sc.To
		detail := "registers=" + strings.Join(sc.Registers, ",") + " from=" + sc.From + " to=" + sc.To
		return []dsr.AuditEvent{dsr.Event(actor, dsr.ActionScopeSet, id, detail)}, nil
	})
}

// CloseUnproved decides, as dsrdesk itself, the cases whose proof of
// identity did not arrive within the setting identity_wait_days: each gets
// the outcome "identity not established" (Art. 12(6)) with reasons saying
// so, and its decision then waits for the DPO's sign-off and an officer's
// send like every refusal. It returns how many it decided.
func (s *Service) CloseUnproved(ctx context.Context) (int, error) {
	set, err := s.settings(ctx)
	if err != nil {
		return 0, err
	}
	today := dsr.Day(s.now())
	ids, err := s.store.WaitingSince(ctx, dsr.WaitingIdentity, today.AddDate(0, 0, -set.IdentityWaitDays))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		_, err := s.store.UpdateCase(ctx, id, func(c *dsr.Case) ([]dsr.AuditEvent, error) {
			if c.Waiting != dsr.WaitingIdentity || c.WaitingSince == nil {
				return nil, dsr.Errorf(dsr.ECONFLICT, "case.not_waiting", "The case does not wait for proof of identity.")
			}
			reasons := "Vi bad om identitetsbevis " + dsr.FormatDate(*c.WaitingSince) + " men inget har kommit in inom " + strconv.Itoa(set.IdentityWaitDays) + " dagar. Vi kan därför inte lämna ut några uppgifter."
			if c.Language == "en" {
				reasons = "We asked for proof of identity on " + dsr.FormatDate(*c.WaitingSince) + " but none arrived within " + strconv.Itoa(set.IdentityWaitDays) + " days. We therefore cannot disclose any data."
			}
			if err := c.RecordOutcome(dsr.CaseIdentityNotEstablished, reasons, today); err != nil {
				return nil, err
			}
			c.PrepareSignOff(set.RequireSignOff, false)
			return []dsr.AuditEvent{dsr.Event(dsr.SystemActor, dsr.ActionOutcomeRecorded, id, "outcome=identity_not_established no proof within "+strconv.Itoa(set.IdentityWaitDays)+" days")}, nil
		})
		if err != nil && dsr.ErrorCode(err) != dsr.ECONFLICT {
			return n, err
		}
		if err == nil {
			n++
		}
	}
	return n, nil
}
