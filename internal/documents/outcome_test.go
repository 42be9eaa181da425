package documents

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pdf"
	"dsrdesk/internal/pdf/pdftest"
)

// The officer's reasons of the test letters, written with å, ä and ö so that
// a font that lost them would show.
const (
	reasonsRefusedSV  = "Du har begärt samma registerutdrag elva gånger sedan januari, och inga uppgifter har ändrats däremellan."
	reasonsRefusedEN  = "You have asked for the same register extract eleven times since January, and no data have changed in between."
	reasonsIdentitySV = "Begäran kom per brev med en annan adress än folkbokföringsadressen, och vi fick inget svar på vår fråga om id-handling."
	reasonsPartlySV   = "Uppgifterna om din sambos inkomst är sekretessbelagda till skydd för honom."
)

// testOutcome is a letter with the given outcome to the person of the test
// extract, whose identity number is 19811218-9876.
func testOutcome(lang string, o dsr.CaseOutcome) *dsr.OutcomeDecision {
	e := testExtract(lang)
	out := &dsr.OutcomeDecision{
		CaseNumber: e.CaseNumber,
		Lang:       lang,
		Person:     e.Person,
		ReceivedOn: date("2026-03-02"),
		DecidedOn:  date("2026-03-20"),
		Kinds:      []dsr.Kind{dsr.KindAccess},
		Outcome:    o,
	}
	switch o {
	case dsr.CaseRefused:
		out.Reasons = reasonsRefusedSV
		if lang == "en" {
			out.Reasons = reasonsRefusedEN
		}
	case dsr.CaseIdentityNotEstablished:
		out.Reasons = reasonsIdentitySV
	case dsr.CasePartlyRefused:
		out.Reasons = reasonsPartlySV
		out.Withheld = []dsr.WithheldItem{
			{Register: text("Kontakter med Försäkringskassan", "Contacts with Försäkringskassan"), Kind: dsr.WithholdItem, N: 2, Provision: dsr.ProvisionOSL28_1},
			{Register: text("Inkomstuppgifter", "Income data"), Kind: dsr.WithholdRedact, Field: text("Sambons inkomst", "Partner's income"), N: 12, Provision: dsr.ProvisionOSL12_1},
		}
	}
	return out
}

func renderOutcome(t *testing.T, o *dsr.OutcomeDecision) ([]byte, int) {
	t.Helper()
	b, pages, err := newRenderer(t).OutcomeDecisionBytes(o)
	if err != nil {
		t.Fatal(err)
	}
	return b, pages
}

// noIdentityNumberOnPage1 fails when page 1 shows the test identity number
// in any of its forms, or anything in the print shop's clear zone; and when
// the window shows more than the address.
func noIdentityNumberOnPage1(t *testing.T, what string, doc []byte, address string) {
	t.Helper()
	for _, w := range pdftest.Words(t, doc, 1) {
		for _, form := range []string{testPNRShow, testPNR, testPNR[2:], "811218-9876", "9876"} {
			if strings.Contains(w.Text, form) {
				t.Errorf("%s: page 1 shows %q at (%.0f, %.0f) mm", what, w.Text, w.XMin/pdf.MM, w.YMin/pdf.MM)
			}
		}
		if overlaps(w, pdf.ClearLeft, pdf.ClearTop, pdf.ClearWidth, pdf.ClearHeight) {
			t.Errorf("%s: %q is in the print shop's clear zone", what, w.Text)
		}
	}
	if got := windowWords(t, doc); got != address {
		t.Errorf("%s: the window shows %q; want %q", what, got, address)
	}
}

const testAddress = "Åsa Öberg-Ängström c/o Göran Ek Storgatan 12 B 831 31 ÖSTERSUND"

func TestOutcomeRefusedSwedish(t *testing.T) {
	doc, pages := renderOutcome(t, testOutcome("sv", dsr.CaseRefused))
	all := flat(t, doc)
	mustContain(t, "refusal", all,
		"Beslut om din begäran enligt EU:s dataskyddsförordning, ärende FK-2026-004711",
		"Datum 2026-03-20",
		"Vi fick din begäran den 2026-03-02. Du har begärt att få ett registerutdrag (artikel 15).",
		"Försäkringskassan avslår din begäran.",
		"uppenbart ogrundad eller orimlig",
		"artikel 12.5 b i EU:s dataskyddsförordning",
		"Skäl för beslutet "+reasonsRefusedSV,
		"Integritetsskyddsmyndigheten (IMY), Box 8114, 104 20 Stockholm, imy.se",
		"Hur du överklagar",
		"förvaltningsrätten",
		"inom tre veckor från den dag då du fick del av beslutet",
		dsr.DPO.Email,
	)
	mustNotContain(t, "refusal", all, testPNRShow, "Beslutet gäller", "Bestämmelse")
	noIdentityNumberOnPage1(t, "refusal", doc, testAddress)
	if got := pdftest.Pages(t, doc); len(got) != pages {
		t.Errorf("pdftotext reads %d pages; OutcomeDecisionBytes reported %d", len(got), pages)
	}
}

