package documents

import (
	"slices"
	"strconv"
	"strings"
	"time"

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

	l.d.Bookmark(t.coverLetter)
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
	// The extract gives every way to reach the data-protection officer.
	l.bodyHeading(t.contactH)
	l.bodyParagraph(t.contactDPO(t.aboutExtract, e.CaseNumber))
	l.signOff()
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

	d.Bookmark(t.extractTitle)
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
		d.SubheadingKeep(t.index, pdf.SmallLead)
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

// summaryRows is the number of rows above which a register's table is
// preceded by a summary a person can take in at a glance.
const summaryRows = 10

// section draws one register: its name, the Art. 15(1) and 15(2)
// information about it, the named recipients of its data and the data
// themselves, a long table after a summary of it.
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
			rows[i] = pdf.Cells(r.Organisation, r.OrgNumber, codeText(s.Codes, r.Benefit, lang), r.Date, r.LegalBasis)
		}
		d.Skip(1 * pdf.MM)
		d.Table(pdf.Table{Title: t.namedRecipients, Context: name, Headers: t.recipientCols[:], Rows: rows})
		d.Skip(2 * pdf.MM)
	}
	d.Labelled(t.retention, reg.Retention.In(lang))
	d.Labelled(t.legalBasis, reg.LegalBasis.In(lang))
	d.Labelled(t.source, reg.Source.In(lang))
	d.Labelled(t.automated, reg.AutomatedDecisions.In(lang))
	d.Labelled(t.thirdCountries, reg.ThirdCountries.In(lang))

	d.Skip(2 * pdf.MM)
	if len(s.Rows) == 0 {
		// The heading stays with the line that says why there is no table.
		d.SubheadingKeep(t.data, pdf.SmallLead)
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
	rows := cells(s.Rows, lang, s.Codes)
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
	title := t.data + " (" + group(len(s.Rows), t.thousands) + ")"
	if len(s.Rows) > summaryRows {
		// The summary goes under the heading, and the table follows it
		// without one, unless the totals per year come between.
		totals := l.summary(s, title, name)
		title = ""
		if totals {
			title = t.allItems(len(s.Rows))
		}
	}
	d.Table(pdf.Table{
		Title:   title,
		Context: name,
		Headers: headers,
		Rows:    rows,
	})
	l.withheld(s)
	if len(s.Statements) > 0 {
		// Supplementary statements the person attached (Art. 16).
		d.Skip(2 * pdf.MM)
		d.SubheadingKeep(t.statements, 2*pdf.SmallLead)
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

// summary draws what comes before a long table under its heading, title:
// how many rows, the period their dates span and, for a register of
// payments, a table of the totals per year. It reports whether it drew the
// totals.
func (l *extractLayout) summary(s *dsr.Section, title, name string) bool {
	d, t := l.d, l.t
	sum := summarize(s.Rows)
	var from, to string
	if !sum.first.IsZero() {
		from, to = dsr.FormatDate(sum.first), dsr.FormatDate(sum.last)
	}
	text := t.summary(len(s.Rows), from, to, sum.years != nil)
	d.SubheadingKeep(title, d.ParagraphHeight(text, pdf.Regular, pdf.SmallSize, pdf.SmallLead))
	d.Paragraph(text, pdf.Regular, pdf.SmallSize, pdf.SmallLead)
	d.Skip(1 * pdf.MM)
	if sum.years == nil {
		return false
	}
	rows := make([][]pdf.Cell, len(sum.years))
	for i, y := range sum.years {
		rows[i] = []pdf.Cell{
			{Text: strconv.Itoa(y.year)},
			{Text: group(y.n, t.thousands), Numeric: true},
			{Text: dsr.AmountValue(y.ore).Display(l.lang), Numeric: true},
		}
	}
	d.Table(pdf.Table{
		Title:   t.totalsTitle,
		Context: name + ", " + strings.ToLower(t.totalsTitle),
		Headers: []string{t.totalsCols[0], t.totalsCols[1], s.Columns[sum.amountCol].In(l.lang)},
		Rows:    rows,
		Width:   totalsWidth,
	})
	d.Skip(2 * pdf.MM)
	return true
}

// totalsWidth is the width of the table of totals per year: a year, a
// count and an amount need no more.
const totalsWidth = 90 * pdf.MM

// rowSummary is what summarize finds in a register's rows.
type rowSummary struct {
	first, last time.Time // the earliest and latest date in any date column; zero without dates
	// years are the totals per calendar year, in order, of a register of
	// payments: one whose rows have exactly one date column and one
	// amount column, so that each row is an amount paid on a date. nil
	// for any other register.
	years     []yearTotal
	amountCol int
}

// yearTotal is the number of amounts dated in a year and their sum.
type yearTotal struct {
	year, n int
	ore     int64
}

// summarize finds the period a register's rows span and, for a register of
// payments, the totals per year. A withheld amount is redacted, no longer
// an amount, and is neither counted nor added.
func summarize(rows [][]dsr.Value) rowSummary {
	var sum rowSummary
	var dateCols, amountCols []int
	for _, row := range rows {
		for c, v := range row {
			switch {
			case v.Kind == dsr.ValueDate && !v.Date.IsZero():
				if sum.first.IsZero() || v.Date.Before(sum.first) {
					sum.first = v.Date
				}
				if v.Date.After(sum.last) {
					sum.last = v.Date
				}
				if !slices.Contains(dateCols, c) {
					dateCols = append(dateCols, c)
				}
			case v.Kind == dsr.ValueAmount && !slices.Contains(amountCols, c):
				amountCols = append(amountCols, c)
			}
		}
	}
	if len(dateCols) != 1 || len(amountCols) != 1 {
		return sum
	}
	dc, ac := dateCols[0], amountCols[0]
	at := map[int]int{} // year → index in sum.years
	for _, row := range rows {
		if dc >= len(row) || ac >= len(row) || row[dc].Kind != dsr.ValueDate || row[dc].Date.IsZero() || row[ac].Kind != dsr.ValueAmount {
			continue
		}
		y := row[dc].Date.Year()
		i, ok := at[y]
		if !ok {
			i = len(sum.years)
			at[y] = i
			sum.years = append(sum.years, yearTotal{year: y})
		}
		sum.years[i].n++
		sum.years[i].ore += row[ac].Int
	}
	slices.SortFunc(sum.years, func(a, b yearTotal) int { return a.year - b.year })
	sum.amountCol = ac
	return sum
}

// codeText is a code in lang's words from a register's code list, or the
// code as stored when the list does not have it.
func codeText(codes map[string]dsr.Text, code, lang string) string {
	if t, ok := codes[code]; ok {
		if s := t.In(lang); s != "" {
			return s
		}
	}
	return code
}

// cells writes the typed values of a register's rows for the page, in
// lang, codes in words from the register's code list; amounts and counts
// are numbers, which the table aligns right.
func cells(rows [][]dsr.Value, lang string, codes map[string]dsr.Text) [][]pdf.Cell {
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
			text := ""
			if v.Kind == dsr.ValueCode {
				text = codeText(codes, v.Text, lang)
			} else {
				text = v.Display(lang)
			}
			row[c] = pdf.Cell{Text: text, Numeric: v.Numeric()}
		}
		out[i] = row
	}
	return out
}
