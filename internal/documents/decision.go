package documents

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pdf"
)

// Decision renders d, the decision (beslut) on a request to rectify,
// complete, erase, restrict or object, as an A4 PDF, writes it to w and
// returns the number of pages. Page 1 is a letter for a C5 window envelope:
// what was asked, the decision register by register, its reasons, the
// recipients told of the change (Art. 19), the right to complain to IMY
// and, when anything is not done as asked, how to appeal (RULES §3). The
// decision for every item follows the letter. Nothing reaches w if
// rendering fails.
func (r *Renderer) Decision(w io.Writer, d *dsr.Decision) (pages int, err error) {
	doc, err := r.renderDecision(d)
	return write(w, "decision", doc, err)
}

// DecisionBytes is Decision into memory: it returns the PDF and its number
// of pages.
func (r *Renderer) DecisionBytes(d *dsr.Decision) ([]byte, int, error) {
	doc, err := r.renderDecision(d)
	return bytesOf("decision", doc, err)
}

// renderDecision lays out the whole decision.
func (r *Renderer) renderDecision(dec *dsr.Decision) (*pdf.Document, error) {
	switch {
	case dec == nil:
		return nil, errors.New("render decision: no decision")
	case strings.TrimSpace(dec.Person.Name) == "":
		return nil, errors.New("render decision: the decision has no name for the address block")
	case dec.DecidedOn.IsZero() || dec.ReceivedOn.IsZero():
		return nil, errors.New("render decision: the decision needs the date it was made and the date the request was received")
	case len(dec.Items) == 0:
		return nil, errors.New("render decision: the decision has no items")
	}
	if err := checkItems(dec.Items); err != nil {
		return nil, fmt.Errorf("render decision: %w", err)
	}
	lang := langOf(dec.Lang)
	dt := decisionTextsFor(lang)
	l, err := r.newLetter(lang, dec.CaseNumber, dt.title, dec.DecidedOn)
	if err != nil {
		return nil, fmt.Errorf("render decision: %w", err)
	}
	x := &decisionLayout{letter: l, dec: dec, dt: dt, refused: dec.Refused()}
	x.groups = groupByRegister(dec.Items, lang)
	x.grounds, x.groundOf = numberGrounds(dec.Items, x.groups, lang)
	x.letterPart()
	x.itemsPart()
	return l.d, nil
}

// checkItems refuses items that a letter cannot explain: every outcome is
// one the letters know, and every one cites its legal ground (RULES §5).
// Items are named by their place in the list, never by their contents.
func checkItems(items []dsr.DecisionItem) error {
	for i := range items {
		it := &items[i]
		if !it.Outcome.Valid() {
			return fmt.Errorf("item %d has no valid outcome (%q)", i+1, it.Outcome)
		}
		if strings.TrimSpace(it.Ground.Cite) == "" {
			return fmt.Errorf("item %d does not cite its legal ground", i+1)
		}
	}
	return nil
}

// decisionLayout is one decision being laid out.
type decisionLayout struct {
	*letter
	dec     *dsr.Decision
	dt      *decisionTexts
	refused bool

	groups   []itemGroup
	grounds  []ground // numbered from 1 in the order first cited
	groundOf []int    // per item, its ground's index in grounds
}

// itemGroup is the items of one register, in the order given.
type itemGroup struct {
	register string // catalogue id, for error messages
	name     string
	items    []int // indices into the decision's items
	counts   []int // per outcome, in the order of dsr.Outcomes
}

// outcomeIndex is o's place in dsr.Outcomes, the order in which a summary
// counts them; -1 for an unknown outcome, which checkItems refuses first.
func outcomeIndex(o dsr.Outcome) int {
	for i, x := range dsr.Outcomes {
		if x == o {
			return i
		}
	}
	return -1
}

// groupByRegister groups items by register, registers in the order they
// first appear, and counts each register's outcomes.
func groupByRegister(items []dsr.DecisionItem, lang string) []itemGroup {
	var groups []itemGroup
	at := map[string]int{}
	for i := range items {
		it := &items[i]
		g, ok := at[it.Register]
		if !ok {
			name := it.RegisterName.In(lang)
			if name == "" {
				name = it.Register
			}
			g = len(groups)
			at[it.Register] = g
			groups = append(groups, itemGroup{register: it.Register, name: name, counts: make([]int, len(dsr.Outcomes))})
		}
		groups[g].items = append(groups[g].items, i)
		groups[g].counts[outcomeIndex(it.Outcome)]++
	}
	return groups
}

