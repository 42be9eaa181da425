package registers

import (
	"testing"
	"time"
)

func TestFormatValue(t *testing.T) {
	tests := []struct {
		v      any
		format string
		want   string
	}{
		{int64(1234), FormatSEK, "1 234,00 kr"},
		{int64(0), FormatSEK, "0,00 kr"},
		{int64(-1500), FormatSEK, "-1 500,00 kr"},
		{1234.5, FormatSEK, "1 234,50 kr"},
		{0.005, FormatSEK, "0,01 kr"},
		{"987654.25", FormatSEK, "987 654,25 kr"},
		{"not money", FormatSEK, "not money"},
		{nil, FormatSEK, ""},
		{int64(20480), FormatNumber, "20 480"},
		{int64(999), FormatNumber, "999"},
		{int64(-1234567), FormatNumber, "-1 234 567"},
		{"2024-03-01", FormatDate, "2024-03-01"},
		{"2024-03-01 12:30:00", FormatDate, "2024-03-01"},
		{"2024-03-01T12:30:00Z", FormatDate, "2024-03-01"},
		{"mars 2024", FormatDate, "mars 2024"},
		{time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), FormatDate, "2024-03-01"},
		{time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), "", "2024-03-01"},
		{time.Date(2024, 3, 1, 9, 5, 0, 0, time.UTC), "", "2024-03-01 09:05"},
		{nil, "", ""},
		{"Sjukpenning", FormatText, "Sjukpenning"},
		{[]byte("bytes"), "", "bytes"},
		{int64(42), "", "42"},
		{2.5, "", "2,5"},
	}
	for _, tt := range tests {
		if got := formatValue(tt.v, tt.format); got != tt.want {
			t.Errorf("formatValue(%#v, %q) = %q, want %q", tt.v, tt.format, got, tt.want)
		}
	}
}

func TestWithCheckDigit(t *testing.T) {
	// The examples of RULES §6.
	for _, want := range []string{"198112189876", "197010632391"} {
		if got := withCheckDigit(want[:11]); got != want {
			t.Errorf("withCheckDigit(%s) = %s, want %s", want[:11], got, want)
		}
	}
}
