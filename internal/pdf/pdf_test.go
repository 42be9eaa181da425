package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"dsrdesk/internal/pdf/pdftest"
)

func newEngine(tb testing.TB) *Engine {
	tb.Helper()
	e, err := NewEngine()
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

// newDocument starts a document in lang with a footer and no page.
func newDocument(tb testing.TB, e *Engine, lang string) *Document {
	tb.Helper()
	d, err := e.New(Setup{Lang: lang, Title: "Test", Author: "dsrdesk", Created: time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC), Footer: "Ärende T-1"})
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func bytesOf(t *testing.T, d *Document) ([]byte, int) {
	t.Helper()
	b, pages, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return b, pages
}

// numberTable is a table of n rows: a date, a text and an amount.
func numberTable(n int) Table {
	rows := make([][]Cell, n)
	for i := range rows {
		rows[i] = []Cell{
			{Text: fmt.Sprintf("2026-01-%02d", 1+i%28)},
			{Text: "Rad " + strconv.Itoa(i+1)},
			{Text: strconv.Itoa(i*37%1000) + ",50 kr", Numeric: true},
		}
	}
	return Table{Title: "Utbetalningar", Context: "Register U", Headers: []string{"Datum", "Text", "Belopp"}, Rows: rows}
}

func TestPageNumbersAndFurniture(t *testing.T) {
	for _, tc := range []struct {
		lang, page, continued string
	}{
		{"sv", "Sida %d av %d", "forts."},
		{"en", "Page %d of %d", "continued"},
		{"", "Sida %d av %d", "forts."},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			d := newDocument(t, newEngine(t), tc.lang)
			d.NewPage()
			d.SetHeader("Avsändare", "Dokument  2026-03-16")
			d.Paragraph("Första sidan.", Regular, 10, 13)
			d.NewPage()
			d.Table(numberTable(200))
			doc, pages := bytesOf(t, d)
			if pages < 3 {
				t.Fatalf("%d pages, want the table to run over at least two", pages)
			}
			perPage := pdftest.Pages(t, doc)
			if len(perPage) != pages {
				t.Fatalf("pdftotext reads %d pages; Bytes reported %d", len(perPage), pages)
			}
			for n, p := range perPage {
				if want := fmt.Sprintf(tc.page, n+1, pages); !strings.Contains(p, want) {
					t.Errorf("page %d has no %q", n+1, want)
				}
				if !strings.Contains(p, "Ärende T-1") {
					t.Errorf("page %d has no footer", n+1)
				}
				// The running header is on the pages started after SetHeader.
				if got := strings.Contains(p, "Avsändare") && strings.Contains(p, "2026-03-16"); got != (n > 0) {
					t.Errorf("page %d: running header shown = %t", n+1, got)
				}
				// The table continues on every page after the second under
				// its header and a line saying which table it is.
				if n >= 2 {
					for _, want := range []string{"Register U (" + tc.continued + ")", "Datum", "Belopp"} {
						if !strings.Contains(p, want) {
							t.Errorf("page %d has no %q", n+1, want)
						}
					}
				}
			}
			if got := len(regexp.MustCompile(`Rad \d+\b`).FindAllString(strings.Join(perPage, ""), -1)); got != 200 {
				t.Errorf("%d rows on the pages, want 200", got)
			}
		})
	}
}

// A column of numbers is right-aligned with its header; a column with any
// text in it is left-aligned, whatever its cells look like.
func TestNumericColumnsAlignRight(t *testing.T) {
	d := newDocument(t, newEngine(t), "sv")
	d.NewPage()
	tb := numberTable(30)
	tb.Headers = append(tb.Headers, "Kod")
	for i := range tb.Rows {
		// Looks like a number, but is not one: stays left.
		tb.Rows[i] = append(tb.Rows[i], Cell{Text: strconv.Itoa(i * 1001)})
	}
	tb.Rows[4][2] = Cell{Text: "5 kr", Numeric: true}
	tb.Rows[5][2] = Cell{} // an empty cell does not spoil the column
	d.Table(tb)
	doc, _ := bytesOf(t, d)

	var amountRight, headerRight, codeLeft []float64
	for _, w := range pdftest.Words(t, doc, 0) {
		switch {
		case w.Text == "kr":
			amountRight = append(amountRight, w.XMax)
		case w.Text == "Belopp":
			headerRight = append(headerRight, w.XMax)
		case regexp.MustCompile(`^\d{4,}$`).MatchString(w.Text) && w.YMin < FooterRule:
			codeLeft = append(codeLeft, w.XMin)
		}
	}
	if len(amountRight) != 29 || len(headerRight) != 1 {
		t.Fatalf("found %d amounts and %d headers, want 29 and 1", len(amountRight), len(headerRight))
	}
	for _, x := range append(amountRight, headerRight...) {
		if d := x - amountRight[0]; d > 0.5 || d < -0.5 {
			t.Errorf("amounts and their header end at %.1f and %.1f pt; want one right edge", amountRight[0], x)
		}
	}
	if len(codeLeft) != 29 { // i*1001 for i ≥ 1
		t.Fatalf("found %d codes", len(codeLeft))
	}
	for _, x := range codeLeft {
		if d := x - codeLeft[0]; d > 0.5 || d < -0.5 {
			t.Errorf("codes start at %.1f and %.1f pt; want one left edge", codeLeft[0], x)
		}
	}
}

