// Package delivery sends the answer of a case (RULES §8): to the person's
// digital mailbox when the recipient lookup says they are reachable,
// otherwise into the print queue — the ordinary one, or for a person with
// protected identity the separate protected route.
package delivery
