package printzip_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/printzip"
)

func pdf(text string) []byte {
	return []byte("%PDF-1.7\n% " + text + "\n%%EOF\n")
}

func entry(id, postcode string, pages int, lines ...string) printzip.Entry {
	return printzip.Entry{
		RecordID:     id,
		PDF:          pdf("letter " + id),
		Pages:        pages,
		AddressLines: lines,
		Postcode:     postcode,
		ProductClass: "B",
	}
}

func sampleEntries() []printzip.Entry {
	return []printzip.Entry{
		entry("rec-c", "98131", 3, "Nils Påve", "Malmvägen 3", "981 31  KIRUNA"),
		entry("rec-a", "413 19", 2, "Åsa Öberg", "c/o Lars Ängström", "Storgatan 1", "413 19  GÖTEBORG"),
		entry("rec-b", "11122", 1, "Eva Ek", "Box 123", "111 22  STOCKHOLM"),
		entry("rec-d", "41319", 4, "Örjan Åkesson", "Kungsgatan 9", "413 19  GÖTEBORG"),
		{RecordID: "rec-e", PDF: pdf("abroad"), Pages: 1, AddressLines: []string{"Anna Berg", "Storgata 1", "0155 OSLO", "NORGE"},
			Postcode: "0155", Country: "NO", ProductClass: "B"},
	}
}

// writeBatch writes entries as a batch archive into memory.
func writeBatch(t *testing.T, entries []printzip.Entry) ([]byte, printzip.Manifest) {
	t.Helper()
	var buf bytes.Buffer
	m, err := printzip.Write(&buf, "batch-2026-03-05", entries)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), m
}

// openZip opens an archive held in memory.
func openZip(t *testing.T, archive []byte) *zip.Reader {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		t.Fatal(err)
	}
	return zr
}

// verify runs Verify on an archive held in memory.
func verify(archive []byte) error {
	return printzip.Verify(bytes.NewReader(archive), int64(len(archive)))
}

func readManifestFromZip(t *testing.T, archive []byte) ([]printzip.Row, []byte) {
	t.Helper()
	rc, err := openZip(t, archive).Open(printzip.ManifestName)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := printzip.ReadManifest(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return rows, raw
}

func TestWriteSortsByPostcode(t *testing.T) {
	entries := sampleEntries()
	path, m := writeBatch(t, entries)

	wantOrder := []string{"rec-b", "rec-a", "rec-d", "rec-c", "rec-e"} // 11122, 41319 ×2 by id, 98131, then Norway
	var got []string
	for i, r := range m.Rows {
		got = append(got, r.RecordID)
		if r.SortSequence != i+1 {
			t.Errorf("row %d has sort sequence %d", i, r.SortSequence)
		}
		if want := fmt.Sprintf("letters/%06d-%s.pdf", i+1, r.RecordID); r.File != want {
			t.Errorf("row %d file %q, want %q", i, r.File, want)
		}
	}
	if !slices.Equal(got, wantOrder) {
		t.Errorf("order %v, want %v", got, wantOrder)
	}
	if m.BatchID != "batch-2026-03-05" {
		t.Errorf("manifest batch id %q", m.BatchID)
	}

	// The archive holds the files in the same order, then the manifest.
	var names []string
	for _, f := range openZip(t, path).File {
		names = append(names, f.Name)
	}
	var want []string
	for _, r := range m.Rows {
		want = append(want, r.File)
	}
	want = append(want, printzip.ManifestName)
	if !slices.Equal(names, want) {
		t.Errorf("archive holds %v, want %v", names, want)
	}
}

func TestManifestContent(t *testing.T) {
	entries := sampleEntries()
	path, m := writeBatch(t, entries)
	rows, raw := readManifestFromZip(t, path)

	if !slices.EqualFunc(rows, m.Rows, rowEqual) {
		t.Errorf("manifest read back\n%+v\nwant the rows Write returned\n%+v", rows, m.Rows)
	}
	header := "batch_id,record_id,file,pages,sheets,address_line_1,address_line_2,address_line_3,address_line_4,address_line_5," +
		"postcode,country,product_class,sort_sequence,sha256,inner_sheet,inner_sheet_sha256\r\n"
	if !bytes.HasPrefix(raw, []byte(header)) {
		t.Errorf("manifest starts %q, want header %q", raw[:min(len(raw), len(header))], header)
	}

	byID := map[string]printzip.Row{}
	for _, r := range rows {
		byID[r.RecordID] = r
	}
	a := byID["rec-a"]
	if a.Pages != 2 || a.Sheets != 1 || a.Postcode != "41319" || a.Country != "SE" || a.ProductClass != "B" {
		t.Errorf("rec-a row = %+v", a)
	}
	if c := byID["rec-c"]; c.Pages != 3 || c.Sheets != 2 {
		t.Errorf("3 pages duplex: row %+v, want 2 sheets", c)
	}
	if d := byID["rec-d"]; d.Sheets != 2 {
		t.Errorf("4 pages duplex: row %+v, want 2 sheets", d)
	}
	if e := byID["rec-e"]; e.Country != "NO" || e.Postcode != "0155" {
		t.Errorf("letter abroad: row %+v", e)
	}
	for _, e := range entries {
		sum := sha256.Sum256(e.PDF)
		if got := byID[e.RecordID].SHA256; got != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: manifest sha256 %s, want %x", e.RecordID, got, sum)
		}
	}
}

