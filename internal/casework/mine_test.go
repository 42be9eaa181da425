package casework

import (
	"context"
	"testing"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
)

// TestActingForSomeoneElse: a guardian signed in with e-ID may ask for
// their minor children, whom the population register names; a god man,
// förvaltare or attorney for the principal of a mandate an officer
// verified and that is in force; nobody for anyone else. The authority is
// looked up again when the request is made, never taken from the form.
func TestActingForSomeoneElse(t *testing.T) {
	ctx := context.Background()
	s, store := service(t, "2026-11-23")
	const asa, nils, ebba, godMan = pnr.PNR("198112189876"), pnr.PNR("201502142381"), pnr.PNR("200905172383"), pnr.PNR("194811029810")

	ps, err := s.Principals(ctx, asa, person)
	if err != nil || len(ps) != 2 || ps[0].Name != "Nils Öberg" || ps[1].Name != "Ebba Öberg" || ps[0].Role != dsr.RoleGuardian {
		t.Fatalf("Åsa's principals: %+v %v", ps, err)
	}
	for _, p := range ps {
		if p.Ref == string(p.pnr) || len(p.Ref) < 16 {
			t.Fatalf("a principal's reference %q gives the identity number away", p.Ref)
		}
	}
	c, created, err := s.Create(ctx, Request{Kinds: []dsr.Kind{dsr.KindAccess}, Subject: string(asa), SubjectName: "Åsa Öberg",
		Channel: dsr.ChannelEService, ActingFor: ps[0].Ref}, person)
	if err != nil || !created {
		t.Fatal(err)
	}
	rep := c.Representative
	if c.SubjectPNR != nils || c.SubjectName != "Nils Öberg" || rep == nil || rep.PNR != asa || rep.Name != "Åsa Öberg" || rep.Role != dsr.RoleGuardian {
		t.Fatalf("the case: subject %s %q, representative %+v", c.SubjectPNR, c.SubjectName, rep)
	}
	if rep.Mandate == nil || rep.Mandate.VerifiedBy != "population_register" || !rep.Mandate.DeliverToRepresentative || c.Waiting != dsr.WaitingNone {
		t.Fatalf("a guardian's custody is verified from the register: mandate %+v waiting %q", rep.Mandate, c.Waiting)
	}
	if to, kind := c.AnswerTo(); to != asa || kind != dsr.AddresseeRepresentative {
		t.Fatalf("the answer about a child goes to the guardian who asked: %s %s", to, kind)
	}
	// A 17-year-old's request is flagged for the officer's judgement.
	older, _, err := s.Create(ctx, Request{Kinds: []dsr.Kind{dsr.KindAccess}, Subject: string(asa), SubjectName: "Åsa Öberg",
		Channel: dsr.ChannelEService, ActingFor: ps[1].Ref}, person)
	if err != nil || !older.HasFlag(dsr.FlagChildOver15) {
		t.Fatalf("a child over 15: %v %v", older, err)
	}

	// Someone else's child, or a made-up reference: refused.
	for _, ref := range []string{"p0000", string(nils), s.ref(godMan)} {
		_, _, err := s.Create(ctx, Request{Kinds: []dsr.Kind{dsr.KindAccess}, Subject: string(godMan), SubjectName: "Bertil",
			Channel: dsr.ChannelEService, ActingFor: ref}, person)
		if e := dsr.AsError(err); e.Key != "acting_for.unknown" {
			t.Fatalf("acting for %q without authority: %v", ref, err)
		}
	}
	// Staff register representatives themselves.
	if _, _, err := s.Create(ctx, Request{Kinds: []dsr.Kind{dsr.KindAccess}, Subject: string(asa), Channel: dsr.ChannelLetter, ActingFor: ps[0].Ref}, officer); dsr.AsError(err).Key != "acting_for.individual_only" {
		t.Fatalf("staff acting for: %v", err)
	}

	// A god man whose mandate an officer verified on a letter may act for
	// the principal while it is in force, and it is copied to the new case.
	letter, _, err := s.Create(ctx, Request{Kinds: []dsr.Kind{dsr.KindAccess}, Subject: string(asa), Channel: dsr.ChannelLetter,
		Representative: &dsr.Representative{Role: "god_man", Name: "Bertil Godman", PNR: godMan}}, officer)
	if err != nil || letter.Waiting != dsr.WaitingMandate {
		t.Fatalf("a god man's letter: %v %v", letter, err)
	}
	if ps, _ := s.Principals(ctx, godMan, person); len(ps) != 0 {
		t.Fatalf("an unverified mandate gives principals: %+v", ps)
	}
	verify := func(from, to string) {
		t.Helper()
		store.cases[letter.ID].Representative.Mandate = &dsr.Mandate{VerifiedBy: "staff:u1", From: from, To: to}
	}
	verify("2026-01-01", "2026-11-22")
	if ps, _ := s.Principals(ctx, godMan, person); len(ps) != 0 {
		t.Fatalf("an expired mandate gives principals: %+v", ps)
	}
	verify("2026-01-01", "")
	ps, err = s.Principals(ctx, godMan, person)
	if err != nil || len(ps) != 1 || ps[0].Name != "Åsa Öberg" || ps[0].Role != "god_man" {
		t.Fatalf("the god man's principals: %+v %v", ps, err)
	}
	again, _, err := s.Create(ctx, Request{Kinds: []dsr.Kind{dsr.KindAccess}, Subject: string(godMan), SubjectName: "Bertil Godman",
		Channel: dsr.ChannelEService, ActingFor: ps[0].Ref}, person)
	if err != nil || again.SubjectPNR != asa || again.Waiting != dsr.WaitingNone || again.Representative.Mandate == nil ||
		again.Representative.Mandate.VerifiedBy != "staff:u1" || again.Representative.Role != "god_man" {
		t.Fatalf("a request under the standing mandate: %+v %v", again, err)
	}

	// Receipts: the representative and the subject may read them, nobody else.
	if _, err := s.Receipt(ctx, c.ID, asa, person); err != nil {
		t.Fatalf("the guardian's receipt: %v", err)
	}
	if _, err := s.Receipt(ctx, c.ID, nils, person); err != nil {
		t.Fatalf("the child's own: %v", err)
	}
	if _, err := s.Receipt(ctx, c.ID, godMan, person); dsr.ErrorCode(err) != dsr.ENOTFOUND {
		t.Fatalf("a stranger read the receipt: %v", err)
	}
}
