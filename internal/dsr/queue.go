package dsr

import (
	"encoding/base64"
	"strings"
	"time"
)

// Queue is a view of the case list that officers and the DPO work from.
type Queue string

// The queues.
const (
	QueueOpen       Queue = "open"       // every case not yet answered (the default)
	QueueDueSoon    Queue = "due_soon"   // open, due within DueSoonDays
	QueueOverdue    Queue = "overdue"    // open, past the deadline in force
	QueueMine       Queue = "mine"       // open, assigned to the one asking
	QueueUnassigned Queue = "unassigned" // open, assigned to no one
	QueueReady      Queue = "ready"      // open, its answer can be sent with one click
	QueueSignOff    Queue = "signoff"    // open, awaiting the DPO's sign-off
	QueueWaiting    Queue = "waiting"    // open, awaiting proof of identity or a mandate
	QueueReturned   Queue = "returned"   // open, a letter came back from the post
	QueueClosed     Queue = "closed"     // answered (the answer reached the person) or closed
)

// Queues lists the queues in the order the case list offers them.
var Queues = []Queue{QueueOpen, QueueDueSoon, QueueOverdue, QueueMine, QueueUnassigned, QueueReady, QueueSignOff, QueueWaiting, QueueReturned, QueueClosed}

// Stage is the stage a queue lists; StageNone for a queue by deadline.
func (q Queue) Stage() Stage {
	switch q {
	case QueueReady:
		return StageReady
	case QueueSignOff:
		return StageSignOff
	case QueueWaiting:
		return StageWaiting
	case QueueReturned:
		return StageReturned
	}
	return StageNone
}

// DueSoonDays is how far ahead the due-soon queue looks.
const DueSoonDays = 7

// Valid reports whether q is a known queue.
func (q Queue) Valid() bool {
	for _, x := range Queues {
		if q == x {
			return true
		}
	}
	return false
}

// CaseFilter narrows a case listing. With a Queue the list is paged by
// Cursor (keyset paging, as deep as the list goes); without one by Status
// and Offset, as the first API had it.
type CaseFilter struct {
	Queue    Queue
	Assignee string    // QueueMine: the staff id asking
	Today    time.Time // the date the queue's deadlines are counted from
	Cursor   Cursor    // where the page starts; zero for the first page
	Status   Status
	Limit    int
	Offset   int
}

// Cursor is a position in the case list, ordered by the deadline in force
// and then the case number: the last case of the page before.
type Cursor struct {
	Due    string // YYYY-MM-DD
	Number string
}

// IsZero reports whether the cursor is the start of the list.
func (c Cursor) IsZero() bool { return c.Due == "" && c.Number == "" }

// CasePage is one page of a case list: the cases, how many the list holds
// in all, and where the next page starts (zero at the end).
type CasePage struct {
	Cases []*Case
	Total int
	Next  Cursor
}

// String encodes the cursor for a URL: opaque to clients, and holding no
// personal data (a date and a case number).
func (c Cursor) String() string {
	if c.IsZero() {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(c.Due + "|" + c.Number))
}

// ParseCursor reads a cursor that String wrote.
func ParseCursor(s string) (Cursor, error) {
	if s == "" {
		return Cursor{}, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	due, number, ok := strings.Cut(string(b), "|")
	if _, derr := time.Parse(DateLayout, due); err != nil || !ok || derr != nil || len(number) > 32 {
		return Cursor{}, FieldError("cursor", "input.cursor", "The cursor is not one this list gave.")
	}
	return Cursor{Due: due, Number: number}, nil
}
