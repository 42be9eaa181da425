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
	msgSerial     = "The personal identity number has a serial number that is never issued."
)

// coordinationOffset is what a samordningsnummer adds to the day of the month.
// A samordningsnummer whose birth day Skatteverket does not know carries the
// day 00 plus the offset, 60; one whose birth month it does not know carries
// the month 00 (RULES §6).
const coordinationOffset = 60

// unissuedSerial is the serial (the three digits after the date) that is
// never issued, so a number carrying it is invalid (RULES §6).
const unissuedSerial = "000"

// PNR is a personal identity number or coordination number in its stored
// form: exactly 12 digits, YYYYMMDDNNNC. Values produced by Parse are always
// valid; a value read from elsewhere can be checked with Valid.
type PNR string

// Parse reads a personal identity number or coordination number written in
// one of the forms RULES §6 accepts — YYMMDD-NNNC, YYMMDD+NNNC, YYMMDDNNNC,
// YYYYMMDDNNNC, YYYYMMDD-NNNC or YYYYMMDD+NNNC — ignoring surrounding white
// space. With the century written out the '+' adds nothing.
//
// For the ten-digit forms the century is inferred from today's calendar
// date: with '-' or no separator the person is under 100, so the latest
// century in which the date is not after today is chosen; with '+' the
// person is 100 or older, so the century before that. today is injected so
// that the result never depends on the clock. A samordningsnummer with an
// unknown birth month (00) or day (60) is compared with today as if the
// unknown part were 0, the earliest it could be: a number from this year
// with the month unknown belongs to this century, and one from this month
// with the day unknown too. The number cannot say more, and RULES §6 forbids
// drawing legal facts from it anyway.
//
// Every error is a *Error. No message contains any part of the input, so a
// caller may show it as it is.
func Parse(s string, today time.Time) (PNR, error) {
	s = strings.TrimSpace(s)

	var digits, sep string
	switch {
	case len(s) == 11 && (s[6] == '-' || s[6] == '+'):
		digits, sep = s[:6]+s[7:], s[6:7]
	case len(s) == 13 && (s[8] == '-' || s[8] == '+'):
		digits, sep = s[:8]+s[9:], s[8:9]
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
		full = fmt.Sprintf("%04d", inferYear(digits, sep == "+", today)) + digits[2:]
	default:
		return "", invalid(msgLength)
	}

	if !validDate(full) {
		return "", invalid(msgDate)
	}
	if full[8:11] == unissuedSerial {
		return "", invalid(msgSerial)
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

// IsCoordination reports whether p is a valid coordination number
// (samordningsnummer), whose day of the month has 60 added to it: day 60
// (an unknown day) up to 91. An invalid p is neither kind of number.
func (p PNR) IsCoordination() bool {
	return p.Valid() && atoi(string(p[6:8])) >= coordinationOffset
}

// Valid reports whether p, for example a value read back from the store, is
// 12 digits with a date that exists (for a samordningsnummer, the month may
// be 00 and the day 60 when the birth date is not known), a serial other than
// 000 and a correct check digit.
func (p PNR) Valid() bool {
	s := string(p)
	return len(s) == 12 && allDigits(s) && validDate(s) && s[8:11] != unissuedSerial && validCheckDigit(s[2:])
}

// DateShown returns the date written in a valid number: for a
// samordningsnummer the day less 60, with month or day 0 where the number
// says the birth month or day is unknown. It is what the number shows, not
// necessarily a birth date (RULES §6): never derive an age or another legal
// fact from it; the population register's birth date is the one to use. ok
// is false for a number that is not valid.
func (p PNR) DateShown() (year, month, day int, ok bool) {
	if !p.Valid() {
		return 0, 0, 0, false
	}
	year, month, day, _ = dateParts(string(p))
	return year, month, day, true
}

// Error says why a text is not a valid number. Its message holds no digit,
// so it can never echo any part of the number it is about.
type Error struct {
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string { return e.Message }

func invalid(msg string) *Error { return &Error{Message: msg} }

// inferYear returns the four-digit year of a ten-digit number (YYMMDDNNNC),
// whose date is checked afterwards. An unknown month or day (0) compares as
// the earliest it could be; see Parse.
func inferYear(digits string, plus bool, today time.Time) int {
	_, month, day, _ := dateParts("00" + digits)
	ty, tm, td := today.Date()
	year := ty - ty%100 + atoi(digits[0:2])
	// Compare (month, day) as numbers rather than building a time.Time, which
	// would quietly turn 29 February of a common year into 1 March.
	if year > ty || (year == ty && (month > int(tm) || (month == int(tm) && day > td))) {
		year -= 100
	}
	if plus {
		year -= 100
	}
	return year
}

// dateParts splits the YYYYMMDD at the start of a 12-digit number, taking
// the coordination-number offset off the day: coord reports a day of 60 or
// more, and day is then 0 when the number says the day is unknown.
func dateParts(full string) (year, month, day int, coord bool) {
	year, month, day = atoi(full[0:4]), atoi(full[4:6]), atoi(full[6:8])
	if day >= coordinationOffset {
		return year, month, day - coordinationOffset, true
	}
	return year, month, day, false
}

// validDate reports whether the YYYYMMDD at the start of a 12-digit number is
// a date that exists. A samordningsnummer (day plus 60) may carry month 00,
// day 60 (00 plus 60) or both when the birth date is unknown; an ordinary
// number may not. A known day with an unknown month may be up to 31.
func validDate(full string) bool {
	year, month, day, coord := dateParts(full)
	if !coord {
		return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month)
	}
	switch {
	case month > 12:
		return false
	case day == 0:
		return true
	case month == 0:
		return day <= 31
	}
	return day <= daysIn(year, month)
}

// CheckDigitValid reports whether s is ten ASCII digits whose last is the
// check digit of the first nine (RULES §6). Organisation numbers follow
// the same rule.
func CheckDigitValid(s string) bool {
	return len(s) == 10 && allDigits(s) && validCheckDigit(s)
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
