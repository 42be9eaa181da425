package printbatch

import (
	"strings"
	"testing"
	"time"

	"dsrdesk/internal/dsr"
)

func TestParseStatusFile(t *testing.T) {
	file := strings.Join([]string{
		"record_id,status,at",
		"0190a1b2-0000-7000-8000-000000000001,printed,2026-11-24T08:00:00+01:00",
		"0190a1b2-0000-7000-8000-000000000001,handed_over,2026-11-24T14:05:00+01:00",
		"0190a1b2-0000-7000-8000-000000000002,lost,2026-11-24T14:05:00+01:00",
		"0190a1b2-0000-7000-8000-000000000003,returned,24/11/2026",
		"0190a1b2-0000-7000-8000-000000000004,printed",
		",printed,2026-11-24T08:00:00Z",
		"",
		`"0190a1b2-0000-7000-8000-000000000005",returned,2026-11-30T10:00:00Z`,
	}, "\n")
	got, bad, err := ParseStatusFile(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Status != dsr.LetterPrinted || got[1].Status != dsr.LetterHandedOver || got[2].Status != dsr.LetterReturned {
		t.Fatalf("parsed %+v", got)
	}
	if want := time.Date(2026, 11, 24, 13, 5, 0, 0, time.UTC); !got[1].At.Equal(want) || got[1].Line != 3 || got[2].Line != 9 {
		t.Fatalf("line 3 at %v (line %d), last line %d", got[1].At, got[1].Line, got[2].Line)
	}
	want := map[int]string{4: "unknown status", 5: "malformed time", 6: "2 fields", 7: "malformed record id"}
	if len(bad) != len(want) {
		t.Fatalf("rejected %+v", bad)
	}
	for _, b := range bad {
		if !strings.Contains(b.Reason, want[b.Line]) || want[b.Line] == "" {
			t.Errorf("line %d: %q, want %q", b.Line, b.Reason, want[b.Line])
		}
		if strings.Contains(b.Reason, "0190a1b2") || strings.Contains(b.Reason, "24/11") {
			t.Errorf("line %d's reason repeats its content: %q", b.Line, b.Reason)
		}
	}
	// A broken quote is one rejected line, not the end of the file.
	got, bad, err = ParseStatusFile(strings.NewReader("a\"b,printed,2026-11-24T08:00:00Z\nx,printed,2026-11-24T08:00:00Z\n"))
	if err != nil || len(bad) != 1 || bad[0].Line != 1 || len(got) != 1 || got[0].Line != 2 {
		t.Fatalf("a broken quote: %+v %+v %v", got, bad, err)
	}
}

func TestReportable(t *testing.T) {
	for _, tc := range []struct {
		from, to dsr.LetterStatus
		ok       bool
	}{
		{dsr.LetterBatched, dsr.LetterPrinted, true},
		{dsr.LetterBatched, dsr.LetterHandedOver, true},
		{dsr.LetterPrinted, dsr.LetterHandedOver, true},
		{dsr.LetterHandedOver, dsr.LetterReturned, true},
		{dsr.LetterPrinted, dsr.LetterReturned, true},
		{dsr.LetterBatched, dsr.LetterReturned, false}, // never left the print shop
		{dsr.LetterQueued, dsr.LetterPrinted, false},   // not in a batch yet
		{dsr.LetterDelivered, dsr.LetterPrinted, false},
		{dsr.LetterHandedOver, dsr.LetterPrinted, false},
		{dsr.LetterReturned, dsr.LetterHandedOver, false},
	} {
		if got := dsr.Reportable(tc.from, tc.to); got != tc.ok {
			t.Errorf("%s → %s: %t, want %t", tc.from, tc.to, got, tc.ok)
		}
	}
}

// FuzzParseStatusFile: whatever the file, the parser neither panics nor
// returns a line twice, every line it accepts is valid, and no reason
// repeats the file's content.
func FuzzParseStatusFile(f *testing.F) {
	f.Add("record_id,status,at\nabc,printed,2026-11-24T08:00:00+01:00\n")
	f.Add("x,handed_over,2026-11-24T14:05:00Z\r\ny,returned,2026-12-01T00:00:00Z")
	f.Add("\"a\nb\",printed,2026-11-24T08:00:00Z\n")
	f.Add("a\"b,printed,x\n,,\n")
	f.Fuzz(func(t *testing.T, file string) {
		got, bad, err := ParseStatusFile(strings.NewReader(file))
		if err != nil {
			return
		}
		seen := map[int]bool{}
		for _, r := range got {
			if seen[r.Line] || r.RecordID == "" || !dsr.Reportable(dsr.LetterBatched, r.Status) && r.Status != dsr.LetterReturned {
				t.Fatalf("accepted %+v", r)
			}
			seen[r.Line] = true
		}
		for _, b := range bad {
			if b.Reason == "" || len(b.Reason) > 80 {
				t.Fatalf("rejection %+v", b)
			}
		}
	})
}
