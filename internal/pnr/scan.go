package pnr

import (
	"iter"
	"strings"
)

// Redacted is what Redact puts in place of anything shaped like a number.
const Redacted = "[pnr]"

// shape is one run of text shaped like a personal identity number:
// s[start:end], with the separator at sep, or sep < 0 when there is none.
type shape struct {
	start, end, sep int
}

// digits returns the 10 or 12 digits of the run without its separator.
func (m shape) digits(s string) string {
	if m.sep < 0 {
		return s[m.start:m.end]
	}
	return s[m.start:m.sep] + s[m.sep+1:m.end]
}

// shapes is the one scanner behind LooksLike, Redact and HoldsPlausible. It
// yields, left to right, every run of s shaped like a personal identity or
// coordination number: 10 or 12 digits in a row, or 6 or 8 digits, one of
// '-', '+' or a space, and 4 digits; in either case not part of a longer run
// of digits. Letters next to a run do not protect it: "id811218-9876"
// holds one, because an identity number pasted into an identifier or a
// word is still an identity number. Non-ASCII digits are not digits here,
// as they are not in Parse.
func shapes(s string) iter.Seq[shape] {
	return func(yield func(shape) bool) {
		i := 0
		for i < len(s) {
			if !isDigit(s[i]) {
				i++
				continue
			}
			// s[i] starts a maximal run of digits: the byte before it, if
			// any, is not a digit, or it would have been consumed with its run.
			j := digitRunEnd(s, i)
			n := j - i
			if (n == 6 || n == 8) && j < len(s) && isSeparator(s[j]) {
				if k := digitRunEnd(s, j+1); k-(j+1) == 4 {
					if !yield(shape{start: i, end: k, sep: j}) {
						return
					}
					i = k
					continue
				}
			}
			if n == 10 || n == 12 {
				if !yield(shape{start: i, end: j, sep: -1}) {
					return
				}
			}
			i = j
		}
	}
}

// LooksLike reports whether free text (an address line, a postcode, a
// manifest field, a case number) holds anything shaped like an identity
// number. It errs on the side of refusing: a ten-digit telephone number
// matches too, and so does a mistyped number, which is still personal data.
func LooksLike(s string) bool {
	for range shapes(s) {
		return true
	}
	return false
}

// Redact returns s with every run that LooksLike would find replaced by
// Redacted, for scrubbing log text. The check digit and date are not
// checked, so the rule errs towards hiding too much.
func Redact(s string) string {
	var b strings.Builder
	last := 0
	for m := range shapes(s) {
		if last == 0 {
			b.Grow(len(s))
		}
		b.WriteString(s[last:m.start])
		b.WriteString(Redacted)
		last = m.end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// HoldsPlausible reports whether an opaque identifier (a batch or record
// id) holds a run that is not only shaped like an identity number but could
// be one: a date that exists (or a coordination number's day plus 60, with
// month 00 or day 60 when unknown), a serial other than 000, a century of 18,
// 19 or 20 in the 12-digit form, and a correct check digit.
//
// Identifiers get this narrower test because they are random: a UUID often
// has a run of digits shaped like an identity number, which LooksLike would
// refuse. A real number leaked into an identifier passes these checks and is
// still caught.
func HoldsPlausible(s string) bool {
	for m := range shapes(s) {
		if plausible(m.digits(s)) {
			return true
		}
	}
	return false
}

// plausible reports whether 10 or 12 digits could be a number: see
// HoldsPlausible.
func plausible(d string) bool {
	if len(d) == 12 {
		c := atoi(d[:2])
		return c >= 18 && c <= 20 && PNR(d).Valid()
	}
	// Without a century, 29 February exists in one of them. The check digit
	// does not depend on the century.
	return PNR("19"+d).Valid() || PNR("20"+d).Valid()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isSeparator(c byte) bool { return c == '-' || c == '+' || c == ' ' }

// digitRunEnd returns the index just past the run of digits starting at i.
func digitRunEnd(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// OpaqueID returns the first id from next that HoldsPlausible does not
// flag. Record and batch ids travel to the print shop, whose manifest check
// refuses anything that could be an identity number; about one random UUID
// in ten thousand holds such a run by chance, so ids are drawn until one
// does not.
func OpaqueID(next func() string) string {
	for {
		if id := next(); !HoldsPlausible(id) {
			return id
		}
	}
}
