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
	errSerial = "The personal identity number has a serial number that is never issued."
)

// TestRulesSection6 goes over every rule of RULES §6 through Parse, and for
// what Parse accepts through Valid, Display, IsCoordination and DateShown
// too: each accepted input form, the check digit, samordningsnummer with
// and without a known birth month or day, serial 000, the plus sign, the
// century written out, leap days, and input of the wrong shape.
func TestRulesSection6(t *testing.T) {
	type date struct{ y, m, d int }
	tests := []struct {
		name  string
		in    string
		want  PNR    // the stored form, when the input is accepted
		show  string // its Display
		coord bool
		date  date   // its DateShown
		err   string // the message when it is refused
	}{
		// Each accepted input form; displayed YYYYMMDD-NNNC.
		{name: "YYMMDD-NNNC", in: "811218-9876", want: "198112189876", show: "19811218-9876", date: date{1981, 12, 18}},
		{name: "YYMMDDNNNC", in: "8112189876", want: "198112189876", show: "19811218-9876", date: date{1981, 12, 18}},
		{name: "YYMMDD+NNNC is 100 or older", in: "811218+9876", want: "188112189876", show: "18811218-9876", date: date{1881, 12, 18}},
		{name: "YYYYMMDDNNNC", in: "198112189876", want: "198112189876", show: "19811218-9876", date: date{1981, 12, 18}},
		{name: "YYYYMMDD-NNNC", in: "19811218-9876", want: "198112189876", show: "19811218-9876", date: date{1981, 12, 18}},
		{name: "YYYYMMDD+NNNC: the plus adds nothing", in: "19811218+9876", want: "198112189876", show: "19811218-9876", date: date{1981, 12, 18}},
		{name: "YYYYMMDD+NNNC of someone over 100", in: "18811218+9876", want: "188112189876", show: "18811218-9876", date: date{1881, 12, 18}},
		{name: "surrounding white space", in: " \t811218-9876\r\n ", want: "198112189876", show: "19811218-9876", date: date{1981, 12, 18}},

		// Century inference at the 100-year boundary, today being 2025-06-15.
		{name: "born today is under 100", in: "250615-1238", want: "202506151238", show: "20250615-1238", date: date{2025, 6, 15}},
		{name: "date after today is last century", in: "250616-1237", want: "192506161237", show: "19250616-1237", date: date{1925, 6, 16}},
		{name: "no separator infers like '-'", in: "2506161237", want: "192506161237", show: "19250616-1237", date: date{1925, 6, 16}},
		{name: "'+' and exactly 100 today", in: "250615+1238", want: "192506151238", show: "19250615-1238", date: date{1925, 6, 15}},
		{name: "'+' and 100 tomorrow is two centuries back", in: "250616+1237", want: "182506161237", show: "18250616-1237", date: date{1825, 6, 16}},
		{name: "year after this one is last century", in: "260101-1238", want: "192601011238", show: "19260101-1238", date: date{1926, 1, 1}},
		{name: "earlier year this century", in: "011231-1238", want: "200112311238", show: "20011231-1238", date: date{2001, 12, 31}},
		{name: "12 digits keep their own century", in: "200112311238", want: "200112311238", show: "20011231-1238", date: date{2001, 12, 31}},

		// Check digit: weights 2,1,2,1,… over the ten digits, digit sums.
		{name: "check digit of the example", in: "811218-9876", want: "198112189876", show: "19811218-9876", date: date{1981, 12, 18}},
		{name: "wrong check digit", in: "811218-9875", err: errCheck},
		{name: "wrong check digit, 12 digits", in: "198112189875", err: errCheck},
		{name: "check digit ignores the century", in: "188112189875", err: errCheck},

		// Samordningsnummer: the day plus 60.
		{name: "samordningsnummer", in: "701063-2391", want: "197010632391", show: "19701063-2391", coord: true, date: date{1970, 10, 3}},
		{name: "samordningsnummer in full", in: "19701063-2391", want: "197010632391", show: "19701063-2391", coord: true, date: date{1970, 10, 3}},
		{name: "samordningsnummer on a leap day", in: "040289-1238", want: "200402891238", show: "20040289-1238", coord: true, date: date{2004, 2, 29}},
		{name: "samordningsnummer, wrong check digit", in: "701063-2390", err: errCheck},
		{name: "samordningsnummer day 32 October", in: "701092-1232", err: errDate},
		{name: "samordningsnummer 29 Feb in a common year", in: "050289-1237", err: errDate},
		{name: "day between 31 and 60", in: "700145-1231", err: errDate},

		// A samordningsnummer whose birth month (00) or day (60) is unknown is valid.
		{name: "samordningsnummer, day unknown", in: "701060-1230", want: "197010601230", show: "19701060-1230", coord: true, date: date{1970, 10, 0}},
		{name: "samordningsnummer, day unknown in February", in: "700260-1230", want: "197002601230", show: "19700260-1230", coord: true, date: date{1970, 2, 0}},
		{name: "samordningsnummer, month unknown", in: "700075-1235", want: "197000751235", show: "19700075-1235", coord: true, date: date{1970, 0, 15}},
		{name: "samordningsnummer, month and day unknown", in: "700060-1232", want: "197000601232", show: "19700060-1232", coord: true, date: date{1970, 0, 0}},
		{name: "samordningsnummer, month and day unknown, in full", in: "19700060-1232", want: "197000601232", show: "19700060-1232", coord: true, date: date{1970, 0, 0}},
		{name: "samordningsnummer, month unknown, day 31", in: "000091+1230", want: "190000911230", show: "19000091-1230", coord: true, date: date{1900, 0, 31}},
		{name: "samordningsnummer, month unknown, day 32", in: "700092-1234", err: errDate},
		{name: "samordningsnummer, month 13, day unknown", in: "701360-1237", err: errDate},
		{name: "samordningsnummer, month unknown, wrong check digit", in: "700075-1236", err: errCheck},
		// The century of YYMMDD with an unknown month or day: the unknown part
		// compares as 0 with today (2025-06-15).
		{name: "this year, month unknown: this century", in: "250060-1238", want: "202500601238", show: "20250060-1238", coord: true, date: date{2025, 0, 0}},
		{name: "this year, month unknown, '+'", in: "250060+1238", want: "192500601238", show: "19250060-1238", coord: true, date: date{1925, 0, 0}},
		{name: "this month, day unknown: this century", in: "250660-1232", want: "202506601232", show: "20250660-1232", coord: true, date: date{2025, 6, 0}},
		{name: "next month, day unknown: last century", in: "250760-1231", want: "192507601231", show: "19250760-1231", coord: true, date: date{1925, 7, 0}},
		{name: "next year, month unknown: last century", in: "260060-1237", want: "192600601237", show: "19260060-1237", coord: true, date: date{1926, 0, 0}},
		{name: "this year, month unknown, day known", in: "250075-1231", want: "202500751231", show: "20250075-1231", coord: true, date: date{2025, 0, 15}},

		// The same in an ordinary number is a date that does not exist.
		{name: "ordinary number, month 00", in: "700015-1238", err: errDate},
		{name: "ordinary number, month 00 (second example)", in: "810018-1232", err: errDate},
		{name: "ordinary number, day 00", in: "701000-1233", err: errDate},
		{name: "ordinary number, month and day 00", in: "700000-1235", err: errDate},
		{name: "ordinary number, month 00, in full", in: "197000151238", err: errDate},

		// Serial 000 is never issued.
		{name: "serial 000", in: "811218-0008", err: errSerial},
		{name: "serial 000, 12 digits", in: "198112180008", err: errSerial},
		{name: "serial 000, '+'", in: "811218+0008", err: errSerial},
		{name: "serial 000, samordningsnummer", in: "701063-0007", err: errSerial},
		{name: "serial 001 is issued", in: "811218-0016", want: "198112180016", show: "19811218-0016", date: date{1981, 12, 18}},

		// Leap days depend on the inferred century.
		{name: "29 Feb 2000", in: "000229-1235", want: "200002291235", show: "20000229-1235", date: date{2000, 2, 29}},
		{name: "29 Feb 1900 does not exist", in: "000229+1235", err: errDate},
		{name: "29 Feb 1900 written in full", in: "190002291235", err: errDate},
		{name: "29 Feb 2004", in: "040229-1231", want: "200402291231", show: "20040229-1231", date: date{2004, 2, 29}},
		{name: "29 Feb 2005 does not exist", in: "050229-1230", err: errDate},
		{name: "29 Feb 2012, century written out with '+'", in: "20120229+1231", want: "201202291231", show: "20120229-1231", date: date{2012, 2, 29}},

		// Dates that do not exist.
		{name: "30 February", in: "020230-1230", err: errDate},
		{name: "month 13", in: "021301-1232", err: errDate},
		{name: "31 April", in: "020431-1234", err: errDate},

		// Wrong lengths.
		{name: "too short", in: "811218-98", err: errFormat},
		{name: "too short, digits only", in: "81121898", err: errLength},
		{name: "eleven digits", in: "81121898761", err: errLength},
		{name: "too long, digits only", in: "1981121898761", err: errLength},
		{name: "too long with separator", in: "19811218-98761", err: errFormat},
		{name: "separator in the wrong place", in: "81121-89876", err: errFormat},
		{name: "twelve digits with the separator after six", in: "198112-189876", err: errFormat},

		// Letters and spaces.
		{name: "empty", in: "", err: errFormat},
		{name: "only white space", in: "   ", err: errFormat},
		{name: "letters", in: "abcdef-ghij", err: errFormat},
		{name: "letter among digits", in: "81121a-9876", err: errFormat},
		{name: "letter for the check digit", in: "811218-987X", err: errFormat},
		{name: "space inside", in: "811218 9876", err: errFormat},
		{name: "space inside the date", in: "8112 18-9876", err: errFormat},
		{name: "space inside, 12 digits", in: "19811218 9876", err: errFormat},
		{name: "two separators", in: "811218--9876", err: errFormat},
		{name: "leading sign", in: "+8112189876", err: errFormat},
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
				if got.Display() != tt.show {
					t.Errorf("Display() = %q, want %q", got.Display(), tt.show)
				}
				if got.IsCoordination() != tt.coord {
					t.Errorf("IsCoordination() = %v, want %v", got.IsCoordination(), tt.coord)
				}
				if y, m, d, ok := got.DateShown(); !ok || (date{y, m, d}) != tt.date {
					t.Errorf("DateShown() = %d, %d, %d, %t; want %v", y, m, d, ok, tt.date)
				}
				// The displayed and the stored form both read back as the same number.
				for _, again := range []string{got.Display(), got.String()} {
					if p, err := Parse(again, today); p != got || err != nil {
						t.Errorf("Parse(%q) = %q, %v; want %q", again, p, err, got)
					}
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
			// The same number read back from the store is not Valid either.
			if len(tt.in) == 12 && PNR(tt.in).Valid() {
				t.Errorf("PNR(%q).Valid() = true for a number Parse refuses", tt.in)
			}
			if PNR(tt.in).IsCoordination() {
				t.Errorf("PNR(%q).IsCoordination() = true for a number Parse refuses", tt.in)
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
		{"197000601232", true},  // samordningsnummer, birth month and day unknown
		{"197010601230", true},  // samordningsnummer, birth day unknown
		{"197000751235", true},  // samordningsnummer, birth month unknown
		{"197000151238", false}, // ordinary number, month 00
		{"197010001233", false}, // ordinary number, day 00
		{"198112180008", false}, // serial 000
		{"197010630007", false}, // serial 000, samordningsnummer
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
