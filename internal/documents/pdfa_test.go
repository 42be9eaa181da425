package documents

import (
	"testing"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pdf/pdftest"
)

// testRestrictionNotice tells the person of the test extract that the
// restriction of two of their data will be lifted.
func testRestrictionNotice(lang string) *dsr.RestrictionNotice {
	d := testDecision(lang)
	return &dsr.RestrictionNotice{
		CaseNumber: d.CaseNumber, Lang: lang, Person: d.Person,
		On: date("2026-05-04"), From: date("2026-05-25"),
		Reason: "Överklagandet som begränsningen väntade på är avgjort; uppgifterna behövs åter för ärendet.",
		Items:  d.Items[:2],
	}
}

// TestEveryLetterIsPDFA renders every kind of letter the renderer writes,
// in both languages where the wording differs, and has Apache PDFBox
// Preflight validate them all as PDF/A-1b (Riksarkivet's format for
// archived public documents), failing on any error.
func TestEveryLetterIsPDFA(t *testing.T) {
	r := newRenderer(t)
	docs := map[string][]byte{}
	add := func(name string, render func() ([]byte, int, error)) {
		docs[name] = mustRender(t, name, render)
	}
	for _, lang := range []string{"sv", "en"} {
		add("extract-"+lang, func() ([]byte, int, error) { return r.ExtractBytes(testExtract(lang)) })
		add("extract-withheld-"+lang, func() ([]byte, int, error) { return r.ExtractBytes(withheldExtract(lang)) })
		add("decision-"+lang, func() ([]byte, int, error) { return r.DecisionBytes(testDecision(lang)) })
		add("decision-granted-"+lang, func() ([]byte, int, error) { return r.DecisionBytes(grantedDecision(lang)) })
		for _, o := range []dsr.CaseOutcome{dsr.CaseRefused, dsr.CaseIdentityNotEstablished, dsr.CasePartlyRefused, dsr.CaseNoData} {
			add("outcome-"+string(o)+"-"+lang, func() ([]byte, int, error) { return r.OutcomeDecisionBytes(testOutcome(lang, o)) })
		}
		add("receipt-"+lang, func() ([]byte, int, error) { return r.ReceiptBytes(testReceipt(lang)) })
		add("identity-request-"+lang, func() ([]byte, int, error) { return r.IdentityRequestBytes(testIdentityRequest(lang)) })
		add("extension-"+lang, func() ([]byte, int, error) { return r.ExtensionNoticeBytes(testExtension(lang)) })
		add("art19-"+lang, func() ([]byte, int, error) { return r.Art19NoticeBytes(testNotice(lang)) })
		add("restriction-lifted-"+lang, func() ([]byte, int, error) { return r.RestrictionNoticeBytes(testRestrictionNotice(lang)) })
	}
	add("extract-long", func() ([]byte, int, error) {
		e := bigExtract()
		e.Sections[2].Rows = e.Sections[2].Rows[:3000]
		return r.ExtractBytes(e)
	})
	add("extract-protected", func() ([]byte, int, error) {
		e := testExtract("sv")
		e.Person.Protection = dsr.ProtectionProtected
		return r.ExtractBytes(e)
	})
	add("extract-scope-restricted", func() ([]byte, int, error) {
		e := testExtract("sv")
		from := date("2025-01-01")
		e.Scope = dsr.Scope{Registers: []dsr.Text{e.Sections[0].Register.Name}, From: &from}
		s := paymentsSection(3)
		s.RecordIDs, s.Restricted = []string{"1", "2", "3"}, []bool{false, true, false}
		s.Statements = []dsr.Statement{{RecordID: "2", Text: "Jag var sjuk hela perioden.", On: "2026-11-23"}}
		e.Sections = append(e.Sections, s)
		return r.ExtractBytes(e)
	})
	add("extract-to-guardian", func() ([]byte, int, error) {
		e := testExtract("sv")
		g := e.Person
		g.Name, g.PNR = "Göran Ek", ""
		e.Recipient = &g
		return r.ExtractBytes(e)
	})
	add("decision-long", func() ([]byte, int, error) {
		d := bigDecision()
		d.Items = d.Items[:2000]
		return r.DecisionBytes(d)
	})
	add("inner-sheet", func() ([]byte, int, error) { return r.InnerSheetBytes(testPNR, testName) })
	pdftest.PDFA(t, docs)
}
