package documents

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pdf"
	"dsrdesk/internal/pdf/pdftest"
)

var decisionSampleOut = flag.String("decision-sample", "", "write a sample decision with 20,000 items to this file")

// The grounds of the test decisions, as the exemption engine cites them.
var (
	groundArchive = dsr.Ground{Cite: "GDPR Art. 17(3)(b), (d)", Text: text(
		"Uppgifterna finns i allmänna handlingar som Försäkringskassan ska bevara enligt arkivlagen (1990:782) och Riksarkivets gallringsföreskrifter.",
		"The data are in official documents that Försäkringskassan must keep under the Archives Act (1990:782) and the National Archives' weeding rules.")}
	groundRectified = dsr.Ground{Cite: "GDPR Art. 16", Text: text(
		"Uppgiften var felaktig och rättas till det värde du har angett.",
		"The datum was inaccurate and is rectified to the value you gave.")}
	groundPopulation = dsr.Ground{Cite: "GDPR Art. 16; 18 § folkbokföringslagen", Text: text(
		"Adressen kommer från folkbokföringen. Skatteverket rättar den; vi har skickat din begäran dit.",
		"The address comes from the population register. Skatteverket corrects it; we have sent your request there.")}
	groundNotNeeded = dsr.Ground{Cite: "GDPR Art. 17(1)(a)", Text: text(
		"Uppgiften behövs inte längre för det ändamål den samlades in för.",
		"The datum is no longer necessary for the purpose it was collected for.")}
)

func decisionItem(register, regSV, regEN, field, fieldSV, fieldEN, value string, kind dsr.Kind, o dsr.Outcome, g dsr.Ground) dsr.DecisionItem {
	it := dsr.DecisionItem{
		Item: dsr.Item{
			Register: register, Record: "r1", Field: field, Value: value, Kind: kind,
			Proposed: o, ProposedGround: g, Outcome: o, Ground: g,
		},
		RegisterName: text(regSV, regEN),
	}
	if field != "" {
		it.FieldName = text(fieldSV, fieldEN)
	}
	return it
}

// testDecision answers a request to rectify and erase: one item kept, one
// referred to Skatteverket (both refusals), one rectified and one erased
// after an override, and two recipients, one of whom cannot be told.
func testDecision(lang string) *dsr.Decision {
	e := testExtract(lang)
	kept := decisionItem("kontakter", "Kontakter med Försäkringskassan", "Contacts with Försäkringskassan", "", "", "",
		"2026-01-12, Telefon, Fråga om föräldrapenning för Märta", dsr.KindErasure, dsr.OutcomeKeep, groundArchive)
	referred := decisionItem("folkbokforing", "Folkbokföringsuppgifter", "Population register data", "adress", "Adress", "Address",
		"Storgatan 12 B", dsr.KindRectify, dsr.OutcomeRefer, groundPopulation)
	referred.Requested = "Storgatan 14"
	rectified := decisionItem("kontakter", "Kontakter med Försäkringskassan", "Contacts with Försäkringskassan", "telefon", "Telefonnummer", "Telephone number",
		"070-123 45 67", dsr.KindRectify, dsr.OutcomeRectify, groundRectified)
	rectified.Requested = "070-765 43 21"
	erased := decisionItem("kontakter", "Kontakter med Försäkringskassan", "Contacts with Försäkringskassan", "", "", "",
		"2026-02-03, Mina sidor, Ändrad inkomstuppgift", dsr.KindErasure, dsr.OutcomeErase, groundNotNeeded)
	erased.Proposed, erased.ProposedGround = dsr.OutcomeKeep, groundArchive
	erased.OverriddenBy, erased.Reason = "dso-1", "Anteckningen gjordes av misstag i ditt ärende."
	return &dsr.Decision{
		CaseNumber: e.CaseNumber,
		Person:     e.Person,
		Lang:       lang,
		ReceivedOn: date("2026-03-02"),
		DecidedOn:  date("2026-03-20"),
		Kinds:      []dsr.Kind{dsr.KindRectify, dsr.KindErasure},
		Statement:  "Jag har aldrig bott på Storgatan 12 B.",
		Items:      []dsr.DecisionItem{kept, referred, rectified, erased},
		Notifications: []dsr.Notification{
			{Recipient: "Folksam ömsesidig sakförsäkring", OrgNumber: "502006-1585", Status: "queued"},
			{Recipient: "Länsförsäkringar Jämtland", OrgNumber: "593200-3397", Status: dsr.NotifyImpossible, Reason: dsr.Text{SV: "Bolaget har gått upp i ett annat bolag.", EN: "The company has merged into another."}},
		},
	}
}

