package documents

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pdf"
	"dsrdesk/internal/pnr"
)

// OutcomeDecision renders o, the letter that tells a person how a request
// ended when it was not simply done as asked, as an A4 PDF for a C5 window
// envelope, writes it to w and returns the number of pages. A refusal
// (GDPR Art. 12(5)(b)), identity not established (Art. 12(6)) and a partial
// refusal (data withheld from the extract, Art. 15(4)) are decisions
// (beslut): the decision, the officer's reasons as written, the right to
// complain to IMY and how to appeal to the förvaltningsrätt within three
// weeks (RULES §3). No data is a reply, not a decision: the agency has
// searched its registers and holds nothing on the person, and the person
// may complain to IMY; the officer's reasons are not printed. The letter
// carries no identity number. Nothing reaches w if rendering fails.
func (r *Renderer) OutcomeDecision(w io.Writer, o *dsr.OutcomeDecision) (int, error) {
	d, err := r.renderOutcome(o)
	return write(w, "outcome decision", d, err)
}

// OutcomeDecisionBytes is OutcomeDecision into memory: it returns the PDF
// and its number of pages.
func (r *Renderer) OutcomeDecisionBytes(o *dsr.OutcomeDecision) ([]byte, int, error) {
	d, err := r.renderOutcome(o)
	return bytesOf("outcome decision", d, err)
}

// renderOutcome checks o and lays out the whole letter.
func (r *Renderer) renderOutcome(o *dsr.OutcomeDecision) (*pdf.Document, error) {
	if err := checkOutcome(o); err != nil {
		return nil, fmt.Errorf("render outcome decision: %w", err)
	}
	lang := langOf(o.Lang)
	x := &outcomeLayout{o: o, dt: decisionTextsFor(lang), ot: outcomeTextsFor(lang)}
	x.whom = x.ot.you
	if p := strings.TrimSpace(o.Principal); p != "" {
		x.whom = p
	}
	title, heading := x.dt.title, x.dt.heading(o.CaseNumber)
	if o.Outcome == dsr.CaseNoData {
		title, heading = x.ot.noDataTitle, x.ot.noDataHeading(x.whom)
		if !slices.Contains(o.Kinds, dsr.KindAccess) {
			heading = x.ot.nothingHeading(x.whom)
		}
	}
	l, err := r.personLetter("outcome letter", lang, o.CaseNumber, title, heading, o.DecidedOn, o.Person)
	if err != nil {
		return nil, fmt.Errorf("render outcome decision: %w", err)
	}
	x.letter = l
	x.body()
	return l.d, nil
}

// checkOutcome refuses a letter that could not explain itself: no
// addressee, no dates, an outcome that has no letter of this kind, a
// refusal without the reasons that show it, a partial refusal that lists
// nothing withheld. Errors name fields and places, never their contents.
func checkOutcome(o *dsr.OutcomeDecision) error {
	switch {
	case o == nil:
		return errors.New("no letter")
	case strings.TrimSpace(o.Person.Name) == "":
		return errors.New("the letter has no name for the address block")
	case o.ReceivedOn.IsZero() || o.DecidedOn.IsZero():
		return errors.New("the letter needs the date the request was received and the date it was decided")
	case dsr.Day(o.DecidedOn).Before(dsr.Day(o.ReceivedOn)):
		return errors.New("the request is decided before it was received")
	case !o.Outcome.Valid():
		return fmt.Errorf("unknown outcome %q", o.Outcome)
	case o.Outcome == dsr.CaseAnswered || o.Outcome == dsr.CaseWithdrawn:
		return fmt.Errorf("the outcome %q has no letter of this kind", o.Outcome)
	case (o.Outcome == dsr.CaseRefused || o.Outcome == dsr.CaseIdentityNotEstablished) && strings.TrimSpace(o.Reasons) == "":
		return errors.New("a refusal needs the reasons that show it (GDPR Art. 12(5))")
	case o.Outcome == dsr.CasePartlyRefused && len(o.Withheld) == 0:
		return errors.New("a partial refusal lists no withheld data")
	case pnr.LooksLike(o.Principal):
		// The principal is named in the body of page 1.
		return errors.New("the principal's name holds something shaped like an identity number")
	}
	for i, w := range o.Withheld {
		switch {
		case strings.TrimSpace(w.Register.SV) == "" && strings.TrimSpace(w.Register.EN) == "":
			return fmt.Errorf("withheld item %d names no register", i+1)
		case w.Kind != dsr.WithholdRedact && w.Kind != dsr.WithholdItem:
			// An officer's disclosure of what the catalogue withholds by
			// default (dsr.WithholdDisclose) withholds nothing.
			return fmt.Errorf("withheld item %d is not withheld (kind %q)", i+1, w.Kind)
		case w.N <= 0:
			return fmt.Errorf("withheld item %d withholds no data", i+1)
		case !w.Provision.Valid():
			return fmt.Errorf("withheld item %d cites an unknown provision (%q)", i+1, w.Provision)
		}
	}
	return nil
}

