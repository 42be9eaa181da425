// Package printzip writes and checks the batches dsrdesk hands to the print
// shop (RULES §9).
//
// A batch is a ZIP archive holding one PDF per letter under letters/, named
// by sort sequence and opaque record id, and a manifest.csv listing, for each
// letter, the address block, postcode, country, product class, page and sheet
// counts, sort sequence and the SHA-256 of its file. Letters are sorted by
// postcode for PostNord sorted mail. Write streams the archive letter by
// letter to any io.Writer; Verify is what the print shop side runs to check
// that every listed file is present and unaltered.
//
// A batch never carries a personal identity number (RULES §6): Write refuses
// any entry with something that looks like one, before it writes a byte.
package printzip
