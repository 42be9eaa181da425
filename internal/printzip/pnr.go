package printzip

import "regexp"

// pnrPattern matches what looks like a Swedish personal identity or
// coordination number: 10 or 12 digits, optionally with -, + or a space
// before the last four, standing on its own.
var pnrPattern = regexp.MustCompile(`\b(?:\d{2})?\d{6}[-+ ]?\d{4}\b`)

// looksLikePNR reports whether free text (an address line, a postcode, a
// product class) holds anything shaped like an identity number. It is meant
// to err on the side of refusing: a ten-digit telephone number is refused too.
func looksLikePNR(s string) bool {
	return pnrPattern.MatchString(s)
}

// holdsPNR reports whether an opaque identifier (a batch or record id) holds
// something that is not only shaped like an identity number but could be one:
// a real month, a day of month (or a coordination number's day plus 60), a
// century of 18, 19 or 20 in the 12-digit form, and a correct check digit.
//
// Identifiers get this narrower test because they are random: about one UUID
// in 150 has a run of digits shaped like an identity number, which the
// shape test alone would refuse, and with it every batch holding that letter.
// A real number leaked into an identifier by a bug passes these checks and is
// still refused.
func holdsPNR(s string) bool {
	for _, m := range pnrPattern.FindAllString(s, -1) {
		if plausiblePNR(m) {
			return true
		}
	}
	return false
}

// plausiblePNR applies the date and check-digit rules of RULES §6 to a match
// of pnrPattern.
func plausiblePNR(m string) bool {
	d := make([]byte, 0, 12)
	for i := 0; i < len(m); i++ {
		if m[i] >= '0' && m[i] <= '9' {
			d = append(d, m[i]-'0')
		}
	}
	if len(d) == 12 {
		century := 10*int(d[0]) + int(d[1])
		if century < 18 || century > 20 {
			return false
		}
		d = d[2:]
	}
	if len(d) != 10 {
		return false
	}
	month := 10*int(d[2]) + int(d[3])
	day := 10*int(d[4]) + int(d[5])
	if day > 60 {
		day -= 60 // samordningsnummer
	}
	if month < 1 || month > 12 || day < 1 || day > 31 {
		return false
	}
	sum := 0
	for i := 0; i < 9; i++ {
		p := int(d[i]) * (2 - i%2)
		sum += p/10 + p%10
	}
	return (10-sum%10)%10 == int(d[9])
}
