package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// Font family names as they appear (as BaseFont) in the PDF. gopdf picks a
// face by family and style; each face is its own family here, registered
// with the (default) regular style, because gopdf has no synthetic bold.
const (
	familyRegular = "GoRegular"
	familyBold    = "GoBold"
)

// ErrMissingGlyph is wrapped by the error a document returns when its text
// contains a character the embedded fonts cannot draw. gopdf would otherwise
// print a space in its place, and a letter that silently drops characters
// from a person's data is a wrong answer.
var ErrMissingGlyph = errors.New("pdf: character not in the font")

// missingGlyph is the value the fonts' OnGlyphNotFound hook panics with.
// The hook is set once, when the fonts are parsed, and is shared by every
// document, so it cannot report to the document that hit it; a panic on the
// goroutine laying the document out can, and the Document turns it back
// into its error.
type missingGlyph rune

func panicOnMissingGlyph(r rune) { panic(missingGlyph(r)) }

// Engine holds the embedded Go fonts (regular and bold), parsed once by
// NewEngine. Every Document gets its own gopdf document built from them, so
// one Engine may be used by any number of goroutines at once.
type Engine struct {
	fonts *gopdf.FontContainer
}

// NewEngine parses the embedded fonts. Parsing them here rather than per
// document makes setting up a document about 60 times cheaper (2 µs instead
// of 130 µs and 190 kB).
func NewEngine() (*Engine, error) {
	fonts := new(gopdf.FontContainer)
	opt := gopdf.TtfOption{OnGlyphNotFound: panicOnMissingGlyph}
	if err := fonts.AddTTFFontDataWithOption(familyRegular, goregular.TTF, opt); err != nil {
		return nil, fmt.Errorf("pdf: parse regular font: %w", err)
	}
	if err := fonts.AddTTFFontDataWithOption(familyBold, gobold.TTF, opt); err != nil {
		return nil, fmt.Errorf("pdf: parse bold font: %w", err)
	}
	return &Engine{fonts: fonts}, nil
}

// Setup is what a document says about itself before its first page.
type Setup struct {
	// Lang is "sv" or "en": the language of the page numbers ("Sida N av
	// M", "Page N of M") and of the line saying a table continues, and the
	// document's language for screen readers and archives (sv-SE, en-GB).
	// Anything else means Swedish.
	Lang string
	// Title and Author go into the PDF's info dictionary, which may be
	// indexed by tools that never see the letter: never personal data.
	Title, Author string
	// Created is the document's date in the info dictionary. Taking it from
	// the content rather than the clock keeps the bytes, and so a stored
	// SHA-256, reproducible.
	Created time.Time
	// Footer is printed at the left of every page's footer, left of the
	// page number.
	Footer string
}

// wording is the few words the engine writes itself.
type wording struct {
	continued string
	page      func(n, of int) string
}

func wordingFor(lang string) wording {
	if lang == "en" {
		return wording{
			continued: "continued",
			page:      func(n, of int) string { return "Page " + strconv.Itoa(n) + " of " + strconv.Itoa(of) },
		}
	}
	return wording{
		continued: "forts.",
		page:      func(n, of int) string { return "Sida " + strconv.Itoa(n) + " av " + strconv.Itoa(of) },
	}
}

// Face is a typeface of the embedded fonts.
type Face uint8

// The faces.
const (
	Regular Face = iota
	Bold
)

// Document is one PDF being laid out, top to bottom, page after page. It
// keeps a cursor, the top of the next line (Y), and starts new pages as
// text flows past the bottom of one.
//
// Errors are sticky: the first one is kept and every later operation does
// nothing, so layout code reads as a sequence of steps and learns of a
// failure once, from Write or Bytes. A Document is used by one goroutine.
type Document struct {
	gp      *gopdf.GoPdf
	wording wording
	meta    archival // what the archived file says about itself
	err     error
	done    bool // page numbers filled in

	where string // what is being drawn, for error messages; never personal data

	footer                  string
	headerLeft, headerRight string
	headerOn                bool
	headerRightW            float64 // measured once; negative until then

	page   int
	y      float64 // top of the next line on the current page
	bottom float64 // lowest y that content may reach on the current page

	bold    bool // the current font, so that a page break can restore it
	size    float64
	fontOK  bool
	ink     Ink // the text colour
	painted Ink // the fill colour in the page's content stream
}

