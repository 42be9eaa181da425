// Package delivery writes the letters of a case and sends every letter
// through one outbox (RULES §8): the answers (extract, decisions),
// extension notices, receipts, identity requests, and the Art. 19 notices
// other packages write.
//
// A letter is written with a unique key, so a repeated or retried send
// never writes a second one, and is in the outbox from the moment it is
// written (a crash before its send leaves it there). Its route is decided
// once and recorded: the person's digital mailbox when the recipient
// look-up (asked for up to 1,000 people per call) says they are reachable,
// otherwise paper — the ordinary print queue, or for a person with
// protected identity the separate protected route; a letter to an
// organisation always goes on paper. A digital delivery reuses the
// letter's message id on every try; a failed try is retried with backoff
// and the fifth failure sends the letter on paper, unless a try may have
// reached the operator, in which case it is tried again until the mailbox
// answers (so the person never gets it twice). outbox.go holds the
// outbox; service.go the letters and their addresses.
package delivery
