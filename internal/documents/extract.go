package documents

import (
	"slices"
	"strconv"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pdf"
)

// extractLayout is one extract being laid out.
type extractLayout struct {
	*letter
	e *dsr.Extract
}

// coverLetter draws page 1: the letterhead and the letter that explains
// the extract and the person's rights (Art. 15(1)(e) and (f)).
func (l *extractLayout) coverLetter() {
	t, e := l.t, l.e
	l.d.SetWhere("cover letter")
	// The lines of dsr.Person.AddressLines: never the identity number, and
	// for a protected person only the name. A guardian or a representative
	// whose mandate covers it receives the extract about the person.
	to := e.Person
	if e.Recipient != nil {
		to = *e.Recipient
	}
	l.firstPage(letterhead{
		date:       e.GeneratedOn,
		caseNumber: e.CaseNumber,
		address:    to.AddressLines(),
		header:     t.extractTitle + "  " + dsr.FormatDate(dsr.Day(e.GeneratedOn)),
	})
	l.d.SetWhere("cover letter")

	l.title(t.heading)
	received := dsr.FormatDate(dsr.Day(e.ReceivedOn))
	generated := dsr.FormatDate(dsr.Day(e.GeneratedOn))
	l.bodyParagraph(t.received(received, generated, len(e.Sections)))
	if !e.Scope.IsZero() {
		l.bodyParagraph(l.scope())
	}
	if e.Withheld() > 0 {
		// The decision that lists the withheld data, with the reasons and
		// how to appeal, travels with the extract (RULES §3, §4).
		l.bodyParagraph(t.withheldCover)
	}
	l.bodyParagraph(t.contents)
	l.bodyHeading(t.rightsH)
	l.bodyParagraph(t.rights)
	l.bodyParagraph(t.imy)
	l.questions(t.aboutExtract, e.CaseNumber)
}

// scope is the cover letter's paragraph on the part of their data the
// person asked for: the registers by name and the period, either end of
// which may be open.
func (l *extractLayout) scope() string {
	t, sc := l.t, &l.e.Scope
	var names []string
	for _, r := range sc.Registers {
		if n := r.In(l.lang); n != "" {
			names = append(names, n)
		}
	}
	var from, to string
	if sc.From != nil {
		from = dsr.FormatDate(dsr.Day(*sc.From))
	}
	if sc.To != nil {
		to = dsr.FormatDate(dsr.Day(*sc.To))
	}
	return t.scope(joinAnd(names, t.and), len(names), t.period(from, to))
}

// extract draws the pages after the letter: whom the data concern, an index
// of the registers, and one section per register.
func (l *extractLayout) extract() {
	d, t, e := l.d, l.t, l.e
	d.SetWhere("extract")
	if d.Page() == 1 {
		d.NewPage()
	} else {
		// The cover letter ran on past page 1 (a scope, withheld data): the
		// extract follows it on that page rather than leave one holding
		// only the letter's last lines. It is still never on page 1.
		d.Skip(10 * pdf.MM)
		d.Ensure(2*titleSize + 5*pdf.SmallLead)
	}

	d.Heading(t.extractTitle, titleSize)
	d.Skip(2 * pdf.MM)

	// The identity number is printed once, here: the extract is the person's
	// own data, and the number tells them which person it is about. It is
	// never on page 1, which shows through the envelope window.
	d.Labelled(t.concerns, concerns(e.Person))
	d.Labelled(t.generated, dsr.FormatDate(dsr.Day(e.GeneratedOn)))
	d.Labelled(t.caseNumber, e.CaseNumber)

	if len(e.Sections) > 0 {
		d.Skip(4 * pdf.MM)
		d.Subheading(t.index)
		l.index()
	}
	for i := range e.Sections {
		l.section(i+1, &e.Sections[i])
	}
}

// index lists the registers with the number of items each contributed.
func (l *extractLayout) index() {
	d := l.d
	const countW = 35 * pdf.MM
	for i := range l.e.Sections {
		s := &l.e.Sections[i]
		d.SetFont(pdf.Regular, pdf.SmallSize)
		lines := d.Wrap(strconv.Itoa(i+1)+". "+s.Register.Name.In(l.lang), pdf.TextWidth-countW)
		d.Ensure(float64(len(lines)) * pdf.SmallLead)
		d.TextRight(pdf.TextRight, pdf.Baseline(d.Y(), pdf.SmallLead, pdf.SmallSize), l.t.items(len(s.Rows)))
		d.Lines(pdf.MarginLeft, lines, pdf.SmallLead)
	}
}

