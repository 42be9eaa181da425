package printzip

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
)

const (
	// ManifestName is the name of the manifest inside a batch archive.
	ManifestName = "manifest.csv"
	// MaxAddressLines is the most address lines a letter may have.
	MaxAddressLines = 5
	// MaxLetters is the most letters in one batch: the sort sequence in a
	// file name has six digits.
	MaxLetters = 999_999
	// InstructionName is the print shop's instructions in a batch of the
	// protected route (Instruction).
	InstructionName = "INSTRUKTION.txt"

	lettersDir      = "letters/"
	sheetsDir       = "sheets/"
	maxIDLen        = 64
	maxLineRunes    = 200
	maxPostcodeLen  = 12
	maxProductClass = 32
	manifestColumns = 17
)

// format is a manifest's layout: today's, or the one batches had before
// inner sheets (fifteen columns, five-digit sequences), which ReadManifest
// and Verify still accept.
type format struct {
	columns int
	digits  int
}

var (
	currentFormat = format{columns: manifestColumns, digits: 6}
	legacyFormat  = format{columns: 15, digits: 5}
)

// Row is one letter in a batch manifest.
type Row struct {
	BatchID      string
	RecordID     string   // opaque; a reprint is asked for by record id
	File         string   // path inside the archive: letters/<sequence>-<record id>.pdf
	Pages        int      // pages of the PDF
	Sheets       int      // sheets of paper, printed duplex: pages/2 rounded up
	AddressLines []string // 1 to 5 lines, never an identity number
	Postcode     string   // five digits without a space for Sweden
	Country      string   // ISO 3166 alpha-2
	ProductClass string   // the print shop's postal product, e.g. "B" for economy
	SortSequence int      // 1..N in postcode order
	SHA256       string   // of the file, lowercase hex
	// InnerSheet is, in a batch of the protected route, the path of the
	// letter's inner sheet (sheets/<sequence>-<record id>.pdf), which
	// carries the addressee's identity number by design; empty otherwise.
	InnerSheet       string
	InnerSheetSHA256 string // of the inner sheet, lowercase hex
}

// Protected reports whether the row is a letter of the protected route.
func (r Row) Protected() bool { return r.InnerSheet != "" }

// Manifest is the content of a batch's manifest.csv.
type Manifest struct {
	BatchID string
	Rows    []Row
}

// manifestHeader returns the manifest's header row.
func manifestHeader() []string {
	return append(legacyHeader(), "inner_sheet", "inner_sheet_sha256")
}

// legacyHeader is the header of a manifest written before inner sheets.
func legacyHeader() []string {
	h := []string{"batch_id", "record_id", "file", "pages", "sheets"}
	for i := 1; i <= MaxAddressLines; i++ {
		h = append(h, "address_line_"+strconv.Itoa(i))
	}
	return append(h, "postcode", "country", "product_class", "sort_sequence", "sha256")
}

// letterFile is the archive path of a letter.
func letterFile(seq int, recordID string) string {
	return archivePath(lettersDir, currentFormat, seq, recordID)
}

// sheetFile is the archive path of a letter's inner sheet.
func sheetFile(seq int, recordID string) string {
	return archivePath(sheetsDir, currentFormat, seq, recordID)
}

func archivePath(dir string, f format, seq int, recordID string) string {
	return fmt.Sprintf("%s%0*d-%s.pdf", dir, f.digits, seq, recordID)
}

// appendRecord appends a row's manifest fields (CSV: RFC 4180, UTF-8
// without a byte-order mark, CRLF line ends, as the Writer writes them).
func appendRecord(rec []string, r Row) []string {
	rec = append(rec, r.BatchID, r.RecordID, r.File, strconv.Itoa(r.Pages), strconv.Itoa(r.Sheets))
	for i := 0; i < MaxAddressLines; i++ {
		line := ""
		if i < len(r.AddressLines) {
			line = r.AddressLines[i]
		}
		rec = append(rec, line)
	}
	return append(rec, r.Postcode, r.Country, r.ProductClass, strconv.Itoa(r.SortSequence), r.SHA256, r.InnerSheet, r.InnerSheetSHA256)
}

