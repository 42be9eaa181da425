// Package pnr owns Swedish personal identity numbers (personnummer) and
// coordination numbers (samordningsnummer), RULES §6: parsing every accepted
// input form into the stored 12-digit form, the check digit, the date check
// (a samordningsnummer may carry month 00 or day 60 when the birth date is
// unknown), the never-issued serial 000, display, the keyed HMAC used for
// look-ups instead of the number, and the one scanner that finds anything
// shaped like a number in free text, behind LooksLike, Redact and
// HoldsPlausible. It does no I/O.
//
// The date inside a number is not necessarily a real birth date, so nothing
// in this package derives an age or any other legal fact from it; DateShown
// says only what the number shows.
package pnr
