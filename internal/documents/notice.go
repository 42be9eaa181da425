package documents

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pdf"
)

// Art19Notice renders n, the letter telling an organisation that data about
// a person that it received from the agency were rectified, erased or
// restricted (GDPR Art. 19), as an A4 PDF, writes it to w and returns the
// number of pages. The organisation's name is in the envelope window; the
// person's name and identity number are in the body only. Items that n
// lists but that change nothing (kept, referred) are left out. Nothing
// reaches w if rendering fails.
func (r *Renderer) Art19Notice(w io.Writer, n *dsr.Art19Notice) (int, error) {
	d, err := r.renderNotice(n)
	return write(w, "Art. 19 notice", d, err)
}

// Art19NoticeBytes is Art19Notice into memory: it returns the PDF and its
// number of pages.
func (r *Renderer) Art19NoticeBytes(n *dsr.Art19Notice) ([]byte, int, error) {
	d, err := r.renderNotice(n)
	return bytesOf("Art. 19 notice", d, err)
}

// renderNotice lays out the whole notice.
func (r *Renderer) renderNotice(n *dsr.Art19Notice) (*pdf.Document, error) {
	switch {
	case n == nil:
		return nil, errors.New("render Art. 19 notice: no notice")
	case strings.TrimSpace(n.Recipient.Recipient) == "":
		return nil, errors.New("render Art. 19 notice: the notice has no recipient for the address block")
	case strings.TrimSpace(n.Person.Name) == "":
		return nil, errors.New("render Art. 19 notice: the notice does not name the person whose data changed")
	case n.On.IsZero():
		return nil, errors.New("render Art. 19 notice: the notice has no date")
	}
	var changed []dsr.DecisionItem
	for _, it := range n.Items {
		if it.Outcome.Changes() {
			changed = append(changed, it)
		}
	}
	if len(changed) == 0 {
		return nil, errors.New("render Art. 19 notice: the notice lists no changed data")
	}
	if err := checkItems(changed); err != nil {
		return nil, fmt.Errorf("render Art. 19 notice: %w", err)
	}
	lang := langOf(n.Lang)
	nt := noticeTextsFor(lang)
	l, err := r.newLetter(lang, n.CaseNumber, nt.title, n.On)
	if err != nil {
		return nil, fmt.Errorf("render Art. 19 notice: %w", err)
	}
	d, t := l.d, l.t

	window := n.Address
	if len(window) == 0 {
		window = []string{n.Recipient.Recipient}
	}
	d.SetWhere("notice")
	// The window shows the organisation's name and postal address and
	// nothing else: not its organisation number, which for a sole trader
	// is the owner's identity number, and never the person's.
	l.firstPage(letterhead{
		date:       n.On,
		caseNumber: n.CaseNumber,
		address:    window,
		header:     nt.title + "  " + dsr.FormatDate(dsr.Day(n.On)),
	})
	d.SetWhere("notice")
	l.title(nt.heading)

	recipient := n.Recipient.Recipient
	if org := strings.TrimSpace(n.Recipient.OrgNumber); org != "" {
		recipient += ", " + nt.orgNumber + " " + org
	}
	d.Labelled(nt.recipient, recipient)
	// The body starts below the print shop's clear zone, well below the
	// window: the recipient must know whose data changed.
	d.Labelled(t.concerns, concerns(n.Person))
	d.Skip(2 * pdf.MM)
	l.bodyParagraph(nt.intro)
	l.bodyParagraph(nt.request)

	whole := decisionTextsFor(lang).wholeRecord // the letters name a whole record alike
	rows := make([][]pdf.Cell, len(changed))
	for i := range changed {
		it := &changed[i]
		register := it.RegisterName.In(lang)
		if register == "" {
			register = it.Register
		}
		rows[i] = pdf.Cells(register, fieldName(it, lang, whole), it.Value,
			outcomeWords(it, nt.outcome, nt.rectifiedTo), strings.TrimSpace(it.Ground.Cite))
	}
	d.SetWhere("notice items")
	d.Table(pdf.Table{Title: nt.itemsTable, Context: nt.itemsTable, Headers: nt.itemCols[:], Rows: rows})

	d.SetWhere("notice")
	l.bodyHeading(t.contactH)
	l.bodyParagraph(nt.contact(n.CaseNumber))
	l.signOff()
	return d, nil
}
