package pdf

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"
	"unicode/utf16"
)

// Every letter is archived as PDF/A-1b (ISO 19005-1, level B): Riksarkivet
// takes PDF/A for public documents, and the agency keeps what it sends.
// gopdf v0.33.0 writes none of what PDF/A adds to a PDF, so archive below
// rewrites gopdf's finished file. What gopdf cannot do, and archive does:
//
//   - the document information dictionary as an indirect object (gopdf
//     writes it into the trailer) and the same facts as XMP metadata,
//     uncompressed, with the PDF/A identification (part 1, conformance B);
//   - an output intent with an embedded sRGB ICC profile, without which
//     the DeviceGray and DeviceRGB colours of the pages are not allowed;
//   - /CIDToGIDMap /Identity in the CIDFontType2 fonts (gopdf keeps the
//     fonts' glyph ids as CIDs but does not say so);
//   - the document's language (/Lang) in the catalog;
//   - an end-of-line before every "endstream" (gopdf counts the last
//     newline of a ToUnicode map in its /Length and writes none after it);
//   - the trailer's /ID, and a cross-reference table for the new objects.
//
// archive parses gopdf's output by the objects it writes, in order, each
// stream by its /Length, and fails rather than guess when the file is not
// shaped as expected: a gopdf upgrade that changes its output must be
// looked at, not archived blindly. It copies each object once and adds four:
// information, metadata, output intent and profile. Its cost is a small
// fraction of laying a document out (see BenchmarkArchive).

// archival is what the archived file says about itself. It must never hold
// personal data: tools that never show the letter index these fields.
type archival struct {
	lang           string // BCP 47, "sv-SE"
	title, author  string
	creator        string
	created        time.Time // zero: no dates
	producer       string
	outlineEntries int // bookmarks gopdf wrote, to check that they survive
}

// rawObject is one object of gopdf's output: its value (a dictionary, as
// gopdf writes every object) and, for a stream, the stream's data exactly
// as long as its /Length.
type rawObject struct {
	value  []byte
	stream []byte // nil for an object without a stream
}

var (
	catalogType  = regexp.MustCompile(`/Type\s*/Catalog\b`)
	cidFontType2 = regexp.MustCompile(`/Subtype\s*/CIDFontType2\b`)
	outlineTitle = regexp.MustCompile(`/Title\s*<FEFF`)
)