// New starts a document. It has no page until the first NewPage.
func (e *Engine) New(s Setup) (*Document, error) {
	d := &Document{gp: new(gopdf.GoPdf), wording: wordingFor(s.Lang), footer: s.Footer}
	gp := d.gp
	gp.Start(gopdf.Config{Unit: gopdf.UnitPT, PageSize: gopdf.Rect{W: PageWidth, H: PageHeight}})
	if err := gp.AddTTFFontFromFontContainer(familyRegular, e.fonts); err != nil {
		return nil, fmt.Errorf("pdf: add regular font: %w", err)
	}
	if err := gp.AddTTFFontFromFontContainer(familyBold, e.fonts); err != nil {
		return nil, fmt.Errorf("pdf: add bold font: %w", err)
	}
	// The information dictionary is written by archive, with the XMP
	// metadata that must say the same.
	d.meta = archival{lang: langTag(s.Lang), title: s.Title, author: s.Author, creator: "dsrdesk", producer: "dsrdesk", created: s.Created}
	return d, nil
}

// SetWhere names what is being drawn from now on ("cover letter",
// "register kontakter"), for the error a failure returns. It must never be
// personal data.
func (d *Document) SetWhere(s string) { d.where = s }

// SetHeader sets the running header of every page started after this
// call: left in bold and right in regular type, above a rule.
func (d *Document) SetHeader(left, right string) {
	d.headerLeft, d.headerRight, d.headerOn = left, right, true
	d.headerRightW = -1
}

// Page is the number of the current page, 0 before the first.
func (d *Document) Page() int { return d.page }

// Y is the top of the next line on the current page.
func (d *Document) Y() float64 { return d.y }

// SetY moves the cursor to y on the current page.
func (d *Document) SetY(y float64) { d.y = y }

// Skip moves the cursor down by dy; a gap at the foot of a page is not
// carried over to the next.
func (d *Document) Skip(dy float64) { d.y += dy }

// SetPageBottom makes y the lowest point content may reach on the current
// page, to keep room for something printed at its foot. The next page
// reaches PageBottom again.
func (d *Document) SetPageBottom(y float64) { d.bottom = y }

// SetFont selects a face and size for the text drawn from now on. It skips
// gopdf's SetFont, which searches the document's object list, when only the
// size changes.
func (d *Document) SetFont(f Face, size float64) {
	if d.err != nil {
		return
	}
	bold := f == Bold
	if d.fontOK && d.bold == bold {
		if d.size != size {
			d.fail(d.gp.SetFontSize(size))
			d.size = size
		}
		return
	}
	family := familyRegular
	if bold {
		family = familyBold
	}
	d.fail(d.gp.SetFont(family, "", size))
	d.bold, d.size, d.fontOK = bold, size, true
}

// SetInk sets the colour of the text drawn from now on.
func (d *Document) SetInk(i Ink) { d.ink = i }

// paint makes i the fill colour of the page's content stream, which PDF
// uses for text and filled shapes alike. It writes to the stream only when
// the colour changes: gopdf's SetTextColor would instead repeat the colour
// for every piece of text, a tenth of the time of a long extract.
func (d *Document) paint(i Ink) {
	if d.err == nil && d.painted != i {
		d.gp.SetGrayFill(float64(i) / 255)
		d.painted = i
	}
}

// Measure returns the width of s in the current font.
func (d *Document) Measure(s string) float64 {
	if d.err != nil || s == "" {
		return 0
	}
	defer d.catchMissingGlyph()
	w, err := d.gp.MeasureTextWidth(s)
	d.fail(err)
	return w
}

// Text draws s with its baseline at (x, base) in the current font and ink.
// It does not move the cursor or break the page.
func (d *Document) Text(x, base float64, s string) {
	if d.err != nil || s == "" {
		return
	}
	defer d.catchMissingGlyph()
	d.paint(d.ink)
	d.gp.SetXY(x, base)
	d.fail(d.gp.Text(s))
}

