package pnr

import "regexp"

// shapePattern matches what looks like an identity or coordination number in
// free text: 10 or 12 digits, optionally with '-', '+' or a space before the
// last four, standing on its own.
var shapePattern = regexp.MustCompile(`\b(?:\d{2})?\d{6}[-+ ]?\d{4}\b`)

// LooksLike reports whether free text (an address line, a postcode, a
// manifest field) holds anything shaped like an identity number. It errs on
// the side of refusing: a ten-digit telephone number matches too.
func LooksLike(s string) bool {
	return shapePattern.MatchString(s)
}

// HoldsPlausible reports whether an opaque identifier (a batch or record
// id) holds something that is not only shaped like an identity number but
// could be one: a date that exists (or a coordination number's day plus 60),
// a century of 18, 19 or 20 in the 12-digit form, and a correct check digit.
//
// Identifiers get this narrower test because they are random: about one UUID
// in 150 has a run of digits shaped like an identity number, which LooksLike
// would refuse. A real number leaked into an identifier passes these checks
// and is still caught.
func HoldsPlausible(s string) bool {
	for _, m := range shapePattern.FindAllString(s, -1) {
		d := make([]byte, 0, 12)
		for i := 0; i < len(m); i++ {
			if isDigit(m[i]) {
				d = append(d, m[i])
			}
		}
		candidates := []string{string(d)}
		if len(d) == 10 {
			// Without a century, 29 February exists in one of them.
			candidates = []string{"19" + string(d), "20" + string(d)}
		}
		for _, full := range candidates {
			if c := atoi(full[:2]); c >= 18 && c <= 20 && validDate(full) && validCheckDigit(full[2:]) {
				return true
			}
		}
	}
	return false
}
