package printzip_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/printzip"
)

// sortedEntries are sampleEntries in the order a store hands them over.
func sortedEntries() []printzip.Entry {
	e := sampleEntries()
	return []printzip.Entry{e[2], e[1], e[3], e[0], e[4]} // 11122, 41319 ×2 by id, 98131, Norway
}

// TestWriterStreamsLetters: a Writer takes letters one at a time in sort
// order, reports its progress, keeps the manifest in a spool file it
// removes, and gives the same manifest Write does.
func TestWriterStreamsLetters(t *testing.T) {
	spool := t.TempDir()
	var progress []int
	var buf bytes.Buffer
	zw, err := printzip.NewWriter(&buf, "batch-2026-03-05", printzip.Options{SpoolDir: spool, Progress: func(n int) { progress = append(progress, n) }})
	if err != nil {
		t.Fatal(err)
	}
	if buf.Len() != 0 {
		t.Fatal("NewWriter wrote before the first letter")
	}
	for _, e := range sortedEntries() {
		if _, err := zw.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	if left, _ := os.ReadDir(spool); len(left) != 1 || !strings.HasPrefix(left[0].Name(), printzip.SpoolPrefix) {
		t.Fatalf("while letters are written the spool holds %v, want one manifest spool", left)
	}
	n, err := zw.Finish()
	if err != nil || n != 5 {
		t.Fatalf("Finish = %d, %v", n, err)
	}
	if !slices.Equal(progress, []int{1, 2, 3, 4, 5}) {
		t.Errorf("progress %v", progress)
	}
	if left, _ := os.ReadDir(spool); len(left) != 0 {
		t.Errorf("the spool folder keeps %d files after Finish", len(left))
	}
	if err := verify(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	rows, _ := readManifestFromZip(t, buf.Bytes())
	_, want := writeBatch(t, sampleEntries())
	if !slices.EqualFunc(rows, want.Rows, rowEqual) {
		t.Errorf("the streamed manifest\n%+v\ndiffers from Write's\n%+v", rows, want.Rows)
	}
}

// TestWriterRefusesLettersOutOfOrder: the store hands letters over in
// PostNord's order; one out of order stops the batch, and what was written
// is not a batch anyone could take for a whole one.
func TestWriterRefusesLettersOutOfOrder(t *testing.T) {
	for name, order := range map[string][]int{
		"postcode before the one before": {0, 3, 1},
		"same postcode, lower record id": {0, 2, 1},
		"Swedish after a letter abroad":  {0, 4, 3},
		"the same letter twice":          {0, 1, 1},
	} {
		t.Run(name, func(t *testing.T) {
			entries := sortedEntries()
			var buf bytes.Buffer
			zw, err := printzip.NewWriter(&buf, "batch-1", printzip.Options{SpoolDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			defer zw.Discard()
			var last error
			for _, i := range order {
				if _, last = zw.Add(entries[i]); last != nil {
					break
				}
			}
			if dsr.ErrorCode(last) != dsr.EINVALID {
				t.Fatalf("letters out of order: %v, want an invalid error", last)
			}
			if _, err := zw.Finish(); err == nil {
				t.Fatal("Finish after a refused letter succeeded")
			}
			if verify(buf.Bytes()) == nil {
				t.Fatal("the cut-short batch verifies")
			}
		})
	}
}

// protectedEntries are letters of the protected route: each with its inner
// sheet and addressed to Skatteverket's forwarding.
func protectedEntries() []printzip.Entry {
	fw := dsr.ProtectedForwarding
	var out []printzip.Entry
	for _, id := range []string{"rec-p1", "rec-p2", "rec-p3"} {
		out = append(out, printzip.Entry{RecordID: id, PDF: pdf("letter " + id), Pages: 3, AddressLines: fw.Lines,
			Postcode: fw.Postcode, Country: fw.Country, ProductClass: "B", InnerSheet: pdf("inner sheet " + id)})
	}
	return out
}

func TestProtectedBatch(t *testing.T) {
	var buf bytes.Buffer
	zw, err := printzip.NewWriter(&buf, "batch-p", printzip.Options{Protected: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range protectedEntries() {
		if _, err := zw.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := zw.Finish(); err != nil {
		t.Fatal(err)
	}
	archive := buf.Bytes()
	if err := verify(archive); err != nil {
		t.Fatalf("Verify of a protected batch: %v", err)
	}
	files := map[string][]byte{}
	for _, f := range openZip(t, archive).File {
		rc, _ := f.Open()
		var b bytes.Buffer
		b.ReadFrom(rc)
		rc.Close()
		files[f.Name] = b.Bytes()
	}
	rows, raw := readManifestFromZip(t, archive)
	for i, r := range rows {
		wantSheet := fmt.Sprintf("sheets/%06d-%s.pdf", i+1, r.RecordID)
		sum := sha256.Sum256(files[wantSheet])
		if r.InnerSheet != wantSheet || r.InnerSheetSHA256 != hex.EncodeToString(sum[:]) || !bytes.Contains(files[wantSheet], []byte("inner sheet "+r.RecordID)) {
			t.Errorf("row %d: inner sheet %q %s", i+1, r.InnerSheet, r.InnerSheetSHA256)
		}
		if !slices.Equal(r.AddressLines, []string{"Skatteverket", "Box 2820", "403 20  GÖTEBORG"}) || r.Postcode != "40320" || r.Country != "SE" {
			t.Errorf("row %d is addressed to %q %s %s, want Skatteverket's forwarding", i+1, r.AddressLines, r.Postcode, r.Country)
		}
	}
	if !bytes.Contains(raw, []byte(",inner_sheet,inner_sheet_sha256\r\n")) {
		t.Error("the manifest has no inner-sheet columns")
	}
	text := string(files[printzip.InstructionName])
	for _, want := range []string{"batch-p", "Antal brev: 3", "innerbladet först", "fönstret", "Skatteverket", "Box 2820", "403 20  GÖTEBORG", "Blanda dem aldrig med vanlig post"} {
		if !strings.Contains(text, want) {
			t.Errorf("%s lacks %q:\n%s", printzip.InstructionName, want, text)
		}
	}

	// The verifier catches a protected batch tampered with.
	sheet := rows[1].InnerSheet
	for name, tampered := range map[string][]byte{
		"inner sheet replaced": rewrite(t, archive, func(n string, b []byte) []byte {
			if n == sheet {
				return pdf("another person")
			}
			return b
		}, nil),
		"inner sheet missing": rewrite(t, archive, func(n string, b []byte) []byte {
			if n == sheet {
				return nil
			}
			return b
		}, nil),
		"instructions missing": rewrite(t, archive, func(n string, b []byte) []byte {
			if n == printzip.InstructionName {
				return nil
			}
			return b
		}, nil),
		"a row without its inner sheet": rewrite(t, archive, func(n string, b []byte) []byte {
			if n == printzip.ManifestName {
				return bytes.Replace(b, []byte(sheet+","+rows[1].InnerSheetSHA256), []byte(","), 1)
			}
			return b
		}, nil),
		"a row addressed to the person": rewrite(t, archive, func(n string, b []byte) []byte {
			if n == printzip.ManifestName {
				return bytes.Replace(b, []byte("Box 2820"), []byte("Storgatan 1"), 1)
			}
			return b
		}, nil),
	} {
		if err := verify(tampered); dsr.ErrorCode(err) != dsr.EINVALID {
			t.Errorf("%s: Verify = %v, want an invalid error", name, err)
		}
	}
}

// TestRoutesDoNotMix: an inner sheet never goes into an ordinary batch, a
// protected letter never goes without one, and its manifest address is
// always the forwarding address, never the person's.
func TestRoutesDoNotMix(t *testing.T) {
	add := func(protected bool, e printzip.Entry) error {
		zw, err := printzip.NewWriter(&bytes.Buffer{}, "batch-1", printzip.Options{Protected: protected})
		if err != nil {
			t.Fatal(err)
		}
		defer zw.Discard()
		_, err = zw.Add(e)
		return err
	}
	ordinary, prot := sampleEntries()[0], protectedEntries()[0]
	withSheet := ordinary
	withSheet.InnerSheet = pdf("sheet")
	toPerson := prot
	toPerson.AddressLines, toPerson.Postcode = []string{"Cecilia Skyddsdotter"}, "75220"
	noSheet := prot
	noSheet.InnerSheet = nil
	notPDF := prot
	notPDF.InnerSheet = []byte("<html>")
	for name, err := range map[string]error{
		"an inner sheet in an ordinary batch":   add(false, withSheet),
		"a protected letter without its sheet":  add(true, noSheet),
		"a protected letter to its person":      add(true, toPerson),
		"an ordinary letter in a protected one": add(true, ordinary),
		"an inner sheet that is not a PDF":      add(true, notPDF),
	} {
		if dsr.ErrorCode(err) != dsr.EINVALID {
			t.Errorf("%s: %v, want an invalid error", name, err)
		}
	}
	mixed := append(sampleEntries()[:2], protectedEntries()[0])
	var buf bytes.Buffer
	if _, err := printzip.Write(&buf, "batch-1", mixed); dsr.ErrorField(err) != "inner_sheet" || buf.Len() != 0 {
		t.Errorf("Write of a mixed batch: %v, %d bytes", err, buf.Len())
	}
	if _, err := printzip.Write(&buf, "batch-1", protectedEntries()); err != nil {
		t.Errorf("Write of a protected batch: %v", err)
	}
}

// TestOlderBatchesStillVerify: a batch written before inner sheets (five-
// digit sequences, fifteen columns) still verifies.
func TestOlderBatchesStillVerify(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var manifest bytes.Buffer
	cw := csv.NewWriter(&manifest)
	cw.UseCRLF = true
	cw.Write(strings.Split("batch_id,record_id,file,pages,sheets,address_line_1,address_line_2,address_line_3,address_line_4,address_line_5,postcode,country,product_class,sort_sequence,sha256", ","))
	for i, e := range sortedEntries()[:3] {
		name := fmt.Sprintf("letters/%05d-%s.pdf", i+1, e.RecordID)
		w, _ := zw.Create(name)
		w.Write(e.PDF)
		sum := sha256.Sum256(e.PDF)
		lines := append(slices.Clone(e.AddressLines), "", "", "", "", "")[:5]
		cw.Write(append(append([]string{"old-batch", e.RecordID, name, fmt.Sprint(e.Pages), fmt.Sprint((e.Pages + 1) / 2)}, lines...),
			strings.ReplaceAll(e.Postcode, " ", ""), "SE", e.ProductClass, fmt.Sprint(i+1), hex.EncodeToString(sum[:])))
	}
	cw.Flush()
	w, _ := zw.Create(printzip.ManifestName)
	w.Write(manifest.Bytes())
	zw.Close()
	if err := verify(buf.Bytes()); err != nil {
		t.Fatalf("an older batch: %v", err)
	}
}
