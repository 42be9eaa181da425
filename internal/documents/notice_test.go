package documents

import (
	"bytes"
	"strings"
	"testing"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pdf"
	"dsrdesk/internal/pdf/pdftest"
)

// testNotice tells Folksam of the rectification and erasure in
// testDecision; the kept and referred items are not changes.
func testNotice(lang string) *dsr.Art19Notice {
	d := testDecision(lang)
	return &dsr.Art19Notice{
		CaseNumber: d.CaseNumber,
		Lang:       lang,
		On:         date("2026-03-21"),
		Recipient:  d.Notifications[0],
		Person:     d.Person,
		Items:      d.Items,
	}
}

func renderNotice(t *testing.T, n *dsr.Art19Notice) ([]byte, int) {
	t.Helper()
	b, pages, err := newRenderer(t).Art19NoticeBytes(n)
	if err != nil {
		t.Fatal(err)
	}
	return b, pages
}

func TestArt19NoticeSwedish(t *testing.T) {
	doc, pages := renderNotice(t, testNotice("sv"))
	if pages != 1 {
		t.Errorf("a notice of two changes takes %d pages; want 1", pages)
	}
	all := flat(t, doc)
	mustContain(t, "notice", all,
		"Underrättelse om rättade, raderade eller begränsade personuppgifter (artikel 19 i EU:s dataskyddsförordning)",
		"Mottagare Folksam ömsesidig sakförsäkring, organisationsnummer 502006-1585",
		"Uppgifterna gäller "+testName+", "+testPNRShow,
		"Enligt artikel 19 i EU:s dataskyddsförordning",
		"Vi ber er att rätta, radera eller begränsa behandlingen av de kopior av uppgifterna som ni har",
		"Kontakter med Försäkringskassan Telefonnummer 070-123 45 67 Rättad till 070-765 43 21 GDPR Art. 16",
		"Kontakter med Försäkringskassan Hela posten 2026-02-03, Mina sidor, Ändrad inkomstuppgift Raderad GDPR Art. 17(1)(a)",
		dsr.DPO.Email,
		"Sida 1 av 1",
	)
	// Only what changed, and nothing written to the person.
	mustNotContain(t, "notice", all, "Storgatan 12 B", "Fråga om föräldrapenning", "Särskild motivering", "Anteckningen gjordes")
}

func TestArt19NoticeEnglish(t *testing.T) {
	doc, _ := renderNotice(t, testNotice("en"))
	mustContain(t, "English notice", flat(t, doc),
		"Notice of rectified, erased or restricted personal data (Article 19 of the EU General Data Protection Regulation)",
		"Recipient Folksam ömsesidig sakförsäkring, organisation number 502006-1585",
		"The data concern "+testName+", "+testPNRShow,
		"Telephone number 070-123 45 67 Rectified to 070-765 43 21 GDPR Art. 16",
		"Erased GDPR Art. 17(1)(a)",
		"Please rectify, erase or restrict",
		"Page 1 of 1",
	)
}

// The window shows the organisation's name only; the person is named, with
// the identity number, in the body, below the print shop's clear zone.
func TestArt19NoticeWindowNamesOrganisation(t *testing.T) {
	n := testNotice("sv")
	doc, _ := renderNotice(t, n)
	if got := windowWords(t, doc); got != n.Recipient.Recipient {
		t.Errorf("the window shows %q; want only %q", got, n.Recipient.Recipient)
	}
	belowClearZone := pdf.ClearTop + pdf.ClearHeight
	var sawPNR, sawName bool
	for _, w := range pdftest.Words(t, doc, 1) {
		switch strings.TrimRight(w.Text, ",") {
		case testPNRShow:
			sawPNR = true
		case "Öberg-Ängström":
			sawName = true
		case "502006-1585":
		default:
			continue
		}
		if w.YMin < belowClearZone {
			t.Errorf("%q at %.0f mm from the top is above the body", w.Text, w.YMin/pdf.MM)
		}
		if overlaps(w, pdf.WindowLeft, pdf.WindowTop, pdf.WindowWidth, pdf.WindowHeight+5*pdf.MM) {
			t.Errorf("%q shows through the envelope window", w.Text)
		}
	}
	if !sawPNR || !sawName {
		t.Errorf("the body does not name the person (name %v, identity number %v)", sawName, sawPNR)
	}
}

func TestArt19NoticeRefusals(t *testing.T) {
	r := newRenderer(t)
	for name, change := range map[string]func(*dsr.Art19Notice){
		"no recipient":           func(n *dsr.Art19Notice) { n.Recipient.Recipient = "" },
		"no person":              func(n *dsr.Art19Notice) { n.Person.Name = "" },
		"nothing changed":        func(n *dsr.Art19Notice) { n.Items = n.Items[:2] }, // kept and referred
		"an id in the recipient": func(n *dsr.Art19Notice) { n.Recipient.Recipient = "Firma 811218-9876" },
		"no cite":                func(n *dsr.Art19Notice) { n.Items[3].Ground.Cite = "" },
	} {
		n := testNotice("sv")
		change(n)
		var buf bytes.Buffer
		if _, err := r.Art19Notice(&buf, n); err == nil {
			t.Errorf("%s: rendered without error", name)
		} else if strings.Contains(err.Error(), "9876") {
			t.Errorf("%s: the error repeats the identity number: %v", name, err)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: a refused notice wrote %d bytes", name, buf.Len())
		}
	}
	if _, _, err := r.Art19NoticeBytes(nil); err == nil {
		t.Error("nil notice: rendered without error")
	}
}