// ground is one legal ground as the decision lists it: numbered, so that
// thousands of items decided on the same ground cite it by its number and
// its text is printed once.
type ground struct {
	num  string // "(1)"
	ref  string // "(1) GDPR Art. 17(3)(b), (d)": the number and the provision
	cite string
	text string // what it means for the person, in the letter's language
}

// numberGrounds numbers the distinct grounds of items in the order the
// letter shows the items, register by register, and returns them with each
// item's index among them.
func numberGrounds(items []dsr.DecisionItem, groups []itemGroup, lang string) ([]ground, []int) {
	type key struct{ cite, text string }
	var grounds []ground
	at := map[key]int{}
	of := make([]int, len(items))
	for _, gr := range groups {
		for _, i := range gr.items {
			g := &items[i].Ground
			k := key{strings.TrimSpace(g.Cite), strings.TrimSpace(g.Text.In(lang))}
			n, ok := at[k]
			if !ok {
				n = len(grounds)
				at[k] = n
				num := "(" + strconv.Itoa(n+1) + ")"
				grounds = append(grounds, ground{num: num, ref: num + " " + k.cite, cite: k.cite, text: k.text})
			}
			of[i] = n
		}
	}
	return grounds, of
}

// fieldName is what an item names: its field, or the whole record.
func fieldName(it *dsr.DecisionItem, lang, wholeRecord string) string {
	if it.Field == "" {
		return wholeRecord
	}
	if s := it.FieldName.In(lang); s != "" {
		return s
	}
	return it.Field
}

// summary is a register's line: how many items, and how many of each
// outcome ("3 uppgifter: 2 sparas, 1 raderas.").
func (l *decisionLayout) summary(g *itemGroup) string {
	var b strings.Builder
	b.WriteString(l.t.items(len(g.items)))
	sep := ": "
	for i, n := range g.counts {
		if n == 0 {
			continue
		}
		b.WriteString(sep)
		b.WriteString(group(n, l.t.thousands))
		b.WriteByte(' ')
		b.WriteString(l.dt.counted[dsr.Outcomes[i]])
		sep = ", "
	}
	b.WriteByte('.')
	return b.String()
}

// letterPart draws the letter: page 1 and, for a long decision, the pages
// its body runs on to.
func (l *decisionLayout) letterPart() {
	d, t, dt, dec := l.d, l.t, l.dt, l.dec
	decided := dsr.FormatDate(dsr.Day(dec.DecidedOn))
	d.SetWhere("decision letter")
	// The lines of dsr.Person.AddressLines: never the identity number, and
	// for a protected person only the name.
	l.firstPage(letterhead{
		date:       dec.DecidedOn,
		caseNumber: dec.CaseNumber,
		address:    dec.Person.AddressLines(),
		header:     dt.title + "  " + decided,
	})
	d.SetWhere("decision letter")

	d.Bookmark(dt.title)
	l.title(dt.heading(dec.CaseNumber))
	asked := dt.received(dsr.FormatDate(dsr.Day(dec.ReceivedOn)))
	if kinds := l.kinds(); len(kinds) > 0 {
		asked += dt.asked(joinAnd(kinds, dt.and))
	}
	l.bodyParagraph(asked)
	if s := strings.TrimSpace(dec.Statement); s != "" {
		l.bodyParagraph(dt.statement(s))
	}
	l.bodyParagraph(dt.decided(t.items(len(dec.Items)), len(l.groups), l.refused))

	l.bodyHeading(dt.decisionH)
	d.Skip(1 * pdf.MM)
	for i := range l.groups {
		d.Labelled(l.groups[i].name, l.summary(&l.groups[i]))
	}
	l.bodyParagraph(dt.seeItems)

	l.bodyHeading(dt.reasonsH)
	l.bodyParagraph(dt.reasons)
	for _, g := range l.grounds {
		if g.text == "" {
			d.Labelled(g.num, g.cite)
		} else {
			d.Labelled(g.ref, g.text)
		}
	}

	l.recipients()

	l.bodyHeading(dt.complainH)
	l.bodyParagraph(t.imy)
	if l.refused {
		l.bodyHeading(dt.appealH)
		for _, p := range dt.appeal(dec.CaseNumber) {
			l.bodyParagraph(p)
		}
	}
	l.questions(dt.about, dec.CaseNumber)
}

