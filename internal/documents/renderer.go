package documents

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pdf"
)

// Renderer renders dsrdesk's letters as PDF: register extracts, decisions,
// outcome letters, receipts, requests for proof of identity, extension and
// restriction notices, and Art. 19 notices. Its fonts are parsed once, by
// NewRenderer; one Renderer may be used by any number of goroutines at once.
type Renderer struct {
	engine *pdf.Engine
}

// NewRenderer returns a Renderer on a PDF engine with its fonts parsed.
func NewRenderer() (*Renderer, error) {
	engine, err := pdf.NewEngine()
	if err != nil {
		return nil, err
	}
	return &Renderer{engine: engine}, nil
}

// Extract renders e as an A4 PDF — a cover letter for a C5 window envelope,
// then the extract register by register — writes it to w and returns the
// number of pages. Under each register it counts the data withheld, per
// provision; when any are, the cover letter says so and points to the
// decision that comes with the extract, and when the person asked for some
// registers or a period only, it says that the extract holds only those.
// The document is built in memory and written only when it is complete, so
// nothing reaches w if rendering fails.
func (r *Renderer) Extract(w io.Writer, e *dsr.Extract) (pages int, err error) {
	d, err := r.renderExtract(e)
	return write(w, "extract", d, err)
}

// ExtractBytes is Extract into memory: it returns the PDF and its number of
// pages.
func (r *Renderer) ExtractBytes(e *dsr.Extract) ([]byte, int, error) {
	d, err := r.renderExtract(e)
	return bytesOf("extract", d, err)
}

// renderExtract lays out the whole extract.
func (r *Renderer) renderExtract(e *dsr.Extract) (*pdf.Document, error) {
	switch {
	case e == nil:
		return nil, errors.New("render extract: no extract")
	case strings.TrimSpace(e.Person.Name) == "":
		return nil, errors.New("render extract: the extract has no name for the address block")
	case e.GeneratedOn.IsZero() || e.ReceivedOn.IsZero():
		return nil, errors.New("render extract: the extract needs the date it was generated and the date the request was received")
	case e.Scope.From != nil && e.Scope.To != nil && e.Scope.To.Before(*e.Scope.From):
		return nil, errors.New("render extract: the period the person asked for ends before it starts")
	}
	if err := checkWithheld(e.Sections); err != nil {
		return nil, fmt.Errorf("render extract: %w", err)
	}
	lang := langOf(e.Lang)
	l, err := r.newLetter(lang, e.CaseNumber, textsFor(lang).extractTitle, e.GeneratedOn)
	if err != nil {
		return nil, fmt.Errorf("render extract: %w", err)
	}
	x := &extractLayout{letter: l, e: e}
	x.coverLetter()
	x.extract()
	return l.d, nil
}

// checkWithheld refuses withheld counts that the extract cannot explain: a
// provision the letters do not know, or a negative count. Sections are
// named by their place, never by their contents.
func checkWithheld(sections []dsr.Section) error {
	for i := range sections {
		for _, w := range sections[i].Withheld {
			if !w.Provision.Valid() {
				return fmt.Errorf("register %d withholds data under an unknown provision (%q)", i+1, w.Provision)
			}
			if w.N < 0 {
				return fmt.Errorf("register %d withholds a negative number of data", i+1)
			}
		}
	}
	return nil
}

// write writes a document laid out without error (err) to w and returns
// its number of pages; what names the document in errors.
func write(w io.Writer, what string, d *pdf.Document, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	pages, err := d.Write(w)
	if err != nil {
		return 0, fmt.Errorf("render %s: %w", what, err)
	}
	return pages, nil
}

// bytesOf is write into memory: the PDF and its number of pages.
func bytesOf(what string, d *pdf.Document, err error) ([]byte, int, error) {
	if err != nil {
		return nil, 0, err
	}
	b, pages, err := d.Bytes()
	if err != nil {
		return nil, 0, fmt.Errorf("render %s: %w", what, err)
	}
	return b, pages, nil
}
