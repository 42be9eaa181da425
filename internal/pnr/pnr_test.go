package pnr

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// today is the fixed clock of every test: 15 June 2025.
var today = time.Date(2025, time.June, 15, 0, 0, 0, 0, time.UTC)

const (
	errFormat = "The personal identity number must be written YYMMDD-NNNC, YYMMDDNNNC, YYYYMMDD-NNNC or YYYYMMDDNNNC."
	errLength = "The personal identity number is not ten or twelve digits."
	errCheck  = "The personal identity number has the wrong check digit."
	errDate   = "The personal identity number contains a date that does not exist."
)

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		want  PNR    // when the input is accepted
		err   string // the message when it is refused
		coord bool
	}{
		// Each accepted input form.
		{name: "YYMMDD-NNNC", in: "811218-9876", want: "198112189876"},
		{name: "YYMMDDNNNC", in: "8112189876", want: "198112189876"},
		{name: "YYYYMMDDNNNC", in: "198112189876", want: "198112189876"},
		{name: "YYYYMMDD-NNNC", in: "19811218-9876", want: "198112189876"},
		{name: "YYMMDD+NNNC is 100 or older", in: "811218+9876", want: "188112189876"},
		{name: "surrounding white space", in: " \t811218-9876\r\n ", want: "198112189876"},

		// Century inference at the 100-year boundary, today being 2025-06-15.
		{name: "born today is under 100", in: "250615-1238", want: "202506151238"},
		{name: "date after today is last century", in: "250616-1237", want: "192506161237"},
		{name: "no separator infers like '-'", in: "2506161237", want: "192506161237"},
		{name: "'+' and exactly 100 today", in: "250615+1238", want: "192506151238"},
		{name: "'+' and 100 tomorrow is two centuries back", in: "250616+1237", want: "182506161237"},
		{name: "year after this one is last century", in: "260101-1238", want: "192601011238"},
		{name: "earlier year this century", in: "011231-1238", want: "200112311238"},
		{name: "12 digits keep their own century", in: "200112311238", want: "200112311238"},

		// Leap days depend on the inferred century.
		{name: "29 Feb 2000", in: "000229-1235", want: "200002291235"},
		{name: "29 Feb 1900 does not exist", in: "000229+1235", err: errDate},
		{name: "29 Feb 1900 written in full", in: "190002291235", err: errDate},
		{name: "29 Feb 2004", in: "040229-1231", want: "200402291231"},
		{name: "29 Feb 2005 does not exist", in: "050229-1230", err: errDate},

		// Dates that do not exist.
		{name: "30 February", in: "020230-1230", err: errDate},
		{name: "month 13", in: "021301-1232", err: errDate},
		{name: "month 00", in: "810018-1232", err: errDate},

		// Coordination numbers (samordningsnummer): day plus 60.
		{name: "coordination number", in: "701063-2391", want: "197010632391", coord: true},
		{name: "coordination number in full", in: "19701063-2391", want: "197010632391", coord: true},
		{name: "coordination number on a leap day", in: "040289-1238", want: "200402891238", coord: true},
		{name: "coordination day 32 October", in: "701092-1232", err: errDate},
		{name: "coordination day 0", in: "700260-1230", err: errDate},
		{name: "day between 31 and 61", in: "700145-1231", err: errDate},
		{name: "coordination 29 Feb in a common year", in: "050289-1237", err: errDate},

		// Check digit.
		{name: "wrong check digit", in: "811218-9875", err: errCheck},
		{name: "wrong check digit, 12 digits", in: "198112189875", err: errCheck},
		{name: "wrong check digit, coordination", in: "701063-2390", err: errCheck},

		// Garbage.
		{name: "empty", in: "", err: errFormat},
		{name: "only white space", in: "   ", err: errFormat},
		{name: "letters", in: "abcdef-ghij", err: errFormat},
		{name: "letter among digits", in: "81121a-9876", err: errFormat},
		{name: "space inside", in: "811218 9876", err: errFormat},
		{name: "two separators", in: "811218--9876", err: errFormat},
		{name: "separator in the wrong place", in: "81121-89876", err: errFormat},
		{name: "'+' with century", in: "19811218+9876", err: errFormat},
		{name: "leading sign", in: "+8112189876", err: errFormat},
		{name: "too short", in: "811218-98", err: errFormat},
		{name: "too short, digits only", in: "81121898", err: errLength},
		{name: "eleven digits", in: "81121898761", err: errLength},
		{name: "too long, digits only", in: "1981121898761", err: errLength},
		{name: "too long with separator", in: "19811218-98761", err: errFormat},
		{name: "non-ASCII digits", in: "８１１２１８-９８７６", err: errFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in, today)
			if tt.err == "" {
				if err != nil {
					t.Fatalf("Parse(%q) error: %v", tt.in, err)
				}
				if got != tt.want {
					t.Fatalf("Parse(%q) = %q, want %q", tt.in, got, tt.want)
				}
				if !got.Valid() {
					t.Errorf("Parse(%q) returned %q, which is not Valid", tt.in, got)
				}
				if got.IsCoordination() != tt.coord {
					t.Errorf("IsCoordination() = %v, want %v", got.IsCoordination(), tt.coord)
				}
				return
			}
			if got != "" {
				t.Errorf("Parse(%q) = %q along with an error, want empty", tt.in, got)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q) error = %#v, want *pnr.Error", tt.in, err)
			}
			if e.Message != tt.err {
				t.Errorf("Parse(%q) error = %+v, want message %q", tt.in, e, tt.err)
			}
			// The message may reach a page or a log line: it must not carry
			// any digit of the number (it carries no digit at all).
			if strings.ContainsAny(err.Error(), "0123456789") {
				t.Errorf("Parse(%q) error %q contains a digit", tt.in, err.Error())
			}
		})
	}
}

