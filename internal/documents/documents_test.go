package documents

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"dsrdesk/internal/pdf/pdftest"

	ledong "github.com/ledongthuc/pdf"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pdf"
)

var sampleOut = flag.String("sample", "", "write a sample extract with 20,000 payment rows to this file")

const (
	testPNR     = "198112189876"
	testPNRShow = "19811218-9876"
	testName    = "Åsa Öberg-Ängström"
)

func date(s string) time.Time {
	t, err := time.Parse(dsr.DateLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}

func text(sv, en string) dsr.Text { return dsr.Text{SV: sv, EN: en} }

// day and txt are the typed values of register rows.
func day(s string) dsr.Value { return dsr.DateValue(date(s)) }
func txt(s string) dsr.Value { return dsr.TextValue(s) }

func register(id, sv, en string) dsr.Register {
	return dsr.Register{
		ID:                 id,
		Name:               text(sv, en),
		Purposes:           text("Att handlägga dina ärenden och betala ut förmåner.", "To handle your cases and pay benefits."),
		Categories:         text("Datum, kontaktväg och ärende.", "Date, channel and matter."),
		Recipients:         text("Uppgifterna lämnas ut endast när lag kräver det.", "The data are disclosed only where the law requires it."),
		Retention:          text("Tio år efter att ärendet avslutades.", "Ten years after the case was closed."),
		LegalBasis:         text("Myndighetsutövning, 110 kap. socialförsäkringsbalken.", "Official authority, Chapter 110 of the Social Insurance Code."),
		Source:             text("Du själv och din arbetsgivare.", "You and your employer."),
		AutomatedDecisions: text("Inget automatiserat beslutsfattande.", "No automated decision-making."),
		ThirdCountries:     text("Uppgifterna överförs inte till något land utanför EU/EES.", "The data are not transferred to any country outside the EU/EEA."),
	}
}

// testCodes is a code list of the benefits the test registers hold.
var testCodes = map[string]dsr.Text{
	"Sjukpenning":                {SV: "Sjukpenning", EN: "Sickness benefit"},
	"Föräldrapenning":            {SV: "Föräldrapenning", EN: "Parental benefit"},
	"Tillfällig föräldrapenning": {SV: "Tillfällig föräldrapenning", EN: "Temporary parental benefit"},
	"Barnbidrag":                 {SV: "Barnbidrag", EN: "Child allowance"},
	"Bostadsbidrag":              {SV: "Bostadsbidrag", EN: "Housing allowance"},
}

// testExtract is a person with a c/o address and two registers: one with
// three rows of Swedish text, and a disclosure log with two named recipients.
func testExtract(lang string) *dsr.Extract {
	return &dsr.Extract{
		CaseNumber: "FK-2026-004711",
		Person: dsr.Person{
			PNR:      testPNR,
			Name:     testName,
			CareOf:   "Göran Ek",
			Street:   "Storgatan 12 B",
			Postcode: "83131",
			Town:     "ÖSTERSUND",
			Country:  "SE",
		},
		Lang:        lang,
		GeneratedOn: date("2026-03-16"),
		ReceivedOn:  date("2026-03-02"),
		Sections: []dsr.Section{
			{
				Register: register("kontakter", "Kontakter med Försäkringskassan", "Contacts with Försäkringskassan"),
				Columns:  []dsr.Text{text("Datum", "Date"), text("Kontaktväg", "Channel"), text("Ärende", "Matter")},
				Rows: [][]dsr.Value{
					{day("2026-01-12"), txt("Telefon"), txt("Fråga om föräldrapenning för Märta")},
					{day("2026-02-03"), txt("Mina sidor"), txt("Ändrad inkomstuppgift för år 2025")},
					{day("2026-02-27"), txt("Servicekontor Östersund"), txt("Överklagande av beslut om sjukpenning")},
				},
			},
			{
				Register: register("lefi", "LEFI Online – utlämnade uppgifter", "LEFI Online – disclosed data"),
				Columns:  []dsr.Text{text("Datum", "Date"), text("Mottagare", "Recipient"), text("Förmån", "Benefit")},
				Rows: [][]dsr.Value{
					{day("2025-11-04"), txt("Länsförsäkringar Jämtland"), dsr.CodeValue("Sjukpenning")},
					{day("2026-01-20"), txt("Folksam ömsesidig sakförsäkring"), dsr.CodeValue("Föräldrapenning")},
				},
				Recipients: []dsr.Recipient{
					{Organisation: "Länsförsäkringar Jämtland", OrgNumber: "593200-3397", Benefit: "Sjukpenning", Date: "2025-11-04", LegalBasis: "110 kap. 31 § SFB"},
					{Organisation: "Folksam ömsesidig sakförsäkring", OrgNumber: "502006-1585", Benefit: "Föräldrapenning", Date: "2026-01-20", LegalBasis: "110 kap. 31 § SFB"},
				},
				Codes: testCodes,
			},
		},
	}
}

// paymentsSection is a payments register with n rows.
func paymentsSection(n int) dsr.Section {
	benefits := []string{"Sjukpenning", "Föräldrapenning", "Tillfällig föräldrapenning", "Barnbidrag", "Bostadsbidrag"}
	rows := make([][]dsr.Value, n)
	first := date("2004-01-25")
	for i := range rows {
		ore := 12345 + i*7919%2000000
		rows[i] = []dsr.Value{
			dsr.DateValue(first.AddDate(0, 0, i)),
			dsr.CodeValue(benefits[i%len(benefits)]),
			dsr.AmountValue(int64(ore)),
			txt("Swedbank 8327-9, 914 123 456-7"),
		}
	}
	return dsr.Section{
		Register: register("utbetalningar", "Utbetalningar", "Payments"),
		Columns:  []dsr.Text{text("Utbetalningsdag", "Payment date"), text("Förmån", "Benefit"), text("Belopp", "Amount"), text("Konto", "Account")},
		Rows:     rows,
		Codes:    testCodes,
	}
}

// bigExtract is the demo person with the largest extract: 20,000 payments
// and a few hundred other rows.
func bigExtract() *dsr.Extract {
	e := testExtract("sv")
	contacts := make([][]dsr.Value, 300)
	for i := range contacts {
		contacts[i] = []dsr.Value{dsr.DateValue(date("2020-01-01").AddDate(0, 0, 3*i)), txt("Telefon"),
			txt("Samtal om handläggningen av ärende " + strconv.Itoa(1000+i) + " och om när beslutet kan väntas")}
	}
	e.Sections[0].Rows = contacts
	e.Sections = append(e.Sections, paymentsSection(20000))
	return e
}

func newRenderer(tb testing.TB) *Renderer {
	tb.Helper()
	r, err := NewRenderer()
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func render(t *testing.T, e *dsr.Extract) ([]byte, int) {
	t.Helper()
	b, pages, err := newRenderer(t).ExtractBytes(e)
	if err != nil {
		t.Fatal(err)
	}
	return b, pages
}

func TestExtractSwedish(t *testing.T) {
	doc, pages := render(t, testExtract("sv"))
	all := pdftest.Text(t, doc, "-layout")
	for _, want := range []string{
		"Försäkringskassan",
		testName,
		"c/o Göran Ek",
		"Registerutdrag enligt EU:s dataskyddsförordning (artikel 15)",
		"Ärendenummer",
		"FK-2026-004711",
		"2026-03-16",
		"Vi fick din begäran om registerutdrag den 2026-03-02.",
		"Integritetsskyddsmyndigheten (IMY), Box 8114, 104 20 Stockholm",
		"Kontakter med Försäkringskassan",
		"LEFI Online – utlämnade uppgifter",
		"Mottagare som har fått uppgifter om dig",
		"Länsförsäkringar Jämtland",
		"Folksam ömsesidig sakförsäkring",
		"593200-3397",
		"Överklagande av beslut om sjukpenning",
		"Ändamål", "Kategorier av uppgifter", "Lagringstid", "Rättslig grund", "Källa", "Automatiserat beslutsfattande",
		"Uppgifterna gäller",
		fmt.Sprintf("Sida 1 av %d", pages),
		fmt.Sprintf("Sida %d av %d", pages, pages),
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the extract does not contain %q", want)
		}
	}
	if !regexp.MustCompile(`831 31\s+ÖSTERSUND`).MatchString(all) {
		t.Error("the extract does not contain the postcode and town")
	}
	if n := strings.Count(all, "Sida "); n != pages {
		t.Errorf("%d page footers in %d pages", n, pages)
	}

	perPage := pdftest.Pages(t, doc)
	if len(perPage) != pages {
		t.Fatalf("pdftotext reads %d pages; Extract reported %d", len(perPage), pages)
	}
	for n, p := range perPage {
		if want := fmt.Sprintf("Sida %d av %d", n+1, pages); !strings.Contains(p, want) {
			t.Errorf("page %d has no %q", n+1, want)
		}
	}

	// The identity number never shows on the letter, which shows through
	// the envelope window, and appears once in the extract, on page 2.
	page1 := pdftest.Text(t, doc, "-layout", "-f", "1", "-l", "1")
	for _, form := range []string{testPNRShow, testPNR, testPNR[2:], "811218-9876"} {
		if strings.Contains(page1, form) {
			t.Errorf("page 1 shows the identity number as %q", form)
		}
	}
	if n := strings.Count(all, testPNRShow); n != 1 {
		t.Errorf("the identity number appears %d times; want once", n)
	}
	if !strings.Contains(perPage[1], testName+", "+testPNRShow) {
		t.Errorf("page 2 does not say whom the data concern:\n%s", perPage[1])
	}

	// A second reader agrees on the page count.
	rd, err := ledong.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		t.Fatal(err)
	}
	if rd.NumPage() != pages {
		t.Errorf("ledongthuc/pdf reads %d pages; Extract reported %d", rd.NumPage(), pages)
	}
	plain, err := rd.Page(1).GetPlainText(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plain, testName) {
		t.Errorf("ledongthuc/pdf does not find the name on page 1: %q", plain)
	}
}

