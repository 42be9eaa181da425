package stats_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dsrdesk/internal/deadline"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/sqlite"
	"dsrdesk/internal/stats"
)

// today is the fixed clock of these tests: Monday 23 November 2026.
var today = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

var (
	dpo     = dsr.Actor{Kind: dsr.ActorStaff, ID: "dpo1", Role: dsr.RoleDPO}
	officer = dsr.Actor{Kind: dsr.ActorStaff, ID: "off1", Role: dsr.RoleOfficer}
	printer = dsr.Actor{Kind: dsr.ActorStaff, ID: "prt1", Role: dsr.RolePrint}
)

func open(t *testing.T) (*sqlite.DB, *stats.Service) {
	t.Helper()
	clock := func() time.Time { return today }
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "dsrdesk.db"), sqlite.Options{SealKey: testSealKey, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, stats.NewService(db, clock)
}

// spec is a case as these tests need it: when it came, how, and when (if
// ever) it was extended, decided and answered.
type spec struct {
	kinds    []dsr.Kind
	channel  dsr.Channel
	received string
	extended bool
	outcome  dsr.CaseOutcome
	answered string // "" for a case not yet answered; "due" for its deadline in force; "due+1" for the day after
}

var cal = deadline.Calendar{}

func day(s string) time.Time {
	d, err := time.Parse(dsr.DateLayout, s)
	if err != nil {
		panic(err)
	}
	return d
}