// grantedDecision does everything that was asked.
func grantedDecision(lang string) *dsr.Decision {
	d := testDecision(lang)
	d.Items = d.Items[2:] // rectified and erased
	return d
}

// bigDecision refuses to erase 20,000 payments and erases a few of them.
func bigDecision() *dsr.Decision {
	d := testDecision("sv")
	rows := paymentsSection(20000).Rows
	for i, r := range rows {
		o, g := dsr.OutcomeKeep, groundArchive
		if i%1000 == 999 {
			o, g = dsr.OutcomeErase, groundNotNeeded
		}
		d.Items = append(d.Items, decisionItem("utbetalningar", "Utbetalningar", "Payments", "", "", "",
			r[0].Display("sv")+", "+r[1].Display("sv")+", "+r[2].Display("sv"), dsr.KindErasure, o, g))
	}
	return d
}

func renderDecision(t *testing.T, d *dsr.Decision) ([]byte, int) {
	t.Helper()
	b, pages, err := newRenderer(t).DecisionBytes(d)
	if err != nil {
		t.Fatal(err)
	}
	return b, pages
}

// flat is the text of a PDF in the order it was drawn, with every run of
// white space, line breaks included, as one space: a sentence wrapped over
// lines reads as one.
func flat(t *testing.T, doc []byte) string {
	return strings.Join(strings.Fields(pdftest.Text(t, doc, "-raw")), " ")
}

func mustContain(t *testing.T, what, all string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("the %s does not contain %q", what, w)
		}
	}
}

func mustNotContain(t *testing.T, what, all string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(all, w) {
			t.Errorf("the %s contains %q", what, w)
		}
	}
}

