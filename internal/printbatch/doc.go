// Package printbatch hands paper letters to the print shop (RULES §9): it
// gathers the queued letters of the ordinary print route into a batch and
// exports a batch as a ZIP of PDFs with a manifest sorted by postcode.
// Letters of people with protected identity are never part of it.
package printbatch