// TextRight draws s so that it ends at x.
func (d *Document) TextRight(x, base float64, s string) {
	d.textRight(x, base, s, -1)
}

// textRight is TextRight with the width of s, if already known, or -1.
func (d *Document) textRight(x, base float64, s string, w float64) {
	if w < 0 {
		w = d.Measure(s)
	}
	d.Text(x-w, base, s)
}

// Rule draws a horizontal hairline from x1 to x2 at y.
func (d *Document) Rule(x1, x2, y float64) {
	if d.err != nil {
		return
	}
	d.gp.SetLineWidth(0.5)
	d.gp.SetStrokeColor(ruleGrey, ruleGrey, ruleGrey)
	d.gp.Line(x1, y, x2, y)
}

// fill paints a rectangle in a grey level.
func (d *Document) fill(x, y, w, h float64, i Ink) {
	if d.err != nil {
		return
	}
	d.paint(i)
	d.gp.RectFromUpperLeftWithStyle(x, y, w, h, "F")
}

// Wrap splits s into lines no wider than width in the current font, at
// spaces where it can and mid-word where a word alone is too wide. Line
// breaks in s are kept and tabs become spaces (see clean).
func (d *Document) Wrap(s string, width float64) []string {
	if d.err != nil {
		return []string{s}
	}
	if width < 2*d.size {
		// gopdf's line breaking never ends if one character is wider
		// than the line.
		d.fail(fmt.Errorf("no room to wrap text in %.0f pt", width))
		return []string{s}
	}
	defer d.catchMissingGlyph()
	var out []string
	for _, line := range strings.Split(clean(s), "\n") {
		if line == "" || d.Measure(line) <= width {
			out = append(out, line)
			continue
		}
		parts, err := d.gp.SplitTextWithWordWrap(line, width)
		d.fail(err)
		out = append(out, parts...)
	}
	return out
}

