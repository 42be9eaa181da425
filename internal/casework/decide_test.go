package casework

import (
	"context"
	"strings"
	"testing"
	"time"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
)

var dpo = dsr.Actor{Kind: dsr.ActorStaff, ID: "u3", Role: dsr.RoleDPO}

// newLetterCase registers an access request by letter received on 5 March
// 2025 (due 7 April).
func newLetterCase(t *testing.T, s *Service) *dsr.Case {
	t.Helper()
	c, _, err := s.Create(context.Background(), Request{Kinds: []dsr.Kind{dsr.KindAccess}, Subject: "811218-9876", Channel: dsr.ChannelLetter, ReceivedOn: "2025-03-05"}, officer)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRefusalWaitsForTheDPO(t *testing.T) {
	ctx := context.Background()
	s, store := service(t, "2025-03-10")
	c := newLetterCase(t, s)

	if _, err := s.Outcome(ctx, c.ID, dsr.CaseRefused, "  ", officer); dsr.ErrorCode(err) != dsr.EINVALID {
		t.Fatalf("a refusal without reasons = %v, want invalid", err)
	}
	if store.cases[c.ID].Outcome != "" {
		t.Fatal("a refused outcome changed the case")
	}
	if _, err := s.Outcome(ctx, c.ID, dsr.CaseRefused, "Reasons", printer); dsr.ErrorCode(err) != dsr.EFORBIDDEN {
		t.Errorf("the print operator recorded an outcome: %v", err)
	}
	got, err := s.Outcome(ctx, c.ID, dsr.CaseRefused, "The sixth identical request since January; each was answered in full.", officer)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != dsr.StatusDecided || !got.SignOff.Required || got.SignOff.State != dsr.SignOffPending {
		t.Fatalf("refused case = %s, sign-off %+v; want decided and waiting for the DPO", got.Status, got.SignOff)
	}
	if err := got.Check(dsr.ActSend, got.ReceivedOn); dsr.ErrorCode(err) != dsr.ECONFLICT {
		t.Errorf("send before sign-off = %v, want a conflict", err)
	}
	if _, err := s.SignOff(ctx, c.ID, SignOffApprove, "", officer); dsr.ErrorCode(err) != dsr.EFORBIDDEN {
		t.Errorf("an officer signed off: %v", err)
	}
	if _, err := s.SignOff(ctx, c.ID, SignOffReturn, "", dpo); dsr.ErrorCode(err) != dsr.EINVALID {
		t.Errorf("a return without a comment = %v, want invalid", err)
	}
	back, err := s.SignOff(ctx, c.ID, SignOffReturn, "Cite the earlier case numbers.", dpo)
	if err != nil || back.SignOff.State != dsr.SignOffReturned || back.Stage(back.ReceivedOn) != dsr.StageNone {
		t.Fatalf("returned = %+v, %v", back.SignOff, err)
	}
	if _, err := s.Resubmit(ctx, c.ID, officer); err != nil {
		t.Fatal(err)
	}
	ok, err := s.SignOff(ctx, c.ID, SignOffApprove, "", dpo)
	if err != nil || ok.SignOff.State != dsr.SignOffApproved || ok.SignOff.By != dpo.ID {
		t.Fatalf("approved = %+v, %v", ok.SignOff, err)
	}
	if err := ok.Check(dsr.ActSend, ok.ReceivedOn); err != nil {
		t.Errorf("send after sign-off = %v", err)
	}
	if _, err := s.SignOff(ctx, c.ID, SignOffApprove, "", dpo); dsr.ErrorCode(err) != dsr.ECONFLICT {
		t.Errorf("a second approval = %v, want a conflict", err)
	}
	var actions []dsr.AuditAction
	for _, e := range store.events {
		actions = append(actions, e.Action)
	}
	want := []dsr.AuditAction{dsr.ActionCaseReceived, dsr.ActionOutcomeRecorded, dsr.ActionSignOffReturned, dsr.ActionSignOffAsked, dsr.ActionSignedOff}
	if len(actions) != len(want) {
		t.Fatalf("audit = %v, want %v", actions, want)
	}
	for i := range want {
		if actions[i] != want[i] {
			t.Errorf("audit = %v, want %v", actions, want)
			break
		}
	}
}

func TestSignOffPolicies(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		policy dsr.SignOffPolicy
		want   bool
	}{{dsr.SignOffDefault, false}, {dsr.SignOffAll, true}, {dsr.SignOffOff, false}} {
		s, _ := serviceWith(t, "2025-03-10", dsr.Settings{RequireSignOff: tt.policy, IdentityWaitDays: 30})
		c := newLetterCase(t, s)
		got, err := s.Outcome(ctx, c.ID, dsr.CaseNoData, "", officer)
		if err != nil {
			t.Fatal(err)
		}
		if got.SignOff.Required != tt.want {
			t.Errorf("policy %s: a no-data answer needs sign-off = %v, want %v", tt.policy, got.SignOff.Required, tt.want)
		}
	}
	s, _ := serviceWith(t, "2025-03-10", dsr.Settings{RequireSignOff: dsr.SignOffOff, IdentityWaitDays: 30})
	c := newLetterCase(t, s)
	if got, _ := s.Outcome(ctx, c.ID, dsr.CaseRefused, "Reasons.", officer); got.SignOff.Required {
		t.Error("with require_signoff off a refusal still waits for the DPO")
	}
}