func TestTableTooWideFails(t *testing.T) {
	d := newDocument(t, newEngine(t), "sv")
	d.NewPage()
	d.SetWhere("the test table")
	tb := Table{Title: "Bred"}
	row := []Cell{}
	for i := range 30 {
		tb.Headers = append(tb.Headers, "Kolumn "+strconv.Itoa(i))
		row = append(row, Cell{Text: "Ett värde som är alldeles för långt för en smal kolumn"})
	}
	tb.Rows = [][]Cell{row}
	d.Table(tb)
	_, _, err := d.Bytes()
	if err == nil || !strings.Contains(err.Error(), "30 columns") || !strings.Contains(err.Error(), "the test table") {
		t.Errorf("err = %v; want an error about too many columns that says where", err)
	}
}

func TestAddressWindow(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		ok    bool
	}{
		{"an address", []string{"Åsa Öberg", "c/o Göran Ek", "Storgatan 12 B", "831 31  ÖSTERSUND"}, true},
		{"a long line shrinks", []string{"Åsa Öberg-Ängström af Ekenstam Lindqvist Svensson", "831 31  ÖSTERSUND"}, true},
		{"YYMMDD-NNNC", []string{"Åsa Öberg", "811218-9876"}, false},
		{"YYMMDD NNNC", []string{"Åsa Öberg 811218 9876"}, false},
		{"after letters", []string{"Åsa Öberg", "id811218-9876"}, false},
		{"YYYYMMDDNNNC", []string{"Åsa Öberg", "c/o 198112189876"}, false},
		{"wrong check digit", []string{"Åsa Öberg", "811218-9875"}, false},
		{"too many lines", []string{"1", "2", "3", "4", "5", "6", "7"}, false},
		{"too long even small", []string{strings.Repeat("Långt namn ", 12)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDocument(t, newEngine(t), "sv")
			d.NewPage()
			d.AddressWindow(tt.lines)
			var buf bytes.Buffer
			_, err := d.Write(&buf)
			if !tt.ok {
				if err == nil {
					t.Fatal("the address was written")
				}
				if strings.Contains(err.Error(), "9876") {
					t.Errorf("error %q repeats the number", err)
				}
				if buf.Len() != 0 {
					t.Errorf("a failed document wrote %d bytes", buf.Len())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range pdftest.Words(t, buf.Bytes(), 0) {
				if w.YMin > FooterRule {
					continue
				}
				// Inside both a window 45 mm and one 50 mm from the top, and
				// clear of the print shop's zone.
				if w.XMin < WindowLeft || w.XMax > WindowLeft+WindowWidth || w.YMin < 50*MM || w.YMax > WindowTop+WindowHeight {
					t.Errorf("%q at (%.1f, %.1f) mm is outside the window", w.Text, w.XMin/MM, w.YMin/MM)
				}
				if w.YMax > ClearTop && w.XMax > ClearLeft {
					t.Errorf("%q is in the clear zone", w.Text)
				}
			}
		})
	}
}

func TestLabelled(t *testing.T) {
	d := newDocument(t, newEngine(t), "sv")
	d.NewPage()
	d.Labelled("Ändamål", "Att handlägga ärenden.")
	d.Labelled("Källa", "  ")
	d.Labelled("Automatiserat beslutsfattande", strings.Repeat("Inget automatiserat beslutsfattande. ", 20))
	doc, _ := bytesOf(t, d)
	all := pdftest.Text(t, doc, "-layout")
	if !strings.Contains(all, "Ändamål") || !strings.Contains(all, "Att handlägga ärenden.") {
		t.Errorf("a labelled value is missing:\n%s", all)
	}
	if strings.Contains(all, "Källa") {
		t.Error("an empty value was shown with its label")
	}
	for _, w := range pdftest.Words(t, doc, 0) {
		if w.Text == "Inget" && w.XMin < valueLeft-1 {
			t.Errorf("the value starts at %.0f pt, in the label column", w.XMin)
		}
	}
}

func TestMissingGlyphFailsDocument(t *testing.T) {
	for name, draw := range map[string]func(*Document){
		"text":    func(d *Document) { d.Text(MarginLeft, 100, "Godkänd ✓") },
		"measure": func(d *Document) { d.Measure("✓") },
		"wrap":    func(d *Document) { d.Paragraph(strings.Repeat("ord ", 200)+"✓", Regular, 10, 13) },
		"table": func(d *Document) {
			d.Table(Table{Title: "T", Headers: []string{"A"}, Rows: [][]Cell{{{Text: "Godkänd ✓"}}}})
		},
	} {
		t.Run(name, func(t *testing.T) {
			d := newDocument(t, newEngine(t), "sv")
			d.NewPage()
			d.SetWhere("register kontakter")
			draw(d)
			d.Paragraph("Något efteråt.", Regular, 10, 13)
			var buf bytes.Buffer
			_, err := d.Write(&buf)
			if !errors.Is(err, ErrMissingGlyph) {
				t.Fatalf("err = %v; want ErrMissingGlyph", err)
			}
			if !strings.Contains(err.Error(), "U+2713") || !strings.Contains(err.Error(), "register kontakter") {
				t.Errorf("the error does not say which character and where: %v", err)
			}
			if buf.Len() != 0 {
				t.Errorf("a failed document wrote %d bytes", buf.Len())
			}
		})
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrorIsReported(t *testing.T) {
	d := newDocument(t, newEngine(t), "sv")
	d.NewPage()
	d.Paragraph("Text.", Regular, 10, 13)
	if _, err := d.Write(failingWriter{}); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("err = %v; want the writer's error", err)
	}
}

func TestDocumentWithoutPagesFails(t *testing.T) {
	if _, _, err := newDocument(t, newEngine(t), "sv").Bytes(); err == nil {
		t.Error("a document without pages was written")
	}
}

func TestFitColumns(t *testing.T) {
	for _, tc := range []struct {
		name    string
		natural []float64
		avail   float64
		want    []float64
	}{
		{"fits: slack spread in proportion", []float64{10, 30}, 80, []float64{20, 60}},
		{"one wide column takes the rest", []float64{20, 20, 300}, 100, []float64{20, 20, 60}},
		{"two wide columns share equally", []float64{10, 200, 100}, 100, []float64{10, 45, 45}},
		{"all wide: equal shares", []float64{100, 100}, 100, []float64{50, 50}},
	} {
		got := fitColumns(tc.natural, tc.avail)
		for i := range got {
			if d := got[i] - tc.want[i]; d > 1e-9 || d < -1e-9 {
				t.Errorf("%s: fitColumns(%v, %v) = %v; want %v", tc.name, tc.natural, tc.avail, got, tc.want)
				break
			}
		}
	}
}

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"plain":         "plain",
		"a\tb":          "a b",
		"a\r\nb":        "a\nb",
		"a\rb":          "a\nb",
		"Å\tö\r\n\r\nä": "Å ö\n\nä",
	} {
		if got := clean(in); got != want {
			t.Errorf("clean(%q) = %q; want %q", in, got, want)
		}
	}
}

// BenchmarkTable20000Rows lays out and writes a table of 20,000 rows of a
// date, a text and an amount: the engine's share of a long extract.
func BenchmarkTable20000Rows(b *testing.B) {
	e := newEngine(b)
	tb := numberTable(20000)
	var pages int
	for b.Loop() {
		d := newDocument(b, e, "sv")
		d.NewPage()
		d.Table(tb)
		_, n, err := d.Bytes()
		if err != nil {
			b.Fatal(err)
		}
		pages = n
	}
	b.ReportMetric(float64(pages), "pages/op")
}
