package dsr

import "time"

// PrintReport is one line of the print shop's status file: a letter (by
// its print record id), what happened to it, and when.
type PrintReport struct {
	Line     int
	RecordID string
	Status   LetterStatus
	At       time.Time
}

// Rejection is a line of an imported file that was not applied, and why.
type Rejection struct {
	Line   int
	Reason string
}

// Reportable reports whether the print shop may move a letter in status
// from to status to: a batched letter is printed, handed to the post or
// (handed over already) returned; a printed one handed over or returned;
// one handed over returned. Nothing else: a letter that never reached the
// print shop, or one already returned, cannot be reported on.
func Reportable(from, to LetterStatus) bool {
	switch to {
	case LetterPrinted:
		return from == LetterBatched
	case LetterHandedOver:
		return from == LetterBatched || from == LetterPrinted
	case LetterReturned:
		return from == LetterPrinted || from == LetterHandedOver
	}
	return false
}

// Reprintable reports whether a letter may be printed again: it reached
// the print shop (a damaged print) or came back (returned mail).
func Reprintable(s LetterStatus) bool {
	return s == LetterBatched || s == LetterPrinted || s == LetterHandedOver || s == LetterReturned
}

// FlagReturnedMail marks a case whose letter came back: the officer looks
// the address up again and resends.
const FlagReturnedMail Flag = "returned_mail"
