package dsr

import (
	"testing"
	"time"
)

func TestOutcomes(t *testing.T) {
	today := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	access, erasure := []Kind{KindAccess}, []Kind{KindErasure}
	tests := []struct {
		name    string
		kinds   []Kind
		status  Status
		outcome CaseOutcome
		reasons string
		key     string // "" when recorded
		next    Status
	}{
		{"an extract answers the request", access, StatusAssembled, CaseAnswered, "", "", StatusAssembled},
		{"a refusal needs its reasons", access, StatusReceived, CaseRefused, "", "outcome.reasons_missing", ""},
		{"a refusal with reasons is the answer", access, StatusReceived, CaseRefused, "The fifth identical request this month.", "", StatusDecided},
		{"identity not established is a decision", access, StatusReceived, CaseIdentityNotEstablished, "No proof within four weeks.", "", StatusDecided},
		{"no data is the answer", access, StatusAssembled, CaseNoData, "", "", StatusDecided},
		{"a withdrawn request closes", access, StatusAssembled, CaseWithdrawn, "", "", StatusClosed},
		{"an unknown outcome", access, StatusReceived, "maybe", "", "outcome.unknown", ""},
		{"a change request is answered by its decision", erasure, StatusReceived, CaseAnswered, "", "outcome.follows_decision", ""},
		{"a change request may be refused before evaluation", erasure, StatusReceived, CaseRefused, "Manifestly excessive.", "", StatusDecided},
		{"an evaluated change request may be withdrawn", erasure, StatusEvaluated, CaseWithdrawn, "", "", StatusClosed},
		{"but not refused wholesale", erasure, StatusEvaluated, CaseRefused, "x", "outcome.evaluated", ""},
		{"a sent case keeps its outcome", access, StatusSent, CaseRefused, "x", "case.answered", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Case{Kinds: tt.kinds, Status: tt.status, DueOn: today.AddDate(0, 1, 0)}
			err := c.RecordOutcome(tt.outcome, tt.reasons, today)
			if tt.key != "" {
				if e := AsError(err); e == nil || e.Key != tt.key {
					t.Fatalf("RecordOutcome = %v, want key %s", err, tt.key)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Outcome != tt.outcome || c.Status != tt.next || c.DecidedOn == nil {
				t.Errorf("case = %s %s decided %v, want %s %s", c.Outcome, c.Status, c.DecidedOn, tt.outcome, tt.next)
			}
		})
	}
}

func TestSendWaitsForWhatTheCaseNeeds(t *testing.T) {
	today := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		mod  func(c *Case)
		key  string
	}{
		{"nothing missing", func(*Case) {}, ""},
		{"sign-off required and pending", func(c *Case) { c.SignOff = SignOff{Required: true, State: SignOffPending} }, "case.signoff_missing"},
		{"sign-off returned", func(c *Case) { c.SignOff = SignOff{Required: true, State: SignOffReturned} }, "case.signoff_missing"},
		{"sign-off approved", func(c *Case) { c.SignOff = SignOff{Required: true, State: SignOffApproved} }, ""},
		{"waiting for identity", func(c *Case) { c.Waiting = WaitingIdentity }, "case.waiting_identity"},
		{"waiting for a mandate", func(c *Case) { c.Waiting = WaitingMandate }, "case.waiting_mandate"},
		{"an assembled extract of a refused case", func(c *Case) { c.Outcome = CaseRefused }, "case.outcome_mismatch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Case{Kinds: []Kind{KindAccess}, Status: StatusAssembled, Channel: ChannelLetter, DueOn: today.AddDate(0, 1, 0)}
			tt.mod(c)
			err := c.Check(ActSend, today)
			if e := AsError(err); tt.key == "" && err != nil || tt.key != "" && (e == nil || e.Key != tt.key) {
				t.Fatalf("Check(send) = %v, want %q", err, tt.key)
			}
		})
	}
}

func TestSignOffPolicy(t *testing.T) {
	tests := []struct {
		policy     SignOffPolicy
		outcome    CaseOutcome
		overridden bool
		protected  bool
		want       bool
	}{
		{SignOffDefault, CaseAnswered, false, false, false},
		{SignOffDefault, CaseRefused, false, false, true},
		{SignOffDefault, CasePartlyRefused, false, false, true},
		{SignOffDefault, CaseIdentityNotEstablished, false, false, true},
		{SignOffDefault, CaseAnswered, true, false, true},
		{SignOffDefault, CaseAnswered, false, true, true},
		{SignOffDefault, CaseNoData, false, false, false},
		{SignOffAll, CaseAnswered, false, false, true},
		{SignOffOff, CaseRefused, true, true, false},
	}
	for _, tt := range tests {
		if got := tt.policy.Needs(tt.outcome, tt.overridden, tt.protected); got != tt.want {
			t.Errorf("%s.Needs(%s, overridden=%v, protected=%v) = %v, want %v", tt.policy, tt.outcome, tt.overridden, tt.protected, got, tt.want)
		}
	}
}

func TestStage(t *testing.T) {
	today := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	c := &Case{Kinds: []Kind{KindAccess}, Status: StatusAssembled, Outcome: CaseAnswered}
	if c.Stage(today) != StageReady {
		t.Errorf("an assembled extract with nothing flagged is %q, want ready", c.Stage(today))
	}
	c.SetFlag(FlagWithheld, true)
	if c.Stage(today) != StageNone {
		t.Errorf("a flagged case is %q, want no stage: it needs a judgement", c.Stage(today))
	}
	c.PrepareSignOff(SignOffDefault, false)
	c.Outcome = CasePartlyRefused
	c.PrepareSignOff(SignOffDefault, false)
	if c.Stage(today) != StageSignOff {
		t.Errorf("a partial refusal is %q, want the sign-off queue", c.Stage(today))
	}
	c.Waiting = WaitingMandate
	if c.Stage(today) != StageWaiting {
		t.Errorf("a case waiting for a mandate is %q", c.Stage(today))
	}
	c.Status = StatusSent
	if c.Stage(today) != StageNone {
		t.Error("an answered case is in a work queue")
	}
}

// TestEvaluated: an evaluation that finds nothing decides a request to
// change data "no data" at once; one that asks for an extract too waits for
// it; finding items again takes the "no data" back.
func TestEvaluated(t *testing.T) {
	today := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	due := today.AddDate(0, 1, 0)
	erasure := &Case{Kinds: []Kind{KindErasure}, Status: StatusReceived, DueOn: due}
	erasure.Evaluated(0, today)
	if erasure.Status != StatusDecided || erasure.Outcome != CaseNoData || erasure.DecidedOn == nil {
		t.Fatalf("nothing found: %s %s %v, want decided no_data", erasure.Status, erasure.Outcome, erasure.DecidedOn)
	}
	if err := erasure.Check(ActExecute, today); err == nil {
		t.Error("a case decided no data may still be executed")
	}
	erasure.Evaluated(3, today)
	if erasure.Status != StatusEvaluated || erasure.Outcome != "" || erasure.DecidedOn != nil {
		t.Fatalf("found again: %s %q %v, want evaluated with no outcome", erasure.Status, erasure.Outcome, erasure.DecidedOn)
	}
	both := &Case{Kinds: []Kind{KindAccess, KindErasure}, Status: StatusReceived, DueOn: due}
	both.Evaluated(0, today)
	if both.Status != StatusEvaluated || both.Outcome != "" {
		t.Fatalf("access and erasure, nothing to erase: %s %q, want evaluated, the extract still to come", both.Status, both.Outcome)
	}
}