func TestExtractEnglish(t *testing.T) {
	doc, pages := render(t, testExtract("en"))
	all := pdftest.Text(t, doc, "-layout")
	for _, want := range []string{
		"Page 1 of " + strconv.Itoa(pages),
		fmt.Sprintf("Page %d of %d", pages, pages),
		"Register extract under the EU General Data Protection Regulation",
		"We received your request for a register extract on 2026-03-02.",
		"Case number",
		"The data concern",
		"Contacts with Försäkringskassan",
		"Recipients who have received data about you",
		"Länsförsäkringar Jämtland",
		"Purposes", "Categories of data", "Storage period", "Legal basis", "Source", "Automated decision-making",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the English extract does not contain %q", want)
		}
	}
	if strings.Contains(all, "Sida ") {
		t.Error("the English extract has Swedish page numbers")
	}
}

func TestEmptyRegisterSaysSo(t *testing.T) {
	e := testExtract("sv")
	e.Sections[0].Rows = nil
	doc, _ := render(t, e)
	if all := pdftest.Text(t, doc, "-layout"); !strings.Contains(all, "Inga uppgifter registrerade.") {
		t.Error("a register without rows does not say that no data are recorded")
	}
	e.Lang = "en"
	doc, _ = render(t, e)
	if all := pdftest.Text(t, doc, "-layout"); !strings.Contains(all, "No data recorded.") {
		t.Error("a register without rows does not say that no data are recorded (English)")
	}
}

