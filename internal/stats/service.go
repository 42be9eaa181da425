package stats

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"dsrdesk/internal/dsr"
)

// Store is what the statistics need from the case store.
type Store interface {
	// StatsMonths returns one tally per month from and to (YYYY-MM).
	StatsMonths(ctx context.Context, from, to string) ([]dsr.Tally, error)
	OpenCounts(ctx context.Context, today time.Time) (dsr.OpenCounts, error)
	// CasesDueOn returns how many open cases are due on day and the first
	// limit of them.
	CasesDueOn(ctx context.Context, day time.Time, limit int) (int, []*dsr.Case, error)
	Record(ctx context.Context, events ...dsr.AuditEvent) error
}

// Service computes the dashboard and the yearly statistics.
type Service struct {
	store Store
	now   func() time.Time
}

// NewService returns a statistics service over the case store.
func NewService(store Store, now func() time.Time) *Service {
	return &Service{store: store, now: now}
}

// FirstYear is the first year with statistics: the GDPR applies from
// 25 May 2018.
const FirstYear = 2018

// WarningCases is how many cases a due-date warning names; the queue
// lists the rest.
const WarningCases = 10

// Warning is the open cases whose deadline in force is Days days away.
type Warning struct {
	Days  int
	Due   time.Time
	Count int
	Cases []CaseRef // the first WarningCases, by case number
}

// CaseRef names a case without anything about its person.
type CaseRef struct {
	ID     string
	Number string
}

// Dashboard is the DPO's overview on one day.
type Dashboard struct {
	Today    time.Time
	Open     dsr.OpenCounts
	Warnings []Warning
	Year     Year // this year, January to this month
}

// Year is the statistics of a calendar year: month by month and in total.
type Year struct {
	Year   int
	Months []Figures
	Total  Figures
}

// Dashboard returns the DPO's dashboard for today. The read is audited.
func (s *Service) Dashboard(ctx context.Context, actor dsr.Actor) (*Dashboard, error) {
	if err := dsr.Require(actor, dsr.PermStats); err != nil {
		return nil, err
	}
	today := dsr.Day(s.now())
	d := &Dashboard{Today: today}
	var err error
	if d.Open, err = s.store.OpenCounts(ctx, today); err != nil {
		return nil, err
	}
	if d.Warnings, err = s.warnings(ctx, today); err != nil {
		return nil, err
	}
	if d.Year, err = s.year(ctx, today.Year(), today.Format("2006-01")); err != nil {
		return nil, err
	}
	detail := fmt.Sprintf("dashboard year=%d warned=%d", today.Year(), warned(d.Warnings))
	if err := s.store.Record(ctx, dsr.Event(actor, dsr.ActionStatsRead, "", detail)); err != nil {
		return nil, err
	}
	return d, nil
}

// ParseYear reads a year as a page or the API gives it; empty means this
// year.
func (s *Service) ParseYear(text string) (int, error) {
	if text == "" {
		return dsr.Day(s.now()).Year(), nil
	}
	y, err := strconv.Atoi(text)
	if err != nil || len(text) != 4 {
		return 0, s.yearError()
	}
	return y, nil
}

func (s *Service) yearError() error {
	return dsr.FieldError("year", "stats.year", "The year must be written YYYY, from %d to %d.", FirstYear, dsr.Day(s.now()).Year())
}

// Year returns the statistics of a calendar year, month by month and in
// total. The read is audited.
func (s *Service) Year(ctx context.Context, year int, actor dsr.Actor) (*Year, error) {
	if err := dsr.Require(actor, dsr.PermStats); err != nil {
		return nil, err
	}
	if year < FirstYear || year > dsr.Day(s.now()).Year() {
		return nil, s.yearError()
	}
	y, err := s.year(ctx, year, fmt.Sprintf("%04d-12", year))
	if err != nil {
		return nil, err
	}
	if err := s.store.Record(ctx, dsr.Event(actor, dsr.ActionStatsRead, "", fmt.Sprintf("year=%d", year))); err != nil {
		return nil, err
	}
	return &y, nil
}

// year computes a year's figures from January to the month last.
func (s *Service) year(ctx context.Context, year int, last string) (Year, error) {
	tallies, err := s.store.StatsMonths(ctx, fmt.Sprintf("%04d-01", year), last)
	if err != nil {
		return Year{}, err
	}
	y := Year{Year: year}
	sum := dsr.NewTally(strconv.Itoa(year))
	for _, t := range tallies {
		y.Months = append(y.Months, compute(t.Month, t))
		sum.Add(t)
	}
	y.Total = compute(sum.Month, sum)
	return y, nil
}

// Warnings returns, for officers and the DPO, the open cases due in
// exactly 1, 3 and 7 days (dsr.DueWarningDays). The read is audited as a
// listing of cases.
func (s *Service) Warnings(ctx context.Context, actor dsr.Actor) ([]Warning, error) {
	if err := dsr.Require(actor, dsr.PermReadCases); err != nil {
		return nil, err
	}
	w, err := s.warnings(ctx, dsr.Day(s.now()))
	if err != nil {
		return nil, err
	}
	if err := s.store.Record(ctx, dsr.Event(actor, dsr.ActionCaseList, "", fmt.Sprintf("queue=due_warnings total=%d", warned(w)))); err != nil {
		return nil, err
	}
	return w, nil
}

func (s *Service) warnings(ctx context.Context, today time.Time) ([]Warning, error) {
	var out []Warning
	for _, days := range dsr.DueWarningDays {
		due := today.AddDate(0, 0, days)
		n, cases, err := s.store.CasesDueOn(ctx, due, WarningCases)
		if err != nil {
			return nil, err
		}
		w := Warning{Days: days, Due: due, Count: n}
		for _, c := range cases {
			w.Cases = append(w.Cases, CaseRef{ID: c.ID, Number: c.Number})
		}
		out = append(out, w)
	}
	return out, nil
}

func warned(ws []Warning) int {
	n := 0
	for _, w := range ws {
		n += w.Count
	}
	return n
}