func TestSwedishLettersSurvive(t *testing.T) {
	path, _ := writeBatch(t, sampleEntries())
	rows, raw := readManifestFromZip(t, path)
	want := []string{"Åsa Öberg", "c/o Lars Ängström", "Storgatan 1", "413 19  GÖTEBORG"}
	for _, r := range rows {
		if r.RecordID == "rec-a" && !slices.Equal(r.AddressLines, want) {
			t.Errorf("address lines %q, want %q", r.AddressLines, want)
		}
	}
	for _, s := range []string{"Åsa Öberg", "Ängström", "GÖTEBORG", "Nils Påve", "Örjan Åkesson"} {
		if !bytes.Contains(raw, []byte(s)) {
			t.Errorf("manifest bytes lack UTF-8 %q", s)
		}
	}
	if bytes.HasPrefix(raw, []byte("\xef\xbb\xbf")) {
		t.Error("manifest starts with a byte-order mark")
	}
}

func TestVerify(t *testing.T) {
	path, _ := writeBatch(t, sampleEntries())
	if err := verify(path); err != nil {
		t.Fatalf("Verify of a fresh batch: %v", err)
	}
}

// rewrite copies the archive src, letting change replace or drop files by
// name (return nil to drop) and add extra ones.
func rewrite(t *testing.T, src []byte, change func(name string, body []byte) []byte, extra map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range openZip(t, src).File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		body = change(f.Name, body)
		if body == nil {
			continue
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(body)
	}
	for name, body := range extra {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestVerifyDetectsTampering(t *testing.T) {
	path, m := writeBatch(t, sampleEntries())
	target := m.Rows[2].File
	same := func(_ string, b []byte) []byte { return b }

	tests := []struct {
		name    string
		archive []byte
		issue   string
	}{
		{"letter replaced", rewrite(t, path, func(n string, b []byte) []byte {
			if n == target {
				return pdf("a forged letter")
			}
			return b
		}, nil), "checksum"},
		{"letter missing", rewrite(t, path, func(n string, b []byte) []byte {
			if n == target {
				return nil
			}
			return b
		}, nil), "lacks"},
		{"manifest missing", rewrite(t, path, func(n string, b []byte) []byte {
			if n == printzip.ManifestName {
				return nil
			}
			return b
		}, nil), "no manifest"},
		{"manifest checksum edited", rewrite(t, path, func(n string, b []byte) []byte {
			if n == printzip.ManifestName {
				return bytes.Replace(b, []byte(m.Rows[0].SHA256), []byte(strings.Repeat("0", 64)), 1)
			}
			return b
		}, nil), "checksum"},
		{"unlisted file", rewrite(t, path, same, map[string][]byte{"letters/999999-extra.pdf": pdf("extra")}), "does not list"},
		{"instructions in an ordinary batch", rewrite(t, path, same, map[string][]byte{printzip.InstructionName: []byte("x")}), "does not list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := verify(tt.archive)
			if dsr.ErrorCode(err) != dsr.EINVALID || !strings.Contains(err.Error(), tt.issue) {
				t.Errorf("Verify = %v, want an invalid error about %q", err, tt.issue)
			}
		})
	}
}

// Flipping a byte of a stored letter is caught even though the manifest is
// untouched.
func TestVerifyDetectsCorruptBytes(t *testing.T) {
	e := sampleEntries()
	big := make([]byte, 4096)
	rand.NewChaCha8([32]byte{1}).Read(big)
	e[0].PDF = append(pdf("random"), big...)
	data, _ := writeBatch(t, e)
	i := bytes.Index(data, []byte("letters/000004-rec-c.pdf")) // local header of the big letter
	if i < 0 {
		t.Fatal("letter not found in archive")
	}
	data[i+len("letters/000004-rec-c.pdf")+100] ^= 0xff // inside its stored data
	if err := verify(data); dsr.ErrorCode(err) != dsr.EINVALID {
		t.Errorf("Verify of a corrupted archive = %v, want an invalid error", err)
	}
}

func TestRejectsIdentityNumbers(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*printzip.Entry)
		field string
	}{
		{"12 digits in an address line", func(e *printzip.Entry) { e.AddressLines[0] = "Eva Ek 198112189876" }, "address_line_1"},
		{"YYMMDD-NNNC in an address line", func(e *printzip.Entry) { e.AddressLines[1] = "811218-9876" }, "address_line_2"},
		{"YYMMDD+NNNC in an address line", func(e *printzip.Entry) { e.AddressLines[1] = "Pnr 811218+9876" }, "address_line_2"},
		{"YYYYMMDD-NNNC in an address line", func(e *printzip.Entry) { e.AddressLines[2] = "19811218-9876" }, "address_line_3"},
		{"10 digits in an address line", func(e *printzip.Entry) { e.AddressLines[0] = "8112189876" }, "address_line_1"},
		{"samordningsnummer in an address line", func(e *printzip.Entry) { e.AddressLines[0] = "701063-2391" }, "address_line_1"},
		{"wrong check digit is refused in text too", func(e *printzip.Entry) { e.AddressLines[0] = "811218-9875" }, "address_line_1"},
		{"in the product class", func(e *printzip.Entry) { e.ProductClass = "8112189876" }, "product_class"},
		{"in a foreign postcode", func(e *printzip.Entry) { e.Country = "NO"; e.Postcode = "811218-9876" }, "postcode"},
		{"as the record id", func(e *printzip.Entry) { e.RecordID = "198112189876" }, "record_id"},
		{"inside the record id", func(e *printzip.Entry) { e.RecordID = "letter-811218-9876" }, "record_id"},
		{"coordination number in the record id", func(e *printzip.Entry) { e.RecordID = "197010632391" }, "record_id"},
		// Written with a space, or with letters right before it.
		{"space separator in an address line", func(e *printzip.Entry) { e.AddressLines[1] = "811218 9876" }, "address_line_2"},
		{"letters before it in an address line", func(e *printzip.Entry) { e.AddressLines[1] = "id811218-9876" }, "address_line_2"},
		{"letters before it in the product class", func(e *printzip.Entry) { e.ProductClass = "B811218-9876" }, "product_class"},
		{"letters before it in the record id", func(e *printzip.Entry) { e.RecordID = "id811218-9876" }, "record_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entries := sampleEntries()
			tt.edit(&entries[1])
			var buf bytes.Buffer
			_, err := printzip.Write(&buf, "batch-1", entries)
			if dsr.ErrorCode(err) != dsr.EINVALID || dsr.ErrorField(err) != tt.field {
				t.Fatalf("Write = %v, want an invalid error on field %s", err, tt.field)
			}
			for _, p := range []string{"198112189876", "8112189876", "811218", "701063", "9876", "2391"} {
				if strings.Contains(err.Error(), p) {
					t.Errorf("error %q repeats the identity number", err)
				}
			}
			if buf.Len() != 0 {
				t.Errorf("Write wrote %d bytes before refusing, want none", buf.Len())
			}
		})
	}
	if _, err := printzip.Write(io.Discard, "811218-9876", sampleEntries()); dsr.ErrorField(err) != "batch_id" {
		t.Errorf("Write with an identity number as batch id = %v", err)
	}
}

