// Package sqlite is the case store: the only package that runs SQL against
// dsrdesk's own database. It opens one writer connection and a read-only
// pool and runs the embedded migrations. It decides nothing: a service
// passes the audit events (and, for a change, a decide function that asks
// the workflow inside the transaction), and the store saves the change and
// its events in one transaction. Reads for a service's own use are not
// audited; reads on behalf of a person carry the event that records them.
// Identity numbers are sealed in the store and opened only as a row is read
// (seal.go); look-ups go by their keyed HMAC.
package sqlite
