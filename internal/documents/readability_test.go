package documents

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	ledong "github.com/ledongthuc/pdf"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pdf"
	"dsrdesk/internal/pdf/pdftest"
)

// bookmarks returns the titles of a PDF's outline, top level first, each
// entry's children after it.
func bookmarks(t *testing.T, doc []byte) []string {
	t.Helper()
	rd, err := ledong.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(o ledong.Outline)
	walk = func(o ledong.Outline) {
		for _, c := range o.Child {
			out = append(out, c.Title)
			walk(c)
		}
	}
	walk(rd.Outline())
	return out
}

// The extract and the decision have a bookmark per register, after one for
// the letter and one for the pages that follow it.
func TestBookmarksPerRegister(t *testing.T) {
	for _, tc := range []struct {
		name   string
		render func(r *Renderer) ([]byte, int, error)
		want   string
	}{
		{"Swedish extract", func(r *Renderer) ([]byte, int, error) { return r.ExtractBytes(testExtract("sv")) },
			"Följebrev | Registerutdrag | 1. Kontakter med Försäkringskassan | 2. LEFI Online – utlämnade uppgifter"},
		{"English extract", func(r *Renderer) ([]byte, int, error) { return r.ExtractBytes(testExtract("en")) },
			"Cover letter | Register extract | 1. Contacts with Försäkringskassan | 2. LEFI Online – disclosed data"},
		{"decision", func(r *Renderer) ([]byte, int, error) { return r.DecisionBytes(testDecision("sv")) },
			"Beslut | Beslut för varje uppgift | 1. Kontakter med Försäkringskassan | 2. Folkbokföringsuppgifter"},
	} {
		doc := mustRender(t, tc.name, func() ([]byte, int, error) { return tc.render(newRenderer(t)) })
		if got := strings.Join(bookmarks(t, doc), " | "); got != tc.want {
			t.Errorf("%s: bookmarks %q, want %q", tc.name, got, tc.want)
		}
	}
}

// normal is text as a person reads it: no-break spaces as spaces and every
// run of white space, line breaks too, as one space.
func normal(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u00a0", " ")), " ")
}

// Before a long table the extract says how many rows there are and which
// period they cover and, for payments, what was paid each year; a short
// table needs no summary.
func TestLongTableHasSummary(t *testing.T) {
	payments := paymentsSection(400) // 2004-01-25 to 2005-02-27
	payments.Rows[7][2] = dsr.RedactedValue(dsr.ProvisionOSL28_1)
	var n2004, n2005 int
	var sum2004, sum2005 int64
	for _, r := range payments.Rows {
		if r[2].Kind != dsr.ValueAmount {
			continue // a withheld amount is not added
		}
		if r[0].Date.Year() == 2004 {
			n2004, sum2004 = n2004+1, sum2004+r[2].Int
		} else {
			n2005, sum2005 = n2005+1, sum2005+r[2].Int
		}
	}
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"sv", []string{
			"Registrerade uppgifter (400) Registret har 400 uppgifter om dig, från 2004-01-25 till 2005-02-27. Först visas summan för varje år, sedan alla uppgifter.",
			"Summa per år År Antal Belopp",
			"2004 " + strconv.Itoa(n2004) + " " + dsr.AmountValue(sum2004).Display("sv"),
			"2005 " + strconv.Itoa(n2005) + " " + dsr.AmountValue(sum2005).Display("sv"),
			"Alla 400 uppgifter Utbetalningsdag Förmån Belopp Konto",
			// The contacts register is long too, but has no amounts.
			"Registrerade uppgifter (12) Registret har 12 uppgifter om dig, från 2026-01-12 till 2026-03-03. Datum Kontaktväg Ärende",
		}},
		{"en", []string{
			"Recorded data (400) The register holds 400 items about you, from 2004-01-25 to 2005-02-27. The totals for each year come first, then every item.",
			"Totals per year Year Items Amount",
			"2004 " + strconv.Itoa(n2004) + " " + dsr.AmountValue(sum2004).Display("en"),
			"All 400 items Payment date Benefit Amount Account",
		}},
	} {
		e := testExtract(tc.lang)
		for i := range 9 {
			e.Sections[0].Rows = append(e.Sections[0].Rows, []dsr.Value{day("2026-03-0" + strconv.Itoa(1+i%3)), txt("Telefon"), txt("Fråga " + strconv.Itoa(i))})
		}
		e.Sections = append(e.Sections, payments)
		doc, _ := render(t, e)
		all := normal(pdftest.Text(t, doc, "-layout"))
		mustContain(t, tc.lang+" extract", all, tc.want...)
		// LEFI's two rows need no summary.
		for _, short := range []string{"Registret har 2 uppgifter", "The register holds 2 items"} {
			if strings.Contains(all, short) {
				t.Errorf("%s: a table of two rows has a summary", tc.lang)
			}
		}
	}
}

