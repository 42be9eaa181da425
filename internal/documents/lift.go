package documents

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pdf"
)

// RestrictionNotice renders n, the letter that tells the person, before a
// restriction is lifted, which data will be processed again, from when and
// why (GDPR Art. 18(3)), and writes it to w. Nothing reaches w if
// rendering fails.
func (r *Renderer) RestrictionNotice(w io.Writer, n *dsr.RestrictionNotice) (int, error) {
	d, err := r.renderLift(n)
	return write(w, "restriction notice", d, err)
}

// RestrictionNoticeBytes is RestrictionNotice into memory.
func (r *Renderer) RestrictionNoticeBytes(n *dsr.RestrictionNotice) ([]byte, int, error) {
	d, err := r.renderLift(n)
	return bytesOf("restriction notice", d, err)
}

func (r *Renderer) renderLift(n *dsr.RestrictionNotice) (*pdf.Document, error) {
	switch {
	case n == nil:
		return nil, errors.New("render restriction notice: no notice")
	case strings.TrimSpace(n.Person.Name) == "":
		return nil, errors.New("render restriction notice: the notice has no addressee")
	case n.On.IsZero() || n.From.IsZero():
		return nil, errors.New("render restriction notice: the notice has no date")
	case len(n.Items) == 0:
		return nil, errors.New("render restriction notice: the notice lists no restricted data")
	case strings.TrimSpace(n.Reason) == "":
		return nil, errors.New("render restriction notice: the notice gives no reason")
	}
	lang := langOf(n.Lang)
	lt := liftTextsFor(lang)
	l, err := r.newLetter(lang, n.CaseNumber, lt.title, n.On)
	if err != nil {
		return nil, fmt.Errorf("render restriction notice: %w", err)
	}
	d := l.d
	d.SetWhere("restriction notice")
	l.firstPage(letterhead{date: n.On, caseNumber: n.CaseNumber, address: n.Person.AddressLines(),
		header: lt.title + "  " + dsr.FormatDate(dsr.Day(n.On))})
	d.SetWhere("restriction notice")
	l.title(lt.heading)
	l.bodyParagraph(lt.intro(dsr.FormatDate(dsr.Day(n.From))))
	l.bodyHeading(lt.reasonH)
	l.bodyParagraph(n.Reason)
	l.bodyParagraph(lt.rights)

	whole := decisionTextsFor(lang).wholeRecord
	rows := make([][]pdf.Cell, len(n.Items))
	for i := range n.Items {
		it := &n.Items[i]
		register := it.RegisterName.In(lang)
		if register == "" {
			register = it.Register
		}
		rows[i] = pdf.Cells(register, fieldName(it, lang, whole), it.Value)
	}
	d.SetWhere("restriction notice items")
	d.Table(pdf.Table{Title: lt.itemsTable, Context: lt.itemsTable, Headers: lt.itemCols[:], Rows: rows})
	d.SetWhere("restriction notice")
	l.questions(lt.about, n.CaseNumber)
	return d, nil
}

// liftTexts are the texts of the restriction notice.
type liftTexts struct {
	title, heading, reasonH, rights, itemsTable, about string
	intro                                              func(from string) string
	itemCols                                           [3]string
}

var swedishLift = liftTexts{
	title:   "Besked om att en begränsning hävs",
	heading: "Vi kommer att häva begränsningen av dina personuppgifter (artikel 18.3 i EU:s dataskyddsförordning)",
	intro: func(from string) string {
		return "Efter din begäran begränsade Försäkringskassan behandlingen av uppgifterna nedan, så att de bara sparades. " +
			"Från och med " + from + " kommer vi att behandla dem igen. Enligt artikel 18.3 i dataskyddsförordningen får du veta det innan begränsningen hävs."
	},
	reasonH: "Varför begränsningen hävs",
	rights: "Om du anser att begränsningen ska stå kvar kan du höra av dig till oss före det datumet. Du har också rätt att " +
		"lämna klagomål till " + imyContact("sv") + ".",
	itemsTable: "Uppgifter som inte längre är begränsade",
	itemCols:   [3]string{"Register", "Uppgift", "Värde"},
	about:      "beskedet",
}

var englishLift = liftTexts{
	title:   "Notice that a restriction will be lifted",
	heading: "We will lift the restriction of your personal data (Article 18(3) of the EU General Data Protection Regulation)",
	intro: func(from string) string {
		return "At your request Försäkringskassan restricted the processing of the data below, so that they were only stored. " +
			"From " + from + " we will process them again. Under Article 18(3) of the Regulation you are told before the restriction is lifted."
	},
	reasonH: "Why the restriction is lifted",
	rights: "If you consider that the restriction should remain, please contact us before that date. You also have the right to " +
		"lodge a complaint with " + imyContact("en") + ".",
	itemsTable: "Data no longer restricted",
	itemCols:   [3]string{"Register", "Item", "Value"},
	about:      "the notice",
}

func liftTextsFor(lang string) *liftTexts {
	if lang == "en" {
		return &englishLift
	}
	return &swedishLift
}