// A random id is not refused merely for having a run of digits: a UUID whose
// last group is twelve digits but no possible identity number goes through.
func TestRandomIDsAreNotRefused(t *testing.T) {
	entries := sampleEntries()
	entries[0].RecordID = "0190f3a2-1c4d-7e5f-8a6b-123456789012" // 12 digits, no valid date or check digit
	entries[1].RecordID = "0190f3a2-1c4d-7e5f-8a6b-555555555555"
	if _, err := printzip.Write(io.Discard, "batch-0190f3a2-1c4d-7e5f-8a6b-201399999999", entries); err != nil {
		t.Fatalf("Write = %v, want random ids accepted", err)
	}
	// Measured over many real UUIDs: none refused.
	rng := rand.NewChaCha8([32]byte{2})
	refused := 0
	const n = 3000 // the shape test alone would refuse about 20 of these
	for range n {
		id, err := uuid.NewRandomFromReader(rng)
		if err != nil {
			t.Fatal(err)
		}
		e := sampleEntries()[:1]
		e[0].RecordID = id.String()
		if _, err := printzip.Write(io.Discard, "b", e); err != nil {
			refused++
		}
	}
	if refused > 0 {
		t.Errorf("%d of %d random UUIDs refused as record ids", refused, n)
	}
}

func TestRejectsInvalidEntries(t *testing.T) {
	tests := []struct {
		name  string
		edit  func([]printzip.Entry) []printzip.Entry
		code  string
		field string
	}{
		{"no entries", func([]printzip.Entry) []printzip.Entry { return nil }, dsr.EINVALID, "entries"},
		{"empty record id", func(e []printzip.Entry) []printzip.Entry { e[0].RecordID = ""; return e }, dsr.EINVALID, "record_id"},
		{"record id with a path", func(e []printzip.Entry) []printzip.Entry { e[0].RecordID = "../x"; return e }, dsr.EINVALID, "record_id"},
		{"duplicate record id", func(e []printzip.Entry) []printzip.Entry { e[1].RecordID = e[0].RecordID; return e }, dsr.EINVALID, "record_id"},
		{"not a PDF", func(e []printzip.Entry) []printzip.Entry { e[0].PDF = []byte("hello"); return e }, dsr.EINVALID, "pdf"},
		{"no pages", func(e []printzip.Entry) []printzip.Entry { e[0].Pages = 0; return e }, dsr.EINVALID, "pages"},
		{"no address", func(e []printzip.Entry) []printzip.Entry { e[0].AddressLines = nil; return e }, dsr.EINVALID, "address_lines"},
		{"six address lines", func(e []printzip.Entry) []printzip.Entry {
			e[0].AddressLines = []string{"a", "b", "c", "d", "e", "f"}
			return e
		}, dsr.EINVALID, "address_lines"},
		{"blank address line", func(e []printzip.Entry) []printzip.Entry { e[0].AddressLines[1] = " "; return e }, dsr.EINVALID, "address_line_2"},
		{"line break in an address line", func(e []printzip.Entry) []printzip.Entry {
			e[0].AddressLines[0] = "Nils\nPåve"
			return e
		}, dsr.EINVALID, "address_line_1"},
		{"bad Swedish postcode", func(e []printzip.Entry) []printzip.Entry { e[0].Postcode = "9813"; return e }, dsr.EINVALID, "postcode"},
		{"bad country", func(e []printzip.Entry) []printzip.Entry { e[0].Country = "Sverige"; return e }, dsr.EINVALID, "country"},
		{"too many letters", func(e []printzip.Entry) []printzip.Entry {
			return make([]printzip.Entry, printzip.MaxLetters+1)
		}, dsr.ETOOLARGE, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			_, err := printzip.Write(&buf, "batch-1", tt.edit(sampleEntries()))
			if dsr.ErrorCode(err) != tt.code || dsr.ErrorField(err) != tt.field {
				t.Fatalf("Write = %v, want code %s field %q", err, tt.code, tt.field)
			}
			if buf.Len() != 0 {
				t.Errorf("Write wrote %d bytes before refusing, want none", buf.Len())
			}
		})
	}
}

