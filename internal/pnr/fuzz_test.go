package pnr

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// The seed corpora are in testdata/fuzz/<FuzzName>/; `go test` runs them,
// `make fuzz` fuzzes each target for a while.

// FuzzParse checks what Parse promises for any text: it never panics; an
// error is a *Error whose message carries no digit; a number it accepts is
// Valid, is displayed YYYYMMDD-NNNC and reads back as itself from both the
// displayed and the stored form; and twelve plain digits are accepted
// exactly when Valid says they are a number.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s, today)
		if plain := strings.TrimSpace(s); len(plain) == 12 && allDigits(plain) && (err == nil) != PNR(plain).Valid() {
			t.Fatalf("Parse(%q) error %v, but Valid says %t", s, err, PNR(plain).Valid())
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || p != "" {
				t.Fatalf("Parse(%q) = %q, %#v; want \"\" and a *pnr.Error", s, p, err)
			}
			if strings.ContainsAny(e.Message, "0123456789") {
				t.Fatalf("Parse(%q): message %q holds a digit", s, e.Message)
			}
			return
		}
		if !p.Valid() {
			t.Fatalf("Parse(%q) = %q, which is not Valid", s, p)
		}
		show := p.Display()
		if len(show) != 13 || !allDigits(show[:8]) || show[8] != '-' || !allDigits(show[9:]) || show[:8]+show[9:] != string(p) {
			t.Fatalf("PNR(%q).Display() = %q, want YYYYMMDD-NNNC", p, show)
		}
		for _, again := range []string{show, p.String()} {
			if q, err := Parse(again, today); q != p || err != nil {
				t.Fatalf("Parse(%q) = %q, %v after Parse(%q) = %q", again, q, err, s, p)
			}
		}
		if _, m, d, ok := p.DateShown(); !ok || (m == 0 || d == 0) && !p.IsCoordination() {
			t.Fatalf("PNR(%q).DateShown() = month %d, day %d, %t; an ordinary number shows the whole date", p, m, d, ok)
		}
	})
}

// FuzzScan checks that the scanner behind LooksLike, Redact and
// HoldsPlausible finds every number that Parse accepts, in any of its
// written forms, wherever it stands in a text: only digits right next to it
// (which make it part of a longer run) may hide it. Redact replaces it and
// leaves the text around it as Redact alone would.
func FuzzScan(f *testing.F) {
	f.Fuzz(func(t *testing.T, before, number, after string) {
		// Whatever the scanner makes of the text, it does not panic, and it
		// finds nothing Redact does not hide.
		_ = HoldsPlausible(before + number + after)
		if LooksLike(before) != (Redact(before) != before) {
			t.Fatalf("LooksLike(%q) and Redact disagree", before)
		}

		written := strings.TrimSpace(number)
		p, err := Parse(written, today)
		if err != nil {
			return
		}
		if b, _ := utf8.DecodeLastRuneInString(before); isDigitRune(b) {
			return
		}
		if a, _ := utf8.DecodeRuneInString(after); isDigitRune(a) {
			return
		}
		text := before + written + after
		if !LooksLike(text) {
			t.Fatalf("LooksLike(%q) = false; it holds %q", text, written)
		}
		if c := p[:2]; len(written) <= 11 || c >= "18" && c <= "20" {
			if !HoldsPlausible(text) {
				t.Fatalf("HoldsPlausible(%q) = false; it holds %q", text, written)
			}
		}
		if got, want := Redact(text), Redact(before)+Redacted+Redact(after); got != want {
			t.Fatalf("Redact(%q) = %q, want %q", text, got, want)
		}
	})
}

// isDigitRune reports an ASCII digit: the scanner's idea of a digit.
func isDigitRune(r rune) bool { return r >= '0' && r <= '9' }
