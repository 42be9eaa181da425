package dsr

import (
	"sync"
	"time"
	_ "time/tzdata" // the zone database travels with every program that counts dates
)

// DateLayout is the layout of calendar dates in the API, the store and forms.
const DateLayout = "2006-01-02"

// Stockholm is the time zone in which every calendar date of a case is
// counted. The zone is loaded once, from the embedded zone database when the
// machine has none.
var Stockholm = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		panic("dsr: no time zone data for Europe/Stockholm: " + err.Error())
	}
	return loc
})

// Day returns the calendar date of t in Europe/Stockholm as midnight UTC, the
// representation of a date throughout dsrdesk.
func Day(t time.Time) time.Time {
	y, m, d := t.In(Stockholm()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ParseDate parses a YYYY-MM-DD calendar date strictly. It returns a
// field error naming field when the text is not a real date.
func ParseDate(field, s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, FieldError(field, "input.date", "%s must be a date written YYYY-MM-DD.", field)
	}
	return t, nil
}

// FormatDate formats a calendar date as YYYY-MM-DD.
func FormatDate(t time.Time) string { return t.Format(DateLayout) }