func TestParseUsesTodayInjected(t *testing.T) {
	// The same text means a different person on a different day.
	in := "250616-1237"
	before, err := Parse(in, time.Date(2025, time.June, 15, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	after, err := Parse(in, time.Date(2025, time.June, 16, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if before != "192506161237" || after != "202506161237" {
		t.Errorf("got %q the day before and %q on the day, want 1925 then 2025", before, after)
	}
}

func TestDisplay(t *testing.T) {
	tests := []struct {
		in   PNR
		want string
	}{
		{"198112189876", "19811218-9876"},
		{"197010632391", "19701063-2391"},
		{"", ""},
		{"12345", "12345"},
	}
	for _, tt := range tests {
		if got := tt.in.Display(); got != tt.want {
			t.Errorf("PNR(%q).Display() = %q, want %q", tt.in, got, tt.want)
		}
		if got := tt.in.String(); got != string(tt.in) {
			t.Errorf("PNR(%q).String() = %q", tt.in, got)
		}
	}
}

func TestValid(t *testing.T) {
	tests := []struct {
		in   PNR
		want bool
	}{
		{"198112189876", true},
		{"197010632391", true},
		{"200002291235", true},
		{"198112189875", false}, // check digit
		{"190002291235", false}, // 29 Feb 1900
		{"198113011236", false}, // month 13
		{"8112189876", false},   // not stored form
		{"19811218-9876", false},
		{"19811218987a", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := tt.in.Valid(); got != tt.want {
			t.Errorf("PNR(%q).Valid() = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestHasher(t *testing.T) {
	keyA := bytes.Repeat([]byte{'a'}, 32)
	keyB := bytes.Repeat([]byte{'b'}, 32)
	a, err := NewHasher(keyA)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewHasher(keyB)
	if err != nil {
		t.Fatal(err)
	}
	const p, q PNR = "198112189876", "197010632391"

	sum := a.Sum(p)
	if len(sum) != 64 || strings.Trim(sum, "0123456789abcdef") != "" {
		t.Errorf("Sum = %q, want 64 lower-case hex digits", sum)
	}
	if again := a.Sum(p); again != sum {
		t.Errorf("Sum is not stable under one key: %q then %q", sum, again)
	}
	if other := b.Sum(p); other == sum {
		t.Errorf("Sum is the same under two keys: %q", sum)
	}
	if a.Sum(q) == sum {
		t.Errorf("two numbers give the same Sum")
	}
	if strings.Contains(sum, string(p)) || strings.Contains(sum, string(p[2:])) {
		t.Errorf("Sum %q contains the number", sum)
	}

	// The Hasher keeps its own copy of the key.
	keyA[0] = 'z'
	if got := a.Sum(p); got != sum {
		t.Errorf("changing the caller's key slice changed Sum")
	}
}

func TestNewHasherRejectsShortKeys(t *testing.T) {
	for _, n := range []int{0, 1, 16, 31} {
		if h, err := NewHasher(make([]byte, n)); err == nil || h != nil {
			t.Errorf("NewHasher(%d bytes) = %v, %v; want an error", n, h, err)
		}
	}
	if _, err := NewHasher(nil); err == nil {
		t.Errorf("NewHasher(nil) succeeded")
	}
	if _, err := NewHasher(make([]byte, 32)); err != nil {
		t.Errorf("NewHasher(32 bytes): %v", err)
	}
}

func TestRedact(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"subject 811218-9876 asked", "subject [pnr] asked"},
		{"811218+9876", "[pnr]"},
		{"8112189876", "[pnr]"},
		{"198112189876", "[pnr]"},
		{"19811218-9876", "[pnr]"},
		{"19811218+9876", "[pnr]"},
		{"pnr=8112189876&case=7", "pnr=[pnr]&case=7"},
		{"id811218-9876.", "id[pnr]."},
		{"a 811218-9876 b 701063-2391 c", "a [pnr] b [pnr] c"},
		{"811218-9875", "[pnr]"}, // wrong check digit is still personal data
		{"åäö 811218-9876 ö", "åäö [pnr] ö"},
		{"811218-9876-1234", "[pnr]-1234"},
		{"123-811218-9876", "123-[pnr]"},
		{"8112189876-12", "[pnr]-12"},
		// Not shaped like a number.
		{"", ""},
		{"case 42 received 2025-03-05", "case 42 received 2025-03-05"},
		{"81121898761", "81121898761"},
		{"1981121898761", "1981121898761"},
		{"811218-98761", "811218-98761"},
		{"811218-987", "811218-987"},
		{"8112-189876", "8112-189876"},
		{"811218  9876", "811218  9876"}, // two spaces
		{"811218_9876", "811218_9876"},
		// A space is a separator too.
		{"811218 9876", "[pnr]"},
		{"19811218 9876 x", "[pnr] x"},
		{"tel 070 123 45 67", "tel 070 123 45 67"},
		{"20 480 kr", "20 480 kr"},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLooksLikeAndHoldsPlausible(t *testing.T) {
	tests := []struct {
		s                string
		looksLike, holds bool
	}{
		{"Storgatan 1", false, false},
		{"ref 811218-9876 here", true, true},
		{"811218 9876", true, true},
		{"198112189876", true, true},
		{"701063-2391", true, true},                           // samordningsnummer
		{"0701234567", true, false},                           // a phone number: refused as text, not a plausible number
		{"811218-9875", true, false},                          // wrong check digit
		{"0190a1b2-0000-7000-8000-000000000000", true, false}, // a UUID: shaped, not plausible
		{"rec-811218-9876", true, true},                       // leaked into an id
		{"12345", false, false},
		{"0190f3a2-1c4d-7e5f-8a6b-201399999999", true, false}, // 12 digits, month 99
		{"a1b2c3dx8112189875e", true, false},                  // letters around a wrong check digit
		{"2000022912350", false, false},                       // 13 digits: part of a longer run
	}
	for _, tt := range tests {
		if got := LooksLike(tt.s); got != tt.looksLike {
			t.Errorf("LooksLike(%q) = %t", tt.s, got)
		}
		if got := HoldsPlausible(tt.s); got != tt.holds {
			t.Errorf("HoldsPlausible(%q) = %t", tt.s, got)
		}
	}
}

// TestOneScanner checks that the three tests built on the scanner agree on
// the forms the scanners they replaced disagreed about: a space as the
// separator, and letters right next to the number.
func TestOneScanner(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		shaped   bool   // LooksLike
		redacted string // Redact
		holds    bool   // HoldsPlausible
	}{
		{"space separator", "811218 9876", true, "[pnr]", true},
		{"space separator, 12 digits", "19811218 9876", true, "[pnr]", true},
		{"letters before", "id811218-9876", true, "id[pnr]", true},
		{"letters on both sides", "ref8112189876x", true, "ref[pnr]x", true},
		{"coordination number inside a word", "x197010632391y", true, "x[pnr]y", true},
		{"space separator after letters", "pnr811218 9876.", true, "pnr[pnr].", true},
		{"plus separator", "811218+9876", true, "[pnr]", true},
		{"UUID with a random 12-digit run", "0190f3a2-1c4d-7e5f-8a6b-123456789012", true, "0190f3a2-1c4d-7e5f-8a6b-[pnr]", false},
		{"UUID with a random 6+4 run", "0190f3a2-1c4d-7e5f-8a6b-aa999999-1234", true, "0190f3a2-1c4d-7e5f-8a6b-aa[pnr]", false},
		{"digits in a UUID, wrong check digit", "0190f3a2-1c4d-7e5f-8a6b-ab8112189875", true, "0190f3a2-1c4d-7e5f-8a6b-ab[pnr]", false},
		{"century 21", "0190f3a2-1c4d-7e5f-8a6b-218112189876", true, "0190f3a2-1c4d-7e5f-8a6b-[pnr]", false},
		{"eleven digits", "id81121898761", false, "id81121898761", false},
		{"two separators", "811218- 9876", false, "811218- 9876", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LooksLike(tt.in); got != tt.shaped {
				t.Errorf("LooksLike(%q) = %t, want %t", tt.in, got, tt.shaped)
			}
			if got := Redact(tt.in); got != tt.redacted {
				t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.redacted)
			}
			if got := HoldsPlausible(tt.in); got != tt.holds {
				t.Errorf("HoldsPlausible(%q) = %t, want %t", tt.in, got, tt.holds)
			}
			// Whatever is plausible is shaped, and whatever is shaped is redacted.
			if HoldsPlausible(tt.in) && !LooksLike(tt.in) || LooksLike(tt.in) != (Redact(tt.in) != tt.in) {
				t.Errorf("the three tests disagree about %q", tt.in)
			}
		})
	}
}

func TestComplete(t *testing.T) {
	for _, want := range []PNR{"198112189876", "197010632391", "190001010016"} {
		if got := Complete(string(want[:11])); got != want {
			t.Errorf("Complete(%s) = %s, want %s", want[:11], got, want)
		}
	}
	if Complete("1981121898") != "" || Complete("1981121898x") != "" {
		t.Error("Complete accepts something that is not eleven digits")
	}
}

func TestOpaqueIDSkipsPlausibleNumbers(t *testing.T) {
	ids := []string{"0198a3f2-811218-9876-aaaa", "019a0000-1111-7aaa-8bbb-ccccdddd0000"}
	n := 0
	got := OpaqueID(func() string { n++; return ids[n-1] })
	if got != ids[1] || n != 2 {
		t.Errorf("OpaqueID = %q after %d draws, want the second id", got, n)
	}
}
