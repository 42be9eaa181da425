package mailbox

import (
	"fmt"
	"strings"

	"dsrdesk/internal/dsr"
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
	digits, err := dsr.OrgNumberDigits(orgNo)
	if err != nil {
		return "", fmt.Errorf("mailbox: the sender's organisation number: %w", err)
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
