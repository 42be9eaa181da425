package deadline

import "time"

// Calendar is the Swedish calendar of public holidays used to roll deadlines.
// The zero value follows the law: the eves are working days.
type Calendar struct {
	// TreatEvesAsHolidays adds Midsummer Eve, Christmas Eve and New Year's
	// Eve, which lag (1930:173) 2 § treats like holidays for time limits
	// but which are not public holidays (setting treat_eves_as_holidays).
	TreatEvesAsHolidays bool
}

// Easter returns the date of Easter Sunday in year of the Gregorian calendar.
func Easter(year int) time.Time {
	// The anonymous Gregorian computus: golden number, century corrections
	// for the solar and lunar calendars, the epact, and the next Sunday.
	g := year % 19
	century := year / 100
	yearInCentury := year % 100
	skippedLeap := century / 4
	centuryRest := century % 4
	lunarCorr := (century + 8) / 25
	moonCorr := (century - lunarCorr + 1) / 3
	epact := (19*g + century - skippedLeap - moonCorr + 15) % 30
	leap := yearInCentury / 4
	leapRest := yearInCentury % 4
	weekday := (32 + 2*centuryRest + 2*leap - epact - leapRest) % 7
	corr := (g + 11*epact + 22*weekday) / 451
	n := epact + weekday - 7*corr + 114
	return date(year, time.Month(n/31), n%31+1)
}

// IsHoliday reports whether d is a Sunday or a Swedish public holiday, or,
// when TreatEvesAsHolidays is set, Midsummer Eve, Christmas Eve or New Year's
// Eve. Saturdays that are not holidays are not holidays; Roll skips them
// anyway.
func (c Calendar) IsHoliday(d time.Time) bool {
	return c.HolidayName(d) != ""
}

// HolidayName returns the Swedish name of the holiday on d, "söndag" for a
// Sunday that is no named holiday, or "" when d is not a holiday under c.
func (c Calendar) HolidayName(d time.Time) string {
	d = day(d)
	y, m, dd := d.Date()
	wd := d.Weekday()

	switch {
	case m == time.January && dd == 1:
		return "nyårsdagen"
	case m == time.January && dd == 6:
		return "trettondedag jul"
	case m == time.May && dd == 1:
		return "första maj"
	case m == time.June && dd == 6:
		return "Sveriges nationaldag"
	case m == time.June && dd >= 20 && dd <= 26 && wd == time.Saturday:
		return "midsommardagen"
	case (m == time.October && dd == 31 || m == time.November && dd <= 6) && wd == time.Saturday:
		return "alla helgons dag"
	case m == time.December && dd == 25:
		return "juldagen"
	case m == time.December && dd == 26:
		return "annandag jul"
	}

	switch d.Sub(Easter(y)) / (24 * time.Hour) {
	case -2:
		return "långfredagen"
	case 0:
		return "påskdagen"
	case 1:
		return "annandag påsk"
	case 39:
		return "Kristi himmelsfärdsdag"
	case 49:
		return "pingstdagen"
	}

	if c.TreatEvesAsHolidays {
		switch {
		case m == time.June && dd >= 19 && dd <= 25 && wd == time.Friday:
			return "midsommarafton"
		case m == time.December && dd == 24:
			return "julafton"
		case m == time.December && dd == 31:
			return "nyårsafton"
		}
	}

	if wd == time.Sunday {
		return "söndag"
	}
	return ""
}

// Roll returns d, or if d is a Saturday, a Sunday or a holiday under c, the
// first day after it that is none of these (RULES §2.3).
func (c Calendar) Roll(d time.Time) time.Time {
	d = day(d)
	for d.Weekday() == time.Saturday || c.IsHoliday(d) {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// AddMonths returns the date with the same day number n months after d (or
// before, for negative n); when that month is too short, its last day
// (RULES §2.2). So 31 January plus one month is 28 February, or 29 February
// in a leap year, never 2 or 3 March as time.AddDate would give.
func AddMonths(d time.Time, n int) time.Time {
	y, m, dd := d.Date()
	months := y*12 + int(m) - 1 + n
	// Floor division, so that negative month counts land in the right year.
	ty, tm := months/12, months%12
	if tm < 0 {
		ty, tm = ty-1, tm+12
	}
	month := time.Month(tm + 1)
	if last := daysIn(ty, month); dd > last {
		dd = last
	}
	return date(ty, month, dd)
}

// date returns the calendar date y-m-d at midnight UTC.
func date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// day strips the clock from t, keeping the year, month and day it carries.
func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return date(y, m, d)
}

// daysIn returns the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	// Day 0 of the next month is the last day of this one.
	return date(y, m+1, 0).Day()
}

// Shift moves a deadline by days the clock stood still (RULES §2
// pause_clock_for_identity) and rolls it to a working day.
func (c Calendar) Shift(d time.Time, days int) time.Time {
	if days <= 0 {
		return d
	}
	return c.Roll(d.AddDate(0, 0, days))
}
