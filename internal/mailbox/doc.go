// Package mailbox is dsrdesk's adapter for the Swedish digital-mailbox
// infrastructure Mina meddelanden, run by DIGG (RULES §8).
//
// It owns two things. Client asks the recipient lookup (FaR "isReachable")
// whether a person can receive digital mail from this agency and delivers a
// letter to the person's mailbox operator (DeliverSecure), keeping the
// operator's transaction id as the receipt. Simulator is a test double of the
// infrastructure: a real HTTP handler, served by httptest in tests and by the
// demo, so that the product always talks to it over the wire.
//
// The wire protocol is our own JSON simplification of FaR and DeliverSecure.
// Identity numbers travel only in request bodies, never in URLs, and no error
// message of this package contains one.
package mailbox