func TestTablePaginates(t *testing.T) {
	e := testExtract("sv")
	e.Sections = []dsr.Section{paymentsSection(2000)}
	doc, pages := render(t, e)
	if pages <= 10 {
		t.Fatalf("2,000 rows fit on %d pages; want more than 10", pages)
	}
	perPage := pdftest.Pages(t, doc)
	rowLine := regexp.MustCompile(`(?m)^\s*\d{4}-\d{2}-\d{2}\s+\S`)
	rows := 0
	for n, p := range perPage[1:] { // page 1 is the letter
		got := len(rowLine.FindAllString(p, -1))
		if got == 0 {
			t.Errorf("page %d has no data rows", n+2)
			continue
		}
		rows += got
		for _, h := range []string{"Utbetalningsdag", "Förmån", "Belopp", "Konto"} {
			if !strings.Contains(p, h) {
				t.Errorf("page %d has rows but no header %q", n+2, h)
			}
		}
	}
	if rows != 2000 {
		t.Errorf("found %d data rows; want 2000", rows)
	}
	last := e.Sections[0].Rows[1999]
	if !strings.Contains(perPage[pages-1], last[0].Display("sv")) || !strings.Contains(perPage[pages-1], last[2].Display("sv")) {
		t.Errorf("the last page does not end with the last row %v", last)
	}
}

