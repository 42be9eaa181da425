// Package weeding owns the weeding (gallring) of the system's own data
// (RULES §10): closed cases older than the retention setting are deleted
// with everything filed with them, and so are the print-batch files that
// held their letters. Each run leaves an audited summary of counts. The
// audit trail itself is kept: its entries name cases by id only, so it
// stays whole and verifiable.
package weeding
