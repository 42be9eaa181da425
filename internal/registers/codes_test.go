package registers

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode"

	"dsrdesk/internal/demodata"
	"dsrdesk/internal/documents"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pdf/pdftest"
)

// Every code the demonstration registers hold, in a code column or as the
// benefit of a named recipient, is in the catalogue's code list with an
// English text of its own, and every section reads its codes with that
// list.
func TestCodeListCoversDemoRegisters(t *testing.T) {
	ctx := context.Background()
	dir := mustSeed(t)
	cat := mustLoad(t, dir)
	regs := mustOpen(t, dir, cat)
	seen := map[string]bool{}
	for _, p := range demodata.DemoPeople() {
		secs, err := regs.SubjectSections(ctx, p.PNR)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range secs {
			if len(s.Codes) != len(cat.Codes) {
				t.Errorf("register %s reads its codes with %d codes, want the catalogue's %d", s.Register.ID, len(s.Codes), len(cat.Codes))
			}
			var codes []string
			for _, row := range s.Rows {
				for _, v := range row {
					if v.Kind == dsr.ValueCode && v.Text != "" {
						codes = append(codes, v.Text)
					}
				}
			}
			for _, r := range s.Recipients {
				codes = append(codes, r.Benefit)
			}
			for _, c := range codes {
				seen[c] = true
				if text, ok := cat.Codes[c]; !ok || text.EN == "" || text.EN == c {
					t.Errorf("register %s holds the code %q, which has no English text in the code list", s.Register.ID, c)
				}
			}
		}
	}
	// The demo shows benefits and decision words both.
	for _, c := range []string{"Sjukpenning", "Föräldrapenning", "Bostadsbidrag", "Beviljad", "Avslag: arbetsförmågan inte nedsatt med minst en fjärdedel"} {
		if !seen[c] {
			t.Errorf("no demo register holds the code %q", c)
		}
	}
}

// An English extract of any demo person is English: no code from the code
// list is left in Swedish. The registers' free text (a contact's subject,
// a document's title) is the person's data as recorded and stays as it
// is, so it is blanked here, leaving what the code list says.
func TestEnglishExtractOfDemoPeopleHasNoSwedishCodeWord(t *testing.T) {
	ctx := context.Background()
	dir := mustSeed(t)
	cat := mustLoad(t, dir)
	regs := mustOpen(t, dir, cat)
	r, err := documents.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	// The words of the codes' Swedish texts that are no English word, as
	// lower-case whole words.
	swedish := map[string]string{}
	for code, text := range cat.Codes {
		for _, w := range words(text.SV) {
			if len([]rune(w)) >= 6 && !strings.Contains(" "+strings.ToLower(strings.Join(words(text.EN), " "))+" ", " "+w+" ") {
				swedish[w] = code
			}
		}
	}
	if len(swedish) < 10 {
		t.Fatalf("only %d Swedish code words to look for: %v", len(swedish), swedish)
	}
	on := time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC)
	for _, p := range demodata.DemoPeople() {
		person, err := regs.Person(ctx, p.PNR)
		if err != nil {
			t.Fatal(err)
		}
		secs, err := regs.SubjectSections(ctx, p.PNR)
		if err != nil {
			t.Fatal(err)
		}
		english := map[string]bool{} // the English codes this person's extract must show
		for i := range secs {
			s := &secs[i]
			for _, row := range s.Rows {
				for c, v := range row {
					switch v.Kind {
					case dsr.ValueText:
						row[c] = dsr.TextValue("x")
					case dsr.ValueCode:
						english[cat.Codes[v.Text].EN] = true
					}
				}
			}
			for j := range s.Recipients {
				rec := &s.Recipients[j]
				rec.Organisation, rec.OrgNumber, rec.LegalBasis = "x", "x", "x"
				english[cat.Codes[rec.Benefit].EN] = true
			}
			for j := range s.Statements {
				s.Statements[j].Text = "x"
			}
		}
		doc, _, err := r.ExtractBytes(&dsr.Extract{CaseNumber: "FK-2026-000001", Person: person, Lang: "en",
			GeneratedOn: on, ReceivedOn: on.AddDate(0, 0, -10), Sections: secs})
		if err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		text := pdftest.Text(t, doc)
		flat := strings.Join(strings.Fields(text), " ")
		for code := range english {
			if !strings.Contains(flat, code) {
				t.Errorf("%s: the English extract does not say %q", p.Name, code)
			}
		}
		found := map[string]bool{}
		for _, w := range words(text) {
			if code, ok := swedish[w]; ok && !found[w] {
				found[w] = true
				t.Errorf("%s: the English extract says %q (of the code %q)", p.Name, w, code)
			}
		}
	}
}

// words splits s into lower-case words of letters.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) })
}
