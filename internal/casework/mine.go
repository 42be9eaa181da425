package casework

import (
	"context"

	"github.com/google/uuid"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
)

// MyCase is one of a signed-in person's requests as "my requests" shows
// it: the case, whether the person made it for someone else, and the
// letters that were sent to the person themselves.
type MyCase struct {
	Case           *dsr.Case
	ForSomeoneElse bool // the person is the case's representative
	Letters        []dsr.Letter
}

// Mine lists every request of the person signed in as me: those about them,
// by any channel, and those they made as someone's representative. Each
// case listed is a case read, and audited as one.
func (s *Service) Mine(ctx context.Context, me pnr.PNR, actor dsr.Actor) ([]MyCase, error) {
	if err := dsr.Require(actor, dsr.PermOwnRequests); err != nil {
		return nil, err
	}
	cases, err := s.store.CasesOf(ctx, s.hasher.Sum(me))
	if err != nil {
		return nil, err
	}
	out := make([]MyCase, 0, len(cases))
	events := make([]dsr.AuditEvent, 0, len(cases))
	for _, c := range cases {
		rel := relation(c, me)
		if rel == "" {
			continue // an HMAC collision cannot show anyone else's case
		}
		letters, err := s.store.CaseLetters(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		mc := MyCase{Case: c, ForSomeoneElse: rel == dsr.AddresseeRepresentative}
		for _, l := range letters {
			if l.Sent() && l.Addressee.Kind == rel {
				mc.Letters = append(mc.Letters, l)
			}
		}
		out = append(out, mc)
		events = append(events, dsr.Event(actor, dsr.ActionCaseRead, c.ID, "my requests"))
	}
	if len(events) > 0 {
		if err := s.store.Record(ctx, events...); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// relation is who me is in case c: its subject, its representative, or
// "" when neither. A person who is both (a guardian cannot be) counts as
// the subject.
func relation(c *dsr.Case, me pnr.PNR) dsr.AddresseeKind {
	switch {
	case c.SubjectPNR == me:
		return dsr.AddresseeSubject
	case c.Representative != nil && c.Representative.PNR != "" && c.Representative.PNR == me:
		return dsr.AddresseeRepresentative
	}
	return ""
}

// MyLetter returns a letter that was sent to the person signed in as me,
// for them to download again, and records the download.
func (s *Service) MyLetter(ctx context.Context, caseID, letterID string, me pnr.PNR, actor dsr.Actor) (*dsr.Letter, []byte, error) {
	if err := dsr.Require(actor, dsr.PermOwnRequests); err != nil {
		return nil, nil, err
	}
	noLetter := dsr.Errorf(dsr.ENOTFOUND, "letter.not_found", "No such letter.")
	if _, err := uuid.Parse(caseID); err != nil {
		return nil, nil, noLetter
	}
	c, err := s.store.Case(ctx, caseID)
	if dsr.ErrorCode(err) == dsr.ENOTFOUND {
		return nil, nil, noLetter
	} else if err != nil {
		return nil, nil, err
	}
	rel := relation(c, me)
	if rel == "" {
		return nil, nil, noLetter
	}
	letters, err := s.store.CaseLetters(ctx, caseID)
	if err != nil {
		return nil, nil, err
	}
	for _, l := range letters {
		if l.ID == letterID && l.Sent() && l.Addressee.Kind == rel {
			pdf, err := s.store.ReadLetterPDF(ctx, l.ID, dsr.Event(actor, dsr.ActionLetterDownloaded, caseID, "letter="+l.ID+" purpose="+string(l.Purpose)))
			if err != nil {
				return nil, nil, err
			}
			return &l, pdf, nil
		}
	}
	return nil, nil, noLetter
}

// Principal is someone the signed-in person may make a request for: a
// child in their custody, as the population register says, or a principal
// whose god man, förvaltare or attorney they are by a mandate an officer
// has verified and that is in force today.
type Principal struct {
	Ref  string // opaque: what a form sends back, never the identity number
	Name string
	Role string // the representative's role: guardian, god_man, …
	pnr  pnr.PNR
	// mandate is the verified standing mandate, and mandateCase the case
	// number it was verified in; nil for a guardian, whose evidence is the
	// population register.
	mandate     *dsr.Mandate
	mandateCase string
}

// Principals lists whom the person signed in as me may act for.
func (s *Service) Principals(ctx context.Context, me pnr.PNR, actor dsr.Actor) ([]Principal, error) {
	if err := dsr.Require(actor, dsr.PermOwnRequests); err != nil {
		return nil, err
	}
	return s.principals(ctx, me)
}

func (s *Service) principals(ctx context.Context, me pnr.PNR) ([]Principal, error) {
	today := dsr.Day(s.now())
	var out []Principal
	seen := map[pnr.PNR]bool{me: true}
	children, err := s.population.Wards(ctx, me)
	if err != nil {
		return nil, err
	}
	for _, child := range children {
		if age, ok := child.Age(s.now()); ok && age >= 18 || seen[child.PNR] {
			continue // custody ends at 18; the register's birth date says when
		}
		seen[child.PNR] = true
		out = append(out, Principal{Ref: s.ref(child.PNR), Name: child.Name, Role: dsr.RoleGuardian, pnr: child.PNR})
	}
	cases, err := s.store.CasesOf(ctx, s.hasher.Sum(me))
	if err != nil {
		return nil, err
	}
	for _, c := range cases { // the newest first: the latest verification counts
		rep := c.Representative
		if relation(c, me) != dsr.AddresseeRepresentative || rep.Role == dsr.RoleGuardian || rep.Mandate == nil || seen[c.SubjectPNR] {
			continue
		}
		if !rep.Mandate.InForce(today) {
			continue
		}
		seen[c.SubjectPNR] = true
		m := *rep.Mandate
		out = append(out, Principal{Ref: s.ref(c.SubjectPNR), Name: c.SubjectName, Role: rep.Role, pnr: c.SubjectPNR, mandate: &m, mandateCase: c.Number})
	}
	return out, nil
}

// ref is a principal's opaque reference: the start of the keyed HMAC of
// their identity number, which says nothing without the key.
func (s *Service) ref(p pnr.PNR) string { return "p" + s.hasher.Sum(p)[:20] }

// actFor turns an e-service request made for a principal into the
// principal's case with the signed-in person as representative. The
// authority is checked again here, never taken from the form: a child in
// the person's custody, or a standing mandate in force. Either is evidence
// already verified, so the case does not wait for an officer's check.
func (s *Service) actFor(ctx context.Context, r *Request, actor dsr.Actor) (*dsr.Mandate, string, error) {
	if actor.Kind != dsr.ActorIndividual {
		return nil, "", dsr.FieldError("acting_for", "acting_for.individual_only", "Only a person signed in with e-ID acts for someone through the e-service; staff register the representative.")
	}
	me, err := pnr.Parse(r.Subject, s.now())
	if err != nil {
		return nil, "", err
	}
	ps, err := s.principals(ctx, me)
	if err != nil {
		return nil, "", err
	}
	for _, p := range ps {
		if p.Ref != r.ActingFor {
			continue
		}
		today := dsr.Day(s.now())
		r.Representative = &dsr.Representative{Role: p.Role, Name: r.SubjectName, PNR: me}
		r.Subject, r.SubjectName = string(p.pnr), p.Name
		if p.mandate == nil { // a guardian: custody in the population register
			return &dsr.Mandate{VerifiedBy: "population_register", VerifiedOn: &today, DeliverToRepresentative: true,
				Note: "Vårdnadshavare enligt folkbokföringen; legitimerad med e-legitimation."}, "evidence=population_register", nil
		}
		m := *p.mandate
		m.Note = "Förordnande eller fullmakt verifierat i ärende " + p.mandateCase + "; legitimerad med e-legitimation."
		return &m, "evidence=standing_mandate case=" + p.mandateCase, nil
	}
	return nil, "", dsr.FieldError("acting_for", "acting_for.unknown", "You cannot make a request for that person: the population register names you as no guardian of theirs, and no verified mandate of yours covers them.")
}