func TestOutcomeRefusedEnglish(t *testing.T) {
	doc, _ := renderOutcome(t, testOutcome("en", dsr.CaseRefused))
	all := flat(t, doc)
	mustContain(t, "English refusal", all,
		"Decision on your request under the EU General Data Protection Regulation, case FK-2026-004711",
		"We received your request on 2026-03-02. You asked for a register extract (Article 15).",
		"Försäkringskassan refuses your request.",
		"manifestly unfounded or excessive",
		"Article 12(5)(b)",
		"Reasons for the decision "+reasonsRefusedEN,
		"(IMY), Integritetsskyddsmyndigheten, Box 8114",
		"How to appeal",
		"within three weeks of the day you received this decision",
	)
	mustNotContain(t, "English refusal", all, "Sida ", "Skäl för beslutet", "tre veckor")
	noIdentityNumberOnPage1(t, "English refusal", doc, testAddress)
}

func TestOutcomeIdentityNotEstablished(t *testing.T) {
	for _, tt := range []struct {
		lang string
		want []string
	}{
		{"sv", []string{
			"Försäkringskassan avslår din begäran, eftersom vi inte har kunnat fastställa vem som har gjort den.",
			"artikel 12.6 och artikel 11.2",
			"Skäl för beslutet " + reasonsIdentitySV,
			"Om du vill göra en ny begäran",
			"skriva under begäran med e-legitimation",
			"Integritetsskyddsmyndigheten",
			"tre veckor",
		}},
		{"en", []string{
			"because we have not been able to establish who made it",
			"Articles 12(6) and 11(2)",
			"Reasons for the decision " + reasonsIdentitySV, // the officer's words, as written
			"If you want to make a new request",
			"signing the request with an e-ID",
			"Integritetsskyddsmyndigheten",
			"three weeks",
		}},
	} {
		doc, _ := renderOutcome(t, testOutcome(tt.lang, dsr.CaseIdentityNotEstablished))
		mustContain(t, tt.lang+" identity not established", flat(t, doc), tt.want...)
		noIdentityNumberOnPage1(t, tt.lang+" identity not established", doc, testAddress)
	}
}

func TestOutcomePartlyRefused(t *testing.T) {
	doc, _ := renderOutcome(t, testOutcome("sv", dsr.CasePartlyRefused))
	all := flat(t, doc)
	mustContain(t, "partial refusal", all,
		"Registerutdraget skickas tillsammans med det här beslutet",
		"artikel 15.4 i EU:s dataskyddsförordning och 5 kap. 1 § lagen (2018:218)",
		"Uppgifter som inte lämnas ut",
		// Every row: register, what, how many, the provision cited in full.
		"Kontakter med Försäkringskassan Hela posten 2 28 kap. 1 § offentlighets- och sekretesslagen (2009:400)",
		"Inkomstuppgifter Sambons inkomst 12 12 kap. 1 § offentlighets- och sekretesslagen (2009:400)",
		"Skäl för beslutet",
		reasonsPartlySV,
		"Integritetsskyddsmyndigheten (IMY)",
		"Hur du överklagar",
		"inom tre veckor",
	)
	noIdentityNumberOnPage1(t, "partial refusal", doc, testAddress)

	doc, _ = renderOutcome(t, testOutcome("en", dsr.CasePartlyRefused))
	mustContain(t, "English partial refusal", flat(t, doc),
		"The register extract is sent together with this decision",
		"Article 15(4)",
		"Data withheld",
		"Contacts with Försäkringskassan The whole record 2 Chapter 28, section 1 of the Public Access to Information and Secrecy Act (2009:400)",
		"Income data Partner's income 12 Chapter 12, section 1",
		"How to appeal",
		"three weeks",
	)
}

// A partial refusal without the officer's reasons still explains itself by
// the provisions, and a redaction with no field named says so.
func TestOutcomePartlyRefusedWithoutReasons(t *testing.T) {
	o := testOutcome("sv", dsr.CasePartlyRefused)
	o.Reasons = ""
	o.Withheld[1].Field = dsr.Text{}
	doc, _ := renderOutcome(t, o)
	all := flat(t, doc)
	mustContain(t, "partial refusal", all, "Skäl för beslutet Bestämmelsen i förteckningen", "Inkomstuppgifter Del av posten 12")
	mustNotContain(t, "partial refusal", all, reasonsPartlySV)
}

