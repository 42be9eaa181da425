package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"dsrdesk/internal/dsr"
)

// Genesis is the previous-hash of the first entry of a chain.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// TimeLayout is how an entry's time is written, both in the store and in
// the hashed content, so that a round trip never changes the hash.
const TimeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// Hash computes the hash of an event from its sequence number, content and
// the previous entry's hash. Fields are length-prefixed so that moving text
// from one field to another changes the hash.
func Hash(e dsr.AuditEvent) string {
	h := sha256.New()
	for _, f := range []string{
		strconv.FormatInt(e.Seq, 10),
		e.At.UTC().Format(TimeLayout),
		e.Actor, e.Action, e.CaseID, e.Detail, e.PrevHash,
	} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Seal fills in PrevHash and Hash of an event that follows prev (the hash
// of the previous entry, or Genesis).
func Seal(e *dsr.AuditEvent, prev string) {
	e.PrevHash = prev
	e.At = e.At.UTC().Truncate(time.Nanosecond)
	e.Hash = Hash(*e)
}

// Verify checks a chain read in sequence order. It returns the number of
// entries checked and an error naming the first broken entry.
func Verify(events []dsr.AuditEvent) (int, error) {
	prev := Genesis
	for i, e := range events {
		if e.PrevHash != prev {
			return i, fmt.Errorf("audit entry %d: does not follow entry before it (chain broken)", e.Seq)
		}
		if Hash(e) != e.Hash {
			return i, fmt.Errorf("audit entry %d: content does not match its hash (altered)", e.Seq)
		}
		prev = e.Hash
	}
	return len(events), nil
}