// summarize finds the period across every date column and totals only a
// register whose rows are each one amount on one date.
func TestSummarize(t *testing.T) {
	amount := func(kr int64) dsr.Value { return dsr.AmountValue(kr * 100) }
	payments := summarize([][]dsr.Value{
		{day("2024-12-31"), amount(100), txt("a")},
		{day("2025-01-02"), amount(50), txt("b")},
		{day("2024-06-01"), amount(25), txt("c")},
		{day("2025-03-01"), dsr.RedactedValue(dsr.ProvisionDSL5), txt("d")},
		{{}, amount(1000), txt("no date")},
	})
	if got := fmt.Sprint(payments.years); got != "[{2024 2 12500} {2025 1 5000}]" {
		t.Errorf("totals per year %s", got)
	}
	if dsr.FormatDate(payments.first) != "2024-06-01" || dsr.FormatDate(payments.last) != "2025-03-01" || payments.amountCol != 1 {
		t.Errorf("period %v–%v, amount column %d", payments.first, payments.last, payments.amountCol)
	}
	decisions := summarize([][]dsr.Value{
		{day("2023-11-20"), day("2023-11-06"), day("2023-11-26"), amount(1010)},
		{day("2021-10-20"), {}, {}, {}},
	})
	if decisions.years != nil || dsr.FormatDate(decisions.first) != "2021-10-20" || dsr.FormatDate(decisions.last) != "2023-11-26" {
		t.Errorf("decisions with three date columns: %+v", decisions)
	}
	if none := summarize([][]dsr.Value{{txt("a")}}); !none.first.IsZero() || none.years != nil {
		t.Errorf("rows without dates: %+v", none)
	}
}

// Every register says whether its data leave the EU/EEA (Art. 15(2)), and
// the extract gives every way to reach the data-protection officer.
func TestExtractThirdCountriesAndDPO(t *testing.T) {
	for _, tc := range []struct{ lang, label, address string }{
		{"sv", "Överföring utanför EU/EES", "med brev till Försäkringskassan, Dataskyddsombudet, 103 51 Stockholm"},
		{"en", "Transfers outside the EU/EEA", "by post at Försäkringskassan, Dataskyddsombudet, 103 51 Stockholm, Sweden"},
	} {
		e := testExtract(tc.lang)
		e.Sections[1].Register.ThirdCountries = text("Uppgifterna lämnas till Norges trygdeetat enligt förordning (EG) nr 883/2004.",
			"The data are given to the Norwegian social insurance under Regulation (EC) No 883/2004.")
		doc, _ := render(t, e)
		all := normal(pdftest.Text(t, doc, "-layout"))
		if n := strings.Count(all, tc.label); n != len(e.Sections) {
			t.Errorf("%s: %d registers say whether data leave the EU/EEA, want %d", tc.lang, n, len(e.Sections))
		}
		mustContain(t, tc.lang+" extract", all,
			normal(e.Sections[0].Register.ThirdCountries.In(tc.lang)), normal(e.Sections[1].Register.ThirdCountries.In(tc.lang)),
			dsr.DPO.Email, normal(dsr.DPO.Phone.In(tc.lang)), tc.address)
	}
}

// An English extract says codes, amounts and counts in English; the
// Swedish one says them as the registers store them.
func TestEnglishExtractSaysCodesAndAmountsInEnglish(t *testing.T) {
	e := testExtract("en")
	e.Sections = append(e.Sections, paymentsSection(5))
	e.Sections[0].Columns = append(e.Sections[0].Columns, text("Dagar", "Days"))
	e.Sections[0].Rows[0] = append(e.Sections[0].Rows[0], dsr.NumberValue(20480))
	doc, _ := render(t, e)
	all := normal(pdftest.Text(t, doc, "-layout"))
	mustContain(t, "English extract", all, "Sickness benefit", "Parental benefit", "Temporary parental benefit", "Child allowance",
		"Housing allowance", "SEK 123.45", "SEK 281.83", "20,480",
		// The named recipients say the benefit in English too.
		"Länsförsäkringar Jämtland 593200-3397 Sickness benefit 2025-11-04")
	for _, code := range testCodes {
		if strings.Contains(all, code.SV) {
			t.Errorf("the English extract says %q", code.SV)
		}
	}
	if regexp.MustCompile(`\d kr\b`).MatchString(all) {
		t.Error("the English extract writes an amount in Swedish")
	}

	e.Lang = "sv"
	doc, _ = render(t, e)
	mustContain(t, "Swedish extract", normal(pdftest.Text(t, doc, "-layout")), "Sjukpenning", "123,45 kr", "20 480")
}

