package changes

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
)

// liftNoticeDays is how long the person has between the notice and the
// day the data are processed again.
const liftNoticeDays = 14

// restricted returns the items of a case whose restriction is in force:
// carried out as restrict or stop and not lifted.
func restricted(items []dsr.Item) []dsr.Item {
	var out []dsr.Item
	for _, it := range items {
		if (it.Outcome == dsr.OutcomeRestrict || it.Outcome == dsr.OutcomeStop) && it.ExecutedAt != nil && it.LiftedAt == nil {
			out = append(out, it)
		}
	}
	return out
}

func liftKey(caseID string) string {
	return dsr.LetterKey(caseID, dsr.PurposeLiftNotice, dsr.Addressee{Kind: dsr.AddresseeSubject})
}

// AnnounceLift writes the letter that tells the person, before a
// restriction is lifted, which data will be processed again, from when and
// why (Art. 18(3)). It is written once per case; the restriction can be
// lifted when it has left.
func (s *Service) AnnounceLift(ctx context.Context, caseID, reason string, actor dsr.Actor) (*dsr.Letter, error) {
	c, err := s.caseFor(ctx, caseID, actor, dsr.PermDecide)
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return nil, dsr.FieldError("reason", "lift.reason_missing", "Say why the restriction is lifted; the person is told.")
	case utf8.RuneCountInString(reason) > maxReason:
		return nil, dsr.FieldError("reason", "input.text_too_long", "The text is too long (at most %d characters).", maxReason)
	}
	today := dsr.Day(s.now())
	if err := c.Check(dsr.ActLift, today); err != nil {
		return nil, err
	}
	items, err := s.store.Items(ctx, caseID)
	if err != nil {
		return nil, err
	}
	lift := restricted(items)
	if len(lift) == 0 {
		return nil, dsr.Errorf(dsr.ECONFLICT, "lift.nothing", "Nothing in this case is restricted.")
	}
	person, err := s.registers.Person(ctx, c.SubjectPNR)
	if err != nil {
		return nil, fmt.Errorf("case %s: population register: %w", c.ID, err)
	}
	n := &dsr.RestrictionNotice{CaseNumber: c.Number, Lang: c.Language, On: today, From: today.AddDate(0, 0, liftNoticeDays),
		Person: person, Reason: reason, Items: s.named(lift)}
	pdf, pages, err := s.renderer.RestrictionNoticeBytes(n)
	if err != nil {
		return nil, fmt.Errorf("case %s: restriction notice: %w", c.ID, err)
	}
	subject := "Besked om att en begränsning hävs, " + c.Number
	if c.Language == "en" {
		subject = "Notice that a restriction will be lifted, " + c.Number
	}
	l := &dsr.Letter{
		ID: pnr.OpaqueID(newID), CaseID: c.ID, Purpose: dsr.PurposeLiftNotice, Addressee: dsr.Addressee{Kind: dsr.AddresseeSubject, Name: c.SubjectName},
		Key: liftKey(c.ID), Subject: subject, MessageID: newID(), Pages: pages, SHA256: sum(pdf),
	}
	l.AddressTo(person)
	l, _, err = s.store.CreateLetter(ctx, l, pdf, func(c *dsr.Case) ([]dsr.AuditEvent, error) {
		if err := c.Check(dsr.ActLift, today); err != nil {
			return nil, err
		}
		detail := fmt.Sprintf("letter=%s items=%d from=%s reason=%s", l.ID, len(lift), dsr.FormatDate(n.From), reason)
		return []dsr.AuditEvent{dsr.Event(actor, dsr.ActionLiftAnnounced, c.ID, detail)}, nil
	})
	return l, err
}

// Lift lifts the restrictions of a case in the source registers. The person
// must have been told first: the notice must have left (delivered to the
// mailbox or handed to print) and its date passed.
func (s *Service) Lift(ctx context.Context, caseID string, actor dsr.Actor) ([]dsr.Item, error) {
	c, err := s.caseFor(ctx, caseID, actor, dsr.PermDecide)
	if err != nil {
		return nil, err
	}
	today := dsr.Day(s.now())
	if err := c.Check(dsr.ActLift, today); err != nil {
		return nil, err
	}
	notice, err := s.store.LetterByKey(ctx, liftKey(caseID))
	if dsr.ErrorCode(err) == dsr.ENOTFOUND || err == nil && notice.Status == dsr.LetterPending {
		return nil, dsr.Errorf(dsr.ECONFLICT, "lift.not_told", "The person must be told before a restriction is lifted (GDPR Art. 18(3)): write and send the notice first.")
	} else if err != nil {
		return nil, err
	}
	if from := dsr.Day(notice.CreatedAt).AddDate(0, 0, liftNoticeDays); today.Before(from) {
		return nil, dsr.Errorf(dsr.ECONFLICT, "lift.too_early", "The notice gives the person until %s; the restriction can be lifted from that day.", dsr.FormatDate(from))
	}
	items, err := s.store.Items(ctx, caseID)
	if err != nil {
		return nil, err
	}
	lift := restricted(items)
	byRegister := map[string][]dsr.Item{}
	var order []string
	for _, it := range lift {
		if _, seen := byRegister[it.Register]; !seen {
			order = append(order, it.Register)
		}
		byRegister[it.Register] = append(byRegister[it.Register], it)
	}
	for _, reg := range order {
		var ops []dsr.Op
		var ids []string
		for _, it := range byRegister[reg] {
			ops = append(ops, dsr.Op{Kind: dsr.OpUnrestrict, Record: it.Record, Today: dsr.FormatDate(today)})
			ids = append(ids, it.ID)
		}
		if err := s.registers.Apply(ctx, reg, c.SubjectPNR, ops...); err != nil {
			return nil, fmt.Errorf("case %s: %w", c.ID, err)
		}
		ev := dsr.Event(actor, dsr.ActionLifted, c.ID, fmt.Sprintf("register=%s items=%d notice=%s", reg, len(ids), notice.ID))
		if err := s.store.MarkLifted(ctx, c.ID, ids, ev); err != nil {
			return nil, err
		}
	}
	return lift, nil
}
