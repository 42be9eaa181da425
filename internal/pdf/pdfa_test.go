package pdf

import (
	"bytes"
	"encoding/binary"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	ledong "github.com/ledongthuc/pdf"

	"dsrdesk/internal/pdf/pdftest"
)

// bookmarked is a document of at least three pages in lang with bookmarks
// on page 1 and on the page the table starts on, their titles in Swedish
// letters and an en dash.
func bookmarked(tb testing.TB, lang string) *Document {
	tb.Helper()
	d := newDocument(tb, newEngine(tb), lang)
	d.NewPage()
	d.SetHeader("Försäkringskassan", "Registerutdrag  2026-03-16")
	d.Bookmark("Följebrev – åäö ÅÄÖ")
	d.Heading("Följebrev", 14)
	d.Paragraph(strings.Repeat("Här står brevet om dina uppgifter. ", 30), Regular, 10, 13)
	d.NewPage()
	d.Skip(40 * MM)
	d.Bookmark("1. Utbetalningar")
	d.Heading("1. Utbetalningar", 12)
	d.Table(numberTable(120))
	return d
}

func TestDocumentsArePDFA(t *testing.T) {
	docs := map[string][]byte{}
	for _, lang := range []string{"sv", "en"} {
		b, _, err := bookmarked(t, lang).Bytes()
		if err != nil {
			t.Fatal(err)
		}
		docs["bookmarked-"+lang] = b
	}
	d := newDocument(t, newEngine(t), "sv")
	d.NewPage()
	d.AddressWindow([]string{"Åsa Öberg", "Storgatan 12 B", "831 31  ÖSTERSUND"})
	b, _, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	docs["address-only"] = b
	pdftest.PDFA(t, docs)
}

// TestArchivedFile checks what PDF/A adds to gopdf's file, one by one, so
// that a failure says which part broke before Preflight is asked.
func TestArchivedFile(t *testing.T) {
	for _, tc := range []struct{ lang, tag string }{{"sv", "sv-SE"}, {"en", "en-GB"}, {"", "sv-SE"}} {
		b, pages, err := bookmarked(t, tc.lang).Bytes()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n")) {
			t.Errorf("%s: the header is %q", tc.lang, b[:16])
		}
		objs, err := parseObjects(b)
		if err != nil {
			t.Fatalf("%s: the archived file does not parse: %v", tc.lang, err)
		}
		// Every stream is exactly as long as its /Length, followed by an
		// end of line and "endstream".
		if n := bytes.Count(b, []byte("\nendstream\n")); n != bytes.Count(b, []byte("endstream")) {
			t.Errorf("%s: %d of %d streams end with an end of line before endstream", tc.lang, n, bytes.Count(b, []byte("endstream")))
		}
		var catalog, info, meta string
		fonts := 0
		for _, o := range objs {
			v := string(o.value)
			switch {
			case strings.Contains(v, "/Type /Catalog"):
				catalog = v
			case strings.Contains(v, "/Producer"):
				info = v
			case strings.Contains(v, "/Type /Metadata"):
				meta = string(o.stream)
				if strings.Contains(v, "/Filter") {
					t.Errorf("%s: the metadata stream is compressed", tc.lang)
				}
			case strings.Contains(v, "/CIDFontType2"):
				fonts++
				if !strings.Contains(v, "/CIDToGIDMap /Identity") {
					t.Errorf("%s: a CIDFontType2 font has no /CIDToGIDMap /Identity:\n%s", tc.lang, v)
				}
			}
		}
		if fonts != 2 {
			t.Errorf("%s: %d CIDFontType2 fonts, want regular and bold", tc.lang, fonts)
		}
		for _, want := range []string{"/Lang (" + tc.tag + ")", "/OutputIntents [", "/Metadata ", "/Outlines "} {
			if !strings.Contains(catalog, want) {
				t.Errorf("%s: the catalog has no %q:\n%s", tc.lang, want, catalog)
			}
		}
		for _, want := range []string{"/CreationDate (D:20260316000000Z)", "/ModDate (D:20260316000000Z)", "/Title (Test)", "/Author (dsrdesk)"} {
			if !strings.Contains(info, want) {
				t.Errorf("%s: the information dictionary has no %q:\n%s", tc.lang, want, info)
			}
		}
		for _, want := range []string{"<pdfaid:part>1</pdfaid:part>", "<pdfaid:conformance>B</pdfaid:conformance>",
			`<rdf:li xml:lang="x-default">Test</rdf:li>`, "<xmp:CreateDate>2026-03-16T00:00:00Z</xmp:CreateDate>"} {
			if !strings.Contains(meta, want) {
				t.Errorf("%s: the XMP metadata have no %q", tc.lang, want)
			}
		}
		trailer := string(b[bytes.LastIndex(b, []byte("trailer")):])
		if !regexp.MustCompile(`/Info \d+ 0 R`).MatchString(trailer) || !regexp.MustCompile(`/ID \[<[0-9a-f]{32}> <[0-9a-f]{32}>\]`).MatchString(trailer) {
			t.Errorf("%s: the trailer has no indirect /Info or no /ID:\n%s", tc.lang, trailer)
		}
		checkXref(t, b)

		// Readers still read it: the text, with å ä ö, and every page.
		perPage := pdftest.Pages(t, b)
		if len(perPage) != pages || !strings.Contains(perPage[0], "Följebrev") || !strings.Contains(strings.Join(perPage, ""), "Rad 120") {
			t.Errorf("%s: pdftotext reads %d pages, want %d with the letter and every row", tc.lang, len(perPage), pages)
		}
	}
}