// clean returns s with tabs as spaces and CR LF and lone CRs as LF. It
// returns s itself, without allocating, when there is nothing to change,
// which is nearly always. Other control characters are left alone: the font
// has no glyph for them, so they fail the document and point at corrupt
// source data instead of vanishing from a person's letter.
func clean(s string) string {
	i := 0
	for i < len(s) && s[i] >= 0x20 {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for k := i; k < len(s); k++ {
		switch c := s[k]; c {
		case '\t':
			b.WriteByte(' ')
		case '\r':
			if k+1 < len(s) && s[k+1] == '\n' {
				continue // the LF that follows is the break
			}
			b.WriteByte('\n')
		default:
			b.WriteByte(c) // bytes of multi-byte runes pass through unchanged
		}
	}
	return b.String()
}

// NewPage starts a page with its running header (once SetHeader has been
// called) and footer, and moves to the top of its text area. The font and
// ink in use before the break are in use after it, so text flows across
// pages unchanged.
func (d *Document) NewPage() {
	if d.err != nil {
		return
	}
	bold, size, ink := d.bold, d.size, d.ink
	d.gp.AddPage()
	d.page++
	d.painted = Black // every content stream starts out painting black
	d.y, d.bottom = ContentTop, PageBottom
	if d.headerOn {
		d.runningHeader()
	}
	d.drawFooter()
	if d.fontOK {
		face := Regular
		if bold {
			face = Bold
		}
		d.SetFont(face, size)
	}
	d.SetInk(ink)
}

// Ensure starts a new page unless h more points fit on this one.
func (d *Document) Ensure(h float64) {
	if d.y+h > d.bottom {
		d.NewPage()
	}
}

// runningHeader draws the running header at the top of the page.
func (d *Document) runningHeader() {
	d.SetFont(Bold, footerSize)
	d.SetInk(Muted)
	d.Text(MarginLeft, headerBaseline, d.headerLeft)
	d.SetFont(Regular, footerSize)
	if d.headerRightW < 0 {
		d.headerRightW = d.Measure(d.headerRight)
	}
	d.textRight(TextRight, headerBaseline, d.headerRight, d.headerRightW)
	d.Rule(MarginLeft, TextRight, HeaderRule)
}

// drawFooter puts the footer text and a placeholder for "Sida N av M" on
// the page; numberPages writes the numbers once the page count is known.
func (d *Document) drawFooter() {
	d.Rule(MarginLeft, TextRight, FooterRule)
	d.SetFont(Regular, footerSize)
	d.SetInk(Muted)
	d.Text(MarginLeft, footerBaseline, d.footer)
	if d.err == nil {
		d.gp.SetXY(TextRight-footerPageBox, footerBaseline)
		d.fail(d.gp.PlaceHolderText(pagePlaceholder(d.page), footerPageBox))
	}
}

func pagePlaceholder(n int) string { return "page" + strconv.Itoa(n) }

// finish writes "Sida N av M" into every page's footer, once, and returns
// the document's error.
func (d *Document) finish() error {
	if d.err == nil && !d.done {
		if d.page == 0 {
			return errors.New("pdf: the document has no pages")
		}
		d.done = true
		d.where = "page numbers"
		defer d.catchMissingGlyph()
		// gopdf measures the filled-in text in the current font, so select
		// the footer's.
		d.SetFont(Regular, footerSize)
		for n := 1; n <= d.page && d.err == nil; n++ {
			d.fail(d.gp.FillInPlaceHoldText(pagePlaceholder(n), d.wording.page(n, d.page), gopdf.Right))
		}
	}
	return d.err
}

// Write finishes the document, writes it to w as PDF/A-1b and returns its
// number of pages. The document is built in memory and written only when
// it is complete, so nothing reaches w if laying it out failed.
func (d *Document) Write(w io.Writer) (pages int, err error) {
	b, pages, err := d.Bytes()
	if err != nil {
		return 0, err
	}
	if _, err := w.Write(b); err != nil {
		return 0, fmt.Errorf("pdf: write: %w", err)
	}
	return pages, nil
}

// Bytes is Write into memory: it returns the PDF and its number of pages.
func (d *Document) Bytes() ([]byte, int, error) {
	raw, err := d.gopdfBytes()
	if err != nil {
		return nil, 0, err
	}
	b, err := archive(raw, d.meta)
	if err != nil {
		return nil, 0, err
	}
	return b, d.page, nil
}

// gopdfBytes finishes the document and returns the PDF as gopdf writes it,
// before archive makes it PDF/A.
func (d *Document) gopdfBytes() ([]byte, error) {
	if err := d.finish(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Grow(80<<10 + d.page*(2<<10)) // font subsets, then about 2 kB a compressed page
	if _, err := d.gp.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("pdf: write: %w", err)
	}
	return buf.Bytes(), nil
}

// Bookmark adds an entry to the document's outline (the bookmarks a PDF
// reader lists beside the pages) that leads to the cursor on the current
// page. Call it after the page break, if any, that the text it names
// starts with. The title may hold any character; it is never personal
// data.
func (d *Document) Bookmark(title string) {
	if d.err != nil || d.page == 0 || title == "" {
		return
	}
	d.gp.SetY(d.y)
	d.gp.AddOutlineWithPosition(title)
	d.meta.outlineEntries++
}

// langTag is the document's language as a BCP 47 tag.
func langTag(lang string) string {
	if lang == "en" {
		return "en-GB"
	}
	return "sv-SE"
}

// fail records err, saying where it happened, unless it is nil or an
// earlier error is recorded.
func (d *Document) fail(err error) {
	if d.err != nil || err == nil {
		return
	}
	if d.where != "" {
		err = fmt.Errorf("pdf: %s: %w", d.where, err)
	} else {
		err = fmt.Errorf("pdf: %w", err)
	}
	d.err = err
}

// catchMissingGlyph, deferred by everything that hands text to gopdf,
// turns the fonts' panic for a missing glyph into the document's error.
func (d *Document) catchMissingGlyph() {
	p := recover()
	if p == nil {
		return
	}
	g, ok := p.(missingGlyph)
	if !ok {
		panic(p)
	}
	if d.err == nil {
		where := ""
		if d.where != "" {
			where = " in " + d.where
		}
		d.err = fmt.Errorf("%w: %U%s", ErrMissingGlyph, rune(g), where)
	}
}