// section draws one register: its name, the Art. 15(1) information about
// it, the named recipients of its data and the data themselves.
func (l *extractLayout) section(n int, s *dsr.Section) {
	d, t, lang, reg := l.d, l.t, l.lang, &s.Register
	d.SetWhere("register " + reg.ID)
	name := reg.Name.In(lang)
	l.sectionHeading(n, name, 8*pdf.SmallLead)

	d.Labelled(t.purposes, reg.Purposes.In(lang))
	d.Labelled(t.categories, reg.Categories.In(lang))
	d.Labelled(t.recipients, reg.Recipients.In(lang))
	if len(s.Recipients) > 0 {
		rows := make([][]pdf.Cell, len(s.Recipients))
		for i, r := range s.Recipients {
			rows[i] = pdf.Cells(r.Organisation, r.OrgNumber, r.Benefit, r.Date, r.LegalBasis)
		}
		d.Skip(1 * pdf.MM)
		d.Table(pdf.Table{Title: t.namedRecipients, Context: name, Headers: t.recipientCols[:], Rows: rows})
		d.Skip(2 * pdf.MM)
	}
	d.Labelled(t.retention, reg.Retention.In(lang))
	d.Labelled(t.legalBasis, reg.LegalBasis.In(lang))
	d.Labelled(t.source, reg.Source.In(lang))
	d.Labelled(t.automated, reg.AutomatedDecisions.In(lang))

	d.Skip(2 * pdf.MM)
	if len(s.Rows) == 0 {
		d.Ensure(2 * pdf.SmallLead)
		d.Subheading(t.data)
		if len(s.Withheld) == 0 {
			d.Paragraph(t.noData, pdf.Regular, pdf.SmallSize, pdf.SmallLead)
		} else {
			// Every record is withheld: the register does hold data.
			d.Paragraph(t.noneDisclosed, pdf.Regular, pdf.SmallSize, pdf.SmallLead)
			l.withheld(s)
		}
		return
	}
	headers := make([]string, len(s.Columns))
	for i, c := range s.Columns {
		headers[i] = c.In(lang)
	}
	rows := cells(s.Rows, lang)
	if slices.Contains(s.Restricted, true) {
		// Restricted records (Art. 18) are marked in a column of their own.
		headers = append(headers, t.restrictedCol)
		for i := range rows {
			mark := ""
			if i < len(s.Restricted) && s.Restricted[i] {
				mark = t.restricted
			}
			rows[i] = append(rows[i], pdf.Cell{Text: mark})
		}
	}
	d.Table(pdf.Table{
		Title:   t.data + " (" + group(len(s.Rows), t.thousands) + ")",
		Context: name,
		Headers: headers,
		Rows:    rows,
	})
	l.withheld(s)
	if len(s.Statements) > 0 {
		// Supplementary statements the person attached (Art. 16).
		d.Skip(2 * pdf.MM)
		d.Subheading(t.statements)
		for _, st := range s.Statements {
			d.Labelled(st.On, st.Text)
		}
	}
}

// withheld counts, below a register's data, what it leaves out of the
// extract: one line per provision (Art. 15(4); RULES §4). The redacted
// cells themselves show dsr.ValueRedacted's "[maskerad]".
func (l *extractLayout) withheld(s *dsr.Section) {
	if len(s.Withheld) == 0 {
		return
	}
	d := l.d
	d.Skip(1 * pdf.MM)
	for _, w := range s.Withheld {
		if w.N > 0 {
			d.Paragraph(l.t.withheld(w.N, w.Provision.Cite().In(l.lang)), pdf.Regular, pdf.SmallSize, pdf.SmallLead)
		}
	}
}

// cells writes the typed values of a register's rows for the page, in
// lang; amounts and counts are numbers, which the table aligns right.
func cells(rows [][]dsr.Value, lang string) [][]pdf.Cell {
	n := 0
	for _, r := range rows {
		n += len(r)
	}
	all := make([]pdf.Cell, n) // one allocation for the cells of every row
	out := make([][]pdf.Cell, len(rows))
	for i, r := range rows {
		row := all[:len(r):len(r)]
		all = all[len(r):]
		for c, v := range r {
			row[c] = pdf.Cell{Text: v.Display(lang), Numeric: v.Numeric()}
		}
		out[i] = row
	}
	return out
}
