package mailbox

import (
	"errors"
	"strings"
)

// senderPrefix goes before the ten digits of an organisation number to make
// the sender id the service knows the sender by.
const senderPrefix = "16"

// SenderID returns the id the mailbox service knows a sender by: 16
// followed by the ten digits of its organisation number, so "202100-5521"
// is "162021005521". orgNo is ten digits, with or without a dash before
// the last four, with a correct check digit and a third digit of at least 2
// as every legal person's number has. The error never repeats orgNo: a
// mistyped value may be a personal identity number.
func SenderID(orgNo string) (string, error) {
	digits := orgNo
	if len(orgNo) == 11 && orgNo[6] == '-' {
		digits = orgNo[:6] + orgNo[7:]
	}
	switch {
	case len(digits) != 10 || !allDigits(digits):
		return "", errors.New("mailbox: the sender's organisation number must be ten digits, as NNNNNN-NNNN or NNNNNNNNNN")
	case digits[2] < '2':
		return "", errors.New("mailbox: the sender's organisation number must have a third digit of 2 or more, as a legal person's number has; this looks like a personal identity number")
	case !luhnValid(digits):
		return "", errors.New("mailbox: the sender's organisation number has a wrong check digit")
	}
	return senderPrefix + digits, nil
}

// isSenderID reports whether s is a sender id as SenderID makes them.
func isSenderID(s string) bool {
	if len(s) != 12 || !strings.HasPrefix(s, senderPrefix) {
		return false
	}
	id, err := SenderID(s[len(senderPrefix):])
	return err == nil && id == s
}

// luhnValid reports whether the last of the ASCII digits in s is the Luhn
// check digit of the others, as for organisation and identity numbers.
func luhnValid(s string) bool {
	sum := 0
	for i := 0; i < len(s); i++ {
		d := int(s[len(s)-1-i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}
