package printzip

import (
	"archive/zip"
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
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
	// InnerSheet is, in a batch of the protected route only, the sheet
	// that goes in front of the letter in the inner envelope: a PDF that
	// carries the addressee's identity number and name by design (RULES
	// §7). The entry's address is then Skatteverket's forwarding address
	// (dsr.ProtectedForwarding), the outer envelope's.
	InnerSheet []byte
}

// Options describe a batch as a whole, for NewWriter.
type Options struct {
	// Protected makes a batch of the protected route (RULES §7): every
	// letter comes with an inner sheet and is addressed to Skatteverket's
	// forwarding, and the archive holds the print shop's instructions
	// (InstructionName). Without it no letter may have an inner sheet.
	Protected bool
	// Modified is the time the archive gives its files; the batch's
	// creation, so that exporting a batch again gives the same archive.
	Modified time.Time
	// SpoolDir is the folder where the manifest waits, in a temporary file
	// removed when the writer finishes, while the letters are written;
	// empty keeps it in memory (a few hundred bytes a letter).
	SpoolDir string
	// Progress, when set, is called after each letter with how many have
	// been written.
	Progress func(written int)
}

// Writer writes a print batch as a ZIP archive letter by letter, without
// holding the batch in memory: each Add writes one letter (and its inner
// sheet) and keeps only its manifest row, in the spool; Finish writes the
// manifest and the archive's directory. Letters must come in sort order
// (SortsBefore). Any error stops the writer: what w holds then is an
// archive cut short, without manifest.csv and central directory, which zip
// readers and Verify reject.
type Writer struct {
	zw      *zip.Writer
	batchID string
	opt     Options
	n       int
	last    *Row
	seed    maphash.Seed
	seen    map[uint64]struct{} // the record ids so far, hashed: 100,000 of them take 2 MB, not 7
	spool   io.ReadWriter
	file    *os.File // the spool when it is a file
	csv     *csv.Writer
	rec     []string
	err     error
	done    bool
}

// NewWriter starts a batch archive on w. It checks the batch id and sets
// up the spool; it writes nothing to w.
func NewWriter(w io.Writer, batchID string, opt Options) (*Writer, error) {
	if err := checkID("batch_id", batchID); err != nil {
		return nil, err
	}
	zw := &Writer{zw: zip.NewWriter(w), batchID: batchID, opt: opt, seed: maphash.MakeSeed(), seen: map[uint64]struct{}{}, rec: make([]string, 0, manifestColumns)}
	if opt.SpoolDir == "" {
		zw.spool = &bytes.Buffer{}
	} else {
		f, err := os.CreateTemp(opt.SpoolDir, SpoolPrefix+"*")
		if err != nil {
			return nil, fmt.Errorf("batch %s: manifest spool: %w", batchID, err)
		}
		zw.spool, zw.file = f, f
	}
	zw.csv = csv.NewWriter(zw.spool)
	zw.csv.UseCRLF = true
	return zw, nil
}

// SpoolPrefix starts the name of a manifest spool file: a crash may leave
// one behind in Options.SpoolDir, which is safe to remove when no batch is
// being written.
const SpoolPrefix = "manifest-spool-"

// Add checks a letter and writes it to the archive (its inner sheet
// after it), as the next in sort sequence, and returns its manifest row.
// A letter that is invalid, that does not sort after the one before, or
// that the batch's route does not allow stops the batch with a *dsr.Error
// of code dsr.EINVALID (dsr.ETOOLARGE past MaxLetters) that never quotes
// an address or other personal data.
func (zw *Writer) Add(e Entry) (Row, error) {
	if zw.err != nil {
		return Row{}, zw.err
	}
	row, err := zw.add(e)
	if err != nil {
		zw.err = err
		return Row{}, err
	}
	if zw.opt.Progress != nil {
		zw.opt.Progress(zw.n)
	}
	return row, nil
}