func TestLongCellsWrap(t *testing.T) {
	e := testExtract("sv")
	var long strings.Builder
	for i := range 1200 { // far more than a page, in a cell of its own
		fmt.Fprintf(&long, "ord%d ", i)
	}
	e.Sections[0].Rows = append(e.Sections[0].Rows,
		[]dsr.Value{day("2026-03-01"), txt("E-post"), txt("Rad ett\tmed tabb\r\nrad två")},
		[]dsr.Value{day("2026-03-02"), txt("Brev"), txt(long.String())},
		[]dsr.Value{day("2026-03-03"), txt("Telefon"), txt("Sista raden")},
	)
	doc, _ := render(t, e)
	all := pdftest.Text(t, doc, "-raw")
	for _, want := range []string{"ord0", "ord600", "ord1199", "Rad ett med tabb", "rad två", "Sista raden"} {
		if !strings.Contains(all, want) {
			t.Errorf("wrapped cell text %q is missing", want)
		}
	}
	// Wrapped text stays inside the text area: nothing starts left of the
	// margin, runs off the right edge or into the running header or the
	// footer.
	for _, w := range pdftest.Words(t, doc, 0) {
		if w.XMin < pdf.MarginLeft-1 || w.XMax > pdf.TextRight+1 {
			t.Errorf("page %d: %q at x %.0f–%.0f pt is outside the margins", w.Page, w.Text, w.XMin, w.XMax)
		}
		header := w.Page > 1 && w.YMax < pdf.HeaderRule
		footer := w.YMin > pdf.FooterRule
		if !header && !footer && (w.Page > 1 && w.YMin < pdf.ContentTop-1 || w.YMax > pdf.PageBottom+1) {
			t.Errorf("page %d: %q at y %.0f–%.0f pt is outside the text area", w.Page, w.Text, w.YMin, w.YMax)
		}
	}
}

func TestTooManyColumnsFails(t *testing.T) {
	e := testExtract("sv")
	s := &e.Sections[0]
	s.Columns, s.Rows = nil, [][]dsr.Value{{}}
	for i := range 30 {
		s.Columns = append(s.Columns, text("Kolumn "+strconv.Itoa(i), "Column"))
		s.Rows[0] = append(s.Rows[0], txt("Ett värde som är alldeles för långt för en smal kolumn"))
	}
	if _, _, err := newRenderer(t).ExtractBytes(e); err == nil || !strings.Contains(err.Error(), "30 columns") {
		t.Errorf("err = %v; want an error about too many columns", err)
	}
}

func TestIdentityNumberNeverInWindow(t *testing.T) {
	tests := []struct {
		name   string
		change func(*dsr.Extract)
	}{
		{"in the c/o field", func(e *dsr.Extract) { e.Person.CareOf = "811218-9876" }},
		{"with a space", func(e *dsr.Extract) { e.Person.CareOf = "811218 9876" }},
		{"after letters", func(e *dsr.Extract) { e.Person.Street = "id811218-9876" }},
		{"in the name", func(e *dsr.Extract) { e.Person.Name = "Åsa Öberg 198112189876" }},
		{"in the case number", func(e *dsr.Extract) { e.CaseNumber = "FK-811218-9876" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := testExtract("sv")
			tt.change(e)
			var buf bytes.Buffer
			if _, err := newRenderer(t).Extract(&buf, e); err == nil {
				t.Error("an address or case number with an identity number in it was rendered")
			}
			if buf.Len() != 0 {
				t.Errorf("a refused extract wrote %d bytes", buf.Len())
			}
		})
	}
}