// kinds is what the person asked for, in words, in the order of dsr.Kinds:
// the decision's kinds, or those its items answer when it names none.
func (l *decisionLayout) kinds() []string {
	asked := l.dec.Kinds
	if len(asked) == 0 {
		asked = make([]dsr.Kind, 0, len(l.dec.Items))
		for i := range l.dec.Items {
			asked = append(asked, l.dec.Items[i].Kind)
		}
	}
	return kindWords(asked, l.dt.kinds)
}

// kindWords is what the person asked for, in words, in the order of
// dsr.Kinds and each kind once; a kind the letters have no words for is
// left out.
func kindWords(asked []dsr.Kind, words map[dsr.Kind]string) []string {
	var out []string
	for _, k := range dsr.Kinds {
		if w, ok := words[k]; ok && slices.Contains(asked, k) {
			out = append(out, w)
		}
	}
	return out
}

// recipients draws the Art. 19 section: who has been told of the change,
// and why someone could not be.
func (l *decisionLayout) recipients() {
	d, dt := l.d, l.dt
	l.bodyHeading(dt.art19H)
	if len(l.dec.Notifications) == 0 {
		l.bodyParagraph(dt.art19None)
		return
	}
	l.bodyParagraph(dt.art19)
	rows := make([][]pdf.Cell, len(l.dec.Notifications))
	for i, n := range l.dec.Notifications {
		status := dt.notified
		if n.Status == dsr.NotifyImpossible {
			status = dt.notNotified
			if r := strings.TrimSpace(n.Reason.In(langOf(l.dec.Lang))); r != "" {
				status += ": " + r
			}
		}
		rows[i] = pdf.Cells(n.Recipient, n.OrgNumber, status)
	}
	d.Table(pdf.Table{Title: dt.art19Table, Context: dt.art19H, Headers: dt.art19Cols[:], Rows: rows})
	d.Skip(1 * pdf.MM)
}

// itemsPart draws the pages after the letter: whom the decision concerns,
// then every item register by register, with its outcome and ground.
func (l *decisionLayout) itemsPart() {
	d, t, dt, dec := l.d, l.t, l.dt, l.dec
	d.SetWhere("decision items")
	d.NewPage()
	d.Bookmark(dt.itemsTitle)
	d.Heading(dt.itemsTitle, titleSize)
	d.Skip(2 * pdf.MM)
	// The identity number is printed here, once: the decision is about the
	// person's own data. Page 1 shows through the envelope window.
	d.Labelled(dt.concerns, concerns(dec.Person))
	d.Labelled(dt.decidedOn, dsr.FormatDate(dsr.Day(dec.DecidedOn)))
	d.Labelled(t.caseNumber, dec.CaseNumber)

	for i := range l.groups {
		g := &l.groups[i]
		d.SetWhere("decision items, register " + g.register)
		l.sectionHeading(i+1, g.name, 6*pdf.SmallLead)
		d.Paragraph(l.summary(g), pdf.Regular, pdf.SmallSize, pdf.SmallLead)
		d.Skip(2 * pdf.MM)
		d.Table(pdf.Table{
			Title:   dt.itemsTable + " (" + group(len(g.items), t.thousands) + ")",
			Context: g.name,
			Headers: dt.itemCols[:],
			Rows:    l.rows(g),
		})
	}
}

// rows writes a register's items as table rows: the field, the value, the
// outcome in words and the ground, with the written reason of an override.
func (l *decisionLayout) rows(g *itemGroup) [][]pdf.Cell {
	const ncol = 4
	all := make([]pdf.Cell, ncol*len(g.items)) // one allocation for every cell
	out := make([][]pdf.Cell, len(g.items))
	for k, i := range g.items {
		it := &l.dec.Items[i]
		row := all[ncol*k : ncol*(k+1) : ncol*(k+1)]
		row[0].Text = fieldName(it, l.lang, l.dt.wholeRecord)
		row[1].Text = it.Value
		row[2].Text = outcomeWords(it, l.dt.outcome, l.dt.rectifiedTo)
		row[3].Text = l.grounds[l.groundOf[i]].ref
		if r := strings.TrimSpace(it.Reason); r != "" {
			row[3].Text += "\n" + l.dt.overridden + r
		}
		out[k] = row
	}
	return out
}

// outcomeWords is what is done with an item, in words: the word for its
// outcome, or for a rectification to a value the person gave, that value.
func outcomeWords(it *dsr.DecisionItem, words map[dsr.Outcome]string, rectifiedTo func(string) string) string {
	if it.Outcome == dsr.OutcomeRectify && strings.TrimSpace(it.Requested) != "" {
		return rectifiedTo(it.Requested)
	}
	return words[it.Outcome]
}
