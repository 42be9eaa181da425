// Package deadline owns the Swedish calendar and the deadline rule of RULES §2:
// which days are public holidays (lag (1989:253) om allmänna helgdagar), how a
// date is moved past weekends and holidays (Reg. 1182/71 art. 3(4)), and the
// target, due and extended due dates of a request counted from the day it was
// received. It does no I/O and never reads the clock.
//
// A date is a time.Time at midnight UTC standing for a calendar date, as
// everywhere in dsrdesk (see dsr.Day). Functions here read only the year,
// month and day of their arguments and return dates in that form.
package deadline
