package pdf

import (
	"strconv"
	"strings"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
)

// extract draws the pages after the letter: whom the data concern, an index
// of the registers, and one section per register.
func (d *document) extract() {
	d.where = "extract"
	t, e := d.t, d.e
	d.newPage()

	d.use(true, titleSize)
	d.paragraph(marginLeft, textWidth, t.extractTitle, titleSize*1.3)
	d.y += mm(2)

	// The identity number is printed once, here: the extract is the person's
	// own data, and the number tells them which person it is about. It is
	// never on page 1, which shows through the envelope window.
	concerns := e.Person.Name
	if e.Person.PNR != "" {
		concerns += ", " + pnr.PNR(e.Person.PNR).Display()
	}
	d.labelled(t.concerns, concerns)
	d.labelled(t.generated, dsr.FormatDate(dsr.Day(e.GeneratedOn)))
	d.labelled(t.caseNumber, e.CaseNumber)

	if len(e.Sections) > 0 {
		d.y += mm(4)
		d.subheading(t.index)
		d.index()
	}
	for i := range e.Sections {
		d.section(i+1, &e.Sections[i])
	}
}

// index lists the registers with the number of items each contributed.
func (d *document) index() {
	countW := mm(35)
	for i := range d.e.Sections {
		s := &d.e.Sections[i]
		d.use(false, smallSize)
		lines := d.wrap(strconv.Itoa(i+1)+". "+s.Register.Name.In(d.lang), textWidth-countW)
		d.ensure(float64(len(lines)) * smallLead)
		d.textRight(textRight, baseline(d.y, smallLead, smallSize), d.t.items(len(s.Rows)), -1)
		for _, l := range lines {
			d.ensure(smallLead)
			d.text(marginLeft, baseline(d.y, smallLead, smallSize), l)
			d.y += smallLead
		}
	}
}

// section draws one register: its name, the Art. 15(1) information about
// it, the named recipients of its data and the data themselves.
func (d *document) section(n int, s *dsr.Section) {
	d.where = "register " + s.Register.ID
	t, lang, reg := d.t, d.lang, &s.Register
	name := reg.Name.In(lang)

	d.y += mm(7)
	// Keep the heading with the first lines of the section, and rather
	// start a page than leave a heading and a line or two at its foot.
	d.ensure(2*headingSize*1.3 + 8*smallLead)
	d.use(true, headingSize)
	d.paragraph(marginLeft, textWidth, strconv.Itoa(n)+". "+name, headingSize*1.3)
	d.rule(marginLeft, textRight, d.y+mm(0.5))
	d.y += mm(3)

	d.labelled(t.purposes, reg.Purposes.In(lang))
	d.labelled(t.categories, reg.Categories.In(lang))
	d.labelled(t.recipients, reg.Recipients.In(lang))
	if len(s.Recipients) > 0 {
		rows := make([][]string, len(s.Recipients))
		for i, r := range s.Recipients {
			rows[i] = []string{r.Organisation, r.OrgNumber, r.Benefit, r.Date, r.LegalBasis}
		}
		d.y += mm(1)
		d.table(t.namedRecipients, name, t.recipientCols[:], rows)
		d.y += mm(2)
	}
	d.labelled(t.retention, reg.Retention.In(lang))
	d.labelled(t.legalBasis, reg.LegalBasis.In(lang))
	d.labelled(t.source, reg.Source.In(lang))
	d.labelled(t.automated, reg.AutomatedDecisions.In(lang))

	d.y += mm(2)
	if len(s.Rows) == 0 {
		d.ensure(2 * smallLead)
		d.subheading(t.data)
		d.use(false, smallSize)
		d.paragraph(marginLeft, textWidth, t.noData, smallLead)
		return
	}
	headers := make([]string, len(s.Columns))
	for i, c := range s.Columns {
		headers[i] = c.In(lang)
	}
	d.table(t.data+" ("+group(len(s.Rows), t.thousands)+")", name, headers, s.Rows)
}

// labelled draws one piece of Art. 15(1) information: the label in the left
// column, the text in the right. Information the catalogue leaves empty is
// left out rather than shown as an empty heading.
func (d *document) labelled(label, value string) {
	value = strings.TrimSpace(value)
	if value == "" {
		return
	}
	d.use(false, smallSize)
	lines := d.wrap(value, valueWidth)
	d.use(true, smallSize)
	labels := d.wrap(label, labelWidth)

	d.ensure(float64(max(len(labels), min(len(lines), 2))) * smallLead)
	d.ink(inkMuted)
	for i, l := range labels {
		d.text(marginLeft, baseline(d.y+float64(i)*smallLead, smallLead, smallSize), l)
	}
	d.ink(inkText)
	d.use(false, smallSize)
	top, page := d.y, d.page
	d.paragraphLines(valueLeft, lines, smallLead)
	// A label longer than its text pushes the next item down; once the text
	// has run onto a new page, the label's end on the old page is no limit.
	if labelEnd := top + float64(len(labels))*smallLead; d.page == page && d.y < labelEnd {
		d.y = labelEnd
	}
	d.y += mm(1.5)
}

// paragraphLines draws lines already wrapped, starting new pages as needed.
func (d *document) paragraphLines(x float64, lines []string, lead float64) {
	for _, l := range lines {
		d.ensure(lead)
		d.text(x, baseline(d.y, lead, d.size), l)
		d.y += lead
	}
}

// subheading is a bold line over a table or list.
func (d *document) subheading(s string) {
	d.use(true, smallSize)
	d.paragraph(marginLeft, textWidth, s, smallLead)
	d.y += mm(0.5)
}