// failAfter keeps the first n bytes written to it, as a disk that fills up
// would, and then fails.
type failAfter struct {
	n    int
	kept bytes.Buffer
}

var errDiskFull = errors.New("disk full")

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		k := f.n
		f.kept.Write(p[:k])
		f.n = 0
		return k, errDiskFull
	}
	f.n -= len(p)
	f.kept.Write(p)
	return len(p), nil
}

// When the disk fills up part-way, what was written is not a batch anyone
// could take for a whole one.
func TestWriteFailingPartWay(t *testing.T) {
	entries := sampleEntries()
	for i := range entries {
		filler := make([]byte, 8<<10)
		rand.NewChaCha8([32]byte{byte(i)}).Read(filler)
		entries[i].PDF = append(entries[i].PDF, filler...)
	}
	var full bytes.Buffer
	if _, err := printzip.Write(&full, "batch-1", entries); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 300, full.Len() / 2, full.Len() - 100, full.Len() - 1} {
		w := &failAfter{n: n}
		_, err := printzip.Write(w, "batch-1", entries)
		if !errors.Is(err, errDiskFull) {
			t.Fatalf("cut at %d: Write = %v, want the writer's error", n, err)
		}
		got := w.kept.Bytes()
		if err := verify(got); err == nil {
			t.Errorf("cut at %d: Verify accepted a cut-short archive", n)
		}
		if _, err := zip.NewReader(bytes.NewReader(got), int64(len(got))); err == nil {
			t.Errorf("cut at %d: a zip reader accepted a cut-short archive", n)
		}
	}
}