// headingsOf is every heading an extract of sections may print: the
// numbered registers and the subheadings within them.
func headingsOf(sections []dsr.Section) map[string]bool {
	h := map[string]bool{"Registrerade uppgifter": true, "Register i utdraget": true, "Summa per år": true,
		"Mottagare som har fått uppgifter om dig": true, "Dina kompletterande yttranden": true}
	for i, s := range sections {
		h[strconv.Itoa(i+1)+". "+s.Register.Name.SV] = true
	}
	return h
}

// endsWithHeading returns the heading a page's text ends with, if it does,
// leaving out the running header (when header) and the footer.
func endsWithHeading(page string, header bool, headings map[string]bool) (string, bool) {
	var body []string
	for _, l := range strings.Split(page, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			body = append(body, l)
		}
	}
	if header {
		body = body[1:]
	}
	if len(body) < 2 {
		return "", false
	}
	last := regexp.MustCompile(` \([\d ]+\)$`).ReplaceAllString(body[len(body)-2], "")
	return last, headings[last]
}

// sweepSections are registers whose headings must each stay with their
// first line: one without data, one whose data are all withheld, one with
// named recipients and one with a supplementary statement.
func sweepSections() []dsr.Section {
	statements := paymentsSection(2)
	statements.RecordIDs = []string{"1", "2"}
	statements.Statements = []dsr.Statement{{RecordID: "1", Text: "Beloppet är fel.", On: "2026-02-01"}}
	return []dsr.Section{
		{Register: register("paminnelser", "Påminnelser", "Reminders"), Columns: []dsr.Text{text("E-post", "E-mail")}},
		{Register: register("handlingar", "Handlingar i dina ärenden", "Documents in your cases"), Columns: []dsr.Text{text("Inkom", "Received")},
			Withheld: []dsr.WithheldCount{{Provision: dsr.ProvisionOSL28_1, N: 3}}},
		testExtract("sv").Sections[1],
		statements,
	}
}

// No heading of a register is left alone at the foot of a page: each kind
// of register is laid out starting at every point, a point apart, from
// where it just fits on the page to where its heading starts the next, so
// that every heading in it passes the foot of the page.
func TestNoHeadingAloneAtFootOfPage(t *testing.T) {
	e := testExtract("sv")
	e.Sections = sweepSections()
	headings := headingsOf(e.Sections)
	for i := range e.Sections {
		s := &e.Sections[i]
		l, err := newRenderer(t).newLetter("sv", e.CaseNumber, "Test", e.GeneratedOn)
		if err != nil {
			t.Fatal(err)
		}
		x := &extractLayout{letter: l, e: e}
		// The register's height, laid out on a page of its own.
		l.d.NewPage()
		top := l.d.Y()
		x.section(i+1, s)
		height := l.d.Y() - top
		if l.d.Page() != 1 {
			t.Fatalf("register %d does not fit on one page", i+1)
		}
		for y := pdf.PageBottom - height; y < pdf.PageBottom; y++ {
			l.d.NewPage()
			l.d.SetY(y)
			x.section(i+1, s)
		}
		doc, _, err := l.d.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		for n, p := range pdftest.Pages(t, doc) {
			if h, ok := endsWithHeading(p, false, headings); ok {
				t.Errorf("register %d: page %d ends with the heading %q", i+1, n+1, h)
			}
		}
	}
}

// The same holds in a whole extract: the rows of the first register push
// everything after it down through a page.
func TestLongExtractHasNoHeadingAloneAtFootOfPage(t *testing.T) {
	r := newRenderer(t)
	for rows := 0; rows <= 54; rows += 3 {
		e := testExtract("sv")
		contacts := &e.Sections[0]
		contacts.Rows = nil
		for i := range rows {
			contacts.Rows = append(contacts.Rows, []dsr.Value{day("2026-01-12"), txt("Telefon"), txt("Samtal " + strconv.Itoa(i))})
		}
		e.Sections = append(e.Sections, sweepSections()...)
		doc, _, err := r.ExtractBytes(e)
		if err != nil {
			t.Fatal(err)
		}
		headings := headingsOf(e.Sections)
		pages := pdftest.Pages(t, doc)
		for n, p := range pages[1:] {
			if h, ok := endsWithHeading(p, true, headings); ok {
				t.Errorf("%d rows: page %d of %d ends with the heading %q", rows, n+2, len(pages), h)
			}
		}
	}
}