// archive rewrites raw, a PDF as gopdf wrote it, as a PDF/A-1b file.
func archive(raw []byte, a archival) ([]byte, error) {
	objs, err := parseObjects(raw)
	if err != nil {
		return nil, fmt.Errorf("pdf/a: %w", err)
	}
	n := len(objs)
	infoID, metaID, intentID, profileID := n+1, n+2, n+3, n+4
	_, profile := srgbProfile()
	meta := xmpPacket(a)

	var out bytes.Buffer
	out.Grow(len(raw) + len(profile) + len(meta) + 2048)
	// PDF/A-1 is based on PDF 1.4, and nothing here needs a later one. The
	// comment's bytes above 127 tell transfer programs the file is binary.
	out.WriteString("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n")
	offsets := make([]int, 0, n+4)
	catalogs, fonts, titles := 0, 0, 0
	for i, o := range objs {
		offsets = append(offsets, out.Len())
		out.WriteString(strconv.Itoa(i + 1))
		out.WriteString(" 0 obj\n")
		v := o.value
		switch {
		case catalogType.Match(v):
			catalogs++
			v = extendDict(v, fmt.Sprintf("/Metadata %d 0 R\n/OutputIntents [%d 0 R]\n/Lang %s\n", metaID, intentID, pdfString(a.lang)))
		case cidFontType2.Match(v):
			fonts++
			if !bytes.Contains(v, []byte("/CIDToGIDMap")) {
				v = extendDict(v, "/CIDToGIDMap /Identity\n")
			}
		case outlineTitle.Match(v):
			titles++
		}
		out.Write(v)
		out.WriteByte('\n')
		if o.stream != nil {
			out.WriteString("stream\n")
			out.Write(o.stream)
			out.WriteString("\nendstream\n")
		}
		out.WriteString("endobj\n")
	}
	switch {
	case catalogs != 1:
		return nil, fmt.Errorf("pdf/a: %d catalogs in gopdf's output", catalogs)
	case fonts == 0:
		return nil, errors.New("pdf/a: no CIDFontType2 font in gopdf's output")
	case titles != a.outlineEntries:
		return nil, fmt.Errorf("pdf/a: %d bookmarks in gopdf's output, %d added", titles, a.outlineEntries)
	}

	add := func(id int, dict string, stream []byte) {
		offsets = append(offsets, out.Len())
		fmt.Fprintf(&out, "%d 0 obj\n%s\n", id, dict)
		if stream != nil {
			out.WriteString("stream\n")
			out.Write(stream)
			out.WriteString("\nendstream\n")
		}
		out.WriteString("endobj\n")
	}
	add(infoID, infoDict(a), nil)
	add(metaID, fmt.Sprintf("<<\n/Type /Metadata\n/Subtype /XML\n/Length %d\n>>", len(meta)), meta)
	add(intentID, fmt.Sprintf("<<\n/Type /OutputIntent\n/S /GTS_PDFA1\n/OutputConditionIdentifier %s\n/Info %s\n/RegistryName (http://www.color.org)\n/DestOutputProfile %d 0 R\n>>",
		pdfString(srgbCondition), pdfString(srgbCondition), profileID), nil)
	add(profileID, fmt.Sprintf("<<\n/N 3\n/Filter /FlateDecode\n/Length %d\n>>", len(profile)), profile)

	// The file identifier is a digest of gopdf's output and of what was
	// added to it: the same letter gets the same bytes, and so the same
	// stored SHA-256, every time it is rendered.
	h := sha256.New()
	h.Write(raw)
	h.Write(meta)
	id := hex.EncodeToString(h.Sum(nil)[:16])

	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<<\n/Size %d\n/Root 1 0 R\n/Info %d 0 R\n/ID [<%s> <%s>]\n>>\nstartxref\n%d\n%%%%EOF\n",
		len(offsets)+1, infoID, id, id, xref)
	return out.Bytes(), nil
}

// parseObjects reads the objects of a file as gopdf writes it: the header,
// then objects 1, 2, 3 … in order, each "N 0 obj", a dictionary, perhaps a
// stream, and "endobj", then the cross-reference table.
func parseObjects(raw []byte) ([]rawObject, error) {
	if !bytes.HasPrefix(raw, []byte("%PDF-")) {
		return nil, errors.New("not a PDF")
	}
	p := bytes.IndexByte(raw, '\n')
	if p < 0 {
		return nil, errors.New("no header line")
	}
	p = skipLine(raw, p+1) // the binary comment
	var objs []rawObject
	for n := 1; ; n++ {
		p = skipSpace(raw, p)
		if bytes.HasPrefix(raw[p:], []byte("xref")) {
			break
		}
		head := strconv.Itoa(n) + " 0 obj"
		if !bytes.HasPrefix(raw[p:], []byte(head)) {
			return nil, fmt.Errorf("object %d: not found at byte %d", n, p)
		}
		p = skipSpace(raw, p+len(head))
		if !bytes.HasPrefix(raw[p:], []byte("<<")) {
			return nil, fmt.Errorf("object %d: not a dictionary", n)
		}
		end, err := skipDict(raw, p)
		if err != nil {
			return nil, fmt.Errorf("object %d: %w", n, err)
		}
		o := rawObject{value: raw[p:end]}
		p = skipSpace(raw, end)
		if bytes.HasPrefix(raw[p:], []byte("stream")) {
			p += len("stream")
			switch {
			case bytes.HasPrefix(raw[p:], []byte("\r\n")):
				p += 2
			case p < len(raw) && raw[p] == '\n':
				p++
			default:
				return nil, fmt.Errorf("object %d: no end of line after \"stream\"", n)
			}
			length, err := streamLength(o.value)
			if err != nil {
				return nil, fmt.Errorf("object %d: %w", n, err)
			}
			if p+length > len(raw) {
				return nil, fmt.Errorf("object %d: the stream runs past the end of the file", n)
			}
			o.stream = raw[p : p+length : p+length]
			p += length
			// gopdf writes an end of line before "endstream", or counts it
			// in the stream; either way "endstream" must follow.
			if bytes.HasPrefix(raw[p:], []byte("\r\n")) {
				p += 2
			} else if p < len(raw) && (raw[p] == '\n' || raw[p] == '\r') {
				p++
			}
			if !bytes.HasPrefix(raw[p:], []byte("endstream")) {
				return nil, fmt.Errorf("object %d: the stream is not %d bytes long", n, length)
			}
			p = skipSpace(raw, p+len("endstream"))
		}
		if !bytes.HasPrefix(raw[p:], []byte("endobj")) {
			return nil, fmt.Errorf("object %d: no \"endobj\"", n)
		}
		p += len("endobj")
		objs = append(objs, o)
	}
	if len(objs) == 0 {
		return nil, errors.New("no objects")
	}
	return objs, nil
}

