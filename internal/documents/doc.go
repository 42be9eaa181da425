// Package documents lays out dsrdesk's letters on the PDF engine
// (internal/pdf): today the register extract (GDPR Art. 15), a cover letter
// for a C5 window envelope followed by an index and the person's data
// register by register, in Swedish or English.
//
// It owns what the letters say and in which order: their texts in both
// languages, the agency's contact details, what goes in the address block
// and where the identity number is printed (once, after the letter, never
// on page 1, which shows through the window: RULES §6). It does not decide
// what data go into an extract; the extract package does.
package documents
