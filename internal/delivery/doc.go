// Package delivery writes and sends letters (RULES §8). Today it writes the
// answer letter of an access case from its extract, and sends a letter to
// the person's digital mailbox when the recipient lookup says they are
// reachable, otherwise into the print queue: the ordinary one, or for a
// person with protected identity the separate protected route. A letter
// has a unique key, so a repeated or retried send never writes or delivers
// a second one.
package delivery
