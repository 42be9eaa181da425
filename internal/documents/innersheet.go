package documents

import (
	"errors"
	"fmt"
	"strings"

	"dsrdesk/internal/pdf"
	"dsrdesk/internal/pnr"
)

// The inner sheet's window block mirrors the engine's address block
// (pdf.Document.AddressWindow): the same left edge, top, type and leading,
// so that the identity number sits where a letter's first address line
// sits and shows through the same C5 window. The engine's block refuses an
// identity number by design; this is the one sheet that must carry one.
// TestInnerSheetWindowMatchesLetters holds the two together.
const (
	innerLeft    = pdf.WindowLeft + 4*pdf.MM
	innerTop     = 53 * pdf.MM
	innerWidth   = pdf.WindowWidth - 8*pdf.MM
	innerSize    = 10.5
	innerMinSize = 7
	innerLeading = 1.3
)

// innerNote is the one line the sheet carries besides the window block,
// below the print shop's clear zone where no window shows it. It names no
// one and does not say which kind of protection the person has.
const innerNote = "Innerkuvert. Vidarebefordras av Skatteverket till mottagaren."

// InnerSheetBytes renders the sheet that goes in the inner envelope of a
// protected person's paper letter (RULES §7): a one-page A4 PDF/A whose
// window block, where a letter's address block sits, holds only the
// person's identity number as YYYYMMDD-NNNC and their name on the next
// line. The print shop puts the letter and this sheet in a window inner
// envelope, and that in an outer envelope to Skatteverket, which forwards
// it. It returns the PDF and its number of pages (1).
//
// This is the only document dsrdesk prints whose window carries an
// identity number, and it does so by design: it never goes into the
// ordinary print route.
func (r *Renderer) InnerSheetBytes(p pnr.PNR, name string) ([]byte, int, error) {
	d, err := r.renderInnerSheet(p, name)
	return bytesOf("inner sheet", d, err)
}

func (r *Renderer) renderInnerSheet(p pnr.PNR, name string) (*pdf.Document, error) {
	name = strings.TrimSpace(name)
	switch {
	case !p.Valid():
		return nil, errors.New("render inner sheet: the identity number is not valid")
	case name == "":
		return nil, errors.New("render inner sheet: the sheet has no name")
	case strings.ContainsAny(name, "\r\n"):
		return nil, errors.New("render inner sheet: the name runs over more than one line")
	case pnr.LooksLike(name):
		return nil, errors.New("render inner sheet: the name holds something shaped like an identity number")
	}
	// The title goes into the PDF's info dictionary: never personal data.
	d, err := r.engine.New(pdf.Setup{Lang: "sv", Title: "Innerkuvert", Author: agencyName})
	if err != nil {
		return nil, fmt.Errorf("render inner sheet: %w", err)
	}
	d.SetWhere("inner sheet")
	d.NewPage()

	d.SetFont(pdf.Bold, senderSize)
	d.Text(pdf.MarginLeft, senderBaseline, agencyName)
	d.SetFont(pdf.Regular, returnSize)
	d.SetInk(pdf.Muted)
	d.Text(pdf.MarginLeft, returnBaseline, returnAddress)

	lines := []string{p.Display(), name}
	size := innerSize
	for {
		d.SetFont(pdf.Regular, size)
		widest := 0.0
		for _, l := range lines {
			widest = max(widest, d.Measure(l))
		}
		if widest <= innerWidth {
			break
		}
		if size <= innerMinSize {
			return nil, errors.New("render inner sheet: the name is too long for the envelope window")
		}
		size -= 0.5
	}
	lead := size * innerLeading
	d.SetInk(pdf.Black)
	for i, l := range lines {
		d.Text(innerLeft, pdf.Baseline(innerTop+float64(i)*lead, lead, size), l)
	}

	d.SetFont(pdf.Regular, returnSize)
	d.SetInk(pdf.Muted)
	d.Text(pdf.MarginLeft, bodyTop+returnSize, innerNote)
	return d, nil
}
