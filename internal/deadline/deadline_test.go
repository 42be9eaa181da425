package deadline

import (
	"testing"
	"time"
)

// d parses a YYYY-MM-DD test date.
func d(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse("2006-01-02", s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func fmtDate(v time.Time) string { return v.Format("2006-01-02 Mon") }

func TestEaster(t *testing.T) {
	tests := []struct {
		year int
		want string
	}{
		{1818, "1818-03-22"}, // earliest possible
		{1943, "1943-04-25"}, // latest possible
		{2000, "2000-04-23"},
		{2008, "2008-03-23"},
		{2011, "2011-04-24"},
		{2016, "2016-03-27"},
		{2019, "2019-04-21"},
		{2024, "2024-03-31"},
		{2025, "2025-04-20"},
		{2026, "2026-04-05"},
		{2027, "2027-03-28"},
		{2038, "2038-04-25"},
		{2285, "2285-03-22"},
	}
	for _, tt := range tests {
		got := Easter(tt.year)
		if !got.Equal(d(t, tt.want)) {
			t.Errorf("Easter(%d) = %s, want %s", tt.year, fmtDate(got), tt.want)
		}
		if got.Weekday() != time.Sunday {
			t.Errorf("Easter(%d) = %s is not a Sunday", tt.year, fmtDate(got))
		}
	}
}

func TestHolidays(t *testing.T) {
	tests := []struct {
		date     string
		name     string // with the default calendar
		withEves string // with TreatEvesAsHolidays
	}{
		{"2025-01-01", "nyårsdagen", "nyårsdagen"},
		{"2025-01-06", "trettondedag jul", "trettondedag jul"},
		{"2025-04-18", "långfredagen", "långfredagen"},
		{"2025-04-19", "", ""}, // Easter Saturday is not a holiday
		{"2025-04-20", "påskdagen", "påskdagen"},
		{"2025-04-21", "annandag påsk", "annandag påsk"},
		{"2024-03-29", "långfredagen", "långfredagen"},
		{"2024-04-01", "annandag påsk", "annandag påsk"},
		{"2025-05-01", "första maj", "första maj"},
		{"2025-05-29", "Kristi himmelsfärdsdag", "Kristi himmelsfärdsdag"},
		{"2026-05-14", "Kristi himmelsfärdsdag", "Kristi himmelsfärdsdag"},
		{"2025-06-08", "pingstdagen", "pingstdagen"},
		{"2026-05-24", "pingstdagen", "pingstdagen"},
		{"2025-06-09", "", ""}, // Whit Monday was abolished in 2005
		{"2025-06-06", "Sveriges nationaldag", "Sveriges nationaldag"},
		// Midsummer Day, the Saturday 20–26 June, and its Eve the day before.
		{"2024-06-22", "midsommardagen", "midsommardagen"},
		{"2025-06-21", "midsommardagen", "midsommardagen"},
		{"2026-06-20", "midsommardagen", "midsommardagen"},
		{"2027-06-26", "midsommardagen", "midsommardagen"},
		{"2027-06-19", "", ""}, // a Saturday, but before the 20th
		{"2024-06-21", "", "midsommarafton"},
		{"2025-06-20", "", "midsommarafton"},
		{"2026-06-19", "", "midsommarafton"},
		{"2027-06-25", "", "midsommarafton"},
		{"2025-06-27", "", ""}, // a Friday, but not Midsummer Eve
		// All Saints' Day, the Saturday 31 October – 6 November.
		{"2024-11-02", "alla helgons dag", "alla helgons dag"},
		{"2025-11-01", "alla helgons dag", "alla helgons dag"},
		{"2026-10-31", "alla helgons dag", "alla helgons dag"},
		{"2027-11-06", "alla helgons dag", "alla helgons dag"},
		{"2025-10-31", "", ""}, // a Friday
		{"2025-12-24", "", "julafton"},
		{"2025-12-25", "juldagen", "juldagen"},
		{"2025-12-26", "annandag jul", "annandag jul"},
		{"2025-12-31", "", "nyårsafton"},
		// Plain days.
		{"2025-03-09", "söndag", "söndag"},
		{"2025-03-08", "", ""}, // a Saturday is not a holiday
		{"2025-03-10", "", ""},
		{"2025-12-23", "", ""},
	}
	for _, tt := range tests {
		day := d(t, tt.date)
		for _, c := range []struct {
			cal  Calendar
			want string
		}{
			{Calendar{}, tt.name},
			{Calendar{TreatEvesAsHolidays: true}, tt.withEves},
		} {
			if got := c.cal.HolidayName(day); got != c.want {
				t.Errorf("%+v.HolidayName(%s) = %q, want %q", c.cal, fmtDate(day), got, c.want)
			}
			if got := c.cal.IsHoliday(day); got != (c.want != "") {
				t.Errorf("%+v.IsHoliday(%s) = %v, want %v", c.cal, fmtDate(day), got, c.want != "")
			}
		}
	}
}

func TestHolidayIgnoresClockAndZone(t *testing.T) {
	// A date carried with a clock still means its calendar day.
	late := time.Date(2025, time.December, 25, 23, 30, 0, 0, time.FixedZone("CET", 3600))
	if !(Calendar{}).IsHoliday(late) {
		t.Errorf("IsHoliday(%v) = false, want true (juldagen)", late)
	}
}

func TestAddMonths(t *testing.T) {
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2025-03-05", 1, "2025-04-05"},
		{"2025-01-31", 1, "2025-02-28"},
		{"2024-01-31", 1, "2024-02-29"}, // leap year
		{"2100-01-31", 1, "2100-02-28"}, // century, not a leap year
		{"2000-01-31", 1, "2000-02-29"},
		{"2025-03-31", 1, "2025-04-30"},
		{"2025-08-31", 1, "2025-09-30"},
		{"2025-08-31", 3, "2025-11-30"},
		{"2024-11-30", 3, "2025-02-28"},
		{"2023-11-29", 3, "2024-02-29"},
		{"2025-11-25", 1, "2025-12-25"},
		{"2025-12-31", 1, "2026-01-31"}, // into the next year
		{"2025-10-31", 3, "2026-01-31"},
		{"2025-02-28", 1, "2025-03-28"}, // not the last day of March
		{"2025-03-31", -1, "2025-02-28"},
		{"2025-01-15", -1, "2024-12-15"},
		{"2025-05-31", 0, "2025-05-31"},
	}
	for _, tt := range tests {
		if got := AddMonths(d(t, tt.from), tt.n); !got.Equal(d(t, tt.want)) {
			t.Errorf("AddMonths(%s, %d) = %s, want %s", tt.from, tt.n, fmtDate(got), tt.want)
		}
	}
}

func TestRoll(t *testing.T) {
	tests := []struct {
		from string
		eves bool
		want string
	}{
		{"2025-04-07", false, "2025-04-07"}, // a Monday stays
		{"2025-04-05", false, "2025-04-07"}, // Saturday
		{"2025-04-06", false, "2025-04-07"}, // Sunday
		{"2025-04-18", false, "2025-04-22"}, // Good Friday through Easter Monday
		{"2025-05-29", false, "2025-05-30"}, // Ascension Day
		{"2025-06-06", false, "2025-06-09"}, // National Day, then a Whitsun weekend
		{"2025-06-20", false, "2025-06-20"}, // Midsummer Eve is a working day
		{"2025-06-20", true, "2025-06-23"},
		{"2025-12-24", false, "2025-12-24"},
		{"2025-12-24", true, "2025-12-29"},
		{"2029-12-30", false, "2029-12-31"}, // Sunday, then New Year's Eve
		{"2029-12-30", true, "2030-01-02"},  // … and with eves, past 1 January
		{"2026-10-31", false, "2026-11-02"}, // All Saints' Day
	}
	for _, tt := range tests {
		c := Calendar{TreatEvesAsHolidays: tt.eves}
		if got := c.Roll(d(t, tt.from)); !got.Equal(d(t, tt.want)) {
			t.Errorf("%+v.Roll(%s) = %s, want %s", c, tt.from, fmtDate(got), tt.want)
		}
	}
}

func TestCompute(t *testing.T) {
	tests := []struct {
		name       string
		receivedOn string
		eves       bool
		target     string
		due        string
		extended   string
	}{
		// RULES §2 worked examples.
		{"due date on a Saturday", "2025-03-05", false, "2025-04-05", "2025-04-07", "2025-06-05"},
		{"extended due date on a Sunday", "2025-08-31", false, "2025-09-30", "2025-09-30", "2025-12-01"},
		{"Christmas then a weekend", "2025-11-25", false, "2025-12-25", "2025-12-29", "2026-02-25"},

		{"Christmas Eve is a working day by default", "2025-11-24", false, "2025-12-24", "2025-12-24", "2026-02-24"},
		{"Christmas Eve with eves as holidays", "2025-11-24", true, "2025-12-24", "2025-12-29", "2026-02-24"},
		{"Midsummer Eve by default", "2025-05-20", false, "2025-06-20", "2025-06-20", "2025-08-20"},
		{"Midsummer Eve with eves as holidays", "2025-05-20", true, "2025-06-20", "2025-06-23", "2025-08-20"},
		{"New Year's Eve with eves as holidays", "2029-11-30", true, "2029-12-30", "2030-01-02", "2030-02-28"},
		{"31 January", "2025-01-31", false, "2025-02-28", "2025-02-28", "2025-04-30"},
		{"31 January in a leap year", "2024-01-31", false, "2024-02-29", "2024-02-29", "2024-04-30"},
		{"Good Friday", "2025-03-18", false, "2025-04-18", "2025-04-22", "2025-06-18"},
		{"Ascension Day", "2025-04-29", false, "2025-05-29", "2025-05-30", "2025-07-29"},
		{"received on a Sunday", "2025-03-02", false, "2025-04-02", "2025-04-02", "2025-06-02"},
		{"extended onto Whitsunday and National Day", "2025-03-06", false, "2025-04-06", "2025-04-07", "2025-06-09"},
		{"extended onto All Saints' Day", "2026-07-31", false, "2026-08-31", "2026-08-31", "2026-11-02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Calendar{TreatEvesAsHolidays: tt.eves}
			got := c.Compute(d(t, tt.receivedOn))
			if !got.TargetOn.Equal(d(t, tt.target)) {
				t.Errorf("TargetOn = %s, want %s", fmtDate(got.TargetOn), tt.target)
			}
			if !got.DueOn.Equal(d(t, tt.due)) {
				t.Errorf("DueOn = %s, want %s", fmtDate(got.DueOn), tt.due)
			}
			if !got.ExtendedDueOn.Equal(d(t, tt.extended)) {
				t.Errorf("ExtendedDueOn = %s, want %s", fmtDate(got.ExtendedDueOn), tt.extended)
			}
		})
	}
}
