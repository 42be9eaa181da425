package dsr

import "dsrdesk/internal/pnr"

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
