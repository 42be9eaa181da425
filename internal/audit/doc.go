// Package audit verifies the accountability record (RULES §10): it reads
// the whole hash chain back from the case store and checks that no entry
// was altered, removed or reordered. How an entry is hashed is part of the
// vocabulary (dsr.AuditEvent); the store appends entries in the same
// transaction as the changes they record.
package audit
