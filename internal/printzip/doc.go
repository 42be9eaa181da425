// Package printzip writes and checks the batches dsrdesk hands to the print
// shop (RULES §9).
//
// A batch is a ZIP archive holding one PDF per letter under letters/, named
// by sort sequence (six digits) and opaque record id, and a manifest.csv
// listing, for each letter, the address block, postcode, country, product
// class, page and sheet counts, sort sequence and the SHA-256 of its file.
// Letters are sorted by postcode for PostNord sorted mail. A Writer streams
// the archive letter by letter to any io.Writer as the letters arrive in
// sort order, keeping only the manifest rows (in a spool file for a large
// batch); Write does the same for a slice it sorts itself. Verify is what
// the print shop side runs to check that every listed file is present and
// unaltered.
//
// A batch of the protected route (RULES §7) also holds, for each letter,
// an inner sheet under sheets/ carrying the addressee's identity number
// and name (listed in the manifest's inner_sheet columns), every manifest
// row is addressed to Skatteverket's forwarding (dsr.ProtectedForwarding),
// and the batch holds the print shop's instructions, INSTRUKTION.txt. A
// batch is all protected or not at all.
//
// Apart from the inner sheets, which exist to carry it, a batch never
// carries a personal identity number (RULES §6): the Writer refuses any
// entry with something that looks like one in a manifest field, before it
// writes a byte of that letter.
package printzip