func (zw *Writer) add(e Entry) (Row, error) {
	if zw.done {
		return Row{}, errors.New("printzip: Add after Finish")
	}
	if zw.n >= MaxLetters {
		return Row{}, dsr.Errorf(dsr.ETOOLARGE, "print.too_many_letters", "A print batch holds at most %d letters.", MaxLetters)
	}
	where := fmt.Sprintf("Letter %d", zw.n+1)
	if err := checkID("record_id", e.RecordID); err != nil {
		return Row{}, prefixed(err, where)
	}
	where += " (record " + e.RecordID + ")"
	// Two ids of the same hash are taken for the same id: a batch refused
	// in perhaps one of 10^9 of 100,000 letters, never one let through.
	idHash := maphash.String(zw.seed, e.RecordID)
	if _, dup := zw.seen[idHash]; dup {
		return Row{}, prefixed(dsr.FieldError("record_id", "print.duplicate_record", "The record id is used by another letter of the batch."), where)
	}
	switch {
	case zw.opt.Protected && e.InnerSheet == nil:
		return Row{}, prefixed(dsr.FieldError("inner_sheet", "print.inner_sheet_missing", "A letter of the protected route needs its inner sheet."), where)
	case !zw.opt.Protected && e.InnerSheet != nil:
		return Row{}, prefixed(dsr.FieldError("inner_sheet", "print.inner_sheet_ordinary", "An inner sheet belongs only in a batch of the protected route."), where)
	}
	row := rowOf(zw.batchID, e)
	row.SortSequence = zw.n + 1
	row.File = letterFile(row.SortSequence, row.RecordID)
	if zw.opt.Protected {
		row.InnerSheet = sheetFile(row.SortSequence, row.RecordID)
	}
	if err := checkRow(row, currentFormat); err != nil {
		return Row{}, prefixed(err, where)
	}
	if zw.last != nil && !SortsBefore(*zw.last, row) {
		return Row{}, prefixed(dsr.FieldError("sort_sequence", "print.sort_order", "The letters do not come in postcode order."), where)
	}

	pdf := e.PDF
	if pdf == nil && e.Load != nil {
		var err error
		if pdf, err = e.Load(); err != nil {
			return Row{}, fmt.Errorf("write batch %s: letter %d: %w", zw.batchID, row.SortSequence, err)
		}
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		return Row{}, prefixed(dsr.FieldError("pdf", "print.not_pdf", "The letter is not a PDF file."), where)
	}
	if zw.opt.Protected && !bytes.HasPrefix(e.InnerSheet, []byte("%PDF-")) {
		return Row{}, prefixed(dsr.FieldError("inner_sheet", "print.not_pdf", "The inner sheet is not a PDF file."), where)
	}
	var err error
	if row.SHA256, err = zw.file1(row.File, pdf); err != nil {
		return Row{}, fmt.Errorf("write batch %s: letter %d: %w", zw.batchID, row.SortSequence, err)
	}
	if zw.opt.Protected {
		if row.InnerSheetSHA256, err = zw.file1(row.InnerSheet, e.InnerSheet); err != nil {
			return Row{}, fmt.Errorf("write batch %s: inner sheet %d: %w", zw.batchID, row.SortSequence, err)
		}
	}
	if err := zw.csv.Write(zw.record(row)); err != nil {
		return Row{}, fmt.Errorf("write batch %s: manifest spool: %w", zw.batchID, err)
	}
	zw.n++
	zw.seen[idHash] = struct{}{}
	zw.last = &row
	return row, nil
}

// file1 writes one file of the archive and returns its SHA-256. A PDF is
// compressed already: it is stored as it is, which is faster than
// deflating it and hardly larger (BENCHMARKS.md).
func (zw *Writer) file1(name string, body []byte) (string, error) {
	fw, err := zw.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: zw.opt.Modified})
	if err != nil {
		return "", err
	}
	h := sha256.New()
	if _, err := io.MultiWriter(fw, h).Write(body); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// record is a row as the manifest's CSV fields.
func (zw *Writer) record(r Row) []string {
	return appendRecord(zw.rec[:0], r)
}

// Finish writes the print shop's instructions (protected route), the
// manifest and the archive's directory, and returns how many letters the
// batch holds. A batch needs at least one letter.
func (zw *Writer) Finish() (int, error) {
	if zw.err != nil {
		zw.Discard()
		return 0, zw.err
	}
	err := zw.finish()
	if err != nil {
		zw.err = err
	} else {
		zw.done = true
	}
	zw.Discard()
	if err != nil {
		return 0, err
	}
	return zw.n, nil
}

