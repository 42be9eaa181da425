package documents

import (
	"strings"
	"testing"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pdf/pdftest"
)

// withheldExtract is the test extract with another person's data redacted
// in one cell of the contacts register and two records of it withheld, both
// under OSL 28 kap. 1 §.
func withheldExtract(lang string) *dsr.Extract {
	e := testExtract(lang)
	s := &e.Sections[0]
	s.Rows[0][2] = dsr.RedactedValue(dsr.ProvisionOSL28_1)
	s.Withheld = []dsr.WithheldCount{{Provision: dsr.ProvisionOSL28_1, N: 2}}
	return e
}

func TestExtractCountsWithheldData(t *testing.T) {
	doc, _ := render(t, withheldExtract("sv"))
	all := flat(t, doc)
	mustContain(t, "extract", all,
		"2 uppgifter har inte lämnats ut enligt 28 kap. 1 § offentlighets- och sekretesslagen (2009:400).",
		"[maskerad]",
		// The cover letter points to the decision that comes with it.
		"Vissa uppgifter har inte lämnats ut.",
		"Skälen och hur du överklagar står i beslutet som följer med utdraget.",
	)
	mustNotContain(t, "extract", all, "Fråga om föräldrapenning för Märta", "osl_28_1")
	// The line is in the register's section, after page 1.
	pages := pdftest.Pages(t, doc)
	if strings.Contains(pages[0], "har inte lämnats ut enligt") {
		t.Error("the count of withheld data is on the cover letter; want it under its register")
	}

	doc, _ = render(t, withheldExtract("en"))
	mustContain(t, "English extract", flat(t, doc),
		"2 items have been withheld under Chapter 28, section 1 of the Public Access to Information and Secrecy Act (2009:400).",
		"[withheld]",
		"Some data have been withheld.",
		"The reasons, and how to appeal, are in the decision that comes with this extract.",
	)
}

func TestExtractWithheldSingularAndSeveralProvisions(t *testing.T) {
	for _, tt := range []struct {
		lang string
		want []string
	}{
		{"sv", []string{
			"1 uppgift har inte lämnats ut enligt 12 kap. 3 § offentlighets- och sekretesslagen (2009:400).",
			"3 uppgifter har inte lämnats ut enligt 5 kap. 1–2 §§ lagen (2018:218)",
		}},
		{"en", []string{
			"1 item has been withheld under Chapter 12, section 3",
			"3 items have been withheld under Chapter 5, sections 1–2 of the Swedish Data Protection Act (2018:218).",
		}},
	} {
		e := testExtract(tt.lang)
		e.Sections[1].Withheld = []dsr.WithheldCount{{Provision: dsr.ProvisionOSL12_3, N: 1}, {Provision: dsr.ProvisionDSL5, N: 3}}
		doc, _ := render(t, e)
		mustContain(t, tt.lang+" extract", flat(t, doc), tt.want...)
	}
}

// A register whose every record is withheld does not say that it holds
// nothing: it says that nothing of it is disclosed, and why.
func TestExtractRegisterWithEverythingWithheld(t *testing.T) {
	e := testExtract("sv")
	e.Sections[0].Rows = nil
	e.Sections[0].Withheld = []dsr.WithheldCount{{Provision: dsr.ProvisionOSL12_1, N: 4}}
	doc, _ := render(t, e)
	all := flat(t, doc)
	mustContain(t, "extract", all,
		"Registret har uppgifter om dig, men inga av dem lämnas ut.",
		"4 uppgifter har inte lämnats ut enligt 12 kap. 1 § offentlighets- och sekretesslagen (2009:400).",
	)
	mustNotContain(t, "extract", all, "Inga uppgifter registrerade.")

	e.Lang = "en"
	doc, _ = render(t, e)
	mustContain(t, "English extract", flat(t, doc),
		"The register holds data about you, but none of them are disclosed.",
		"4 items have been withheld under Chapter 12, section 1")
}

// An extract that withholds nothing says nothing about withholding, and
// one that is not limited says nothing about a scope.
func TestExtractWithoutWithholdingOrScope(t *testing.T) {
	for _, lang := range []string{"sv", "en"} {
		doc, _ := render(t, testExtract(lang))
		mustNotContain(t, lang+" extract", flat(t, doc),
			"har inte lämnats ut", "Vissa uppgifter", "Du har bett att bara få",
			"been withheld", "Some data", "You asked only for")
	}
}

