package stats

import (
	"testing"

	"dsrdesk/internal/dsr"
)

func TestMedianAndPercentileOfAHistogram(t *testing.T) {
	for _, tc := range []struct {
		name   string
		days   []int
		median float64
		p95    int
	}{
		{"one answer", []int{12}, 12, 12},
		{"an odd number: the middle one", []int{2, 4, 6, 8, 30}, 6, 30},
		{"an even number: the mean of the middle two", []int{2, 4, 6, 9}, 5, 9},
		{"answers the same day", []int{0, 0, 0}, 0, 0},
		{"ties across the middle", []int{3, 3, 3, 3, 10, 10}, 3, 10},
		// Nearest rank: 95 % of 20 answers is the 19th.
		{"twenty answers", []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 40}, 10.5, 19},
		{"a hundred answers, five slow", append(repeat(10, 95), repeat(60, 5)...), 10, 10},
		{"a hundred answers, six slow", append(repeat(10, 94), repeat(60, 6)...), 10, 60},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := map[int]int{}
			for _, d := range tc.days {
				h[d]++
			}
			m, p := Median(h), Percentile(h, 95)
			if m == nil || *m != tc.median {
				t.Errorf("median %v, want %v", deref(m), tc.median)
			}
			if p == nil || *p != tc.p95 {
				t.Errorf("95th percentile %v, want %v", deref(p), tc.p95)
			}
		})
	}
	if Median(map[int]int{}) != nil || Percentile(map[int]int{5: 0}, 95) != nil {
		t.Error("an empty histogram has a median or a percentile")
	}
}

func repeat(v, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestComputeSharesAndGrounds(t *testing.T) {
	tally := dsr.NewTally("2026-03")
	tally.Received = 9
	tally.Kinds[dsr.KindAccess], tally.Kinds[dsr.KindErasure] = 7, 3
	tally.Channels[dsr.ChannelLetter] = 9
	tally.AnswerDays[0], tally.AnswerDays[10], tally.AnswerDays[40] = 2, 5, 1
	tally.OnTime, tally.AccessAnswered, tally.AccessSameDay = 7, 4, 2
	tally.Outcomes[dsr.CaseRefused], tally.Outcomes[dsr.CasePartlyRefused], tally.Outcomes[dsr.CaseAnswered] = 1, 2, 5
	f := compute("2026-03", tally)
	if f.Answered != 8 || *f.OnTimeShare != 7.0/8 || *f.SameDayShare != 0.5 || *f.MedianDays != 10 || *f.P95Days != 40 {
		t.Errorf("figures %+v", f)
	}
	if len(f.Kinds) != len(dsr.Kinds) || f.Kinds[0] != (Count{"access", 7}) || f.Kinds[3] != (Count{"erasure", 3}) {
		t.Errorf("kinds %+v", f.Kinds)
	}
	if len(f.Channels) != 4 || f.Channels[1] != (Count{"letter", 9}) {
		t.Errorf("channels %+v", f.Channels)
	}
	want := []Refusal{{dsr.CaseRefused, "Art. 12(5)", 1}, {dsr.CaseIdentityNotEstablished, "Art. 12(6)", 0}, {dsr.CasePartlyRefused, "Art. 15(4)", 2}}
	for i, r := range f.Refusals {
		if r != want[i] {
			t.Errorf("refusal %d: %+v, want %+v", i, r, want[i])
		}
	}
	empty := compute("2026-04", dsr.NewTally("2026-04"))
	if empty.OnTimeShare != nil || empty.SameDayShare != nil || empty.MedianDays != nil || empty.P95Days != nil {
		t.Errorf("a month without answers has shares or days: %+v", empty)
	}
}