func inside(w pdftest.Word, x, y, width, height float64) bool {
	return w.XMin >= x && w.XMax <= x+width && w.YMin >= y && w.YMax <= y+height
}

func overlaps(w pdftest.Word, x, y, width, height float64) bool {
	return w.XMax > x && w.XMin < x+width && w.YMax > y && w.YMin < y+height
}

// windowWords returns the words on page 1 that would show through the
// envelope window wherever it sits: 45–50 mm from the top, 45 mm high.
func windowWords(t *testing.T, doc []byte) string {
	var in []string
	for _, w := range pdftest.Words(t, doc, 1) {
		if overlaps(w, pdf.WindowLeft, pdf.WindowTop, pdf.WindowWidth, pdf.WindowHeight+5*pdf.MM) {
			in = append(in, w.Text)
		}
	}
	return strings.Join(in, " ")
}

func TestAddressBlockInWindow(t *testing.T) {
	doc, _ := render(t, testExtract("sv"))
	address := map[string]bool{"Åsa": false, "Öberg-Ängström": false, "c/o": false, "Storgatan": false, "831": false, "ÖSTERSUND": false}
	for _, w := range pdftest.Words(t, doc, 1) {
		if _, ok := address[w.Text]; ok {
			address[w.Text] = true
			// Inside both a window 45 mm and one 50 mm from the top.
			if !inside(w, pdf.WindowLeft, 50*pdf.MM, pdf.WindowWidth, pdf.WindowHeight-5*pdf.MM) {
				t.Errorf("%q at (%.1f, %.1f)–(%.1f, %.1f) mm is outside the envelope window",
					w.Text, w.XMin*25.4/72, w.YMin*25.4/72, w.XMax*25.4/72, w.YMax*25.4/72)
			}
		}
		if overlaps(w, pdf.ClearLeft, pdf.ClearTop, pdf.ClearWidth, pdf.ClearHeight) {
			t.Errorf("%q at (%.1f, %.1f) mm is in the print shop's clear zone", w.Text, w.XMin*25.4/72, w.YMin*25.4/72)
		}
		if w.XMin < 18*pdf.MM {
			t.Errorf("%q starts %.1f mm from the left edge; the margin is at least 18 mm", w.Text, w.XMin*25.4/72)
		}
	}
	for text, seen := range address {
		if !seen {
			t.Errorf("the address block has no %q", text)
		}
	}
	// Nothing but the address shows through the window.
	if got, want := windowWords(t, doc), "Åsa Öberg-Ängström c/o Göran Ek Storgatan 12 B 831 31 ÖSTERSUND"; got != want {
		t.Errorf("the window shows %q; want %q", got, want)
	}
}

func TestProtectedPersonShowsOnlyName(t *testing.T) {
	e := testExtract("sv")
	e.Person.Protection = dsr.ProtectionProtected
	doc, _ := render(t, e)
	page1 := pdftest.Text(t, doc, "-layout", "-f", "1", "-l", "1")
	if !strings.Contains(page1, testName) {
		t.Errorf("page 1 does not name the person")
	}
	for _, hidden := range []string{"Storgatan", "831 31", "ÖSTERSUND", "c/o", "Göran Ek", testPNRShow} {
		if strings.Contains(page1, hidden) {
			t.Errorf("page 1 of a protected person's letter shows %q", hidden)
		}
	}
	if got := windowWords(t, doc); got != testName {
		t.Errorf("the window shows %q; want only the name", got)
	}
}