func TestResumeAfterProofOfIdentity(t *testing.T) {
	ctx := context.Background()
	for _, pause := range []bool{false, true} {
		s, store := serviceWith(t, "2025-03-24", dsr.Settings{RequireSignOff: dsr.SignOffDefault, PauseClockForIdentity: pause, IdentityWaitDays: 30})
		c := newLetterCase(t, s)
		since, _ := dsr.ParseDate("since", "2025-03-10")
		store.cases[c.ID].Waiting, store.cases[c.ID].WaitingSince = dsr.WaitingIdentity, &since
		if _, err := s.Resume(ctx, c.ID, "", officer); dsr.ErrorCode(err) != dsr.EINVALID {
			t.Errorf("resume without saying what arrived = %v", err)
		}
		got, err := s.Resume(ctx, c.ID, "Certified copy of a passport, by post.", officer)
		if err != nil {
			t.Fatal(err)
		}
		// 14 days waited: 7 April + 14 = 21 April 2025, Easter Monday,
		// so the paused deadline rolls to Tuesday 22 April.
		want := "2025-04-07"
		if pause {
			want = "2025-04-22"
		}
		if got.Waiting != dsr.WaitingNone || dsr.FormatDate(got.DueOn) != want {
			t.Errorf("pause=%v: waiting %q, due %s; want due %s", pause, got.Waiting, dsr.FormatDate(got.DueOn), want)
		}
		if _, err := s.Resume(ctx, c.ID, "again", officer); dsr.ErrorCode(err) != dsr.ECONFLICT {
			t.Errorf("resume of a case that waits for nothing = %v", err)
		}
	}
}

func TestSetScope(t *testing.T) {
	ctx := context.Background()
	s, _ := service(t, "2025-03-10")
	c := newLetterCase(t, s)
	tests := []struct {
		name string
		sc   Scope
		code string
	}{
		{"an unknown register", Scope{Registers: []string{"nope"}}, dsr.EINVALID},
		{"a malformed date", Scope{From: "2024-13-01"}, dsr.EINVALID},
		{"a reversed period", Scope{From: "2024-12-31", To: "2024-01-01"}, dsr.EINVALID},
		{"payments in 2024", Scope{Registers: []string{"utbetalningar"}, From: "2024-01-01", To: "2024-12-31"}, ""},
	}
	for _, tt := range tests {
		got, err := s.SetScope(ctx, c.ID, tt.sc, officer)
		if dsr.ErrorCode(err) != tt.code {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.code)
		}
		if tt.code == "" && (got.Change.From != "2024-01-01" || len(got.Change.Scope) != 1) {
			t.Errorf("%s: scope = %+v", tt.name, got.Change)
		}
	}
}

func TestSearch(t *testing.T) {
	ctx := context.Background()
	s, store := service(t, "2025-03-10")
	c := newLetterCase(t, s)
	for _, q := range []string{"811218-9876", "198112189876", " dsr-2026-000001 "} {
		got, err := s.Search(ctx, q, officer)
		if err != nil || len(got) != 1 || got[0].ID != c.ID {
			t.Errorf("Search(%q) = %d cases, %v", q, len(got), err)
		}
	}
	if got, err := s.Search(ctx, "DSR-2026-999999", officer); err != nil || len(got) != 0 {
		t.Errorf("an unknown number: %v, %v", got, err)
	}
	for _, bad := range []string{"", "811218-9875", "Storgatan 1"} {
		if _, err := s.Search(ctx, bad, officer); dsr.ErrorCode(err) != dsr.EINVALID {
			t.Errorf("Search(%q) = %v, want invalid", bad, err)
		}
	}
	if _, err := s.Search(ctx, "811218-9876", printer); dsr.ErrorCode(err) != dsr.EFORBIDDEN {
		t.Errorf("the print operator searched: %v", err)
	}
	for _, e := range store.events {
		if strings.Contains(e.Detail, "9876") {
			t.Errorf("the audit trail holds the identity number: %q", e.Detail)
		}
	}
}

