package pdf

import (
	"errors"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
)

// coverLetter draws page 1: sender, date and case number, the address in
// the envelope window, and the letter that explains the extract and the
// person's rights (Art. 15(1)(e) and (f)).
func (d *document) coverLetter() {
	d.where = "cover letter"
	t, e := d.t, d.e
	d.newPage()
	d.bottom = firstPageBottom

	d.use(true, senderSize)
	d.text(marginLeft, senderBaseline, agencyName)
	d.use(false, returnSize)
	d.ink(inkMuted)
	d.text(marginLeft, returnBaseline, returnAddress)

	info := [2][2]string{
		{t.date, dsr.FormatDate(dsr.Day(e.GeneratedOn))},
		{t.caseNumber, e.CaseNumber},
	}
	for i, row := range info {
		top := infoTop + float64(i)*infoRowHeight
		d.use(false, labelSize)
		d.ink(inkMuted)
		d.text(infoLeft, top+labelSize, row[0])
		d.use(false, infoSize)
		d.ink(inkText)
		d.text(infoLeft, top+labelSize+infoSize+1.5, row[1])
	}

	d.where = "address block"
	d.addressBlock()
	d.where = "cover letter"
	d.contactDetails()

	d.y = bodyTop
	d.use(true, titleSize)
	d.paragraph(marginLeft, textWidth, t.heading, titleSize*1.3)
	d.y += mm(3)

	received := dsr.FormatDate(dsr.Day(e.ReceivedOn))
	generated := dsr.FormatDate(dsr.Day(e.GeneratedOn))
	d.bodyParagraph(t.received(received, generated, len(e.Sections)))
	d.bodyParagraph(t.contents)
	d.bodyHeading(t.rightsH)
	d.bodyParagraph(t.rights)
	d.bodyParagraph(t.imy)
	d.bodyHeading(t.contactH)
	d.bodyParagraph(t.contact(e.CaseNumber))
	d.y += mm(2)
	d.use(false, bodySize)
	d.paragraph(marginLeft, textWidth, t.regards, bodyLeading)
	d.paragraph(marginLeft, textWidth, agencyName, bodyLeading)
}

// addressBlock writes the lines of dsr.Person.AddressLines — never the
// identity number, and for a protected person only the name — inside the
// envelope window and above the print shop's clear zone.
func (d *document) addressBlock() {
	lines := d.e.Person.AddressLines()
	// AddressLines never adds the identity number, but a name or c/o field
	// can hold one by mistake, and it must not show through the window
	// (RULES §6). The case number is checked too: it is on every page.
	for _, l := range append(lines, d.e.CaseNumber) {
		if pnr.Redact(l) != l {
			d.fail(errors.New("the address or case number holds something shaped like an identity number"))
			return
		}
	}
	if len(lines) > addressLines {
		d.fail(errors.New("the address has more lines than the envelope window shows"))
		return
	}
	size := addressSize
	for {
		d.use(false, size)
		widest := 0.0
		for _, l := range lines {
			widest = max(widest, d.measure(l))
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
	d.ink(inkText)
	for i, l := range lines {
		d.text(addressLeft, baseline(addressTop+float64(i)*lead, lead, size), l)
	}
}

// contactDetails prints the agency's postal address, telephone number and
// website at the foot of the letter, as on the agency's other letters.
func (d *document) contactDetails() {
	t := d.t
	cols := [3]struct {
		x     float64
		lines []string
	}{
		{marginLeft, []string{agencyName, agencyTown}},
		{marginLeft + mm(60), []string{t.phone}},
		{marginLeft + mm(110), []string{agencyWeb}},
	}
	for i, c := range cols {
		d.use(false, labelSize)
		d.ink(inkMuted)
		d.text(c.x, contactTop+labelSize, t.contactLabels[i])
		d.use(false, contactSize)
		d.ink(inkText)
		for j, l := range c.lines {
			d.text(c.x, contactTop+labelSize+float64(j+1)*(contactSize+2), l)
		}
	}
}

// bodyParagraph is a paragraph of the letter body followed by a gap.
func (d *document) bodyParagraph(s string) {
	d.use(false, bodySize)
	d.paragraph(marginLeft, textWidth, s, bodyLeading)
	d.y += mm(2)
}

// bodyHeading is a heading in the letter body, kept with the first two
// lines of what follows it.
func (d *document) bodyHeading(s string) {
	d.y += mm(1)
	d.ensure(3 * bodyLeading)
	d.use(true, bodySize)
	d.paragraph(marginLeft, textWidth, s, bodyLeading)
}
