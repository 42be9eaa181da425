// Package printbatch hands paper letters to the print shop (RULES §7, §9):
// it gathers the queued letters of a print route into a batch, builds the
// batch's ZIP (printzip) by streaming its letters from the store in
// PostNord's sort order, never holding the batch in memory, and imports
// the print shop's status file and reprints.
//
// The ordinary route never holds a letter of a person with protected
// identity. The protected route's batch, which only an operator with the
// protected-print permission sees, gives each letter an inner sheet with
// the addressee's identity number and name, and addresses it to
// Skatteverket's forwarding (dsr.ProtectedForwarding). Every download is
// audited.
//
// The server builds each new batch's file in the background into the data
// folder, one at a time, with its progress for the operator's page; a file
// is written under a temporary name and renamed when whole, so a build cut
// off by a crash is never served, and it is built again at the next start.
package printbatch
