package sqlitesource

import (
	"math"
	"testing"
	"time"

	"dsrdesk/internal/catalogue"
	"dsrdesk/internal/dsr"
)

func TestToValue(t *testing.T) {
	const (
		text   = dsr.ValueText
		date   = dsr.ValueDate
		amount = dsr.ValueAmount
		number = dsr.ValueNumber
		code   = dsr.ValueCode
	)
	tests := []struct {
		v      any
		format string
		kind   dsr.ValueKind
		want   string // as a person reads it
	}{
		{int64(1234), catalogue.FormatSEK, amount, "1 234,00 kr"},
		{int64(0), catalogue.FormatSEK, amount, "0,00 kr"},
		{int64(-1500), catalogue.FormatSEK, amount, "-1 500,00 kr"},
		{1234.5, catalogue.FormatSEK, amount, "1 234,50 kr"},
		{0.005, catalogue.FormatSEK, amount, "0,01 kr"},
		{"987654.25", catalogue.FormatSEK, amount, "987 654,25 kr"},
		{[]byte("12,5"), catalogue.FormatSEK, amount, "12,50 kr"},
		{"not money", catalogue.FormatSEK, text, "not money"},
		{math.Inf(1), catalogue.FormatSEK, text, "+Inf"},
		{nil, catalogue.FormatSEK, text, ""},
		{int64(20480), catalogue.FormatNumber, number, "20 480"},
		{int64(999), catalogue.FormatNumber, number, "999"},
		{int64(-1234567), catalogue.FormatNumber, number, "-1 234 567"},
		{20480.0, catalogue.FormatNumber, number, "20 480"},
		{2.5, catalogue.FormatNumber, text, "2,5"},
		{"2024-03-01", catalogue.FormatDate, date, "2024-03-01"},
		{"2024-03-01 12:30:00", catalogue.FormatDate, date, "2024-03-01"},
		{"2024-03-01T12:30:00Z", catalogue.FormatDate, date, "2024-03-01"},
		{"2024-03-01x", catalogue.FormatDate, text, "2024-03-01x"},
		{"2024-02-30", catalogue.FormatDate, text, "2024-02-30"},
		{"mars 2024", catalogue.FormatDate, text, "mars 2024"},
		{time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), catalogue.FormatDate, date, "2024-03-01"},
		{time.Date(2024, 3, 1, 23, 30, 0, 0, time.FixedZone("CET", 3600)), catalogue.FormatDate, date, "2024-03-01"},
		{time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), "", text, "2024-03-01"},
		{time.Date(2024, 3, 1, 9, 5, 0, 0, time.UTC), "", text, "2024-03-01 09:05"},
		{nil, "", text, ""},
		{nil, catalogue.FormatCode, text, ""},
		{"Sjukpenning", catalogue.FormatText, text, "Sjukpenning"},
		{"Sjukpenning", catalogue.FormatCode, code, "Sjukpenning"},
		{[]byte("bytes"), "", text, "bytes"},
		{int64(42), "", text, "42"},
		{2.5, "", text, "2,5"},
		{true, "", text, "1"},
	}
	for _, tt := range tests {
		got := toValue(tt.v, tt.format)
		if got.Kind != tt.kind || got.Display("sv") != tt.want {
			t.Errorf("toValue(%#v, %q) = %+v showing %q, want kind %d showing %q", tt.v, tt.format, got, got.Display("sv"), tt.kind, tt.want)
		}
	}
}

func TestToValueKeepsTheNumbers(t *testing.T) {
	if got := toValue(1234.5, catalogue.FormatSEK); got != dsr.AmountValue(123450) {
		t.Errorf("1234.5 kr = %+v, want 123450 öre", got)
	}
	if got := toValue("2024-03-01 12:30:00", catalogue.FormatDate); got != dsr.DateValue(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("date = %+v, want midnight UTC of the day", got)
	}
	if !toValue(nil, catalogue.FormatDate).IsZero() {
		t.Error("NULL in a date column is not the empty value")
	}
}
