package pdf

import (
	"errors"

	"dsrdesk/internal/pnr"
)

// AddressWindow writes an address block on the current page inside the
// left window of a C5 envelope and above the print shop's clear zone (RULES
// §9): one line after another, the type shrunk rather than a line wrapped
// when one is too wide for the window.
//
// Whatever shows through the window is read by everyone who handles the
// envelope, so a line holding anything shaped like a personal identity
// number (pnr.LooksLike), however it is written, fails the document (RULES
// §6); so do more lines than the window shows and a line too long for it
// even in the smallest type.
func (d *Document) AddressWindow(lines []string) {
	if d.err != nil {
		return
	}
	for _, l := range lines {
		if pnr.LooksLike(l) {
			d.fail(errors.New("the address holds something shaped like an identity number"))
			return
		}
	}
	if len(lines) > addressLines {
		d.fail(errors.New("the address has more lines than the envelope window shows"))
		return
	}
	size := addressSize
	for {
		d.SetFont(Regular, size)
		widest := 0.0
		for _, l := range lines {
			widest = max(widest, d.Measure(l))
		}
		if widest <= addressWidth {
			break
		}
		if size <= addressMinSize {
			d.fail(errors.New("an address line is too long for the envelope window"))
			return
		}
		size -= 0.5
	}
	lead := size * addressLeading
	d.SetInk(Black)
	for i, l := range lines {
		d.Text(addressLeft, Baseline(addressTop+float64(i)*lead, lead, size), l)
	}
}