// skipSpace returns the index of the first byte at or after i that is not
// PDF white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\n', '\r', '\t', '\f', 0:
			i++
		default:
			return i
		}
	}
	return i
}

// skipLine returns the index after the end of the line that i is on.
func skipLine(b []byte, i int) int {
	if j := bytes.IndexByte(b[i:], '\n'); j >= 0 {
		return i + j + 1
	}
	return len(b)
}

// skipDict returns the index after the dictionary that starts at b[i]
// ("<<"), stepping over nested dictionaries, hex strings and literal
// strings, whose brackets do not count.
func skipDict(b []byte, i int) (int, error) {
	depth := 0
	for i < len(b) {
		switch b[i] {
		case '<':
			if i+1 < len(b) && b[i+1] == '<' {
				depth++
				i += 2
				continue
			}
			j := bytes.IndexByte(b[i:], '>')
			if j < 0 {
				return 0, errors.New("a hex string does not end")
			}
			i += j + 1
		case '>':
			if i+1 < len(b) && b[i+1] == '>' {
				depth--
				i += 2
				if depth == 0 {
					return i, nil
				}
				continue
			}
			return 0, errors.New("a stray '>'")
		case '(':
			i = skipString(b, i)
		case '%':
			i = skipLine(b, i)
		default:
			i++
		}
	}
	return 0, errors.New("the dictionary does not end")
}

// skipString returns the index after the literal string that starts at
// b[i] ("("), whose balanced parentheses and escaped characters belong to
// it.
func skipString(b []byte, i int) int {
	nest := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '(':
			nest++
		case ')':
			nest--
			if nest == 0 {
				return i + 1
			}
		}
	}
	return len(b)
}

// streamLength reads a stream dictionary's /Length, which gopdf always
// writes as a number (not as a reference to one).
func streamLength(dict []byte) (int, error) {
	for i := 0; ; {
		j := bytes.Index(dict[i:], []byte("/Length"))
		if j < 0 {
			return 0, errors.New("a stream without /Length")
		}
		k := i + j + len("/Length")
		i = k
		if k < len(dict) && dict[k] >= '0' && dict[k] <= '9' {
			continue // /Length1, /Length2 … of a font file
		}
		k = skipSpace(dict, k)
		e := k
		for e < len(dict) && dict[e] >= '0' && dict[e] <= '9' {
			e++
		}
		n, err := strconv.Atoi(string(dict[k:e]))
		if err != nil {
			return 0, errors.New("a /Length that is not a number")
		}
		if rest := skipSpace(dict, e); rest < len(dict) && (dict[rest] >= '0' && dict[rest] <= '9') {
			return 0, errors.New("a /Length given by reference")
		}
		return n, nil
	}
}