func TestReadManifestRejects(t *testing.T) {
	var buf bytes.Buffer
	m, err := printzip.Write(&buf, "batch-1", sampleEntries())
	if err != nil {
		t.Fatal(err)
	}
	_, raw := func() ([]printzip.Row, []byte) {
		zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		rc, err := zr.Open(printzip.ManifestName)
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		b, _ := io.ReadAll(rc)
		return nil, b
	}()
	text := string(raw)
	tests := map[string]string{
		"empty":                         "",
		"header only":                   strings.SplitAfter(text, "\r\n")[0],
		"wrong header":                  strings.Replace(text, "batch_id", "batch", 1),
		"identity number added":         strings.Replace(text, "Eva Ek", "Eva Ek 811218-9876", 1),
		"identity number with a space":  strings.Replace(text, "Eva Ek", "Eva Ek 811218 9876", 1),
		"identity number after letters": strings.Replace(text, "Eva Ek", "Eva Ek id811218-9876", 1),
		"rows out of order":             strings.Replace(text, ",1,"+m.Rows[0].SHA256, ",7,"+m.Rows[0].SHA256, 1),
		"short row":                     text + "batch-1,x\r\n",
		"bad checksum":                  strings.Replace(text, m.Rows[0].SHA256, "XYZ", 1),
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := printzip.ReadManifest(strings.NewReader(in))
			if dsr.ErrorCode(err) != dsr.EINVALID {
				t.Errorf("ReadManifest = %v, want an invalid error", err)
			}
			if err != nil && strings.Contains(err.Error(), "811218") {
				t.Errorf("error %q repeats the identity number", err)
			}
		})
	}
	// A byte-order mark, as a spreadsheet might add, is tolerated.
	rows, err := printzip.ReadManifest(strings.NewReader("\xef\xbb\xbf" + text))
	if err != nil || len(rows) != len(m.Rows) {
		t.Errorf("ReadManifest with BOM = %d rows, %v", len(rows), err)
	}
}

