package pnr

import "strings"

// Redacted is what Redact puts in place of anything shaped like a number.
const Redacted = "[pnr]"

// Redact returns s with every run shaped like a personal identity number
// replaced by Redacted, for scrubbing log text. A run is shaped like one when
// it is 10 or 12 digits, or 6 or 8 digits, a '-' or '+', and 4 digits, and is
// not part of a longer run of digits. The check digit and date are not
// checked: a mistyped number is still personal data. Letters next to the
// run do not protect it ("id811218-9876" is redacted), so the rule errs
// towards hiding too much.
func Redact(s string) string {
	var b strings.Builder
	changed := false
	i := 0
	for i < len(s) {
		if !isDigit(s[i]) {
			b.WriteByte(s[i])
			i++
			continue
		}
		// s[i] starts a maximal run of digits (the previous byte, if any,
		// was not a digit, or it would have been consumed with its run).
		j := digitRunEnd(s, i)
		first := j - i
		if (first == 6 || first == 8) && j < len(s) && (s[j] == '-' || s[j] == '+') {
			if k := digitRunEnd(s, j+1); k-(j+1) == 4 {
				b.WriteString(Redacted)
				changed = true
				i = k
				continue
			}
		}
		if first == 10 || first == 12 {
			b.WriteString(Redacted)
			changed = true
		} else {
			b.WriteString(s[i:j])
		}
		i = j
	}
	if !changed {
		return s
	}
	return b.String()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// digitRunEnd returns the index just past the run of digits starting at i.
func digitRunEnd(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}
