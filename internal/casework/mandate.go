package casework

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"dsrdesk/internal/dsr"
)

// checkPerson completes a new case from the population register: the
// person's name when the request gave none, and for a representative the
// rules of RULES §1. Minor status comes from the register's birth date,
// never from the identity number: a "guardian" of an adult is refused, a
// guardian the register does not name is refused, and a child of 15 or
// more is flagged for the officer's judgement. Every representative's
// case waits until an officer has verified the mandate.
func (s *Service) checkPerson(ctx context.Context, c *dsr.Case) error {
	person, err := s.population.Person(ctx, c.SubjectPNR)
	known := err == nil
	if err != nil && dsr.ErrorCode(err) != dsr.ENOTFOUND {
		return err
	}
	if known && c.SubjectName == "" {
		c.SubjectName = person.Name
	}
	rep := c.Representative
	if rep == nil {
		return nil
	}
	c.SetFlag(dsr.FlagRepresentative, true)
	c.Waiting, c.WaitingSince = dsr.WaitingMandate, &c.ReceivedOn
	if rep.Role != dsr.RoleGuardian || !known {
		return nil
	}
	age, ok := person.Age(s.now())
	switch {
	case ok && age >= 18:
		return dsr.FieldError("representative", "representative.guardian_of_adult", "The population register shows that the person is an adult: a guardian cannot act for them. An adult may give a power of attorney.")
	case rep.PNR != "" && len(person.Guardians) > 0 && !person.HasGuardian(rep.PNR):
		return dsr.FieldError("representative", "representative.not_guardian", "The population register does not name this representative as the child's guardian.")
	case ok && age >= 15:
		c.SetFlag(dsr.FlagChildOver15, true)
	}
	return nil
}

// MandateCheck is what an officer verified about a representative's
// evidence: valid, for which period, covering this request, and whether it
// covers receiving the answer.
type MandateCheck struct {
	Valid                   bool
	CoversRequest           bool
	From, To                string // YYYY-MM-DD; "" for open
	DeliverToRepresentative bool
	Note                    string
}

// VerifyMandate records that an officer checked the representative's
// authority before anything is disclosed (RULES §1): the evidence is filed
// with the case (an uploaded or posted document; for a guardian the
// population register's record of custody), valid today and covering this
// request. The case then stops waiting. A mandate that fails the check is
// not verified: the officer refuses the request with reasons instead.
func (s *Service) VerifyMandate(ctx context.Context, id string, m MandateCheck, actor dsr.Actor) (*dsr.Case, error) {
	if err := dsr.Require(actor, dsr.PermDecide); err != nil {
		return nil, err
	}
	if !m.Valid || !m.CoversRequest {
		return nil, dsr.FieldError("valid", "mandate.not_covering", "A mandate that is not valid or does not cover this request cannot be verified; refuse the request with reasons instead.")
	}
	note := strings.TrimSpace(m.Note)
	if utf8.RuneCountInString(note) > maxDetail {
		return nil, dsr.FieldError("note", "input.text_too_long", "The text is too long (at most %d characters).", maxDetail)
	}
	today := dsr.Day(s.now())
	var from, to time.Time
	var err error
	if m.From != "" {
		if from, err = dsr.ParseDate("from", m.From); err != nil {
			return nil, err
		}
		if from.After(today) {
			return nil, dsr.FieldError("from", "mandate.not_yet", "The mandate is not valid yet.")
		}
	}
	if m.To != "" {
		if to, err = dsr.ParseDate("to", m.To); err != nil {
			return nil, err
		}
		if to.Before(today) {
			return nil, dsr.FieldError("to", "mandate.expired", "The mandate has expired.")
		}
	}
	if _, err := uuid.Parse(id); err != nil {
		return nil, errNoCase()
	}
	c, err := s.store.Case(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := c.Check(dsr.ActMandate, today); err != nil {
		return nil, err
	}
	rep := c.Representative
	evidence := "document"
	if rep.Role == dsr.RoleGuardian {
		// The population register is a guardian's evidence.
		if rep.PNR == "" {
			return nil, dsr.FieldError("representative", "mandate.guardian_pnr", "A guardian's identity number is needed to check custody in the population register and to send the answer.")
		}
		child, err := s.population.Person(ctx, c.SubjectPNR)
		if err != nil || !child.HasGuardian(rep.PNR) {
			return nil, dsr.FieldError("representative", "representative.not_guardian", "The population register does not name this representative as the child's guardian.")
		}
		evidence = "population register"
	} else {
		files, err := s.store.Attachments(ctx, id)
		if err != nil {
			return nil, err
		}
		found := false
		for _, f := range files {
			found = found || f.Purpose == dsr.AttachMandate
		}
		if !found {
			return nil, dsr.FieldError("evidence", "mandate.no_evidence", "File the mandate evidence with the case first (upload it, or register the posted document).")
		}
	}
	if m.DeliverToRepresentative && rep.PNR == "" {
		return nil, dsr.FieldError("deliver_to_representative", "mandate.no_address", "The answer goes to a representative only at their population-register address or digital mailbox: give their identity number.")
	}
	return s.store.UpdateCase(ctx, id, func(c *dsr.Case) ([]dsr.AuditEvent, error) {
		if err := c.Check(dsr.ActMandate, today); err != nil {
			return nil, err
		}
		before, _ := c.AnswerTo()
		c.Representative.Mandate = &dsr.Mandate{VerifiedBy: actor.ID, VerifiedOn: &today, From: m.From, To: m.To,
			DeliverToRepresentative: m.DeliverToRepresentative || c.Representative.Role == dsr.RoleGuardian, Note: note}
		if c.Waiting == dsr.WaitingMandate {
			c.Waiting, c.WaitingSince = dsr.WaitingNone, nil
		}
		detail := "role=" + c.Representative.Role + " evidence=" + evidence + " from=" + m.From + " to=" + m.To
		if after, _ := c.AnswerTo(); after != before && c.Status == dsr.StatusAssembled {
			// The extract was laid out for another addressee.
			c.Status = dsr.StatusReceived
			detail += " extract_to_assemble_again"
		}
		if c.Representative.Mandate.DeliverToRepresentative {
			detail += " answer_to=representative"
		}
		return []dsr.AuditEvent{dsr.Event(actor, dsr.ActionMandateVerified, id, detail)}, nil
	})
}
