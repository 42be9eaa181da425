// Package documents lays out dsrdesk's letters on the PDF engine
// (internal/pdf), in Swedish or English: the register extract (GDPR Art.
// 15), a cover letter followed by an index and the person's data register
// by register; the decision (beslut) on a request to rectify, complete,
// erase, restrict or object (Art. 16–18, 21), a letter followed by the
// outcome and legal ground of every item; and the notice that tells a
// recipient organisation of changed data (Art. 19).
//
// It owns what the letters say and in which order: their texts in both
// languages, the agency's contact details, the right to complain to IMY and
// how to appeal, what goes in the address block and where the identity
// number is printed. Every letter shares one letterhead for a C5 window
// envelope (letter.go). The identity number is never in the window (RULES
// §6): the extract and the decision print it once, after the letter, never
// on page 1; the Art. 19 notice, addressed to an organisation, prints it in
// the body below the print shop's clear zone. It does not decide what data
// go into an extract or what is decided about an item; the packages that
// assemble extracts and decide items do.
package documents