// The letter that says the agency holds no data refuses nothing: it is no
// decision and has nothing to appeal, but tells of IMY.
func TestOutcomeNoDataIsNoDecision(t *testing.T) {
	for _, tt := range []struct {
		lang     string
		want     []string
		unwanted []string
	}{
		{"sv", []string{
			"Vi har inga personuppgifter om dig",
			"Vi fick din begäran den 2026-03-02.",
			"har inte hittat några uppgifter om dig",
			"därför finns det inget att lämna ut",
			"så söker vi igen",
			"Integritetsskyddsmyndigheten (IMY)",
			"Om du har frågor om beskedet",
		}, []string{"Beslut", "beslut", "överklag", "förvaltningsrätt", "tre veckor", "avslår"}},
		{"en", []string{
			"We hold no personal data about you",
			"found no data about you",
			"there is nothing to disclose",
			"(IMY), Integritetsskyddsmyndigheten, Box 8114",
			"questions about this reply",
		}, []string{"Decision", "decision", "appeal", "administrative court", "three weeks", "refuse"}},
	} {
		o := testOutcome(tt.lang, dsr.CaseNoData)
		o.Reasons = "Sökt i alla register den 2026-03-19." // an officer's note, not for the letter
		doc, _ := renderOutcome(t, o)
		all := flat(t, doc)
		mustContain(t, tt.lang+" no-data letter", all, tt.want...)
		mustNotContain(t, tt.lang+" no-data letter", all, append(tt.unwanted, o.Reasons)...)
		noIdentityNumberOnPage1(t, tt.lang+" no-data letter", doc, testAddress)
	}
}

// A letter to a representative says whom the request concerns.
func TestOutcomeToRepresentativeNamesPrincipal(t *testing.T) {
	o := testOutcome("sv", dsr.CaseRefused)
	o.Principal = "Märta Öberg"
	doc, _ := renderOutcome(t, o)
	mustContain(t, "refusal to a representative", flat(t, doc), "Beslutet gäller Märta Öberg")

	o = testOutcome("sv", dsr.CaseNoData)
	o.Principal = "Märta Öberg"
	doc, _ = renderOutcome(t, o)
	all := flat(t, doc)
	mustContain(t, "no-data letter to a representative", all,
		"Vi har inga personuppgifter om Märta Öberg", "Begäran gäller Märta Öberg", "inte hittat några uppgifter om Märta Öberg")
	mustNotContain(t, "no-data letter to a representative", all, "om dig.")

	o = testOutcome("en", dsr.CaseIdentityNotEstablished)
	o.Principal = "Märta Öberg"
	doc, _ = renderOutcome(t, o)
	mustContain(t, "English refusal to a representative", flat(t, doc), "The decision concerns Märta Öberg")
}

func TestOutcomeRefusesWhatItCannotExplain(t *testing.T) {
	r := newRenderer(t)
	for name, tt := range map[string]struct {
		outcome dsr.CaseOutcome
		change  func(*dsr.OutcomeDecision)
	}{
		"no name":                          {dsr.CaseRefused, func(o *dsr.OutcomeDecision) { o.Person.Name = " " }},
		"no decision date":                 {dsr.CaseRefused, func(o *dsr.OutcomeDecision) { o.DecidedOn = time.Time{} }},
		"no received date":                 {dsr.CaseNoData, func(o *dsr.OutcomeDecision) { o.ReceivedOn = time.Time{} }},
		"decided before received":          {dsr.CaseRefused, func(o *dsr.OutcomeDecision) { o.DecidedOn = date("2026-03-01") }},
		"refused without reasons":          {dsr.CaseRefused, func(o *dsr.OutcomeDecision) { o.Reasons = "  " }},
		"identity without reasons":         {dsr.CaseIdentityNotEstablished, func(o *dsr.OutcomeDecision) { o.Reasons = "" }},
		"partly refused, nothing withheld": {dsr.CasePartlyRefused, func(o *dsr.OutcomeDecision) { o.Withheld = nil }},
		"an unknown provision":             {dsr.CasePartlyRefused, func(o *dsr.OutcomeDecision) { o.Withheld[0].Provision = "osl_99" }},
		"a withheld count of 0":            {dsr.CasePartlyRefused, func(o *dsr.OutcomeDecision) { o.Withheld[1].N = 0 }},
		"a withheld item with no register": {dsr.CasePartlyRefused, func(o *dsr.OutcomeDecision) { o.Withheld[0].Register = dsr.Text{} }},
		"a disclosure listed as withheld":  {dsr.CasePartlyRefused, func(o *dsr.OutcomeDecision) { o.Withheld[0].Kind = dsr.WithholdDisclose }},
		"an unknown outcome":               {"maybe", nil},
		"answered":                         {dsr.CaseAnswered, nil},
		"withdrawn":                        {dsr.CaseWithdrawn, nil},
		"an id as the principal":           {dsr.CaseRefused, func(o *dsr.OutcomeDecision) { o.Principal = "811218-9876" }},
		"an id in the address":             {dsr.CaseRefused, func(o *dsr.OutcomeDecision) { o.Person.Street = "19811218-9876" }},
		"a case number like an id":         {dsr.CaseRefused, func(o *dsr.OutcomeDecision) { o.CaseNumber = "FK-811218-9876" }},
	} {
		o := testOutcome("sv", tt.outcome)
		if tt.change != nil {
			tt.change(o)
		}
		var buf bytes.Buffer
		if _, err := r.OutcomeDecision(&buf, o); err == nil {
			t.Errorf("%s: rendered without error", name)
		} else if strings.Contains(err.Error(), "9876") {
			t.Errorf("%s: the error repeats the identity number: %v", name, err)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: a refused letter wrote %d bytes", name, buf.Len())
		}
	}
	if _, _, err := r.OutcomeDecisionBytes(nil); err == nil {
		t.Error("nil letter: rendered without error")
	}
}
