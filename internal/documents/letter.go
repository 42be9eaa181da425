package documents

import (
	"errors"
	"strconv"
	"time"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pdf"
	"dsrdesk/internal/pnr"
)

// letter is one letter being laid out: its document, the texts every
// letter shares and its language. Every letter the agency sends starts the
// same way — letterhead, date and case number, the address in the envelope
// window, the contact details at the foot of page 1 — and sets its body in
// the same type; letter is that common part. Its document keeps the first
// error; the caller gets it from Write or Bytes.
type letter struct {
	d    *pdf.Document
	t    *texts
	lang string
}

// langOf is "en" for English and "sv" for anything else, matching
// dsr.Text.In.
func langOf(s string) string {
	if s == "en" {
		return "en"
	}
	return "sv"
}

// newLetter sets up a document for a letter in lang ("sv" or "en") about
// case caseNumber. title names the kind of letter in the PDF's info
// dictionary; it is never personal data. The case number is printed in every footer, page 1
// included, which shows through the envelope window, so one shaped like an
// identity number is refused (RULES §6).
func (r *Renderer) newLetter(lang, caseNumber, title string, created time.Time) (*letter, error) {
	if pnr.LooksLike(caseNumber) {
		return nil, errors.New("the case number holds something shaped like an identity number")
	}
	t := textsFor(lang)
	d, err := r.engine.New(pdf.Setup{
		Lang:    lang,
		Title:   title,
		Author:  agencyName,
		Created: created,
		Footer:  t.caseNumber + " " + caseNumber,
	})
	if err != nil {
		return nil, err
	}
	return &letter{d: d, t: t, lang: lang}, nil
}

// personLetter starts a letter to a person about case caseNumber: page 1
// with the letterhead, the person's address from the population register in
// the envelope window (dsr.Person.AddressLines: never the identity number,
// and for a protected person only the name) and the letter's heading. where
// names the letter in the engine's errors; title names it in the PDF's info
// dictionary and the running header.
func (r *Renderer) personLetter(where, lang, caseNumber, title, heading string, on time.Time, to dsr.Person) (*letter, error) {
	l, err := r.newLetter(lang, caseNumber, title, on)
	if err != nil {
		return nil, err
	}
	l.d.SetWhere(where)
	l.firstPage(letterhead{
		date:       on,
		caseNumber: caseNumber,
		address:    to.AddressLines(),
		header:     title + "  " + dateText(on),
	})
	l.d.SetWhere(where)
	l.title(heading)
	return l, nil
}

// dateText is the calendar date of t as letters write it, YYYY-MM-DD.
func dateText(t time.Time) string { return dsr.FormatDate(dsr.Day(t)) }

// letterhead is what page 1 of a letter shows around its body.
type letterhead struct {
	date       time.Time
	caseNumber string
	// address is the lines in the envelope window: never an identity
	// number, which the engine refuses.
	address []string
	// header is the right half of the running header of every page after
	// the first.
	header string
}

// firstPage starts page 1: sender, date and case number, the address in
// the envelope window and the agency's contact details at the foot. It
// leaves the cursor where the body starts, below the print shop's clear
// zone.
func (l *letter) firstPage(h letterhead) {
	d, t := l.d, l.t
	d.NewPage()
	// Every page after the first has a running header.
	d.SetHeader(agencyName, h.header)
	d.SetPageBottom(firstPageBottom)

	d.SetFont(pdf.Bold, senderSize)
	d.Text(pdf.MarginLeft, senderBaseline, agencyName)
	d.SetFont(pdf.Regular, returnSize)
	d.SetInk(pdf.Muted)
	d.Text(pdf.MarginLeft, returnBaseline, returnAddress)

	info := [2][2]string{
		{t.date, dsr.FormatDate(dsr.Day(h.date))},
		{t.caseNumber, h.caseNumber},
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

	d.SetWhere("address block")
	d.AddressWindow(h.address)
	d.SetWhere("letterhead")
	l.contactDetails()
	d.SetY(bodyTop)
}

// contactDetails prints the agency's postal address, telephone number and
// website at the foot of the letter, as on the agency's other letters.
func (l *letter) contactDetails() {
	d, t := l.d, l.t
	cols := [3]struct {
		x     float64
		lines []string
	}{
		{pdf.MarginLeft, dsr.Agency.Address},
		{pdf.MarginLeft + 60*pdf.MM, []string{t.phone}},
		{pdf.MarginLeft + 110*pdf.MM, []string{dsr.Agency.Web}},
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

// title is the letter's heading, at the top of its body.
func (l *letter) title(s string) {
	l.d.Heading(s, titleSize)
	l.d.Skip(3 * pdf.MM)
}

// bodyParagraph is a paragraph of the letter body followed by a gap.
func (l *letter) bodyParagraph(s string) {
	l.d.Paragraph(s, pdf.Regular, bodySize, bodyLeading)
	l.d.Skip(2 * pdf.MM)
}

// bodyHeading is a heading in the letter body, kept with the first two
// lines of what follows it.
func (l *letter) bodyHeading(s string) {
	l.d.Skip(1 * pdf.MM)
	l.d.Ensure(3 * bodyLeading)
	l.d.Paragraph(s, pdf.Bold, bodySize, bodyLeading)
}

// bullet is one item of a list in the letter body: a dash, and the text
// wrapped with a hanging indent.
func (l *letter) bullet(s string) {
	const indent = 5 * pdf.MM
	d := l.d
	d.SetFont(pdf.Regular, bodySize)
	lines := d.Wrap(s, pdf.TextWidth-indent)
	d.Ensure(bodyLeading)
	d.Text(pdf.MarginLeft, pdf.Baseline(d.Y(), bodyLeading, bodySize), "–")
	d.Lines(pdf.MarginLeft+indent, lines, bodyLeading)
	d.Skip(1 * pdf.MM)
}

// questions is the closing of every letter to a person: whom to ask about
// it (the data-protection officer, or the telephone), quoting the case
// number, and the greeting. about names the letter ("utdraget",
// "beslutet").
func (l *letter) questions(about, caseNumber string) {
	l.bodyHeading(l.t.contactH)
	l.bodyParagraph(l.t.contact(about, caseNumber))
	l.signOff()
}

// signOff ends the letter with the greeting and the agency's name.
func (l *letter) signOff() {
	l.d.Skip(2 * pdf.MM)
	l.d.Paragraph(l.t.regards, pdf.Regular, bodySize, bodyLeading)
	l.d.Paragraph(agencyName, pdf.Regular, bodySize, bodyLeading)
}

// sectionHeading starts the n-th section of the pages after a letter (a
// register), numbered and ruled, with a bookmark that leads to it. It
// keeps the heading with the first keep points of what follows, and rather
// starts a page than leave a heading and a line or two at the foot of one.
func (l *letter) sectionHeading(n int, name string, keep float64) {
	d := l.d
	d.Skip(7 * pdf.MM)
	d.Ensure(2*headingSize*1.3 + keep)
	heading := strconv.Itoa(n) + ". " + name
	d.Bookmark(heading)
	d.Heading(heading, headingSize)
	d.Rule(pdf.MarginLeft, pdf.TextRight, d.Y()+0.5*pdf.MM)
	d.Skip(3 * pdf.MM)
}

// concerns is whom a letter's data are about: the name and the identity
// number, which tells the reader which person it is. It goes in the body,
// below the print shop's clear zone or on a later page, never where the
// envelope window shows it (RULES §6).
func concerns(p dsr.Person) string {
	if p.PNR == "" {
		return p.Name
	}
	return p.Name + ", " + p.PNR.Display()
}
