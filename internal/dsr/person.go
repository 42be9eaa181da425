package dsr

import (
	"time"

	"dsrdesk/internal/pnr"
)

// Protection is a protected-identity level from the population register (RULES §7).
type Protection string

// The protection levels.
const (
	ProtectionNone       Protection = "none"
	ProtectionMarking    Protection = "sekretessmarkering"
	ProtectionProtected  Protection = "skyddad_folkbokforing"
	ProtectionFictitious Protection = "fingerade_personuppgifter"
)

// Protected reports whether any level of protection applies.
func (p Protection) Protected() bool { return p != "" && p != ProtectionNone }

// Person is what the population-register copy says about someone: name,
// postal address and protection level, nothing else.
type Person struct {
	PNR        pnr.PNR
	Name       string
	CareOf     string
	Street     string
	Postcode   string // five digits, no space
	Town       string
	Country    string // ISO 3166 alpha-2, "SE" by default
	Protection Protection
	BornOn     *time.Time // as the population register records it; nil when unknown
	Guardians  []pnr.PNR  // who has custody, for a child
}

// Age is the person's age in whole years on a day, from the birth date the
// population register records, never from the identity number (RULES §6);
// ok is false when the register does not know it.
func (p Person) Age(on time.Time) (years int, ok bool) {
	if p.BornOn == nil {
		return 0, false
	}
	b, d := *p.BornOn, Day(on)
	years = d.Year() - b.Year()
	if d.Month() < b.Month() || d.Month() == b.Month() && d.Day() < b.Day() {
		years--
	}
	return years, true
}

// HasGuardian reports whether g has custody of the person.
func (p Person) HasGuardian(g pnr.PNR) bool {
	for _, x := range p.Guardians {
		if x == g {
			return true
		}
	}
	return false
}

// AddressLines are the lines of the address block (RULES §9): name, c/o when
// present, street, "NNN NN  TOWN". A protected person has no address lines
// beyond the name: their address never leaves the population register.
func (p Person) AddressLines() []string {
	lines := []string{p.Name}
	if p.Protection.Protected() {
		return lines
	}
	if p.CareOf != "" {
		lines = append(lines, "c/o "+p.CareOf)
	}
	if p.Street != "" {
		lines = append(lines, p.Street)
	}
	if len(p.Postcode) == 5 {
		lines = append(lines, p.Postcode[:3]+" "+p.Postcode[3:]+"  "+p.Town)
	} else if p.Postcode != "" || p.Town != "" {
		lines = append(lines, p.Postcode+"  "+p.Town)
	}
	return lines
}
