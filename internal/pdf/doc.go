// Package pdf renders dsrdesk's letters as PDF with gopdf: the register
// extract (GDPR Art. 15), a cover letter laid out for a C5 window envelope
// followed by the person's data register by register, in Swedish or
// English.
//
// It owns the layout: where the address sits for the window and the print
// shop's clear zone (RULES §9), that the identity number never shows through
// the window (RULES §6), that tables wrap and break across pages with their
// header repeated, and that every page says "Sida N av M". It does not
// decide what data go into an extract; the extract package does.
package pdf