// checkXref checks that every entry of the cross-reference table points at
// its object and that startxref points at the table.
func checkXref(t *testing.T, b []byte) {
	t.Helper()
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(b)
	if m == nil {
		t.Fatal("no startxref at the end of the file")
	}
	at, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(b[at:], []byte("xref\n0 ")) {
		t.Fatalf("startxref %d does not point at the cross-reference table", at)
	}
	lines := strings.Split(string(b[at:bytes.Index(b[at:], []byte("trailer"))+at]), "\n")
	for i, l := range lines[3 : len(lines)-1] { // after "xref", "0 N" and the free entry
		if len(l) != 19 { // 20 bytes with the newline
			t.Errorf("cross-reference entry %q is not 20 bytes long", l)
		}
		off, _ := strconv.Atoi(l[:10])
		if want := strconv.Itoa(i+1) + " 0 obj\n"; !bytes.HasPrefix(b[off:], []byte(want)) {
			t.Errorf("cross-reference entry %d points at %q", i+1, b[off:min(off+12, len(b))])
		}
	}
}

// A document renders to the same bytes every time: a stored SHA-256 must
// not depend on when the letter was written.
func TestArchiveIsReproducible(t *testing.T) {
	a, _, err := bookmarked(t, "sv").Bytes()
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := bookmarked(t, "sv").Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("two renders of one document differ")
	}
	c, _, err := bookmarked(t, "en").Bytes()
	if err != nil {
		t.Fatal(err)
	}
	id := regexp.MustCompile(`/ID \[<([0-9a-f]+)>`)
	if bytes.Equal(id.FindSubmatch(a)[1], id.FindSubmatch(c)[1]) {
		t.Error("two different documents have the same /ID")
	}
}

// archive refuses a file that is not shaped as gopdf writes it rather than
// archive something it did not understand.
func TestArchiveRefusesWhatItDoesNotKnow(t *testing.T) {
	raw, err := bookmarked(t, "sv").gopdfBytes()
	if err != nil {
		t.Fatal(err)
	}
	meta := archival{lang: "sv-SE", title: "Test", outlineEntries: 2}
	if _, err := archive(raw, meta); err != nil {
		t.Fatalf("gopdf's own output: %v", err)
	}
	longer := regexp.MustCompile(`/Length (\d+)`).ReplaceAllFunc(raw, func(m []byte) []byte {
		n, _ := strconv.Atoi(string(m[len("/Length "):]))
		return []byte("/Length " + strconv.Itoa(n+5))
	})
	for name, in := range map[string][]byte{
		"not a PDF":             []byte("hello"),
		"no objects":            []byte("%PDF-1.7\n%\xff\xff\nxref\n"),
		"cut short":             raw[:len(raw)/2],
		"a wrong stream length": longer,
		"objects out of order":  bytes.Replace(raw, []byte("\n2 0 obj\n"), []byte("\n3 0 obj\n"), 1),
	} {
		if _, err := archive(in, meta); err == nil {
			t.Errorf("%s: archived", name)
		}
	}
	// A bookmark that gopdf did not write is noticed.
	meta.outlineEntries = 3
	if _, err := archive(raw, meta); err == nil || !strings.Contains(err.Error(), "bookmarks") {
		t.Errorf("a lost bookmark: err = %v", err)
	}
}

// Bookmarks lead to the page and the place their text starts, and their
// titles read back with å, ä, ö and the dash.
func TestBookmarks(t *testing.T) {
	d := bookmarked(t, "sv")
	b, _, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	rd, err := ledong.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, o := range rd.Outline().Child {
		titles = append(titles, o.Title)
	}
	if got, want := strings.Join(titles, " | "), "Följebrev – åäö ÅÄÖ | 1. Utbetalningar"; got != want {
		t.Errorf("bookmarks %q, want %q", got, want)
	}

	// Where they lead: the page objects in the order of the page tree, and
	// the top of each bookmark's destination.
	objs, err := parseObjects(b)
	if err != nil {
		t.Fatal(err)
	}
	var kids []string
	for _, o := range objs {
		if m := regexp.MustCompile(`/Kids \[([^\]]*)\]`).FindSubmatch(o.value); m != nil {
			kids = regexp.MustCompile(`\d+`).FindAllString(strings.ReplaceAll(string(m[1]), " 0 R", ""), -1)
		}
	}
	var dests []string
	for _, o := range objs {
		if m := regexp.MustCompile(`/Dest \[ (\d+) 0 R /XYZ [\d.]+ ([\d.]+)`).FindSubmatch(o.value); m != nil {
			page := -1
			for i, k := range kids {
				if k == string(m[1]) {
					page = i + 1
				}
			}
			top, _ := strconv.ParseFloat(string(m[2]), 64)
			dests = append(dests, strconv.Itoa(page)+"@"+strconv.Itoa(int((PageHeight-top)/MM)))
		}
	}
	// Page 1 from the top of the body; page 2 from 40 mm down, each a
	// little above the heading it names.
	if got, want := strings.Join(dests, " "), "1@17 2@57"; got != want {
		t.Errorf("bookmarks lead to page@mm-from-top %s, want %s", got, want)
	}
}

