package dsr

import "time"

// AuditEvent is one append-only entry of the accountability record (RULES §10).
// Each entry's Hash covers its content and the previous entry's hash.
type AuditEvent struct {
	Seq      int64
	At       time.Time
	Actor    string
	Action   string
	CaseID   string
	Detail   string
	PrevHash string
	Hash     string
}
