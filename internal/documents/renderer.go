package documents

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pdf"
	"dsrdesk/internal/pnr"
)

// Renderer renders register extracts as PDF. Its fonts are parsed once, by
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
// number of pages. The document is built in memory and written only when it
// is complete, so nothing reaches w if rendering fails.
func (r *Renderer) Extract(w io.Writer, e *dsr.Extract) (pages int, err error) {
	d, err := r.render(e)
	if err != nil {
		return 0, err
	}
	if pages, err = d.Write(w); err != nil {
		return 0, fmt.Errorf("render extract: %w", err)
	}
	return pages, nil
}

// ExtractBytes is Extract into memory: it returns the PDF and its number of
// pages.
func (r *Renderer) ExtractBytes(e *dsr.Extract) ([]byte, int, error) {
	d, err := r.render(e)
	if err != nil {
		return nil, 0, err
	}
	b, pages, err := d.Bytes()
	if err != nil {
		return nil, 0, fmt.Errorf("render extract: %w", err)
	}
	return b, pages, nil
}

// render lays out the whole extract.
func (r *Renderer) render(e *dsr.Extract) (*pdf.Document, error) {
	switch {
	case e == nil:
		return nil, errors.New("render extract: no extract")
	case strings.TrimSpace(e.Person.Name) == "":
		return nil, errors.New("render extract: the extract has no name for the address block")
	case e.GeneratedOn.IsZero() || e.ReceivedOn.IsZero():
		return nil, errors.New("render extract: the extract needs the date it was generated and the date the request was received")
	case pnr.LooksLike(e.CaseNumber):
		// The case number is on every page, page 1 included, which shows
		// through the envelope window (RULES §6).
		return nil, errors.New("render extract: the case number holds something shaped like an identity number")
	}
	lang := "sv"
	if e.Lang == "en" {
		lang = "en"
	}
	t := textsFor(lang)
	d, err := r.engine.New(pdf.Setup{
		Lang:    lang,
		Title:   t.extractTitle,
		Author:  agencyName,
		Created: e.GeneratedOn,
		Footer:  t.caseNumber + " " + e.CaseNumber,
	})
	if err != nil {
		return nil, fmt.Errorf("render extract: %w", err)
	}
	l := &extractLayout{d: d, e: e, t: t, lang: lang}
	l.coverLetter()
	l.extract()
	return d, nil
}

// extractLayout is one extract being laid out. Its document keeps the first
// error; render's caller gets it from Write or Bytes.
type extractLayout struct {
	d    *pdf.Document
	e    *dsr.Extract
	t    *texts
	lang string
}