func TestExtractScope(t *testing.T) {
	from, to := date("2025-01-01"), date("2025-12-31")
	contacts := text("Kontakter med Försäkringskassan", "Contacts with Försäkringskassan")
	lefi := text("LEFI Online – utlämnade uppgifter", "LEFI Online – disclosed data")
	for _, tt := range []struct {
		name  string
		lang  string
		scope dsr.Scope
		want  string
	}{
		{"registers and period", "sv", dsr.Scope{Registers: []dsr.Text{contacts, lefi}, From: &from, To: &to},
			"Du har bett att bara få uppgifter ur registren Kontakter med Försäkringskassan och LEFI Online – utlämnade uppgifter för perioden 2025-01-01–2025-12-31. Utdraget innehåller bara dem; ett fullständigt utdrag kan du begära när du vill."},
		{"one register", "sv", dsr.Scope{Registers: []dsr.Text{contacts}},
			"Du har bett att bara få uppgifter ur registret Kontakter med Försäkringskassan. Utdraget innehåller bara dem; ett fullständigt utdrag kan du begära när du vill."},
		{"from a date", "sv", dsr.Scope{From: &from},
			"Du har bett att bara få uppgifter från och med 2025-01-01. Utdraget"},
		{"up to a date", "sv", dsr.Scope{To: &to},
			"Du har bett att bara få uppgifter till och med 2025-12-31. Utdraget"},
		{"English registers and period", "en", dsr.Scope{Registers: []dsr.Text{contacts, lefi}, From: &from, To: &to},
			"You asked only for data from the registers Contacts with Försäkringskassan and LEFI Online – disclosed data for the period 2025-01-01–2025-12-31. This extract contains only those; you can ask for a full extract at any time."},
		{"English from a date", "en", dsr.Scope{From: &from},
			"You asked only for data from 2025-01-01 onwards."},
		{"English up to a date", "en", dsr.Scope{To: &to},
			"You asked only for data up to and including 2025-12-31."},
	} {
		e := testExtract(tt.lang)
		e.Scope = tt.scope
		doc, _ := render(t, e)
		pages := pdftest.Pages(t, doc)
		// The scope belongs to the cover letter, on page 1.
		marker := map[string]string{"sv": "Du har bett att bara få uppgifter", "en": "You asked only for data"}[tt.lang]
		if !strings.Contains(strings.Join(strings.Fields(pages[0]), " "), marker) {
			t.Errorf("%s: page 1 does not mention the scope", tt.name)
		}
		mustContain(t, tt.name+" extract", flat(t, doc), tt.want)
	}
}

func TestExtractRefusesWithheldItCannotExplain(t *testing.T) {
	r := newRenderer(t)
	from, to := date("2025-12-31"), date("2025-01-01")
	for name, change := range map[string]func(*dsr.Extract){
		"an unknown provision":  func(e *dsr.Extract) { e.Sections[0].Withheld[0].Provision = "osl_99" },
		"a negative count":      func(e *dsr.Extract) { e.Sections[0].Withheld[0].N = -1 },
		"a period ending early": func(e *dsr.Extract) { e.Scope = dsr.Scope{From: &from, To: &to} },
	} {
		e := withheldExtract("sv")
		change(e)
		if _, _, err := r.ExtractBytes(e); err == nil {
			t.Errorf("%s: rendered without error", name)
		}
	}
}

// A cover letter that runs on past page 1 — English, with a scope and
// withheld data — leaves no page that holds only its greeting: the extract
// follows it. The identity number is still not on page 1.
func TestLongCoverLetterLeavesNoEmptyPage(t *testing.T) {
	from, to := date("2025-01-01"), date("2025-12-31")
	for _, lang := range []string{"sv", "en"} {
		e := withheldExtract(lang)
		e.Scope = dsr.Scope{
			Registers: []dsr.Text{e.Sections[0].Register.Name, e.Sections[1].Register.Name, text("Utbetalningar", "Payments")},
			From:      &from, To: &to,
		}
		doc, pages := render(t, e)
		texts := pdftest.Pages(t, doc)
		if len(texts) != pages {
			t.Fatalf("%s: %d page texts for %d pages", lang, len(texts), pages)
		}
		for i, pt := range texts[:len(texts)-1] {
			lines := 0
			for _, l := range strings.Split(pt, "\n") {
				if strings.TrimSpace(l) != "" {
					lines++
				}
			}
			if lines < 20 {
				t.Errorf("%s: page %d of %d holds only %d lines of text:\n%s", lang, i+1, pages, lines, pt)
			}
		}
		noIdentityNumberOnPage1(t, lang+" extract with a long cover letter", doc, testAddress)
		mustContain(t, lang+" extract with a long cover letter", flat(t, doc), testPNRShow)
	}
}
