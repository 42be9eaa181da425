// Package dsr is dsrdesk's vocabulary: the cases, requests, people, registers,
// extracts, letters, print batches, users and audit events that every other
// package talks about, the status transitions of a case, and the one error
// type that carries a code and a user-safe message. It does no I/O.
package dsr