// ReadManifest parses a manifest written by Write or a Writer (or by an
// older dsrdesk, without the inner-sheet columns). It checks every row the
// way the Writer does, so a manifest it accepts holds no identity number,
// and that the rows share one batch id, run in sort sequence 1..N in sort
// order, and either all have an inner sheet (the protected route) or none
// has. Errors are *dsr.Error with code dsr.EINVALID and never quote a
// field's value.
func ReadManifest(r io.Reader) ([]Row, error) {
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = 0 // the header's

	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, dsr.Errorf(dsr.EINVALID, "print.manifest_empty", "The manifest is empty.")
	} else if err != nil {
		return nil, csvError(err)
	}
	f := currentFormat
	switch {
	case slices.Equal(head, manifestHeader()):
	case slices.Equal(head, legacyHeader()):
		f = legacyFormat
	default:
		return nil, dsr.Errorf(dsr.EINVALID, "print.manifest_header", "The manifest does not start with the expected header row.")
	}

	var rows []Row
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		row, err := parseRow(rec)
		if err == nil {
			err = checkRow(row, f)
		}
		if err == nil && !isSHA256(row.SHA256) {
			err = dsr.FieldError("sha256", "print.checksum_format", "The checksum is not 64 lowercase hexadecimal digits.")
		}
		if err == nil && row.Protected() && !isSHA256(row.InnerSheetSHA256) {
			err = dsr.FieldError("inner_sheet_sha256", "print.checksum_format", "The checksum is not 64 lowercase hexadecimal digits.")
		}
		if err == nil && len(rows) > 0 && row.BatchID != rows[0].BatchID {
			err = dsr.FieldError("batch_id", "print.other_batch", "The row belongs to another batch.")
		}
		if err == nil && len(rows) > 0 && row.Protected() != rows[0].Protected() {
			err = dsr.FieldError("inner_sheet", "print.mixed_routes", "A batch's letters all have an inner sheet (the protected route) or none has.")
		}
		if err == nil && (row.SortSequence != len(rows)+1 || len(rows) > 0 && !SortsBefore(rows[len(rows)-1], row)) {
			err = dsr.FieldError("sort_sequence", "print.sort_order", "The rows are not in sort sequence 1, 2, 3 … in postcode order.")
		}
		if err != nil {
			return nil, prefixed(err, fmt.Sprintf("Manifest line %d", line))
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, dsr.Errorf(dsr.EINVALID, "print.manifest_no_letters", "The manifest lists no letters.")
	}
	return rows, nil
}

// parseRow turns a CSV record of a manifest's fields into a Row.
func parseRow(rec []string) (Row, error) {
	r := Row{
		BatchID:      rec[0],
		RecordID:     rec[1],
		File:         rec[2],
		Postcode:     rec[10],
		Country:      rec[11],
		ProductClass: rec[12],
		SHA256:       rec[14],
	}
	if len(rec) > 15 {
		r.InnerSheet, r.InnerSheetSHA256 = rec[15], rec[16]
	}
	ints := []struct {
		field string
		s     string
		to    *int
	}{
		{"pages", rec[3], &r.Pages},
		{"sheets", rec[4], &r.Sheets},
		{"sort_sequence", rec[13], &r.SortSequence},
	}
	for _, n := range ints {
		v, err := strconv.Atoi(n.s)
		if err != nil {
			return Row{}, dsr.FieldError(n.field, "print.not_whole_number", "The %s column is not a whole number.", n.field)
		}
		*n.to = v
	}
	lines := rec[5 : 5+MaxAddressLines]
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	r.AddressLines = append([]string(nil), lines...)
	return r, nil
}

