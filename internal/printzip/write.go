package printzip

import (
	"archive/zip"
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"dsrdesk/internal/dsr"
)

// Entry is one letter to put in a batch.
type Entry struct {
	RecordID string // opaque id of the print record: letters, digits, - and _
	PDF      []byte // the letter, a complete PDF file; or nil and Load set
	// Load fetches the PDF when it is written, so that a large batch never
	// holds every letter in memory at once. Used when PDF is nil.
	Load         func() ([]byte, error)
	Pages        int      // pages of the PDF
	AddressLines []string // the address block, 1 to 5 lines, as on the envelope
	Postcode     string   // for Sweden five digits, a space after the third allowed
	Country      string   // ISO 3166 alpha-2; empty means "SE"
	ProductClass string   // the print shop's postal product
}

// Write writes a print batch as a ZIP archive to w and returns its manifest.
//
// Letters are sorted by postcode for PostNord sorted mail (Swedish addresses
// first, then by country), ties broken by record id, and numbered 1..N. Each
// PDF is written as letters/<sequence, 5 digits>-<record id>.pdf and its
// SHA-256 computed as it is written; manifest.csv comes last. Only one letter
// is being compressed at a time; the archive itself is never held in memory.
//
// Every entry is checked before the first byte is written: an empty batch, an
// entry with a field that looks like a personal identity number (RULES §6), a
// file that is not a PDF, or any other invalid field is refused with a
// *dsr.Error of code dsr.EINVALID (dsr.ETOOLARGE for more than MaxLetters
// letters), and then w has received nothing. If writing to w fails part-way,
// w holds an archive cut short, without manifest.csv and central directory,
// which zip readers and Verify reject.
func Write(w io.Writer, batchID string, entries []Entry) (Manifest, error) {
	rows, order, err := plan(batchID, entries)
	if err != nil {
		return Manifest{}, err
	}

	zw := zip.NewWriter(w)
	modified := time.Now().In(dsr.Stockholm())
	for i := range rows {
		pdf := entries[order[i]].PDF
		if pdf == nil && entries[order[i]].Load != nil {
			if pdf, err = entries[order[i]].Load(); err != nil {
				return Manifest{}, fmt.Errorf("write batch %s: letter %d: %w", batchID, i+1, err)
			}
			if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
				return Manifest{}, prefixed(dsr.FieldError("pdf", "print.not_pdf", "The letter is not a PDF file."), fmt.Sprintf("Letter %d (record %s)", i+1, rows[i].RecordID))
			}
		}
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: rows[i].File, Method: zip.Deflate, Modified: modified})
		if err != nil {
			return Manifest{}, fmt.Errorf("write batch %s: letter %d: %w", batchID, i+1, err)
		}
		h := sha256.New()
		if _, err := io.MultiWriter(fw, h).Write(pdf); err != nil {
			return Manifest{}, fmt.Errorf("write batch %s: letter %d: %w", batchID, i+1, err)
		}
		rows[i].SHA256 = hex.EncodeToString(h.Sum(nil))
	}
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: ManifestName, Method: zip.Deflate, Modified: modified})
	if err != nil {
		return Manifest{}, fmt.Errorf("write batch %s: manifest: %w", batchID, err)
	}
	if err := writeManifest(fw, rows); err != nil {
		return Manifest{}, fmt.Errorf("write batch %s: manifest: %w", batchID, err)
	}
	if err := zw.Close(); err != nil {
		return Manifest{}, fmt.Errorf("write batch %s: %w", batchID, err)
	}
	return Manifest{BatchID: batchID, Rows: rows}, nil
}

// plan checks a batch and returns its manifest rows in sort order, without
// checksums, and for each row the index of its entry.
func plan(batchID string, entries []Entry) ([]Row, []int, error) {
	if err := checkID("batch_id", batchID); err != nil {
		return nil, nil, err
	}
	switch {
	case len(entries) == 0:
		return nil, nil, dsr.FieldError("entries", "print.no_letters", "A print batch needs at least one letter.")
	case len(entries) > MaxLetters:
		return nil, nil, dsr.Errorf(dsr.ETOOLARGE, "print.too_many_letters", "A print batch holds at most %d letters.", MaxLetters)
	}

	rows := make([]Row, len(entries))
	seen := make(map[string]int, len(entries))
	for i, e := range entries {
		where := fmt.Sprintf("Entry %d", i+1)
		if err := checkID("record_id", e.RecordID); err != nil {
			return nil, nil, prefixed(err, where)
		}
		where += " (record " + e.RecordID + ")"
		if j, dup := seen[e.RecordID]; dup {
			return nil, nil, prefixed(dsr.FieldError("record_id", "print.duplicate_record", "The record id is also used by entry %d.", j+1), where)
		}
		seen[e.RecordID] = i
		if e.Load == nil && !bytes.HasPrefix(e.PDF, []byte("%PDF-")) {
			return nil, nil, prefixed(dsr.FieldError("pdf", "print.not_pdf", "The letter is not a PDF file."), where)
		}
		country := e.Country
		if country == "" {
			country = "SE"
		}
		postcode := e.Postcode
		if country == "SE" {
			postcode = strings.ReplaceAll(postcode, " ", "")
		}
		rows[i] = Row{
			BatchID:      batchID,
			RecordID:     e.RecordID,
			Pages:        e.Pages,
			Sheets:       (e.Pages + 1) / 2,
			AddressLines: slices.Clone(e.AddressLines),
			Postcode:     postcode,
			Country:      country,
			ProductClass: e.ProductClass,
		}
	}

	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		ra, rb := &rows[a], &rows[b]
		return cmp.Or(
			cmp.Compare(sortGroup(ra.Country), sortGroup(rb.Country)),
			cmp.Compare(ra.Country, rb.Country),
			cmp.Compare(ra.Postcode, rb.Postcode),
			cmp.Compare(ra.RecordID, rb.RecordID),
		)
	})

	for seq, i := range order {
		rows[i].SortSequence = seq + 1
		rows[i].File = letterFile(seq+1, rows[i].RecordID)
	}
	// Checked in the caller's order, so the first bad entry is reported.
	for i, r := range rows {
		if err := checkRow(r); err != nil {
			return nil, nil, prefixed(err, fmt.Sprintf("Entry %d (record %s)", i+1, r.RecordID))
		}
	}
	sorted := make([]Row, len(rows))
	for seq, i := range order {
		sorted[seq] = rows[i]
	}
	return sorted, order, nil
}

// sortGroup puts Swedish letters, which PostNord sorts by postcode, before
// letters abroad.
func sortGroup(country string) int {
	if country == "SE" {
		return 0
	}
	return 1
}
