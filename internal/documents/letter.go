package documents

import (
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pdf"
)

// coverLetter draws page 1: sender, date and case number, the address in
// the envelope window, and the letter that explains the extract and the
// person's rights (Art. 15(1)(e) and (f)).
func (l *extractLayout) coverLetter() {
	d, t, e := l.d, l.t, l.e
	d.SetWhere("cover letter")
	d.NewPage()
	// Every page after the letter has a running header.
	d.SetHeader(agencyName, t.extractTitle+"  "+dsr.FormatDate(dsr.Day(e.GeneratedOn)))
	d.SetPageBottom(firstPageBottom)

	d.SetFont(pdf.Bold, senderSize)
	d.Text(pdf.MarginLeft, senderBaseline, agencyName)
	d.SetFont(pdf.Regular, returnSize)
	d.SetInk(pdf.Muted)
	d.Text(pdf.MarginLeft, returnBaseline, returnAddress)

	info := [2][2]string{
		{t.date, dsr.FormatDate(dsr.Day(e.GeneratedOn))},
		{t.caseNumber, e.CaseNumber},
	}
	for i, row := range info {
		top := infoTop + float64(i)*infoRowHeight
		d.SetFont(pdf.Regular, labelSize)
		d.SetInk(pdf.Muted)
		d.Text(infoLeft, top+labelSize, row[0])
		d.SetFont(pdf.Regular, infoSize)
		d.SetInk(pdf.Black)
		d.Text(infoLeft, top+labelSize+infoSize+1.5, row[1])
	}

	// The lines of dsr.Person.AddressLines: never the identity number, and
	// for a protected person only the name. The engine refuses a name or
	// c/o that holds one by mistake.
	d.SetWhere("address block")
	d.AddressWindow(e.Person.AddressLines())
	d.SetWhere("cover letter")
	l.contactDetails()

	d.SetY(bodyTop)
	d.Heading(t.heading, titleSize)
	d.Skip(3 * pdf.MM)

	received := dsr.FormatDate(dsr.Day(e.ReceivedOn))
	generated := dsr.FormatDate(dsr.Day(e.GeneratedOn))
	l.bodyParagraph(t.received(received, generated, len(e.Sections)))
	l.bodyParagraph(t.contents)
	l.bodyHeading(t.rightsH)
	l.bodyParagraph(t.rights)
	l.bodyParagraph(t.imy)
	l.bodyHeading(t.contactH)
	l.bodyParagraph(t.contact(e.CaseNumber))
	d.Skip(2 * pdf.MM)
	d.Paragraph(t.regards, pdf.Regular, bodySize, bodyLeading)
	d.Paragraph(agencyName, pdf.Regular, bodySize, bodyLeading)
}

// contactDetails prints the agency's postal address, telephone number and
// website at the foot of the letter, as on the agency's other letters.
func (l *extractLayout) contactDetails() {
	d, t := l.d, l.t
	cols := [3]struct {
		x     float64
		lines []string
	}{
		{pdf.MarginLeft, []string{agencyName, agencyTown}},
		{pdf.MarginLeft + 60*pdf.MM, []string{t.phone}},
		{pdf.MarginLeft + 110*pdf.MM, []string{agencyWeb}},
	}
	for i, c := range cols {
		d.SetFont(pdf.Regular, labelSize)
		d.SetInk(pdf.Muted)
		d.Text(c.x, contactTop+labelSize, t.contactLabels[i])
		d.SetFont(pdf.Regular, contactSize)
		d.SetInk(pdf.Black)
		for j, line := range c.lines {
			d.Text(c.x, contactTop+labelSize+float64(j+1)*(contactSize+2), line)
		}
	}
}

// bodyParagraph is a paragraph of the letter body followed by a gap.
func (l *extractLayout) bodyParagraph(s string) {
	l.d.Paragraph(s, pdf.Regular, bodySize, bodyLeading)
	l.d.Skip(2 * pdf.MM)
}

// bodyHeading is a heading in the letter body, kept with the first two
// lines of what follows it.
func (l *extractLayout) bodyHeading(s string) {
	l.d.Skip(1 * pdf.MM)
	l.d.Ensure(3 * bodyLeading)
	l.d.Paragraph(s, pdf.Bold, bodySize, bodyLeading)
}
