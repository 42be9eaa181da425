// Package dsr is dsrdesk's vocabulary: the cases, requests, people, registers,
// typed register values, letters, print batches, users and audit events that
// every other package talks about. It holds the rules every caller must ask
// rather than repeat: the workflow (which actions each kind of request
// allows in each status), the permissions (which role may do what), the
// unique keys of letters, and the hash chain of the audit trail. Its one
// error type carries a code, a text-catalogue key and a user-safe message.
// It does no I/O and depends on nothing of ours but package pnr.
package dsr
