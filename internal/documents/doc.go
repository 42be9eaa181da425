// Package documents lays out dsrdesk's letters on the PDF engine
// (internal/pdf), in Swedish or English: the register extract (GDPR Art.
// 15), a cover letter followed by an index and the person's data register
// by register, with the data withheld from it counted under each register
// (Art. 15(4)); the decision (beslut) on a request to rectify, complete,
// erase, restrict or object (Art. 16–18, 21), a letter followed by the
// outcome and legal ground of every item; the outcome letter for a request
// not simply done as asked: refused as manifestly unfounded or excessive
// (Art. 12(5)), identity not established (Art. 12(6)), data withheld from
// the extract (a partial refusal), or no data held, which is a reply and
// not a decision; the receipt of a request; the request for proof of
// identity; the notice that the time to answer is extended (Art. 12(3));
// the notice that a restriction will be lifted (Art. 18(3)); and the
// notice that tells a recipient organisation of changed data (Art. 19).
//
// It owns what the letters say and in which order: their texts in both
// languages, how they quote the agency's, the data-protection officer's
// and IMY's contact details (whose one home is dsr.Agency, dsr.DPO and
// dsr.IMY), the right to complain to IMY and how to appeal, what goes in
// the address block and where the identity number is printed. The extract
// is written to be read at any length: a bookmark per register, a summary
// before a long table (how many rows, the period they cover and, for
// payments, the totals per year), codes and amounts in the letter's
// language (the register's code list, dsr.Section.Codes), whether data
// leave the EU/EEA (Art. 15(2)) and every way to reach the
// data-protection officer. Every letter shares one letterhead for a C5 window
// envelope (letter.go); a letter to a person is addressed from the
// population-register copy (dsr.Person.AddressLines), never from an
// address given in a request. The identity number is never in the window
// (RULES §6): the extract and the decision print it once, after the letter,
// never on page 1; the Art. 19 notice, addressed to an organisation, prints
// it in the body below the print shop's clear zone; the other letters do
// not print it at all, as their case number identifies the case. The one
// exception is by design: the inner-envelope sheet of the protected print
// route (innersheet.go, RULES §7) carries the person's identity number and
// name in the window and nothing else, for Skatteverket to forward it. It does
// not decide what data go into an extract, what is withheld or what is
// decided about an item; the packages that assemble extracts and decide
// items do.
package documents