func (zw *Writer) finish() error {
	if zw.n == 0 {
		return dsr.FieldError("entries", "print.no_letters", "A print batch needs at least one letter.")
	}
	if zw.opt.Protected {
		fw, err := zw.zw.CreateHeader(&zip.FileHeader{Name: InstructionName, Method: zip.Deflate, Modified: zw.opt.Modified})
		if err != nil {
			return fmt.Errorf("write batch %s: instructions: %w", zw.batchID, err)
		}
		if _, err := io.WriteString(fw, Instruction(zw.batchID, zw.n)); err != nil {
			return fmt.Errorf("write batch %s: instructions: %w", zw.batchID, err)
		}
	}
	zw.csv.Flush()
	if err := zw.csv.Error(); err != nil {
		return fmt.Errorf("write batch %s: manifest spool: %w", zw.batchID, err)
	}
	if zw.file != nil {
		if _, err := zw.file.Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("write batch %s: manifest spool: %w", zw.batchID, err)
		}
	}
	fw, err := zw.zw.CreateHeader(&zip.FileHeader{Name: ManifestName, Method: zip.Deflate, Modified: zw.opt.Modified})
	if err != nil {
		return fmt.Errorf("write batch %s: manifest: %w", zw.batchID, err)
	}
	head := csv.NewWriter(fw)
	head.UseCRLF = true
	if err := head.Write(manifestHeader()); err != nil {
		return fmt.Errorf("write batch %s: manifest: %w", zw.batchID, err)
	}
	if head.Flush(); head.Error() != nil {
		return fmt.Errorf("write batch %s: manifest: %w", zw.batchID, head.Error())
	}
	if _, err := io.Copy(fw, zw.spool); err != nil {
		return fmt.Errorf("write batch %s: manifest: %w", zw.batchID, err)
	}
	if err := zw.zw.Close(); err != nil {
		return fmt.Errorf("write batch %s: %w", zw.batchID, err)
	}
	return nil
}

// Discard gives up the spool; a batch not finished stays cut short. It is
// safe to call more than once, and after Finish.
func (zw *Writer) Discard() {
	if zw.file != nil {
		zw.file.Close()
		os.Remove(zw.file.Name())
		zw.file = nil
	}
	zw.spool = nil
	if zw.err == nil && !zw.done {
		zw.err = errors.New("printzip: batch discarded")
	}
}

// SortsBefore reports whether row a comes before row b in a batch:
// PostNord's sorted mail, Swedish letters first by postcode, then letters
// abroad by country and postcode, ties broken by record id.
func SortsBefore(a, b Row) bool {
	return compareRows(&a, &b) < 0
}

func compareRows(a, b *Row) int {
	return cmp.Or(
		cmp.Compare(sortGroup(a.Country), sortGroup(b.Country)),
		cmp.Compare(a.Country, b.Country),
		cmp.Compare(a.Postcode, b.Postcode),
		cmp.Compare(a.RecordID, b.RecordID),
	)
}