// extendDict returns dict with entries added before its closing ">>".
func extendDict(dict []byte, entries string) []byte {
	end := bytes.LastIndex(dict, []byte(">>"))
	out := make([]byte, 0, len(dict)+len(entries))
	out = append(out, dict[:end]...)
	out = append(out, entries...)
	return append(out, dict[end:]...)
}

// pdfString writes s as a PDF text string: literal when it is printable
// ASCII, otherwise UTF-16BE with a byte-order mark, in hex.
func pdfString(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '(' || c == ')' || c == '\\' {
			ascii = false
			break
		}
	}
	if ascii {
		return "(" + s + ")"
	}
	b := []byte("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, hex.EncodeToString([]byte{byte(u >> 8), byte(u)})...)
	}
	return string(append(b, '>'))
}

// pdfDate writes t as a PDF date, D:YYYYMMDDHHmmSS with its offset from UTC.
func pdfDate(t time.Time) string {
	_, off := t.Zone()
	if off == 0 {
		return "(D:" + t.Format("20060102150405") + "Z)"
	}
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("(D:%s%c%02d'%02d')", t.Format("20060102150405"), sign, off/3600, off%3600/60)
}

// infoDict is the document information dictionary; xmpPacket says the
// same in XMP, as PDF/A requires.
func infoDict(a archival) string {
	var b bytes.Buffer
	b.WriteString("<<\n")
	for _, kv := range [][2]string{{"Title", a.title}, {"Author", a.author}, {"Creator", a.creator}, {"Producer", a.producer}} {
		if kv[1] != "" {
			fmt.Fprintf(&b, "/%s %s\n", kv[0], pdfString(kv[1]))
		}
	}
	if !a.created.IsZero() {
		fmt.Fprintf(&b, "/CreationDate %s\n/ModDate %s\n", pdfDate(a.created), pdfDate(a.created))
	}
	b.WriteString(">>")
	return b.String()
}

// xmpPacket is the document's XMP metadata: the PDF/A identification and
// the information dictionary's entries under their XMP names.
func xmpPacket(a archival) []byte {
	esc := func(s string) string {
		var b bytes.Buffer
		_ = xml.EscapeText(&b, []byte(s)) // a bytes.Buffer does not fail
		return b.String()
	}
	var b bytes.Buffer
	b.WriteString("<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n" +
		"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n" +
		"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n" +
		"<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n" +
		"<pdfaid:part>1</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n" +
		"</rdf:Description>\n" +
		"<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n" +
		"<dc:format>application/pdf</dc:format>\n")
	if a.title != "" {
		fmt.Fprintf(&b, "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li></rdf:Alt></dc:title>\n", esc(a.title))
	}
	if a.author != "" {
		fmt.Fprintf(&b, "<dc:creator><rdf:Seq><rdf:li>%s</rdf:li></rdf:Seq></dc:creator>\n", esc(a.author))
	}
	b.WriteString("</rdf:Description>\n" +
		"<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n")
	if a.creator != "" {
		fmt.Fprintf(&b, "<xmp:CreatorTool>%s</xmp:CreatorTool>\n", esc(a.creator))
	}
	if !a.created.IsZero() {
		d := a.created.Format(time.RFC3339)
		fmt.Fprintf(&b, "<xmp:CreateDate>%s</xmp:CreateDate>\n<xmp:ModifyDate>%s</xmp:ModifyDate>\n<xmp:MetadataDate>%s</xmp:MetadataDate>\n", d, d, d)
	}
	b.WriteString("</rdf:Description>\n" +
		"<rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n")
	if a.producer != "" {
		fmt.Fprintf(&b, "<pdf:Producer>%s</pdf:Producer>\n", esc(a.producer))
	}
	b.WriteString("</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"r\"?>")
	return b.Bytes()
}