// checkRow checks everything about a row of a manifest of format f but its
// checksums. Its errors never quote the offending value, which may be
// personal data.
func checkRow(r Row, f format) error {
	if err := checkID("batch_id", r.BatchID); err != nil {
		return err
	}
	if err := checkID("record_id", r.RecordID); err != nil {
		return err
	}
	if r.SortSequence < 1 || r.SortSequence > MaxLetters {
		return dsr.FieldError("sort_sequence", "print.sort_sequence_range", "The sort sequence must be 1 to %d.", MaxLetters)
	}
	if r.File != archivePath(lettersDir, f, r.SortSequence, r.RecordID) {
		return dsr.FieldError("file", "print.file_name", "The file name does not match the sort sequence and record id.")
	}
	if r.Protected() {
		if r.InnerSheet != archivePath(sheetsDir, f, r.SortSequence, r.RecordID) {
			return dsr.FieldError("inner_sheet", "print.file_name", "The inner sheet's file name does not match the sort sequence and record id.")
		}
		// The outer envelope goes to Skatteverket, which forwards the
		// inner one (RULES §7): the person's own address never reaches
		// the print shop.
		fw := dsr.ProtectedForwarding
		if !slices.Equal(r.AddressLines, fw.Lines) || r.Postcode != fw.Postcode || r.Country != fw.Country {
			return dsr.FieldError("address_lines", "print.not_forwarding", "A letter of the protected route is addressed to Skatteverket's forwarding.")
		}
	} else if r.InnerSheetSHA256 != "" {
		return dsr.FieldError("inner_sheet_sha256", "print.inner_sheet_ordinary", "An inner sheet belongs only in a batch of the protected route.")
	}
	if r.Pages < 1 {
		return dsr.FieldError("pages", "print.no_pages", "A letter has at least one page.")
	}
	if r.Sheets != (r.Pages+1)/2 {
		return dsr.FieldError("sheets", "print.sheets", "The sheet count does not match the page count printed duplex.")
	}
	if len(r.AddressLines) == 0 || len(r.AddressLines) > MaxAddressLines {
		return dsr.FieldError("address_lines", "print.address_lines", "A letter needs 1 to %d address lines.", MaxAddressLines)
	}
	for i, l := range r.AddressLines {
		field := "address_line_" + strconv.Itoa(i+1)
		if strings.TrimSpace(l) == "" {
			return dsr.FieldError(field, "print.address_line_empty", "Address line %d is empty.", i+1)
		}
		if err := checkText(field, l, maxLineRunes); err != nil {
			return err
		}
	}
	if !isCountry(r.Country) {
		return dsr.FieldError("country", "print.country", "The country must be an ISO 3166 two-letter code in capitals.")
	}
	if r.Country == "SE" && !isDigits(r.Postcode, 5) {
		return dsr.FieldError("postcode", "print.postcode", "A Swedish postcode has five digits.")
	}
	if err := checkText("postcode", r.Postcode, maxPostcodeLen); err != nil {
		return err
	}
	return checkText("product_class", r.ProductClass, maxProductClass)
}

// checkID checks an opaque identifier that becomes part of a file name.
func checkID(field, s string) error {
	if s == "" || len(s) > maxIDLen {
		return dsr.FieldError(field, "print.id_length", "The %s must be 1 to %d characters.", field, maxIDLen)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return dsr.FieldError(field, "print.id_characters", "The %s may hold only letters a–z, digits, - and _.", field)
		}
	}
	if pnr.HoldsPlausible(s) {
		return dsr.FieldError(field, "print.identity_number", "The %s holds what looks like a personal identity number.", field)
	}
	return nil
}

// checkText checks a free-text field of the manifest.
func checkText(field, s string, maxRunes int) error {
	if !utf8.ValidString(s) {
		return dsr.FieldError(field, "print.not_utf8", "The %s is not valid UTF-8.", field)
	}
	if utf8.RuneCountInString(s) > maxRunes {
		return dsr.FieldError(field, "print.too_long", "The %s is longer than %d characters.", field, maxRunes)
	}
	for _, c := range s {
		if unicode.IsControl(c) {
			return dsr.FieldError(field, "print.control_character", "The %s holds a control character.", field)
		}
	}
	if pnr.LooksLike(s) {
		return dsr.FieldError(field, "print.identity_number", "The %s holds what looks like a personal identity number.", field)
	}
	return nil
}

func isCountry(s string) bool {
	return len(s) == 2 && 'A' <= s[0] && s[0] <= 'Z' && 'A' <= s[1] && s[1] <= 'Z'
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !('0' <= s[i] && s[i] <= '9' || 'a' <= s[i] && s[i] <= 'f') {
			return false
		}
	}
	return true
}

// csvError reports a CSV syntax error; csv.ParseError names the line and
// column, never the content.
func csvError(err error) error {
	return dsr.Errorf(dsr.EINVALID, "print.manifest_csv", "The manifest is not valid CSV: %v.", err)
}

// prefixed returns err with where in front of its English message, keeping
// everything else: a page shows the catalogue text of its key.
func prefixed(err error, where string) error {
	var e *dsr.Error
	if errors.As(err, &e) {
		c := *e
		c.Message = where + ": " + e.Message
		return &c
	}
	return fmt.Errorf("%s: %w", where, err)
}