func TestNotes(t *testing.T) {
	ctx := context.Background()
	s, _ := service(t, "2025-03-10")
	c := newLetterCase(t, s)
	if _, err := s.AddNote(ctx, c.ID, "  ", officer); dsr.ErrorCode(err) != dsr.EINVALID {
		t.Errorf("an empty note: %v", err)
	}
	if _, err := s.AddNote(ctx, c.ID, "Ringde personen 10/3; hon vill ha utdraget på engelska.", officer); err != nil {
		t.Fatal(err)
	}
	o, err := s.Overview(ctx, c.ID, officer)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Memos) != 1 || o.Names[o.Memos[0].Actor] != "Olle Officer" {
		t.Errorf("notes %+v, names %v", o.Memos, o.Names)
	}
}

func TestIntakeFilesTheScannedLetter(t *testing.T) {
	ctx := context.Background()
	s, store := service(t, "2025-03-10")
	pdf := []byte("%PDF-1.4\n% a scanned letter\n")
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
	r := Request{Kinds: []dsr.Kind{dsr.KindAccess}, Subject: "811218-9876", Channel: dsr.ChannelLetter, ReceivedOn: "2025-03-05",
		Files: []File{{Purpose: dsr.AttachRequest, Filename: `C:\scans\brev.pdf`, Content: pdf}}}
	c, _, err := s.Create(ctx, r, officer)
	if err != nil {
		t.Fatal(err)
	}
	if len(store.files) != 1 || store.files[0].ContentType != "application/pdf" || store.files[0].Filename != "brev.pdf" {
		t.Fatalf("filed = %+v", store.files)
	}
	bad := []File{
		{Purpose: dsr.AttachRequest, Filename: "x.pdf", Content: []byte("MZ\x90\x00 not a pdf")},
		{Purpose: dsr.AttachRequest, Filename: "big.pdf", Content: append([]byte("%PDF-"), make([]byte, MaxAttachment)...)},
		{Purpose: "selfie", Filename: "a.png", Content: png},
		{Purpose: dsr.AttachMandate, Filename: "", Posted: true},
	}
	for _, f := range bad {
		r.Files = []File{f}
		before := len(store.cases)
		if _, _, err := s.Create(ctx, r, officer); dsr.ErrorCode(err) != dsr.EINVALID || len(store.cases) != before {
			t.Errorf("Create with %q (%s): %v, want invalid and nothing stored", f.Filename, f.Purpose, err)
		}
	}
	a, err := s.Attach(ctx, c.ID, File{Purpose: dsr.AttachMandate, Filename: "fullmakt.png", Content: png}, officer)
	if err != nil || a.ContentType != "image/png" {
		t.Fatalf("attach: %+v, %v", a, err)
	}
	if _, err := s.Attach(ctx, c.ID, File{Purpose: dsr.AttachMandate, Filename: "Förordnande från tingsrätten, inkom 2025-03-07", Posted: true}, officer); err != nil {
		t.Errorf("register a posted mandate: %v", err)
	}
	got, err := s.Attachment(ctx, c.ID, a.ID, officer)
	if err != nil || string(got.Content) != string(png) {
		t.Errorf("read back: %v", err)
	}
}

