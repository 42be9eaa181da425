package delivery

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"dsrdesk/internal/dsr"
)

// maxReason bounds an officer's free text in a letter.
const maxReason = 4000

// reasonText validates the reasons an officer writes into a letter.
func reasonText(field, reason, missingKey, missing string) (string, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return "", dsr.FieldError(field, missingKey, "%s", missing)
	}
	if utf8.RuneCountInString(reason) > maxReason {
		return "", dsr.FieldError(field, "input.text_too_long", "The text is too long (at most %d characters).", maxReason)
	}
	return reason, nil
}

// Extend extends the time limit of a case (Art. 12(3)): it writes the
// notice to the person with the reasons and the new date and sends it
// through the same path as every letter. The extension stands once the
// notice has left — delivered, or queued for print — not before; a repeat
// after a crash sends the same notice.
func (s *Service) Extend(ctx context.Context, caseID, reason string, actor dsr.Actor) (*dsr.Case, error) {
	if err := dsr.Require(actor, dsr.PermHandle); err != nil {
		return nil, err
	}
	reason, err := reasonText("reason", reason, "case.extension_reason_missing", "An extension needs reasons (GDPR Art. 12(3)).")
	if err != nil {
		return nil, err
	}
	if _, err := uuid.Parse(caseID); err != nil {
		return nil, errNoCase()
	}
	c, err := s.store.Case(ctx, caseID)
	if err != nil {
		return nil, err
	}
	today := dsr.Day(s.now())
	l, err := s.store.LetterByKey(ctx, dsr.LetterKey(caseID, dsr.PurposeExtensionNotice, s.addressee(c)))
	if dsr.ErrorCode(err) == dsr.ENOTFOUND {
		if err := c.Check(dsr.ActExtend, today); err != nil {
			return nil, err
		}
		person, err := s.recipient(ctx, c)
		if err != nil {
			return nil, err
		}
		n := &dsr.ExtensionNotice{CaseNumber: c.Number, Lang: c.Language, Person: person, On: today, ReceivedOn: c.ReceivedOn,
			DueOn: c.DueOn, NewDueOn: s.calendar.Shift(s.calendar.Compute(c.ReceivedOn).ExtendedDueOn, c.PausedDays), Reason: reason}
		pdf, pages, err := s.renderer.ExtensionNoticeBytes(n)
		if err != nil {
			return nil, err
		}
		d := draft{purpose: dsr.PurposeExtensionNotice, subject: subjectLine(c, "Förlängd handläggningstid", "Extended time limit"), pdf: pdf, pages: pages}
		if l, err = s.write(ctx, c, person, d, actor, func(c *dsr.Case) ([]dsr.AuditEvent, error) {
			if err := c.Check(dsr.ActExtend, today); err != nil {
				return nil, err
			}
			c.ExtensionReason = reason
			return []dsr.AuditEvent{dsr.Event(actor, dsr.ActionCaseExtended, caseID, "extended_due_on="+dsr.FormatDate(n.NewDueOn)+" reason="+reason)}, nil
		}); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	} else if l.Status != dsr.LetterPending {
		// The notice left before: the case is extended already.
		if err := c.Check(dsr.ActExtend, today); err != nil {
			return nil, err
		}
		return c, nil
	}
	if _, err := s.deliver(ctx, c, l, actor); err != nil {
		return nil, err
	}
	return s.store.Case(ctx, caseID)
}

// AskIdentity asks the person for proof of identity when there is
// reasonable doubt about who made a request by letter, phone or at a desk
// (Art. 12(6)); a person signed in with e-ID is never asked (RULES §3).
// The case waits until the proof arrives (Resume) or closes as identity
// not established; the clock stands still meanwhile only when the setting
// pause_clock_for_identity says so.
func (s *Service) AskIdentity(ctx context.Context, caseID, reason string, actor dsr.Actor) (*dsr.Case, error) {
	if err := dsr.Require(actor, dsr.PermHandle); err != nil {
		return nil, err
	}
	reason, err := reasonText("reason", reason, "identity.reason_missing", "Say why there is reasonable doubt about who made the request.")
	if err != nil {
		return nil, err
	}
	if _, err := uuid.Parse(caseID); err != nil {
		return nil, errNoCase()
	}
	c, err := s.store.Case(ctx, caseID)
	if err != nil {
		return nil, err
	}
	today := dsr.Day(s.now())
	if err := c.Check(dsr.ActAskID, today); err != nil {
		return nil, err
	}
	set, err := s.settings(ctx)
	if err != nil {
		return nil, err
	}
	person, err := s.recipient(ctx, c)
	if err != nil {
		return nil, err
	}
	replyBy := s.calendar.Roll(today.AddDate(0, 0, set.IdentityWaitDays))
	r := &dsr.IdentityRequest{CaseNumber: c.Number, Lang: c.Language, Person: person, On: today, ReceivedOn: c.ReceivedOn, ReplyBy: replyBy, Reason: reason}
	pdf, pages, err := s.renderer.IdentityRequestBytes(r)
	if err != nil {
		return nil, err
	}
	d := draft{purpose: dsr.PurposeIdentityRequest, subject: subjectLine(c, "Vi behöver veta vem du är", "We need to know who you are"), pdf: pdf, pages: pages}
	l, err := s.write(ctx, c, person, d, actor, func(c *dsr.Case) ([]dsr.AuditEvent, error) {
		if err := c.Check(dsr.ActAskID, today); err != nil {
			return nil, err
		}
		c.Waiting, c.WaitingSince = dsr.WaitingIdentity, &today
		return []dsr.AuditEvent{dsr.Event(actor, dsr.ActionIdentityAsked, caseID, "reply_by="+dsr.FormatDate(replyBy)+" reason="+reason)}, nil
	})
	if err != nil {
		return nil, err
	}
	if _, err := s.deliver(ctx, c, l, actor); err != nil {
		return nil, err
	}
	return s.store.Case(ctx, caseID)
}

// SendReceipt confirms a request that came by letter, phone or at a desk:
// the case number, the kinds and the deadline, to the population-register
// address or the digital mailbox (RULES §3). It is written and sent once.
func (s *Service) SendReceipt(ctx context.Context, caseID string, actor dsr.Actor) (Result, error) {
	if err := dsr.Require(actor, dsr.PermRegister); err != nil {
		return Result{}, err
	}
	c, err := s.store.Case(ctx, caseID)
	if err != nil {
		return Result{}, err
	}
	l, err := s.store.LetterByKey(ctx, dsr.LetterKey(caseID, dsr.PurposeReceipt, s.addressee(c)))
	if dsr.ErrorCode(err) == dsr.ENOTFOUND {
		person, err := s.recipient(ctx, c)
		if err != nil {
			return Result{}, err
		}
		r := &dsr.Receipt{CaseNumber: c.Number, Lang: c.Language, Person: person, On: dsr.Day(s.now()), Channel: c.Channel,
			Kinds: c.Kinds, ReceivedOn: c.ReceivedOn, DueOn: c.DueOn}
		pdf, pages, err := s.renderer.ReceiptBytes(r)
		if err != nil {
			return Result{}, err
		}
		d := draft{purpose: dsr.PurposeReceipt, subject: subjectLine(c, "Vi har tagit emot din begäran", "We have received your request"), pdf: pdf, pages: pages}
		if l, err = s.write(ctx, c, person, d, actor, nil); err != nil {
			return Result{}, err
		}
	} else if err != nil {
		return Result{}, err
	}
	return s.deliver(ctx, c, l, actor)
}