func TestDecisionSwedish(t *testing.T) {
	d := testDecision("sv")
	doc, pages := renderDecision(t, d)
	all := flat(t, doc)
	mustContain(t, "decision", all,
		"Beslut om din begäran enligt EU:s dataskyddsförordning, ärende FK-2026-004711",
		"Datum 2026-03-20",
		"Vi fick din begäran den 2026-03-02. Du har begärt att felaktiga uppgifter om dig rättas (artikel 16) och att uppgifter om dig raderas (artikel 17).",
		"Ditt yttrande: ”Jag har aldrig bott på Storgatan 12 B.”",
		"4 uppgifter i 2 register. Vi gör inte allt som du har begärt.",
		"Kontakter med Försäkringskassan 3 uppgifter: 1 raderas, 1 sparas, 1 rättas.",
		"Folkbokföringsuppgifter 1 uppgift: 1 hänvisas till Skatteverket.",
		// Every item: its register, field, value, outcome and ground.
		"Hela posten 2026-01-12, Telefon, Fråga om föräldrapenning för Märta Sparas (1) GDPR Art. 17(3)(b), (d)",
		"Telefonnummer 070-123 45 67 Rättas till 070-765 43 21 (2) GDPR Art. 16",
		"Hela posten 2026-02-03, Mina sidor, Ändrad inkomstuppgift Raderas (3) GDPR Art. 17(1)(a) Särskild motivering: Anteckningen gjordes av misstag i ditt ärende.",
		"Adress Storgatan 12 B Hänvisas till Skatteverket (4) GDPR Art. 16; 18 § folkbokföringslagen",
		"Prövade uppgifter (3)",
		// Every ground with its text, once.
		"(1) GDPR Art. 17(3)(b), (d) "+groundArchive.Text.SV,
		"(2) GDPR Art. 16 "+groundRectified.Text.SV,
		"(3) GDPR Art. 17(1)(a) "+groundNotNeeded.Text.SV,
		"(4) GDPR Art. 16; 18 § folkbokföringslagen "+groundPopulation.Text.SV,
		// Art. 19.
		"Folksam ömsesidig sakförsäkring 502006-1585 Underrättas om ändringen",
		"Länsförsäkringar Jämtland 593200-3397 Underrättas inte: Bolaget har gått upp i ett annat bolag.",
		// IMY, the appeal and the data-protection officer.
		"Integritetsskyddsmyndigheten (IMY), Box 8114, 104 20 Stockholm, imy.se",
		"Hur du överklagar",
		"förvaltningsrätten",
		"Skicka ditt överklagande till Försäkringskassan, 839 88 Östersund",
		"inom tre veckor från den dag då du fick del av beslutet",
		"lämnar sedan över det till förvaltningsrätten",
		"vilket beslut du överklagar, till exempel genom att ange ärendenummer FK-2026-004711, vilken ändring du vill ha",
		"skriv under överklagandet",
		dsr.DPO.Email,
		"Beslutet gäller "+testName+", "+testPNRShow,
		fmt.Sprintf("Sida %d av %d", pages, pages),
	)
	if n := strings.Count(all, groundArchive.Text.SV); n != 1 {
		t.Errorf("the text of a ground is printed %d times; want once", n)
	}
	if n := strings.Count(all, testPNRShow); n != 1 {
		t.Errorf("the identity number appears %d times; want once", n)
	}
	perPage := pdftest.Pages(t, doc)
	if len(perPage) != pages {
		t.Fatalf("pdftotext reads %d pages; DecisionBytes reported %d", len(perPage), pages)
	}
	for n, p := range perPage {
		if want := fmt.Sprintf("Sida %d av %d", n+1, pages); !strings.Contains(p, want) {
			t.Errorf("page %d has no %q", n+1, want)
		}
	}
}

func TestDecisionEnglish(t *testing.T) {
	doc, pages := renderDecision(t, testDecision("en"))
	all := flat(t, doc)
	mustContain(t, "English decision", all,
		"Decision on your request under the EU General Data Protection Regulation, case FK-2026-004711",
		"We received your request on 2026-03-02. You asked that inaccurate data about you be rectified (Article 16) and that data about you be erased (Article 17).",
		"Your statement: “Jag har aldrig bott på Storgatan 12 B.”",
		"Contacts with Försäkringskassan 3 items: 1 erased, 1 kept, 1 rectified.",
		"The whole record 2026-01-12, Telefon, Fråga om föräldrapenning för Märta Kept (1) GDPR Art. 17(3)(b), (d)",
		"Telephone number 070-123 45 67 Rectified to 070-765 43 21 (2) GDPR Art. 16",
		"Address Storgatan 12 B Referred to Skatteverket (4) GDPR Art. 16; 18 § folkbokföringslagen",
		"Specific reason: Anteckningen gjordes av misstag i ditt ärende.",
		"(1) GDPR Art. 17(3)(b), (d) "+groundArchive.Text.EN,
		"(2) GDPR Art. 16 "+groundRectified.Text.EN,
		"(3) GDPR Art. 17(1)(a) "+groundNotNeeded.Text.EN,
		"(4) GDPR Art. 16; 18 § folkbokföringslagen "+groundPopulation.Text.EN,
		"Folksam ömsesidig sakförsäkring 502006-1585 Told of the change",
		"Länsförsäkringar Jämtland 593200-3397 Not told: The company has merged into another.",
		"(IMY), Integritetsskyddsmyndigheten, Box 8114, 104 20 Stockholm, Sweden, imy.se",
		"How to appeal",
		"administrative court (förvaltningsrätten)",
		"within three weeks of the day you received this decision",
		"pass it on to the administrative court",
		"which decision you are appealing against",
		"what change you want",
		"sign the appeal",
		"The decision concerns "+testName+", "+testPNRShow,
		fmt.Sprintf("Page %d of %d", pages, pages),
	)
	mustNotContain(t, "English decision", all, "Sida ", "Beslut ")
}

