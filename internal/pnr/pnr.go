package pnr

import (
	"fmt"
	"strings"
	"time"
)

// Messages of the errors Parse returns. None contains a digit, so a message
// can never echo any part of the number it is about.
const (
	msgFormat     = "The personal identity number must be written YYMMDD-NNNC, YYMMDDNNNC, YYYYMMDD-NNNC or YYYYMMDDNNNC."
	msgLength     = "The personal identity number is not ten or twelve digits."
	msgCheckDigit = "The personal identity number has the wrong check digit."
	msgDate       = "The personal identity number contains a date that does not exist."
)

// coordinationOffset is what a samordningsnummer adds to the day of the month.
const coordinationOffset = 60

// PNR is a personal identity number or coordination number in its stored
// form: exactly 12 digits, YYYYMMDDNNNC. Values produced by Parse are always
// valid; a value read from elsewhere can be checked with Valid.
type PNR string

// Parse reads a personal identity number or coordination number written in
// one of the forms RULES §6 accepts — YYMMDD-NNNC, YYMMDD+NNNC, YYMMDDNNNC,
// YYYYMMDDNNNC or YYYYMMDD-NNNC — ignoring surrounding white space.
//
// For the ten-digit forms the century is inferred from today's calendar
// date: with '-' or no separator the person is under 100, so the latest
// century in which the date is not after today is chosen; with '+' the
// person is 100 or older, so the century before that. today is injected so
// that the result never depends on the clock.
//
// Every error is a *Error. No message contains any part of the input, so a
// caller may show it as it is.
func Parse(s string, today time.Time) (PNR, error) {
	s = strings.TrimSpace(s)

	var digits, sep string
	switch {
	case len(s) == 11 && (s[6] == '-' || s[6] == '+'):
		digits, sep = s[:6]+s[7:], s[6:7]
	case len(s) == 13 && s[8] == '-':
		digits, sep = s[:8]+s[9:], "-"
	default:
		digits = s
	}
	if !allDigits(digits) {
		return "", invalid(msgFormat)
	}

	var full string
	switch len(digits) {
	case 12:
		full = digits
	case 10:
		year, ok := inferYear(digits, sep == "+", today)
		if !ok {
			return "", invalid(msgDate)
		}
		full = fmt.Sprintf("%04d", year) + digits[2:]
	default:
		return "", invalid(msgLength)
	}

	if !validDate(full) {
		return "", invalid(msgDate)
	}
	if !validCheckDigit(full[2:]) {
		return "", invalid(msgCheckDigit)
	}
	return PNR(full), nil
}

// String returns the stored 12-digit form, YYYYMMDDNNNC. Never log it.
func (p PNR) String() string { return string(p) }

// Display returns the number as it is shown to staff and the person,
// YYYYMMDD-NNNC. A value that is not 12 characters long is returned as is.
func (p PNR) Display() string {
	if len(p) != 12 {
		return string(p)
	}
	return string(p[:8]) + "-" + string(p[8:])
}

// IsCoordination reports whether p is a coordination number
// (samordningsnummer), whose day of the month has 60 added to it.
func (p PNR) IsCoordination() bool {
	if len(p) != 12 || !allDigits(string(p)) {
		return false
	}
	return atoi(string(p[6:8])) > coordinationOffset
}

// Valid reports whether p, for example a value read back from the store, is
// 12 digits with a date that exists and a correct check digit.
func (p PNR) Valid() bool {
	s := string(p)
	return len(s) == 12 && allDigits(s) && validDate(s) && validCheckDigit(s[2:])
}

// Error says why a text is not a valid number. Its message holds no digit,
// so it can never echo any part of the number it is about.
type Error struct {
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string { return e.Message }

func invalid(msg string) *Error { return &Error{Message: msg} }

// inferYear returns the four-digit year of a ten-digit number (YYMMDDNNNC).
// ok is false when the month or day cannot be compared at all.
func inferYear(digits string, plus bool, today time.Time) (year int, ok bool) {
	yy := atoi(digits[0:2])
	month := atoi(digits[2:4])
	day := atoi(digits[4:6])
	if day > coordinationOffset {
		day -= coordinationOffset
	}
	if month < 1 || month > 12 || day < 1 || day > 31 {
		return 0, false
	}
	ty, tm, td := today.Date()
	year = ty - ty%100 + yy
	// Compare (month, day) as numbers rather than building a time.Time, which
	// would quietly turn 29 February of a common year into 1 March.
	if year > ty || (year == ty && (month > int(tm) || (month == int(tm) && day > td))) {
		year -= 100
	}
	if plus {
		year -= 100
	}
	return year, true
}

// validDate reports whether the YYYYMMDD at the start of a 12-digit number is
// a date that exists, allowing for the coordination-number day offset.
func validDate(full string) bool {
	year := atoi(full[0:4])
	month := atoi(full[4:6])
	day := atoi(full[6:8])
	if day > coordinationOffset {
		day -= coordinationOffset
	}
	return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month)
}

// validCheckDigit checks the last of ten digits (the number without century)
// against the first nine: weights 2,1,2,1,…, digit sums of the products.
func validCheckDigit(ten string) bool {
	return int(ten[9]-'0') == checkDigit(ten[:9])
}

// checkDigit is the one implementation of the check digit (RULES §6): over
// nine digits, weights 2,1,2,1,…, the digits of the products summed,
// (10 − sum mod 10) mod 10.
func checkDigit(nine string) int {
	sum := 0
	for i := 0; i < 9; i++ {
		v := int(nine[i]-'0') * (2 - i%2)
		sum += v/10 + v%10
	}
	return (10 - sum%10) % 10
}

// Complete returns the number whose first eleven digits (YYYYMMDDNNN) are
// given, with its check digit added; for building test and demo numbers.
// It returns "" when first11 is not eleven digits.
func Complete(first11 string) PNR {
	if len(first11) != 11 || !allDigits(first11) {
		return ""
	}
	return PNR(first11 + string(rune('0'+checkDigit(first11[2:]))))
}

// daysIn returns the number of days in month of year (Gregorian calendar).
func daysIn(year, month int) int {
	// Day 0 of the next month is the last day of this one.
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// atoi converts a short run of ASCII digits already checked by allDigits.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