func rowEqual(a, b printzip.Row) bool {
	return a.BatchID == b.BatchID && a.RecordID == b.RecordID && a.File == b.File && a.Pages == b.Pages &&
		a.Sheets == b.Sheets && slices.Equal(a.AddressLines, b.AddressLines) && a.Postcode == b.Postcode &&
		a.Country == b.Country && a.ProductClass == b.ProductClass && a.SortSequence == b.SortSequence &&
		a.SHA256 == b.SHA256
}

// BenchmarkWrite writes a batch of 1,000 letters of about 20 KB each; the
// PDFs are random bytes, as incompressible as real compressed PDFs.
func BenchmarkWrite(b *testing.B) {
	const letters, size = 1000, 20 << 10
	rng := rand.NewChaCha8([32]byte{3})
	entries := make([]printzip.Entry, letters)
	total := 0
	for i := range entries {
		body := make([]byte, size)
		rng.Read(body)
		copy(body, "%PDF-1.7\n")
		entries[i] = printzip.Entry{
			RecordID:     uuid.Must(uuid.NewRandomFromReader(rng)).String(),
			PDF:          body,
			Pages:        2,
			AddressLines: []string{"Åsa Öberg", "Storgatan 1", fmt.Sprintf("%03d %02d  GÖTEBORG", 100+i%900, i%100)},
			Postcode:     fmt.Sprintf("%03d%02d", 100+i%900, i%100),
			ProductClass: "B",
		}
		total += size
	}
	b.SetBytes(int64(total))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := printzip.Write(io.Discard, "bench", entries); err != nil {
			b.Fatal(err)
		}
	}
}

// TestLoadFetchesLettersOneAtATime checks that letters given by a loader are
// fetched while the archive is written, and that a loader's failure or a
// loaded file that is not a PDF stops the batch.
func TestLoadFetchesLettersOneAtATime(t *testing.T) {
	entries := sampleEntries()
	loaded := 0
	for i := range entries {
		body := entries[i].PDF
		entries[i].PDF = nil
		entries[i].Load = func() ([]byte, error) { loaded++; return body, nil }
	}
	var buf bytes.Buffer
	if _, err := printzip.Write(&buf, "batch-1", entries); err != nil {
		t.Fatal(err)
	}
	if loaded != len(entries) {
		t.Fatalf("loaded %d letters, want %d", loaded, len(entries))
	}
	if err := verify(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	entries[2].Load = func() ([]byte, error) { return []byte("<html>"), nil }
	if _, err := printzip.Write(io.Discard, "batch-1", entries); dsr.ErrorCode(err) != dsr.EINVALID {
		t.Fatalf("a loaded non-PDF: %v", err)
	}
	entries[2].Load = func() ([]byte, error) { return nil, errors.New("disk gone") }
	if _, err := printzip.Write(io.Discard, "batch-1", entries); err == nil {
		t.Fatal("a failing loader did not stop the batch")
	}
}