// A decision that does everything asked has no appeal section, and still
// tells the person of the right to complain to IMY.
func TestDecisionGrantedHasNoAppeal(t *testing.T) {
	for _, lang := range []string{"sv", "en"} {
		d := grantedDecision(lang)
		if d.Refused() {
			t.Fatal("the granted decision refuses something")
		}
		doc, _ := renderDecision(t, d)
		all := flat(t, doc)
		mustContain(t, lang+" granted decision", all, "Integritetsskyddsmyndigheten", "IMY", "Box 8114, 104 20 Stockholm", dsr.DPO.Email)
		mustNotContain(t, lang+" granted decision", all,
			"överklag", "förvaltningsrätt", "tre veckor", "appeal", "administrative court", "three weeks")
		if lang == "sv" {
			mustContain(t, "granted decision", all, "Vi gör det som du har begärt.")
		}
	}
}

func TestDecisionWithoutRecipientsSaysSo(t *testing.T) {
	d := grantedDecision("sv")
	d.Notifications = nil
	d.Statement = ""
	d.Kinds = nil // the items say what was asked
	doc, _ := renderDecision(t, d)
	all := flat(t, doc)
	mustContain(t, "decision", all,
		"Uppgifterna har inte lämnats ut till någon som behöver underrättas om beslutet.",
		"Du har begärt att felaktiga uppgifter om dig rättas (artikel 16) och att uppgifter om dig raderas (artikel 17).")
	mustNotContain(t, "decision", all, "Ditt yttrande", "Underrättas om ändringen")
}

// The identity number is never on page 1, whose top shows through the
// envelope window; the window shows the address and nothing else.
func TestDecisionIdentityNumberNotInWindow(t *testing.T) {
	for _, lang := range []string{"sv", "en"} {
		doc, _ := renderDecision(t, testDecision(lang))
		for _, w := range pdftest.Words(t, doc, 1) {
			for _, form := range []string{testPNRShow, testPNR, testPNR[2:], "811218-9876", "9876"} {
				if strings.Contains(w.Text, form) {
					t.Errorf("%s: page 1 shows %q at (%.0f, %.0f) mm", lang, w.Text, w.XMin/pdf.MM, w.YMin/pdf.MM)
				}
			}
			if overlaps(w, pdf.ClearLeft, pdf.ClearTop, pdf.ClearWidth, pdf.ClearHeight) {
				t.Errorf("%s: %q is in the print shop's clear zone", lang, w.Text)
			}
		}
		if got, want := windowWords(t, doc), "Åsa Öberg-Ängström c/o Göran Ek Storgatan 12 B 831 31 ÖSTERSUND"; got != want {
			t.Errorf("%s: the window shows %q; want %q", lang, got, want)
		}
	}

	d := testDecision("sv")
	d.Person.Protection = dsr.ProtectionProtected
	doc, _ := renderDecision(t, d)
	if got := windowWords(t, doc); got != testName {
		t.Errorf("the window of a protected person's decision shows %q; want only the name", got)
	}
}

