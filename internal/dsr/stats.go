package dsr

// Tally is what the case store counts for the statistics of one calendar
// month. Each figure counts by the month of its own date: a request, its
// channel, its kinds and an extension by the month it was received; an
// answer (days to answer, on time, the same day) by the month it reached
// the person (AnsweredOn); an outcome by the month it was decided.
type Tally struct {
	Month          string // YYYY-MM
	Received       int
	Kinds          map[Kind]int // a request of several kinds counts under each
	Channels       map[Channel]int
	Extended       int
	AnswerDays     map[int]int // days from receipt to answer → answers
	OnTime         int         // answered on or before the deadline in force
	AccessAnswered int         // answers to requests that include access
	AccessSameDay  int         // … given the day the request arrived
	Outcomes       map[CaseOutcome]int
}

// NewTally returns an empty tally of a month.
func NewTally(month string) Tally {
	return Tally{Month: month, Kinds: map[Kind]int{}, Channels: map[Channel]int{}, AnswerDays: map[int]int{}, Outcomes: map[CaseOutcome]int{}}
}

// Answered is the number of answers the tally counts.
func (t Tally) Answered() int {
	n := 0
	for _, c := range t.AnswerDays {
		n += c
	}
	return n
}

// Add adds another tally's counts to t (for a total over months).
func (t *Tally) Add(o Tally) {
	t.Received += o.Received
	t.Extended += o.Extended
	t.OnTime += o.OnTime
	t.AccessAnswered += o.AccessAnswered
	t.AccessSameDay += o.AccessSameDay
	for k, n := range o.Kinds {
		t.Kinds[k] += n
	}
	for k, n := range o.Channels {
		t.Channels[k] += n
	}
	for k, n := range o.AnswerDays {
		t.AnswerDays[k] += n
	}
	for k, n := range o.Outcomes {
		t.Outcomes[k] += n
	}
}

// OpenCounts are the cases not yet answered on a day, as the DPO's
// dashboard shows them.
type OpenCounts struct {
	Total    int
	ByStatus map[Status]int
	DueSoon  int // due today or within DueSoonDays
	Overdue  int // past the deadline in force
}

// DueWarningDays are how many days before its deadline an open case is
// warned about: a week, three days and the day before.
var DueWarningDays = []int{1, 3, 7}