// rowOf is an entry's manifest row, without its place in the batch or
// checksums: the country defaults to Sweden, a Swedish postcode loses its
// space.
func rowOf(batchID string, e Entry) Row {
	country := e.Country
	if country == "" {
		country = "SE"
	}
	postcode := e.Postcode
	if country == "SE" {
		postcode = strings.ReplaceAll(postcode, " ", "")
	}
	return Row{
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

// Write writes a print batch of entries held in a slice as a ZIP archive
// to w and returns its manifest: Writer for a batch small enough to hold,
// which need not come sorted.
//
// Letters are sorted by postcode for PostNord sorted mail (SortsBefore)
// and numbered 1..N. Each PDF is written as letters/<sequence, 6
// digits>-<record id>.pdf, and in a batch whose entries carry inner sheets
// (the protected route; all of them or none) each inner sheet as
// sheets/<sequence>-<record id>.pdf; manifest.csv comes last. Only one
// letter is loaded at a time; the archive itself is never held in memory.
//
// Every entry is checked before the first byte is written: an empty batch,
// an entry with a field that looks like a personal identity number (RULES
// §6), a file that is not a PDF, or any other invalid field is refused with
// a *dsr.Error of code dsr.EINVALID (dsr.ETOOLARGE for more than
// MaxLetters letters), and then w has received nothing. If writing to w
// fails part-way, w holds an archive cut short, without manifest.csv and
// central directory, which zip readers and Verify reject.
func Write(w io.Writer, batchID string, entries []Entry) (Manifest, error) {
	protected, order, err := plan(batchID, entries)
	if err != nil {
		return Manifest{}, err
	}
	zw, err := NewWriter(w, batchID, Options{Protected: protected, Modified: time.Now().In(dsr.Stockholm())})
	if err != nil {
		return Manifest{}, err
	}
	defer zw.Discard()
	rows := make([]Row, 0, len(order))
	for _, i := range order {
		row, err := zw.Add(entries[i])
		if err != nil {
			return Manifest{}, err
		}
		rows = append(rows, row)
	}
	if _, err := zw.Finish(); err != nil {
		return Manifest{}, err
	}
	return Manifest{BatchID: batchID, Rows: rows}, nil
}

// plan checks a batch of entries and returns whether it is a protected
// one and the entries' indexes in sort order.
func plan(batchID string, entries []Entry) (bool, []int, error) {
	if err := checkID("batch_id", batchID); err != nil {
		return false, nil, err
	}
	switch {
	case len(entries) == 0:
		return false, nil, dsr.FieldError("entries", "print.no_letters", "A print batch needs at least one letter.")
	case len(entries) > MaxLetters:
		return false, nil, dsr.Errorf(dsr.ETOOLARGE, "print.too_many_letters", "A print batch holds at most %d letters.", MaxLetters)
	}
	protected := entries[0].InnerSheet != nil
	rows := make([]Row, len(entries))
	seen := make(map[string]int, len(entries))
	for i, e := range entries {
		where := fmt.Sprintf("Entry %d", i+1)
		if err := checkID("record_id", e.RecordID); err != nil {
			return false, nil, prefixed(err, where)
		}
		where += " (record " + e.RecordID + ")"
		if j, dup := seen[e.RecordID]; dup {
			return false, nil, prefixed(dsr.FieldError("record_id", "print.duplicate_record", "The record id is also used by entry %d.", j+1), where)
		}
		seen[e.RecordID] = i
		if e.Load == nil && !bytes.HasPrefix(e.PDF, []byte("%PDF-")) {
			return false, nil, prefixed(dsr.FieldError("pdf", "print.not_pdf", "The letter is not a PDF file."), where)
		}
		if (e.InnerSheet != nil) != protected {
			return false, nil, prefixed(dsr.FieldError("inner_sheet", "print.mixed_routes", "A batch's letters all have an inner sheet (the protected route) or none has."), where)
		}
		if protected && !bytes.HasPrefix(e.InnerSheet, []byte("%PDF-")) {
			return false, nil, prefixed(dsr.FieldError("inner_sheet", "print.not_pdf", "The inner sheet is not a PDF file."), where)
		}
		rows[i] = rowOf(batchID, e)
	}

	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return compareRows(&rows[a], &rows[b]) })
	for seq, i := range order {
		rows[i].SortSequence = seq + 1
		rows[i].File = letterFile(seq+1, rows[i].RecordID)
		if protected {
			rows[i].InnerSheet = sheetFile(seq+1, rows[i].RecordID)
		}
	}
	// Checked in the caller's order, so the first bad entry is reported.
	for i, r := range rows {
		if err := checkRow(r, currentFormat); err != nil {
			return false, nil, prefixed(err, fmt.Sprintf("Entry %d (record %s)", i+1, r.RecordID))
		}
	}
	return protected, order, nil
}

// sortGroup puts Swedish letters, which PostNord sorts by postcode, before
// letters abroad.
func sortGroup(country string) int {
	if country == "SE" {
		return 0
	}
	return 1
}
