package dsr

import (
	"strconv"
	"strings"
	"time"
)

// ValueKind is what a datum from a source register is: text, a calendar
// date, an amount of money, a count or a code from a register's code list.
type ValueKind uint8

// The kinds of value a register row holds.
const (
	ValueText     ValueKind = iota // free text, shown as it is
	ValueDate                      // a calendar date
	ValueAmount                    // an amount in öre, shown in kronor
	ValueNumber                    // a whole number
	ValueCode                      // a code from a register's code list (a benefit, a decision word)
	ValueRedacted                  // withheld from the person (Art. 15(4)); Text holds the provision
)

// Value is one datum of a register row. Rows stay typed until they are laid
// out, so that rules can reason about dates and amounts and a letter can
// write them in its own language.
type Value struct {
	Kind ValueKind
	Text string    // ValueText and ValueCode; for the others, the raw text when it did not parse
	Date time.Time // ValueDate: a calendar date (midnight UTC)
	Int  int64     // ValueAmount (öre) and ValueNumber
}

// TextValue, DateValue, AmountValue, NumberValue and CodeValue build values.
func TextValue(s string) Value { return Value{Kind: ValueText, Text: s} }

// DateValue is a calendar date.
func DateValue(d time.Time) Value { return Value{Kind: ValueDate, Date: d} }

// AmountValue is an amount in öre.
func AmountValue(ore int64) Value { return Value{Kind: ValueAmount, Int: ore} }

// NumberValue is a whole number.
func NumberValue(n int64) Value { return Value{Kind: ValueNumber, Int: n} }

// CodeValue is a code from a register's code list.
func CodeValue(code string) Value { return Value{Kind: ValueCode, Text: code} }

// RedactedValue is a datum withheld from the person under provision p: the
// cell stays, its content does not.
func RedactedValue(p Provision) Value { return Value{Kind: ValueRedacted, Text: string(p)} }

// IsZero reports whether the value is empty: no text, no date, nothing.
func (v Value) IsZero() bool { return v == Value{} || v.Kind == ValueText && v.Text == "" }

// Numeric reports whether the value is an amount or a number, which a table
// aligns to the right.
func (v Value) Numeric() bool { return v.Kind == ValueAmount || v.Kind == ValueNumber }

// Display writes the value for a person to read in lang ("sv" or "en").
// Amounts are "1 234,50 kr" and counts "20 480" in Swedish, grouped with an
// ordinary space so that the text is easy to search and renders in any
// font; in English they are "SEK 1,234.50" and "20,480". A code is shown as
// stored: a letter translates it with its register's code list
// (Section.Codes).
func (v Value) Display(lang string) string {
	switch v.Kind {
	case ValueDate:
		if v.Date.IsZero() {
			return v.Text
		}
		return FormatDate(v.Date)
	case ValueAmount:
		sign, ore := "", v.Int
		if ore < 0 {
			sign, ore = "-", -ore
		}
		cents := strconv.FormatInt(ore%100, 10)
		if len(cents) == 1 {
			cents = "0" + cents
		}
		if lang == "en" {
			return "SEK " + sign + groupDigitsWith(ore/100, ',') + "." + cents
		}
		return sign + groupDigits(ore/100) + "," + cents + " kr"
	case ValueNumber:
		if lang == "en" {
			return groupDigitsWith(v.Int, ',')
		}
		return groupDigits(v.Int)
	case ValueRedacted:
		if lang == "en" {
			return "[withheld]"
		}
		return "[maskerad]"
	}
	return v.Text
}

// groupDigits writes an integer with a space between groups of three digits.
func groupDigits(n int64) string { return groupDigitsWith(n, ' ') }

// groupDigitsWith writes an integer with sep between groups of three digits.
func groupDigitsWith(n int64, sep byte) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// RowSummary writes a record as one line, its values as a person reads
// them, separated by " · ".
func RowSummary(row []Value, lang string) string {
	parts := make([]string, 0, len(row))
	for _, v := range row {
		if s := v.Display(lang); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " · ")
}