// outcomeLayout is one outcome letter being laid out.
type outcomeLayout struct {
	*letter
	o    *dsr.OutcomeDecision
	dt   *decisionTexts
	ot   *outcomeTexts
	whom string // whom the data concern: "dig", or the principal's name
}

// body draws the letter below its heading.
func (l *outcomeLayout) body() {
	d, t, dt, ot, o := l.d, l.t, l.dt, l.ot, l.o
	if p := strings.TrimSpace(o.Principal); p != "" {
		// The letter goes to a representative: say whom it is about.
		label := dt.concerns
		if o.Outcome == dsr.CaseNoData {
			label = ot.requestConcerns
		}
		d.Labelled(label, p)
		d.Skip(1 * pdf.MM)
	}
	asked := dt.received(dateText(o.ReceivedOn))
	if kinds := kindWords(o.Kinds, dt.kinds); len(kinds) > 0 {
		asked += dt.asked(joinAnd(kinds, dt.and))
	}
	l.bodyParagraph(asked)

	if o.Outcome == dsr.CaseNoData {
		// Nothing is refused, so there is nothing to appeal.
		if slices.Contains(o.Kinds, dsr.KindAccess) {
			l.bodyParagraph(ot.noData(l.whom))
		} else {
			l.bodyParagraph(ot.nothing(l.whom))
		}
		l.bodyParagraph(ot.searchAgain)
		l.bodyHeading(dt.complainH)
		l.bodyParagraph(t.imy)
		l.questions(ot.aboutNoData, o.CaseNumber)
		return
	}

	l.bodyHeading(dt.decisionH)
	switch o.Outcome {
	case dsr.CaseRefused:
		l.bodyParagraph(ot.refused)
		l.reasons("")
	case dsr.CaseIdentityNotEstablished:
		l.bodyParagraph(ot.identity)
		l.reasons("")
		l.bodyHeading(ot.newRequestH)
		l.bodyParagraph(ot.newRequest)
	case dsr.CasePartlyRefused:
		l.bodyParagraph(ot.partly)
		l.withheld()
		l.reasons(ot.withheldReasons)
	}

	l.bodyHeading(dt.complainH)
	l.bodyParagraph(t.imy)
	l.bodyHeading(dt.appealH)
	for _, p := range dt.appeal(o.CaseNumber) {
		l.bodyParagraph(p)
	}
	l.questions(dt.about, o.CaseNumber)
}

// reasons draws the reasons for the decision: a fixed explanation, when
// there is one, and the officer's reasons as written.
func (l *outcomeLayout) reasons(fixed string) {
	officer := strings.TrimSpace(l.o.Reasons)
	if fixed == "" && officer == "" {
		return
	}
	l.bodyHeading(l.dt.reasonsH)
	if fixed != "" {
		l.bodyParagraph(fixed)
	}
	if officer != "" {
		l.bodyParagraph(officer)
	}
}

// withheld draws the table of data left out of the extract: the register,
// the field or the whole record, how many and the provision.
func (l *outcomeLayout) withheld() {
	d, ot, lang := l.d, l.ot, l.lang
	rows := make([][]pdf.Cell, len(l.o.Withheld))
	for i, w := range l.o.Withheld {
		what := w.Field.In(lang)
		switch {
		case what != "":
		case w.Kind == dsr.WithholdRedact:
			what = ot.partRecord
		default:
			what = l.dt.wholeRecord
		}
		rows[i] = []pdf.Cell{
			{Text: w.Register.In(lang)},
			{Text: what},
			{Text: group(w.N, l.t.thousands), Numeric: true},
			{Text: w.Provision.Cite().In(lang)},
		}
	}
	d.SetWhere("outcome letter, withheld data")
	d.Skip(1 * pdf.MM)
	d.Table(pdf.Table{Title: ot.withheldTable, Context: ot.withheldTable, Headers: ot.withheldCols[:], Rows: rows})
	d.Skip(2 * pdf.MM)
	d.SetWhere("outcome letter")
}
