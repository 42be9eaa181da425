package documents

import (
	"math"
	"strings"
	"testing"

	"dsrdesk/internal/pdf"
	"dsrdesk/internal/pdf/pdftest"
	"dsrdesk/internal/pnr"
)

func innerSheet(t *testing.T, p pnr.PNR, name string) []byte {
	t.Helper()
	b, pages, err := newRenderer(t).InnerSheetBytes(p, name)
	if err != nil {
		t.Fatal(err)
	}
	if pages != 1 {
		t.Errorf("the inner sheet has %d pages; want 1", pages)
	}
	return b
}

// TestInnerSheetShowsNumberAndName reads the sheet back as the print shop
// and Skatteverket would: through the window, the identity number written
// YYYYMMDD-NNNC and the name below it, Swedish letters exactly, and nothing
// else; elsewhere on the sheet, no other personal data.
func TestInnerSheetShowsNumberAndName(t *testing.T) {
	doc := innerSheet(t, testPNR, testName)
	if got, want := windowWords(t, doc), testPNRShow+" "+testName; got != want {
		t.Errorf("the window shows %q; want %q", got, want)
	}
	all := pdftest.Text(t, doc)
	if n := strings.Count(all, testPNRShow); n != 1 {
		t.Errorf("the sheet shows the identity number %d times; want once", n)
	}
	if n := strings.Count(all, testName); n != 1 {
		t.Errorf("the sheet shows the name %d times; want once", n)
	}
	lines := strings.Split(pdftest.Text(t, doc, "-layout"), "\n")
	var pnrLine, nameLine int = -1, -1
	for i, l := range lines {
		if strings.TrimSpace(l) == testPNRShow {
			pnrLine = i
		}
		if strings.TrimSpace(l) == testName {
			nameLine = i
		}
	}
	if pnrLine < 0 || nameLine != pnrLine+1 {
		t.Errorf("the number and the name are not each alone on a line, the name right below the number:\n%s", strings.Join(lines, "\n"))
	}
	if !strings.Contains(all, innerNote) {
		t.Errorf("the sheet does not say it belongs in the inner envelope:\n%s", all)
	}
	// Nothing prints in the print shop's clear zone.
	for _, w := range pdftest.Words(t, doc, 1) {
		if overlaps(w, pdf.ClearLeft, pdf.ClearTop, pdf.ClearWidth, pdf.ClearHeight) {
			t.Errorf("%q at (%.1f, %.1f) mm is in the print shop's clear zone", w.Text, w.XMin*25.4/72, w.YMin*25.4/72)
		}
	}
}

// TestInnerSheetWindowMatchesLetters puts the sheet beside a letter: its
// identity number starts exactly where the letter's first address line
// starts, and its name where the letter's second line starts, so the same
// C5 window envelope shows both.
func TestInnerSheetWindowMatchesLetters(t *testing.T) {
	letter, _ := render(t, testExtract("sv")) // window: "Åsa Öberg-Ängström" / "c/o Göran Ek" / …
	sheet := innerSheet(t, testPNR, "Örjan Åkesson")
	find := func(doc []byte, text string) pdftest.Word {
		t.Helper()
		for _, w := range pdftest.Words(t, doc, 1) {
			if w.Text == text {
				return w
			}
		}
		t.Fatalf("page 1 has no %q", text)
		return pdftest.Word{}
	}
	const tolerance = 0.1 // points
	for _, pair := range [][2]string{{"Åsa", testPNRShow}, {"c/o", "Örjan"}} {
		want, got := find(letter, pair[0]), find(sheet, pair[1])
		if math.Abs(got.XMin-want.XMin) > tolerance || math.Abs(got.YMin-want.YMin) > tolerance {
			t.Errorf("%q starts at (%.2f, %.2f) mm; the letter's %q at (%.2f, %.2f) mm", pair[1],
				got.XMin*25.4/72, got.YMin*25.4/72, pair[0], want.XMin*25.4/72, want.YMin*25.4/72)
		}
	}
	if !inside(find(sheet, "Åkesson"), pdf.WindowLeft, 50*pdf.MM, pdf.WindowWidth, pdf.WindowHeight-5*pdf.MM) {
		t.Error("the name is outside the envelope window")
	}
}

// TestInnerSheetLongNameShrinks keeps a long name on one line inside the
// window, in smaller type, rather than wrap it.
func TestInnerSheetLongNameShrinks(t *testing.T) {
	name := "Karl-Gustav Åke Östen Märta-Lovisa Ängström-Björkqvist af Ödeshög"
	doc := innerSheet(t, testPNR, name)
	if got, want := windowWords(t, doc), testPNRShow+" "+name; got != want {
		t.Errorf("the window shows %q; want %q", got, want)
	}
	words := map[string]bool{}
	for _, w := range strings.Fields(name) {
		words[w] = true
	}
	for _, w := range pdftest.Words(t, doc, 1) {
		if words[w.Text] && !inside(w, pdf.WindowLeft, 50*pdf.MM, pdf.WindowWidth, pdf.WindowHeight-5*pdf.MM) {
			t.Errorf("%q is outside the envelope window", w.Text)
		}
	}
}

func TestInnerSheetRefuses(t *testing.T) {
	tests := map[string]struct {
		p    pnr.PNR
		name string
	}{
		"no number":              {"", testName},
		"a wrong check digit":    {"198112189875", testName},
		"a ten-digit number":     {"8112189876", testName},
		"no name":                {testPNR, "  "},
		"a number in the name":   {testPNR, "Åsa 811218-9876"},
		"a name on two lines":    {testPNR, "Åsa\nÖberg"},
		"a name too long to fit": {testPNR, strings.Repeat("Långnamn ", 20)},
	}
	r := newRenderer(t)
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			b, _, err := r.InnerSheetBytes(tt.p, tt.name)
			if err == nil || b != nil {
				t.Fatal("the sheet was rendered")
			}
			if pnr.LooksLike(err.Error()) {
				t.Errorf("the error %q holds the identity number", err)
			}
		})
	}
}
