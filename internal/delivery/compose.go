package delivery

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"dsrdesk/internal/dsr"
)

// compose writes the letters that answer a case, in the order they leave,
// to their recipient, whom it returns:
// the decision on a refusal, identity not established or no data alone; a
// partial refusal's decision and then its extract; otherwise the extract.
func (s *Service) compose(ctx context.Context, c *dsr.Case) (dsr.Person, []draft, error) {
	person, err := s.recipient(ctx, c)
	if err != nil {
		return person, nil, err
	}
	switch c.Outcome {
	case dsr.CaseRefused, dsr.CaseIdentityNotEstablished, dsr.CaseNoData:
		d, err := s.decision(c, person, nil)
		if err != nil {
			return person, nil, err
		}
		d.purpose = dsr.PurposeAnswer
		return person, []draft{d}, nil
	}
	if !c.Has(dsr.KindAccess) {
		return person, nil, dsr.Errorf(dsr.ECONFLICT, "case.not_executed", "The decision must be carried out before the answer can be sent.")
	}
	pdf, info, err := s.store.ExtractPDF(ctx, c.ID)
	if err != nil {
		return person, nil, err
	}
	drafts := []draft{{purpose: dsr.PurposeAnswer, subject: subjectLine(c, "Registerutdrag", "Register extract"), pdf: pdf, pages: info.Pages}}
	if c.Outcome == dsr.CasePartlyRefused {
		ws, err := s.store.Withholdings(ctx, c.ID)
		if err != nil {
			return person, nil, err
		}
		d, err := s.decision(c, person, s.withheldItems(ws))
		if err != nil {
			return person, nil, err
		}
		drafts = append([]draft{d}, drafts...)
	}
	return person, drafts, nil
}

// decision renders the decision on the case's outcome.
func (s *Service) decision(c *dsr.Case, person dsr.Person, withheld []dsr.WithheldItem) (draft, error) {
	decided := dsr.Day(s.now())
	if c.DecidedOn != nil {
		decided = *c.DecidedOn
	}
	d := &dsr.OutcomeDecision{CaseNumber: c.Number, Lang: c.Language, Person: person, ReceivedOn: c.ReceivedOn, DecidedOn: decided,
		Kinds: c.Kinds, Outcome: c.Outcome, Reasons: c.OutcomeReasons, Withheld: withheld}
	if _, kind := c.AnswerTo(); kind == dsr.AddresseeRepresentative {
		d.Principal = c.SubjectName
	}
	pdf, pages, err := s.renderer.OutcomeDecisionBytes(d)
	if err != nil {
		return draft{}, fmt.Errorf("case %s: decision letter: %w", c.ID, err)
	}
	subject := subjectLine(c, "Beslut om din begäran", "Decision on your request")
	if c.Outcome == dsr.CaseNoData {
		subject = subjectLine(c, "Svar på din begäran", "Answer to your request")
	}
	return draft{purpose: dsr.PurposeDecision, subject: subject, pdf: pdf, pages: pages}, nil
}

// withheldItems groups withholdings as a decision lists them: per register,
// field and provision, with how many.
func (s *Service) withheldItems(ws []dsr.Withholding) []dsr.WithheldItem {
	var out []dsr.WithheldItem
	index := map[string]int{}
	for _, w := range ws {
		if w.Kind == dsr.WithholdDisclose {
			continue // a default disclosed after all withholds nothing
		}
		key := w.Register + "\x00" + w.Field + "\x00" + string(w.Kind) + "\x00" + string(w.Provision)
		if i, ok := index[key]; ok {
			out[i].N++
			continue
		}
		index[key] = len(out)
		it := dsr.WithheldItem{Register: s.registers.RegisterName(w.Register), Kind: w.Kind, N: 1, Provision: w.Provision}
		if w.Field != "" {
			it.Field = s.registers.FieldName(w.Register, w.Field)
		}
		out = append(out, it)
	}
	return out
}

// subjectLine is a letter's subject line in the digital mailbox.
func subjectLine(c *dsr.Case, sv, en string) string {
	if c.Language == "en" {
		return en + " from Försäkringskassan, " + c.Number
	}
	return sv + " från Försäkringskassan, " + c.Number
}

// Preview returns the letter that will answer the case, or answered it, as
// staff may see it: a decision when there is one; otherwise the extract,
// in the staff copy that leaves a protected person's own address out
// (RULES §7), or the decision on a request to change data. The read is
// audited.
func (s *Service) Preview(ctx context.Context, caseID string, actor dsr.Actor) ([]byte, error) {
	if err := dsr.Require(actor, dsr.PermReadCases); err != nil {
		return nil, err
	}
	if _, err := uuid.Parse(caseID); err != nil {
		return nil, errNoCase()
	}
	c, err := s.store.ReadCase(ctx, caseID, dsr.Event(actor, dsr.ActionCaseRead, caseID, "letter"))
	if err != nil {
		return nil, err
	}
	addressee := s.addressee(c)
	if l, err := s.store.LetterByKey(ctx, dsr.LetterKey(caseID, dsr.PurposeDecision, addressee)); err == nil {
		return s.store.LetterPDF(ctx, l.ID)
	} else if dsr.ErrorCode(err) != dsr.ENOTFOUND {
		return nil, err
	}
	// An access request is answered with its extract unless its outcome
	// needs none; a partial refusal's decision is shown before it exists.
	extract := c.Has(dsr.KindAccess)
	switch c.Outcome {
	case dsr.CaseRefused, dsr.CaseIdentityNotEstablished, dsr.CaseNoData:
		extract = false
	}
	switch {
	case extract && c.Outcome != dsr.CasePartlyRefused:
		pdf, _, err := s.store.StaffExtractPDF(ctx, caseID)
		return pdf, err
	case !extract:
		if l, err := s.store.LetterByKey(ctx, dsr.LetterKey(caseID, dsr.PurposeAnswer, addressee)); err == nil {
			return s.store.LetterPDF(ctx, l.ID)
		} else if dsr.ErrorCode(err) != dsr.ENOTFOUND {
			return nil, err
		}
	}
	if !c.Has(dsr.KindAccess) && c.Status != dsr.StatusDecided {
		return nil, dsr.Errorf(dsr.ENOTFOUND, "letter.not_written", "The decision letter is written when the decision is carried out.")
	}
	_, drafts, err := s.compose(ctx, c)
	if err != nil {
		return nil, err
	}
	return drafts[0].pdf, nil
}
