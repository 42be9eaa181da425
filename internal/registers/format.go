package registers

import (
	"math"
	"strconv"
	"strings"
	"time"

	"dsrdesk/internal/dsr"
)

// formatValue renders one database value for a person to read, following the
// column's format. A value that does not fit the format is shown as it is
// rather than hidden: the extract must show what the register holds.
func formatValue(v any, format string) string {
	switch format {
	case FormatDate:
		return formatDate(v)
	case FormatSEK:
		if ore, ok := toOre(v); ok {
			return formatSEK(ore)
		}
	case FormatNumber:
		if n, ok := v.(int64); ok {
			return groupDigits(n)
		}
	}
	return formatPlain(v)
}

// formatPlain renders a value with no particular format.
func formatPlain(v any) string {
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

// formatDate renders a calendar date as YYYY-MM-DD. SQLite has no date type:
// dates are stored as ISO text, possibly with a time part, which is cut off.
func formatDate(v any) string {
	switch x := v.(type) {
	case time.Time:
		return x.Format(dsr.DateLayout)
	case string:
		if len(x) > 10 && isISODate(x[:10]) && (x[10] == ' ' || x[10] == 'T') {
			return x[:10]
		}
	}
	return formatPlain(v)
}

func isISODate(s string) bool {
	_, err := time.Parse(dsr.DateLayout, s)
	return err == nil
}

// toOre converts a stored amount in kronor (integer, real or numeric text) to
// öre, rounding to the nearest öre.
func toOre(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x * 100, true
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, false
		}
		return int64(math.Round(x * 100)), true
	case string:
		f, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(x), ",", ".", 1), 64)
		if err != nil {
			return 0, false
		}
		return toOre(f)
	case []byte:
		return toOre(string(x))
	}
	return 0, false
}

// formatSEK renders an amount in öre the Swedish way: "1 234,50 kr". Digits
// are grouped with an ordinary space so that the text is easy to search and
// renders in any font.
func formatSEK(ore int64) string {
	sign := ""
	if ore < 0 {
		sign = "-"
		ore = -ore
	}
	return sign + groupDigits(ore/100) + "," + twoDigits(ore%100) + " kr"
}

func twoDigits(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// groupDigits writes an integer with a space between groups of three digits.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
