package deadline

import "time"

// Deadlines are the dates a request is measured against, all counted from
// the day it was received (RULES §2).
type Deadlines struct {
	// TargetOn is the internal service target: one month after receipt,
	// never rolled.
	TargetOn time.Time
	// DueOn is the legal deadline for the answer, a refusal under
	// Art. 12(4), or an extension notice: one month after receipt, rolled.
	DueOn time.Time
	// ExtendedDueOn is the deadline that applies if an extension notice was
	// sent on or before DueOn: three months after receipt (not after DueOn),
	// rolled.
	ExtendedDueOn time.Time
}

// Compute returns the deadlines of a request received on receivedOn, a
// calendar date that may be a weekend or holiday.
func (c Calendar) Compute(receivedOn time.Time) Deadlines {
	target := AddMonths(receivedOn, 1)
	return Deadlines{
		TargetOn:      target,
		DueOn:         c.Roll(target),
		ExtendedDueOn: c.Roll(AddMonths(receivedOn, 3)),
	}
}
