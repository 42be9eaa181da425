package dsr

import (
	"testing"
	"time"
)

// TestLetterLeftAndReached: a letter counts as sent from the moment it
// left (mailbox or print batch, and on from there); an answer counts as
// given to the person only on the operator's receipt or the print shop's
// hand-over, and the first such day is kept.
func TestLetterLeftAndReached(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(DateLayout, s); return d }
	for _, tc := range []struct {
		status        LetterStatus
		sent, reached bool
	}{
		{LetterPending, false, false},
		{LetterSending, false, false},
		{LetterQueued, false, false},
		{LetterDelivered, true, true},
		{LetterBatched, true, false},
		{LetterPrinted, true, false},
		{LetterHandedOver, true, true},
		{LetterReturned, true, false},
	} {
		l := &Letter{Purpose: PurposeAnswer, Status: tc.status}
		if l.Sent() != tc.sent || l.Reached() != tc.reached {
			t.Errorf("%s: sent %t reached %t, want %t %t", tc.status, l.Sent(), l.Reached(), tc.sent, tc.reached)
		}
		c := &Case{}
		c.LetterReached(l, day("2026-11-24"))
		if (c.AnsweredOn != nil) != tc.reached {
			t.Errorf("%s: answered_on %v", tc.status, c.AnsweredOn)
		}
	}
	c := &Case{}
	c.LetterReached(&Letter{Purpose: PurposeExtensionNotice, Status: LetterDelivered}, day("2026-11-20"))
	if c.AnsweredOn != nil {
		t.Fatal("an extension notice answered the case")
	}
	c.LetterReached(&Letter{Purpose: PurposeAnswer, Status: LetterHandedOver}, day("2026-11-24"))
	c.LetterReached(&Letter{Purpose: PurposeAnswer, Status: LetterDelivered}, day("2026-11-30"))
	if c.AnsweredOn == nil || !c.AnsweredOn.Equal(day("2026-11-24")) {
		t.Fatalf("answered_on %v, want the first day", c.AnsweredOn)
	}
}

func TestMandateInForce(t *testing.T) {
	today, _ := time.Parse(DateLayout, "2026-11-23")
	for _, tc := range []struct {
		from, to string
		ok       bool
	}{
		{"", "", true},
		{"2026-01-01", "", true},
		{"2026-11-23", "2026-11-23", true},
		{"2026-11-24", "", false},
		{"", "2026-11-22", false},
		{"2026-13-01", "", false},
	} {
		m := &Mandate{From: tc.from, To: tc.to}
		if got := m.InForce(today); got != tc.ok {
			t.Errorf("%q–%q: %t, want %t", tc.from, tc.to, got, tc.ok)
		}
	}
}