func TestPDFString(t *testing.T) {
	for in, want := range map[string]string{
		"sv-SE":             "(sv-SE)",
		"Registerutdrag":    "(Registerutdrag)",
		"a (b)":             "<FEFF00610020002800620029>",
		"Försäkringskassan": "<FEFF004600f60072007300e4006b00720069006e00670073006b0061007300730061006e>",
		"𝄞":                 "<FEFFd834dd1e>",
	} {
		if got := pdfString(in); got != want {
			t.Errorf("pdfString(%q) = %s, want %s", in, got, want)
		}
	}
	for in, want := range map[time.Time]string{
		time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC):                            "(D:20260316000000Z)",
		time.Date(2026, 3, 16, 9, 5, 0, 0, time.FixedZone("CET", 3600)):         "(D:20260316090500+01'00')",
		time.Date(2026, 3, 16, 9, 5, 0, 0, time.FixedZone("X", -(5*3600+1800))): "(D:20260316090500-05'30')",
	} {
		if got := pdfDate(in); got != want {
			t.Errorf("pdfDate(%v) = %s, want %s", in, got, want)
		}
	}
}

// The sRGB profile is a well-formed ICC v2 profile: its size, signature
// and tags where ICC.1 puts them. Preflight reads it with Java's colour
// management in TestDocumentsArePDFA.
func TestSRGBProfile(t *testing.T) {
	p, compressed := srgbProfile()
	if int(binary.BigEndian.Uint32(p)) != len(p) || string(p[36:40]) != "acsp" || string(p[12:24]) != "mntrRGB XYZ " || p[8] != 2 {
		t.Fatalf("the profile header is wrong: % x", p[:40])
	}
	if len(compressed) == 0 || len(compressed) >= len(p) {
		t.Errorf("the compressed profile is %d bytes, the profile %d", len(compressed), len(p))
	}
	n := int(binary.BigEndian.Uint32(p[128:]))
	seen := map[string]bool{}
	for i := range n {
		e := p[132+12*i:]
		sig, off, size := string(e[:4]), int(binary.BigEndian.Uint32(e[4:])), int(binary.BigEndian.Uint32(e[8:]))
		seen[sig] = true
		if off%4 != 0 || off+size > len(p) {
			t.Errorf("tag %s at %d (%d bytes) is misplaced", sig, off, size)
		}
	}
	for _, sig := range []string{"desc", "cprt", "wtpt", "rXYZ", "gXYZ", "bXYZ", "rTRC", "gTRC", "bTRC"} {
		if !seen[sig] {
			t.Errorf("the profile has no %s tag", sig)
		}
	}
	if v := srgbToLinear(1); v != 1 {
		t.Errorf("sRGB white is %v in linear light", v)
	}
}

// A subheading kept with what follows moves to the next page rather than
// end one.
func TestSubheadingKeep(t *testing.T) {
	d := newDocument(t, newEngine(t), "sv")
	d.NewPage()
	d.SetY(PageBottom - 2*SmallLead)
	d.SubheadingKeep("Registrerade uppgifter", 2*SmallLead)
	d.Paragraph("Inga uppgifter registrerade.", Regular, SmallSize, SmallLead)
	doc, pages := bytesOf(t, d)
	if pages != 2 {
		t.Fatalf("%d pages, want 2", pages)
	}
	if p := pdftest.Pages(t, doc); strings.Contains(p[0], "Registrerade") || !strings.Contains(p[1], "Registrerade uppgifter") {
		t.Errorf("the subheading stayed at the foot of page 1:\n%s", p[0])
	}
}

// BenchmarkArchive is the cost of making gopdf's file PDF/A, for a
// two-page letter and for a 20,000-row table of 417 pages.
func BenchmarkArchive(b *testing.B) {
	for _, tc := range []struct {
		name string
		rows int
	}{{"letter", 20}, {"20000rows", 20000}} {
		b.Run(tc.name, func(b *testing.B) {
			d := newDocument(b, newEngine(b), "sv")
			d.NewPage()
			d.Paragraph(strings.Repeat("Här står brevet. ", 80), Regular, 10, 13)
			d.NewPage()
			d.Table(numberTable(tc.rows))
			raw, err := d.gopdfBytes()
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				if _, err := archive(raw, d.meta); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