func TestRepresentatives(t *testing.T) {
	ctx := context.Background()
	s, store := service(t, "2025-03-10")
	req := func(subject, role, name, repPNR string) Request {
		return Request{Kinds: []dsr.Kind{dsr.KindAccess}, Subject: subject, Channel: dsr.ChannelLetter, ReceivedOn: "2025-03-05",
			Representative: &dsr.Representative{Role: role, Name: name, PNR: pnr.PNR(repPNR)}}
	}
	tests := []struct {
		name  string
		r     Request
		key   string // "" when registered
		flags []dsr.Flag
	}{
		{"a guardian of an adult", req("811218-9876", "guardian", "Bo Öberg", ""), "representative.guardian_of_adult", nil},
		{"a mandate without a named representative", req("811218-9876", "fullmakt", " ", ""), "representative.name_missing", nil},
		{"a guardian whose number is not valid", req("20150214-2381", "guardian", "Eva Annan", "19811218-9876x"), "representative.pnr_invalid", nil},
		{"the child's guardian", req("20150214-2381", "guardian", "Åsa Öberg", "19811218-9876"), "", []dsr.Flag{dsr.FlagRepresentative}},
		{"a child of 15", req("20090517-2383", "guardian", "Åsa Öberg", "19811218-9876"), "", []dsr.Flag{dsr.FlagRepresentative, dsr.FlagChildOver15}},
		{"an attorney", req("811218-9876", "fullmakt", "Advokat Berg", ""), "", []dsr.Flag{dsr.FlagRepresentative}},
	}
	for _, tt := range tests {
		n := len(store.cases)
		c, _, err := s.Create(ctx, tt.r, officer)
		if tt.key != "" {
			if e := dsr.AsError(err); e == nil || e.Key != tt.key || len(store.cases) != n {
				t.Errorf("%s: %v, want %s and nothing stored", tt.name, err, tt.key)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if c.Waiting != dsr.WaitingMandate || len(c.Flags) != len(tt.flags) || c.SubjectName == "" {
			t.Errorf("%s: waiting %q, flags %v, name %q", tt.name, c.Waiting, c.Flags, c.SubjectName)
		}
		for _, f := range tt.flags {
			if !c.HasFlag(f) {
				t.Errorf("%s: flags %v, want %s", tt.name, c.Flags, f)
			}
		}
	}

	// The guardian's mandate is custody in the population register; the
	// answer then goes to the guardian.
	child, _, _ := s.Create(ctx, req("20150214-2381", "guardian", "Åsa Öberg", "19811218-9876"), officer)
	if _, err := s.VerifyMandate(ctx, child.ID, MandateCheck{Valid: true}, officer); dsr.ErrorCode(err) != dsr.EINVALID {
		t.Errorf("a mandate that does not cover the request was verified: %v", err)
	}
	got, err := s.VerifyMandate(ctx, child.ID, MandateCheck{Valid: true, CoversRequest: true}, officer)
	if err != nil || got.Waiting != dsr.WaitingNone || got.Representative.Mandate == nil {
		t.Fatalf("guardian verified: %+v, %v", got, err)
	}
	if to, kind := got.AnswerTo(); to != "198112189876" || kind != dsr.AddresseeRepresentative {
		t.Errorf("the child's answer goes to %s (%s), want the guardian", to, kind)
	}

	// An attorney needs the evidence filed first and a mandate in force.
	att, _, _ := s.Create(ctx, req("811218-9876", "fullmakt", "Advokat Berg", ""), officer)
	if _, err := s.VerifyMandate(ctx, att.ID, MandateCheck{Valid: true, CoversRequest: true}, officer); dsr.ErrorCode(err) != dsr.EINVALID {
		t.Errorf("verified without evidence: %v", err)
	}
	s.Attach(ctx, att.ID, File{Purpose: dsr.AttachMandate, Filename: "Fullmakt, inkom med post 2025-03-05", Posted: true}, officer)
	if _, err := s.VerifyMandate(ctx, att.ID, MandateCheck{Valid: true, CoversRequest: true, To: "2025-03-01"}, officer); dsr.ErrorCode(err) != dsr.EINVALID {
		t.Errorf("an expired mandate was verified: %v", err)
	}
	if _, err := s.VerifyMandate(ctx, att.ID, MandateCheck{Valid: true, CoversRequest: true, DeliverToRepresentative: true}, officer); dsr.ErrorCode(err) != dsr.EINVALID {
		t.Errorf("delivery to a representative without their number: %v", err)
	}
	got, err = s.VerifyMandate(ctx, att.ID, MandateCheck{Valid: true, CoversRequest: true, To: "2025-12-31"}, officer)
	if err != nil || got.Waiting != dsr.WaitingNone {
		t.Fatalf("attorney verified: %v", err)
	}
	if to, _ := got.AnswerTo(); to != got.SubjectPNR {
		t.Error("the answer goes to the attorney though the mandate does not cover it")
	}
}

func TestCloseUnproved(t *testing.T) {
	ctx := context.Background()
	s, store := serviceWith(t, "2025-04-10", dsr.Settings{RequireSignOff: dsr.SignOffDefault, IdentityWaitDays: 30})
	late, recent := newLetterCase(t, s), newLetterCase(t, s)
	asked, fresh := time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC), time.Date(2025, 3, 20, 0, 0, 0, 0, time.UTC)
	store.cases[late.ID].Waiting, store.cases[late.ID].WaitingSince = dsr.WaitingIdentity, &asked
	store.cases[recent.ID].Waiting, store.cases[recent.ID].WaitingSince = dsr.WaitingIdentity, &fresh
	n, err := s.CloseUnproved(ctx)
	if err != nil || n != 1 {
		t.Fatalf("decided %d, %v; want the one asked 31 days ago", n, err)
	}
	c := store.cases[late.ID]
	if c.Outcome != dsr.CaseIdentityNotEstablished || c.Status != dsr.StatusDecided || c.Waiting != dsr.WaitingNone ||
		!strings.Contains(c.OutcomeReasons, "2025-03-10") || c.SignOff.State != dsr.SignOffPending {
		t.Errorf("the late case: %+v", c)
	}
	if store.cases[recent.ID].Outcome != "" {
		t.Error("a case still within its time was decided")
	}
}

func TestAssignToADisabledOfficerIsRefused(t *testing.T) {
	s, store := service(t, "2025-03-10")
	c := newLetterCase(t, s)
	if _, err := s.Assign(context.Background(), c.ID, "gone", officer); dsr.ErrorCode(err) != dsr.EINVALID || store.cases[c.ID].AssignedTo != "" {
		t.Errorf("assigned to a disabled account: %v", err)
	}
}
