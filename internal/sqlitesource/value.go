package sqlitesource

import (
	"math"
	"strconv"
	"strings"
	"time"

	"dsrdesk/internal/catalogue"
	"dsrdesk/internal/dsr"
)

// toValue types one database value by its column's format. A value that
// does not fit the format is kept as text, as the register holds it, rather
// than hidden: the extract must show what the register holds. NULL is the
// empty value whatever the format.
func toValue(v any, format string) dsr.Value {
	if b, ok := v.([]byte); ok {
		v = string(b)
	}
	if v == nil {
		return dsr.Value{}
	}
	switch format {
	case catalogue.FormatDate:
		if d, ok := toDate(v); ok {
			return dsr.DateValue(d)
		}
	case catalogue.FormatSEK:
		if ore, ok := toOre(v); ok {
			return dsr.AmountValue(ore)
		}
	case catalogue.FormatNumber:
		if n, ok := toInt(v); ok {
			return dsr.NumberValue(n)
		}
	case catalogue.FormatCode:
		return dsr.CodeValue(plain(v))
	}
	return dsr.TextValue(plain(v))
}

// plain writes a value with no particular format.
func plain(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return string(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strings.Replace(strconv.FormatFloat(x, 'f', -1, 64), ".", ",", 1)
	case bool:
		if x {
			return "1"
		}
		return "0"
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format(dsr.DateLayout)
		}
		return x.Format("2006-01-02 15:04")
	}
	return ""
}

// toDate reads a calendar date. SQLite has no date type: dates are stored as
// ISO text, possibly with a time part, which is cut off; the driver turns
// columns declared DATE or TIMESTAMP into times, whose date is kept.
func toDate(v any) (time.Time, bool) {
	switch x := v.(type) {
	case time.Time:
		return time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, time.UTC), true
	case string:
		if len(x) == 10 || len(x) > 10 && (x[10] == ' ' || x[10] == 'T') {
			if d, err := time.Parse(dsr.DateLayout, x[:10]); err == nil {
				return d, true
			}
		}
	}
	return time.Time{}, false
}

// toOre converts a stored amount in kronor (integer, real or numeric text) to
// öre, rounding to the nearest öre.
func toOre(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x * 100, true
	case float64:
		ore := math.Round(x * 100)
		if math.IsNaN(ore) || math.Abs(ore) >= math.MaxInt64 {
			return 0, false
		}
		return int64(ore), true
	case string:
		f, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(x), ",", ".", 1), 64)
		if err != nil {
			return 0, false
		}
		return toOre(f)
	}
	return 0, false
}

// toInt reads a whole number: an integer, or a real with nothing after the
// point (SQLite stores a number in a REAL column as a real).
func toInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x), true
		}
	}
	return 0, false
}
