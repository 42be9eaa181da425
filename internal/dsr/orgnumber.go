package dsr

import (
	"errors"
	"strings"

	"dsrdesk/internal/pnr"
)

// OrgNumberDigits returns the ten digits of a Swedish organisation number
// written NNNNNN-NNNN or NNNNNNNNNN, or why it is not one: ten digits, a
// third digit of at least 2 as every legal person's number has (a personal
// identity number has its month there), and the check digit of RULES §6.
// The error never repeats s: a mistyped value may be an identity number.
func OrgNumberDigits(s string) (string, error) {
	digits := s
	if len(s) == 11 && s[6] == '-' {
		digits = s[:6] + s[7:]
	}
	switch {
	case len(digits) != 10 || strings.ContainsFunc(digits, func(r rune) bool { return r < '0' || r > '9' }):
		return "", errors.New("an organisation number is ten digits, as NNNNNN-NNNN or NNNNNNNNNN")
	case digits[2] < '2':
		return "", errors.New("an organisation number has a third digit of 2 or more, as a legal person's number has; this looks like a personal identity number")
	case !pnr.CheckDigitValid(digits):
		return "", errors.New("the organisation number has a wrong check digit")
	}
	return digits, nil
}