func TestDecisionRefusesWhatItCannotExplain(t *testing.T) {
	r := newRenderer(t)
	for name, change := range map[string]func(*dsr.Decision){
		"no name":               func(d *dsr.Decision) { d.Person.Name = " " },
		"no decision date":      func(d *dsr.Decision) { d.DecidedOn = time.Time{} },
		"no items":              func(d *dsr.Decision) { d.Items = nil },
		"an unknown outcome":    func(d *dsr.Decision) { d.Items[1].Outcome = "maybe" },
		"an item without cite":  func(d *dsr.Decision) { d.Items[2].Ground.Cite = " " },
		"a case number like id": func(d *dsr.Decision) { d.CaseNumber = "FK-811218-9876" },
		"an id in the address":  func(d *dsr.Decision) { d.Person.CareOf = "811218-9876" },
	} {
		d := testDecision("sv")
		change(d)
		var buf bytes.Buffer
		if _, err := r.Decision(&buf, d); err == nil {
			t.Errorf("%s: rendered without error", name)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: a refused decision wrote %d bytes", name, buf.Len())
		}
	}
	if _, _, err := r.DecisionBytes(nil); err == nil {
		t.Error("nil decision: rendered without error")
	}
}

// A decision on 20,000 items breaks its table over hundreds of pages, each
// with the header row and the register's name; the letter stays in front.
func TestDecision20000ItemsPaginates(t *testing.T) {
	d := bigDecision()
	doc, pages := renderDecision(t, d)
	if pages < 300 {
		t.Fatalf("20,004 items fit on %d pages; want hundreds", pages)
	}
	perPage := pdftest.Pages(t, doc)
	if len(perPage) != pages {
		t.Fatalf("pdftotext reads %d pages; DecisionBytes reported %d", len(perPage), pages)
	}
	mustContain(t, "first page", perPage[0], "Utbetalningar", "20 000 uppgifter: 20 raderas, 19 980 sparas.")
	first := -1 // the first page of the payments table
	for i, p := range perPage {
		if strings.Contains(p, "Prövade uppgifter (20 000)") {
			first = i
			break
		}
	}
	if first < 0 {
		t.Fatal("no page starts the table of payments")
	}
	row := regexp.MustCompile(`(?m)^\s*Hela posten\s+\d{4}-\d{2}-\d{2}, .* kr\s+(Sparas|Raderas)\s`)
	rows := len(row.FindAllString(perPage[first], -1))
	for n := first + 1; n < pages; n++ {
		p := perPage[n]
		if !strings.Contains(p, "Utbetalningar (forts.)") {
			t.Errorf("page %d does not say which table continues", n+1)
		}
		if !regexp.MustCompile(`Uppgift\s+Värde\s+Beslut\s+Skäl`).MatchString(p) {
			t.Errorf("page %d has no header row", n+1)
		}
		rows += len(row.FindAllString(p, -1))
	}
	if rows != 20000 {
		t.Errorf("found %d payment rows; want 20000", rows)
	}
	last := d.Items[len(d.Items)-1]
	mustContain(t, "last page", perPage[pages-1], last.Value, "Raderas", "(3) GDPR Art. 17(1)(a)")
}

// TestWriteDecisionSample writes the big decision for looking at; run with
// go test -run WriteDecisionSample ./internal/documents/ -args -decision-sample /tmp/decision.pdf
func TestWriteDecisionSample(t *testing.T) {
	if *decisionSampleOut == "" {
		t.Skip("no -decision-sample file given")
	}
	f, err := os.Create(*decisionSampleOut)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pages, err := newRenderer(t).Decision(f, bigDecision())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d pages written to %s", pages, *decisionSampleOut)
}

func BenchmarkDecision20000Items(b *testing.B) {
	r := newRenderer(b)
	d := bigDecision()
	var pages, size int
	for b.Loop() {
		doc, n, err := r.DecisionBytes(d)
		if err != nil {
			b.Fatal(err)
		}
		pages, size = n, len(doc)
	}
	b.ReportMetric(float64(pages), "pages/op")
	b.ReportMetric(float64(size)/float64(pages), "bytes/page")
}
