package delivery

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/mailbox"
)

var asa = people{subject: {PNR: subject, Name: "Åsa Öberg", Street: "Storgatan 1", Postcode: "11346", Town: "STOCKHOLM", Protection: dsr.ProtectionNone}}

func TestAnswerFollowsTheOutcome(t *testing.T) {
	tests := []struct {
		name     string
		mod      func(c *dsr.Case, m *memStore)
		purposes []dsr.Purpose // the letters written, in the order they leave
		answer   string        // what the answer letter is
	}{
		{"answered: the extract", func(*dsr.Case, *memStore) {}, []dsr.Purpose{dsr.PurposeAnswer}, "%PDF-extract"},
		{"partly refused: the decision, then the extract", func(c *dsr.Case, m *memStore) {
			c.Outcome = dsr.CasePartlyRefused
			m.withheld = []dsr.Withholding{
				{Register: "bostadsbidrag", Record: "r1", Field: "sambo_inkomst", Kind: dsr.WithholdRedact, Provision: dsr.ProvisionOSL28_1},
				{Register: "bostadsbidrag", Record: "r2", Field: "sambo_inkomst", Kind: dsr.WithholdRedact, Provision: dsr.ProvisionOSL28_1},
				{Register: "kontakter", Record: "k9", Kind: dsr.WithholdItem, Provision: dsr.ProvisionDSL5},
			}
		}, []dsr.Purpose{dsr.PurposeDecision, dsr.PurposeAnswer}, "%PDF-extract"},
		{"refused: the decision is the answer", func(c *dsr.Case, _ *memStore) {
			c.Status, c.Outcome, c.OutcomeReasons = dsr.StatusDecided, dsr.CaseRefused, "Manifestly excessive."
		}, []dsr.Purpose{dsr.PurposeAnswer}, "%PDF decision refused Manifestly excessive. withheld=0"},
		{"no data", func(c *dsr.Case, _ *memStore) { c.Status, c.Outcome = dsr.StatusDecided, dsr.CaseNoData },
			[]dsr.Purpose{dsr.PurposeAnswer}, "%PDF decision no_data  withheld=0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := assembledCase()
			store := newStore(c)
			tt.mod(c, store)
			mb := &fakeMailbox{reach: mailbox.Reachability{Reachable: true}}
			s := newService(store, asa, mb, zerolog.Nop(), time.Now)
			res, err := s.SendAnswer(context.Background(), c.ID, officer)
			if err != nil {
				t.Fatal(err)
			}
			if len(store.letters) != len(tt.purposes) || len(mb.delivered) != len(tt.purposes) {
				t.Fatalf("%d letters, %d delivered; want %d", len(store.letters), len(mb.delivered), len(tt.purposes))
			}
			for i, id := range mb.delivered {
				for _, l := range store.letters {
					if l.MessageID == id && l.Purpose != tt.purposes[i] {
						t.Errorf("letter %d to leave is the %s, want the %s", i+1, l.Purpose, tt.purposes[i])
					}
				}
			}
			if got := string(store.pdfs[res.Letter.ID]); got != tt.answer {
				t.Errorf("the answer is %q, want %q", got, tt.answer)
			}
			if c.Status != dsr.StatusSent || c.AnsweredOn == nil {
				t.Errorf("case %s answered %v; want sent, answered on delivery", c.Status, c.AnsweredOn)
			}
			for _, l := range store.letters {
				if l.Purpose == dsr.PurposeDecision && !strings.Contains(string(store.pdfs[l.ID]), "withheld=2") {
					t.Errorf("the decision lists %q; want two lines (two redacted fields of one kind, one record)", store.pdfs[l.ID])
				}
			}
		})
	}
}

func TestSendWaitsForSignOff(t *testing.T) {
	c := assembledCase()
	c.Outcome, c.SignOff = dsr.CasePartlyRefused, dsr.SignOff{Required: true, State: dsr.SignOffPending}
	store := newStore(c)
	mb := &fakeMailbox{reach: mailbox.Reachability{Reachable: true}}
	s := newService(store, asa, mb, zerolog.Nop(), time.Now)
	if _, err := s.SendAnswer(context.Background(), c.ID, officer); dsr.ErrorCode(err) != dsr.ECONFLICT {
		t.Fatalf("send before sign-off = %v, want a conflict", err)
	}
	if len(store.letters) != 0 || len(mb.delivered) != 0 {
		t.Error("a letter left before the DPO signed it off")
	}
	c.SignOff.State = dsr.SignOffApproved
	if _, err := s.SendAnswer(context.Background(), c.ID, officer); err != nil {
		t.Fatal(err)
	}
}

