// Package exemptions is the exemption engine: for a request to rectify,
// complete, erase, restrict or object (GDPR Art. 16–18, 21), it proposes an
// outcome for every affected item — a register, a record, a field — and
// cites the legal ground, from the register catalogue's rules (RULES §5).
// It is pure: the request, the catalogue entries with the person's rows and
// today's date go in, items come out; it does no I/O, so that every rule is
// a table test.
package exemptions
