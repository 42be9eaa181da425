// Package audit owns the tamper evidence of the accountability record
// (RULES §10): how an entry's hash is computed from its content and the
// previous entry's hash, and how a whole chain is verified. It does no I/O;
// the store writes entries and the audit command reads them back.
package audit