func TestMissingGlyphFailsRender(t *testing.T) {
	e := testExtract("sv")
	e.Sections[0].Rows[1][2] = txt("Godkänd ✓")
	var buf bytes.Buffer
	_, err := newRenderer(t).Extract(&buf, e)
	if !errors.Is(err, pdf.ErrMissingGlyph) {
		t.Fatalf("err = %v; want ErrMissingGlyph", err)
	}
	if !strings.Contains(err.Error(), "U+2713") || !strings.Contains(err.Error(), "register kontakter") {
		t.Errorf("the error does not say which character and where: %v", err)
	}
	if buf.Len() != 0 {
		t.Errorf("a failed render wrote %d bytes", buf.Len())
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrorIsReported(t *testing.T) {
	if _, err := newRenderer(t).Extract(failingWriter{}, testExtract("sv")); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("err = %v; want the writer's error", err)
	}
}

func TestRejectsIncompleteExtract(t *testing.T) {
	r := newRenderer(t)
	for name, change := range map[string]func(*dsr.Extract){
		"no name":          func(e *dsr.Extract) { e.Person.Name = " " },
		"no received date": func(e *dsr.Extract) { e.ReceivedOn = time.Time{} },
	} {
		e := testExtract("sv")
		change(e)
		if _, _, err := r.ExtractBytes(e); err == nil {
			t.Errorf("%s: rendered without error", name)
		}
	}
	if _, _, err := r.ExtractBytes(nil); err == nil {
		t.Error("nil extract: rendered without error")
	}
}

// Renders on several goroutines share one Renderer and produce the same
// bytes: the stored SHA-256 of an extract must not depend on timing.
func TestConcurrentRendersAreIdentical(t *testing.T) {
	r := newRenderer(t)
	want, _, err := r.ExtractBytes(testExtract("sv"))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			got, _, err := r.ExtractBytes(testExtract("sv"))
			if err != nil {
				t.Error(err)
			} else if !bytes.Equal(got, want) {
				t.Error("a concurrent render differs")
			}
		})
	}
	wg.Wait()
}

// TestWriteSample writes the demo person's extract for looking at; run with
// go test -run WriteSample ./internal/documents/ -args -sample /tmp/sample.pdf
func TestWriteSample(t *testing.T) {
	if *sampleOut == "" {
		t.Skip("no -sample file given")
	}
	f, err := os.Create(*sampleOut)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pages, err := newRenderer(t).Extract(f, bigExtract())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d pages written to %s", pages, *sampleOut)
}

func BenchmarkExtract20000Rows(b *testing.B) {
	r := newRenderer(b)
	e := bigExtract()
	var pages int
	var size int
	for b.Loop() {
		doc, n, err := r.ExtractBytes(e)
		if err != nil {
			b.Fatal(err)
		}
		pages, size = n, len(doc)
	}
	b.ReportMetric(float64(pages), "pages/op")
	b.ReportMetric(float64(size)/float64(pages), "bytes/page")
}

func BenchmarkExtractLetter(b *testing.B) {
	r := newRenderer(b)
	e := testExtract("sv")
	for b.Loop() {
		if _, _, err := r.ExtractBytes(e); err != nil {
			b.Fatal(err)
		}
	}
}

// TestLongInformationDoesNotLeaveEmptyPages checks that Art. 15 information
// running over a page break continues right below the running header, and
// the next item follows it on the same page instead of on a fresh one.
func TestLongInformationDoesNotLeaveEmptyPages(t *testing.T) {
	e := testExtract("sv")
	long := strings.Repeat("Uppgifterna gallras enligt myndighetens gallringsbeslut och Riksarkivets föreskrifter. ", 12)
	for i := range e.Sections {
		e.Sections[i].Register.Retention = text(long, long)
		e.Sections[i].Register.LegalBasis = text(long, long)
		e.Sections[i].Register.Source = text(long, long)
	}
	doc, pages := render(t, e)
	texts := pdftest.Pages(t, doc)
	if len(texts) != pages {
		t.Fatalf("%d page texts for %d pages", len(texts), pages)
	}
	for i, pt := range texts[:len(texts)-1] {
		lines := 0
		for _, l := range strings.Split(pt, "\n") {
			if strings.TrimSpace(l) != "" {
				lines++
			}
		}
		if lines < 20 {
			t.Errorf("page %d of %d holds only %d lines of text:\n%s", i+1, pages, lines, pt)
		}
	}
}