// add registers a case as casework does, then carries it to where the spec
// says through the store's ordinary update, as the services do.
func add(t *testing.T, db *sqlite.DB, i int, s spec) *dsr.Case {
	t.Helper()
	ctx := context.Background()
	received := day(s.received)
	d := cal.Compute(received)
	if s.kinds == nil {
		s.kinds = []dsr.Kind{dsr.KindAccess}
	}
	if s.channel == "" {
		s.channel = dsr.ChannelLetter
	}
	c := &dsr.Case{ID: fmt.Sprintf("c%03d", i), Kinds: s.kinds, Status: dsr.StatusReceived, Channel: s.channel, SubjectPNR: "198112189876",
		Language: "sv", ReceivedOn: received, TargetOn: d.TargetOn, DueOn: d.DueOn}
	if _, err := db.CreateCase(ctx, c, "hmac", "", "", dsr.Event(officer, dsr.ActionCaseReceived, c.ID, "")); err != nil {
		t.Fatal(err)
	}
	c, err := db.UpdateCase(ctx, c.ID, func(c *dsr.Case) ([]dsr.AuditEvent, error) {
		if s.extended {
			c.ExtendedDueOn = &d.ExtendedDueOn
		}
		if s.outcome != "" {
			c.Outcome = s.outcome
			decided := received
			c.DecidedOn = &decided
			c.Status = dsr.StatusDecided
		}
		if s.answered != "" {
			var on time.Time
			switch s.answered {
			case "due":
				on = c.EffectiveDue()
			case "due+1":
				on = c.EffectiveDue().AddDate(0, 0, 1)
			default:
				on = day(s.answered)
			}
			c.AnsweredOn, c.Status = &on, dsr.StatusSent
			if c.DecidedOn == nil {
				c.Outcome, c.DecidedOn = dsr.CaseAnswered, &on
			}
		}
		if s.outcome == dsr.CaseWithdrawn {
			c.Status = dsr.StatusClosed
		}
		return []dsr.AuditEvent{dsr.Event(officer, dsr.ActionCaseExtended, c.ID, "")}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ptr[T any](v T) *T { return &v }

// TestYearFigures: one row per rule of the statistics, each on a store of
// its own, checked on the year's total.
func TestYearFigures(t *testing.T) {
	type want struct {
		requests, answered, onTime, accessAnswered, sameDay int
		median                                              *float64
		p95                                                 *int
		onTimeShare, sameDayShare                           *float64
		refusals                                            [3]int // 12(5), 12(6), 15(4)
	}
	for _, tc := range []struct {
		name  string
		cases []spec
		want  want
	}{
		{"an access request answered the day it arrived", []spec{{channel: dsr.ChannelEService, received: "2026-03-02", answered: "2026-03-02"}},
			want{requests: 1, answered: 1, onTime: 1, accessAnswered: 1, sameDay: 1, median: ptr(0.0), p95: ptr(0), onTimeShare: ptr(1.0), sameDayShare: ptr(1.0)}},
		// Received 5 March 2026 → 5 April is Easter Sunday, 6 April Easter Monday → due 7 April.
		{"a case answered on its due date is on time", []spec{{received: "2026-03-05", answered: "due"}},
			want{requests: 1, answered: 1, onTime: 1, accessAnswered: 1, median: ptr(33.0), p95: ptr(33), onTimeShare: ptr(1.0), sameDayShare: ptr(0.0)}},
		{"a case answered the day after its due date is late", []spec{{received: "2026-03-05", answered: "due+1"}},
			want{requests: 1, answered: 1, accessAnswered: 1, median: ptr(34.0), p95: ptr(34), onTimeShare: ptr(0.0), sameDayShare: ptr(0.0)}},
		{"an unanswered case does not count as an answer", []spec{{received: "2026-10-30"}},
			want{requests: 1}},
		{"an extended case is measured against its extended deadline", []spec{{kinds: []dsr.Kind{dsr.KindRectify}, received: "2026-01-10", extended: true, answered: "2026-03-02"}},
			want{requests: 1, answered: 1, onTime: 1, median: ptr(51.0), p95: ptr(51), onTimeShare: ptr(1.0)}},
		{"median and 95th percentile over five answers", []spec{
			{received: "2026-05-04", answered: "2026-05-06"}, {received: "2026-05-04", answered: "2026-05-08"},
			{received: "2026-05-04", answered: "2026-05-10"}, {received: "2026-05-04", answered: "2026-05-12"},
			{received: "2026-05-04", answered: "2026-06-15"}},
			want{requests: 5, answered: 5, onTime: 4, accessAnswered: 5, median: ptr(6.0), p95: ptr(42), onTimeShare: ptr(0.8), sameDayShare: ptr(0.0)}},
		{"refusals by legal ground", []spec{
			{received: "2026-04-01", outcome: dsr.CaseRefused, answered: "2026-04-10"},
			{received: "2026-04-01", outcome: dsr.CaseIdentityNotEstablished, answered: "2026-04-10"},
			{received: "2026-04-01", outcome: dsr.CasePartlyRefused, answered: "2026-04-10"},
			{kinds: []dsr.Kind{dsr.KindErasure}, received: "2026-04-01", outcome: dsr.CasePartlyRefused, answered: "2026-04-10"},
			{received: "2026-04-01", outcome: dsr.CaseNoData, answered: "2026-04-10"}},
			want{requests: 5, answered: 5, onTime: 5, accessAnswered: 4, median: ptr(9.0), p95: ptr(9), onTimeShare: ptr(1.0), sameDayShare: ptr(0.0), refusals: [3]int{1, 1, 2}}},
		{"a withdrawn request is a request but no answer", []spec{{received: "2026-06-01", outcome: dsr.CaseWithdrawn}},
			want{requests: 1}},
		{"the same-day share counts access requests only", []spec{
			{kinds: []dsr.Kind{dsr.KindErasure}, received: "2026-06-01", answered: "2026-06-01"},
			{received: "2026-06-01", answered: "2026-06-03"}},
			want{requests: 2, answered: 2, onTime: 2, accessAnswered: 1, median: ptr(1.0), p95: ptr(2), onTimeShare: ptr(1.0), sameDayShare: ptr(0.0)}},
		{"an answer of last year is not this year's", []spec{{received: "2025-12-01", answered: "2025-12-20"}, {received: "2025-12-20", answered: "2026-01-05"}},
			want{answered: 1, onTime: 1, accessAnswered: 1, median: ptr(16.0), p95: ptr(16), onTimeShare: ptr(1.0), sameDayShare: ptr(0.0)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, svc := open(t)
			for i, s := range tc.cases {
				add(t, db, i, s)
			}
			y, err := svc.Year(context.Background(), 2026, dpo)
			if err != nil {
				t.Fatal(err)
			}
			f, w := y.Total, tc.want
			got := want{requests: f.Requests, answered: f.Answered, onTime: f.OnTime, accessAnswered: f.AccessAnswered, sameDay: f.AccessSameDay,
				median: f.MedianDays, p95: f.P95Days, onTimeShare: f.OnTimeShare, sameDayShare: f.SameDayShare}
			for i, r := range f.Refusals {
				got.refusals[i] = r.N
			}
			if fmt.Sprint(got.requests, got.answered, got.onTime, got.accessAnswered, got.sameDay, got.refusals, deref(got.median), deref(got.p95), deref(got.onTimeShare), deref(got.sameDayShare)) !=
				fmt.Sprint(w.requests, w.answered, w.onTime, w.accessAnswered, w.sameDay, w.refusals, deref(w.median), deref(w.p95), deref(w.onTimeShare), deref(w.sameDayShare)) {
				t.Errorf("got  %+v (median %v, p95 %v, on time %v, same day %v)\nwant %+v (median %v, p95 %v, on time %v, same day %v)",
					got, deref(got.median), deref(got.p95), deref(got.onTimeShare), deref(got.sameDayShare),
					w, deref(w.median), deref(w.p95), deref(w.onTimeShare), deref(w.sameDayShare))
			}
			if len(y.Months) != 12 || y.Months[0].Period != "2026-01" || y.Total.Period != "2026" {
				t.Errorf("months %d from %s, total %s", len(y.Months), y.Months[0].Period, y.Total.Period)
			}
		})
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestFiguresCountByTheirOwnMonth: a request counts in the month it came,
// its answer in the month it reached the person.
func TestFiguresCountByTheirOwnMonth(t *testing.T) {
	db, svc := open(t)
	add(t, db, 1, spec{received: "2026-01-28", answered: "2026-02-03"})
	add(t, db, 2, spec{kinds: []dsr.Kind{dsr.KindAccess, dsr.KindErasure}, channel: dsr.ChannelPhone, received: "2026-02-10", extended: true})
	y, err := svc.Year(context.Background(), 2026, dpo)
	if err != nil {
		t.Fatal(err)
	}
	jan, feb := y.Months[0], y.Months[1]
	if jan.Requests != 1 || jan.Answered != 0 || feb.Requests != 1 || feb.Answered != 1 || *feb.MedianDays != 6 {
		t.Errorf("January %d requests %d answers; February %d requests %d answers", jan.Requests, jan.Answered, feb.Requests, feb.Answered)
	}
	if feb.Extensions != 1 || feb.Kinds[0].N != 1 || feb.Kinds[3].N != 1 || feb.Channels[2] != (stats.Count{Key: "phone", N: 1}) {
		t.Errorf("February: %d extensions, kinds %+v, channels %+v", feb.Extensions, feb.Kinds, feb.Channels)
	}
}

// TestDashboard: open cases by status, due soon and overdue, the warnings
// 1, 3 and 7 days ahead, who may see it, and that reading it is audited.
func TestDashboard(t *testing.T) {
	db, svc := open(t)
	ctx := context.Background()
	// Due dates relative to Monday 23 November 2026: received a month
	// before, none of them rolled.
	for i, s := range []spec{
		{received: "2026-10-24"}, // due Tue 24 Nov: in 1 day
		{received: "2026-10-24"},
		{received: "2026-10-26"},                    // due Thu 26 Nov: in 3 days
		{received: "2026-10-30"},                    // due Mon 30 Nov: in 7 days
		{received: "2026-10-27"},                    // due Fri 27 Nov: in 4 days, no warning
		{received: "2026-09-01"},                    // overdue
		{received: "2026-10-24", answered: "due-1"}, // answered: no warning
	} {
		if s.answered == "due-1" {
			s.answered = "2026-11-20"
		}
		add(t, db, i, s)
	}
	if _, err := db.UpdateCase(ctx, "c003", func(c *dsr.Case) ([]dsr.AuditEvent, error) {
		c.Status = dsr.StatusAssembled
		return []dsr.AuditEvent{dsr.Event(officer, dsr.ActionCaseRead, c.ID, "")}, nil
	}); err != nil {
		t.Fatal(err)
	}
	d, err := svc.Dashboard(ctx, dpo)
	if err != nil {
		t.Fatal(err)
	}
	if d.Open.Total != 6 || d.Open.ByStatus[dsr.StatusReceived] != 5 || d.Open.ByStatus[dsr.StatusAssembled] != 1 || d.Open.DueSoon != 5 || d.Open.Overdue != 1 {
		t.Errorf("open cases %+v", d.Open)
	}
	got := map[int]string{}
	for _, w := range d.Warnings {
		var numbers []string
		for _, c := range w.Cases {
			numbers = append(numbers, c.Number)
		}
		got[w.Days] = fmt.Sprintf("%s %d %s", dsr.FormatDate(w.Due), w.Count, strings.Join(numbers, ","))
	}
	want := map[int]string{1: "2026-11-24 2 DSR-2026-000001,DSR-2026-000002", 3: "2026-11-26 1 DSR-2026-000003", 7: "2026-11-30 1 DSR-2026-000004"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("warnings %v, want %v", got, want)
	}
	if len(d.Year.Months) != 11 || d.Year.Months[10].Period != "2026-11" {
		t.Errorf("the dashboard's year has %d months", len(d.Year.Months))
	}

	for _, who := range []dsr.Actor{officer, printer, {}} {
		if _, err := svc.Dashboard(ctx, who); dsr.ErrorCode(err) != dsr.EFORBIDDEN {
			t.Errorf("%s reads the dashboard: %v", who.Role, err)
		}
		if _, err := svc.Year(ctx, 2026, who); dsr.ErrorCode(err) != dsr.EFORBIDDEN {
			t.Errorf("%s reads the statistics: %v", who.Role, err)
		}
	}
	if w, err := svc.Warnings(ctx, officer); err != nil || len(w) != 3 || w[0].Count != 2 {
		t.Errorf("an officer's warnings: %+v %v", w, err)
	}
	if _, err := svc.Warnings(ctx, printer); dsr.ErrorCode(err) != dsr.EFORBIDDEN {
		t.Errorf("the print operator sees warnings: %v", err)
	}
	events, err := db.AuditEvents(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var read, listed int
	for _, e := range events {
		switch {
		case e.Action == dsr.ActionStatsRead && e.Actor == dpo.String():
			read++
		case e.Action == dsr.ActionCaseList && strings.Contains(e.Detail, "due_warnings"):
			listed++
		}
	}
	if read != 1 || listed != 1 {
		t.Errorf("%d statistics reads and %d warning listings audited, want 1 and 1", read, listed)
	}
}

func TestYearIsChecked(t *testing.T) {
	_, svc := open(t)
	for _, tc := range []struct {
		text string
		year int
		ok   bool
	}{{"", 2026, true}, {"2026", 2026, true}, {"2018", 2018, true}, {"26", 0, false}, {"20x6", 0, false}, {"02026", 0, false}} {
		y, err := svc.ParseYear(tc.text)
		if (err == nil) != tc.ok || y != tc.year || err != nil && dsr.ErrorField(err) != "year" {
			t.Errorf("ParseYear(%q) = %d, %v", tc.text, y, err)
		}
	}
	for _, year := range []int{2017, 2027} {
		if _, err := svc.Year(context.Background(), year, dpo); dsr.ErrorCode(err) != dsr.EINVALID || dsr.ErrorField(err) != "year" {
			t.Errorf("year %d: %v", year, err)
		}
	}
}
