package stats

import (
	"slices"

	"dsrdesk/internal/dsr"
)

// Figures are the statistics of one period, a month or a year.
type Figures struct {
	Period     string  // YYYY-MM, or YYYY for a year
	Requests   int     // requests received
	Kinds      []Count // requests per kind, every kind in dsr.Kinds order
	Channels   []Count // requests per channel, every channel in dsr.Channels order
	Extensions int     // requests received whose deadline was extended (Art. 12(3))
	Answered   int     // answers that reached the person
	// MedianDays and P95Days are the median and the 95th percentile of the
	// days from receipt to answer; nil without answers.
	MedianDays  *float64
	P95Days     *int
	OnTime      int      // answers on or before the deadline in force
	OnTimeShare *float64 // OnTime / Answered; nil without answers
	// AccessAnswered counts the answers to access requests, AccessSameDay
	// those given the day the request arrived, SameDayShare their share.
	AccessAnswered int
	AccessSameDay  int
	SameDayShare   *float64
	Refusals       []Refusal // decided refusals per legal ground, in RefusalGrounds order
}

// Count is how many of something.
type Count struct {
	Key string
	N   int
}

// Refusal is how many cases ended with a refusal on one legal ground.
type Refusal struct {
	Outcome dsr.CaseOutcome
	Ground  string
	N       int
}

// RefusalGrounds are the outcomes that refuse the person something, each
// with the provision the statistics report it under (RULES §3, §4).
var RefusalGrounds = []Refusal{
	{Outcome: dsr.CaseRefused, Ground: "Art. 12(5)"},
	{Outcome: dsr.CaseIdentityNotEstablished, Ground: "Art. 12(6)"},
	{Outcome: dsr.CasePartlyRefused, Ground: "Art. 15(4)"},
}

// compute turns a period's tally into its figures.
func compute(period string, t dsr.Tally) Figures {
	f := Figures{Period: period, Requests: t.Received, Extensions: t.Extended, Answered: t.Answered(), OnTime: t.OnTime,
		AccessAnswered: t.AccessAnswered, AccessSameDay: t.AccessSameDay}
	for _, k := range dsr.Kinds {
		f.Kinds = append(f.Kinds, Count{Key: string(k), N: t.Kinds[k]})
	}
	for _, c := range dsr.Channels {
		f.Channels = append(f.Channels, Count{Key: string(c), N: t.Channels[c]})
	}
	for _, r := range RefusalGrounds {
		r.N = t.Outcomes[r.Outcome]
		f.Refusals = append(f.Refusals, r)
	}
	if f.Answered > 0 {
		f.MedianDays, f.P95Days = Median(t.AnswerDays), Percentile(t.AnswerDays, 95)
		f.OnTimeShare = ratio(f.OnTime, f.Answered)
	}
	if f.AccessAnswered > 0 {
		f.SameDayShare = ratio(f.AccessSameDay, f.AccessAnswered)
	}
	return f
}

func ratio(n, of int) *float64 {
	r := float64(n) / float64(of)
	return &r
}

// sorted returns the values of a histogram in increasing order.
func sorted(h map[int]int) []int {
	keys := make([]int, 0, len(h))
	for k, n := range h {
		if n > 0 {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// rank returns the value at 1-based position r when the histogram's values
// are laid out in increasing order.
func rank(h map[int]int, keys []int, r int) int {
	seen := 0
	for _, k := range keys {
		seen += h[k]
		if seen >= r {
			return k
		}
	}
	return keys[len(keys)-1]
}

func total(h map[int]int) int {
	n := 0
	for _, c := range h {
		if c > 0 {
			n += c
		}
	}
	return n
}

// Median is the median of the values a histogram (value → how many)
// counts: the middle value, or the mean of the two middle values when
// their number is even; nil for an empty histogram.
func Median(h map[int]int) *float64 {
	n := total(h)
	if n == 0 {
		return nil
	}
	keys := sorted(h)
	m := float64(rank(h, keys, (n+1)/2))
	if n%2 == 0 {
		m = (m + float64(rank(h, keys, n/2+1))) / 2
	}
	return &m
}

// Percentile is the p-th percentile (0 < p ≤ 100) of the values a
// histogram counts, by the nearest-rank method: the smallest value that at
// least p per cent of the values do not exceed; nil for an empty histogram.
func Percentile(h map[int]int, p int) *int {
	n := total(h)
	if n == 0 {
		return nil
	}
	v := rank(h, sorted(h), (p*n+99)/100)
	return &v
}