// Amounts line up at the right of their column and dates at the left of
// theirs, because the values say what they are.
func TestAmountsAlignRight(t *testing.T) {
	e := testExtract("sv")
	e.Sections = []dsr.Section{paymentsSection(40)}
	e.Sections[0].Rows[3][2] = dsr.AmountValue(5) // "0,05 kr", much narrower than the rest
	doc, _ := render(t, e)
	var dateLeft, amountRight []float64
	for _, w := range pdftest.Words(t, doc, 0) {
		switch {
		case regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`).MatchString(w.Text) && w.Page > 1 && w.YMin > pdf.HeaderRule:
			dateLeft = append(dateLeft, w.XMin)
		case w.Text == "kr":
			amountRight = append(amountRight, w.XMax)
		}
	}
	// The total for 2004, in the summary above the table, comes first.
	if len(amountRight) != 41 {
		t.Fatalf("found %d amounts, want 40 and their total", len(amountRight))
	}
	amountRight = amountRight[1:]
	for _, x := range amountRight {
		if d := x - amountRight[0]; d > 0.5 || d < -0.5 {
			t.Fatalf("amounts end at %.1f and %.1f pt; want one right edge", amountRight[0], x)
		}
	}
	for _, x := range dateLeft[len(dateLeft)-40:] {
		if d := x - dateLeft[len(dateLeft)-1]; d > 0.5 || d < -0.5 {
			t.Fatalf("dates start at %.1f and %.1f pt; want one left edge", dateLeft[len(dateLeft)-1], x)
		}
	}
}

// Every value of a row is on the page as the person should read it.
func TestValuesAreWrittenForReading(t *testing.T) {
	e := testExtract("sv")
	e.Sections[0].Columns = append(e.Sections[0].Columns, text("Belopp", "Amount"), text("Dagar", "Days"))
	e.Sections[0].Rows[0] = append(e.Sections[0].Rows[0], dsr.AmountValue(123450), dsr.NumberValue(20480))
	doc, _ := render(t, e)
	all := pdftest.Text(t, doc, "-layout")
	for _, want := range []string{"1 234,50 kr", "20 480", "2026-01-12"} {
		if !strings.Contains(all, want) {
			t.Errorf("the extract does not contain %q", want)
		}
	}
}

// TestExtractMarksRestrictionsAndStatements: after a decision is carried
// out, a restricted record is marked as restricted and a supplementary
// statement is shown with the register it belongs to, in both languages.
func TestExtractMarksRestrictionsAndStatements(t *testing.T) {
	for _, tt := range []struct{ lang, marker, heading string }{
		{"sv", "Begränsad (sparas bara)", "Dina kompletterande yttranden"},
		{"en", "Restricted (only stored)", "Your supplementary statements"},
	} {
		e := testExtract(tt.lang)
		s := paymentsSection(3)
		s.RecordIDs = []string{"1", "2", "3"}
		s.Restricted = []bool{false, true, false}
		s.Statements = []dsr.Statement{{RecordID: "2", Text: "Jag var sjuk hela perioden, även den 3 mars.", On: "2026-11-23"}}
		e.Sections = append(e.Sections, s)
		pdf, _ := render(t, e)
		text := strings.Join(strings.Fields(pdftest.Text(t, pdf)), " ")
		if strings.Count(text, tt.marker) != 1 {
			t.Errorf("%s: the restricted record is marked %d times, want once", tt.lang, strings.Count(text, tt.marker))
		}
		if !strings.Contains(text, tt.heading) || !strings.Contains(text, "Jag var sjuk hela perioden, även den 3 mars.") || !strings.Contains(text, "2026-11-23") {
			t.Errorf("%s: the statement is not shown", tt.lang)
		}
	}
	// A register with nothing restricted has no restriction column.
	e := testExtract("sv")
	pdf, _ := render(t, e)
	if strings.Contains(pdftest.Text(t, pdf), "Begränsning") {
		t.Error("an extract with nothing restricted has a restriction column")
	}
}