func TestExtensionStandsOnceItsNoticeLeft(t *testing.T) {
	now := func() time.Time { return time.Date(2025, 3, 20, 9, 0, 0, 0, time.UTC) }
	tests := []struct {
		name   string
		reason string
		today  func() time.Time
		code   string
	}{
		{"with reasons before the deadline", "Many registers to search.", now, ""},
		{"without reasons", " ", now, dsr.EINVALID},
		{"after the deadline", "Late.", func() time.Time { return time.Date(2025, 4, 8, 9, 0, 0, 0, time.UTC) }, dsr.ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := assembledCase()
			c.ReceivedOn, c.DueOn = time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC), time.Date(2025, 4, 7, 0, 0, 0, 0, time.UTC)
			store := newStore(c)
			mb := &fakeMailbox{reach: mailbox.Reachability{}}
			s := newService(store, asa, mb, zerolog.Nop(), tt.today)
			got, err := s.Extend(context.Background(), c.ID, tt.reason, officer)
			if dsr.ErrorCode(err) != tt.code {
				t.Fatalf("Extend = %v, want %q", err, tt.code)
			}
			if tt.code != "" {
				if c.ExtendedDueOn != nil || len(store.letters) != 0 {
					t.Error("a refused extension wrote a notice or extended the case")
				}
				return
			}
			if got.ExtendedDueOn == nil || dsr.FormatDate(*got.ExtendedDueOn) != "2025-06-05" || got.ExtensionReason != tt.reason {
				t.Fatalf("extended to %v with %q", got.ExtendedDueOn, got.ExtensionReason)
			}
			var notice *dsr.Letter
			for _, l := range store.letters {
				notice = l
			}
			if len(store.letters) != 1 || notice.Purpose != dsr.PurposeExtensionNotice || notice.Status != dsr.LetterQueued {
				t.Fatalf("letters = %+v, want one extension notice queued for print", store.letters)
			}
			if pdf := string(store.pdfs[notice.ID]); pdf != "%PDF extension until 2025-06-05: Many registers to search." {
				t.Errorf("notice = %q", pdf)
			}
			if _, err := s.Extend(context.Background(), c.ID, tt.reason, officer); dsr.ErrorCode(err) != dsr.ECONFLICT {
				t.Errorf("a second extension = %v, want a conflict", err)
			}
		})
	}
}

func TestAskIdentity(t *testing.T) {
	now := func() time.Time { return time.Date(2025, 3, 20, 9, 0, 0, 0, time.UTC) }
	for _, ch := range []dsr.Channel{dsr.ChannelLetter, dsr.ChannelEService} {
		c := assembledCase()
		c.Channel, c.Status = ch, dsr.StatusReceived
		store := newStore(c)
		s := newService(store, asa, &fakeMailbox{}, zerolog.Nop(), now)
		got, err := s.AskIdentity(context.Background(), c.ID, "The signature differs from the one on file.", officer)
		if ch == dsr.ChannelEService {
			if dsr.ErrorCode(err) != dsr.ECONFLICT || len(store.letters) != 0 {
				t.Errorf("asked a person signed in with e-ID for proof: %v", err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if got.Waiting != dsr.WaitingIdentity || got.WaitingSince == nil || len(store.letters) != 1 {
			t.Fatalf("case waits for %q since %v with %d letters", got.Waiting, got.WaitingSince, len(store.letters))
		}
		for _, l := range store.letters {
			// 30 days after 20 March is 19 April 2025, a Saturday in the
			// Easter weekend: the reply date rolls to Tuesday 22 April.
			if string(store.pdfs[l.ID]) != "%PDF identity reply by 2025-04-22" {
				t.Errorf("identity request = %q", store.pdfs[l.ID])
			}
		}
	}
}

// TestPreviewShowsStaffTheirCopy: the letter preview of an extract is the
// staff copy, before and after sending, never the person's own copy with a
// protected address; a decision is shown as it will leave.
func TestPreviewShowsStaffTheirCopy(t *testing.T) {
	c := assembledCase()
	c.Outcome = dsr.CaseAnswered
	store := newStore(c)
	s := newService(store, asa, &fakeMailbox{}, zerolog.Nop(), time.Now)
	for _, when := range []string{"before sending", "after sending"} {
		pdf, err := s.Preview(context.Background(), c.ID, officer)
		if err != nil || string(pdf) != "%PDF-extract-as-staff-see-it" {
			t.Errorf("%s: preview = %q, %v; want the staff copy", when, pdf, err)
		}
		if _, err := s.SendAnswer(context.Background(), c.ID, officer); err != nil {
			t.Fatal(err)
		}
	}
	refused := assembledCase()
	refused.Status, refused.Outcome, refused.OutcomeReasons = dsr.StatusDecided, dsr.CaseRefused, "Excessive."
	s = newService(newStore(refused), asa, &fakeMailbox{}, zerolog.Nop(), time.Now)
	if pdf, err := s.Preview(context.Background(), refused.ID, officer); err != nil || !strings.HasPrefix(string(pdf), "%PDF decision refused") {
		t.Errorf("a refusal's preview = %q, %v", pdf, err)
	}
}

func TestPreviewOfASentRefusal(t *testing.T) {
	c := assembledCase()
	c.Status, c.Outcome, c.OutcomeReasons = dsr.StatusDecided, dsr.CaseRefused, "Excessive."
	store := newStore(c)
	s := newService(store, asa, &fakeMailbox{}, zerolog.Nop(), time.Now)
	if _, err := s.SendAnswer(context.Background(), c.ID, officer); err != nil {
		t.Fatal(err)
	}
	if pdf, err := s.Preview(context.Background(), c.ID, officer); err != nil || !strings.HasPrefix(string(pdf), "%PDF decision refused") {
		t.Errorf("the sent refusal's preview = %q, %v; want the decision that left", pdf, err)
	}
}
