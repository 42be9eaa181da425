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

// Address is a postal address as the population register records it.
type Address struct {
	CareOf   string
	Street   string // a street address or a Box
	Postcode string // five digits, no space, for a Swedish address
	Town     string
	Country  string // ISO 3166 alpha-2; "" when the register leaves it out
}

// IsZero reports whether a holds no address: no c/o, street, postcode or
// town. A country alone is not an address.
func (a Address) IsZero() bool {
	return a.CareOf == "" && a.Street == "" && a.Postcode == "" && a.Town == ""
}

// Lines are the address block's lines below the name (RULES §9): c/o when
// present, street or Box, "NNN NN  TOWN".
func (a Address) Lines() []string {
	var lines []string
	if a.CareOf != "" {
		lines = append(lines, "c/o "+a.CareOf)
	}
	if a.Street != "" {
		lines = append(lines, a.Street)
	}
	if len(a.Postcode) == 5 {
		lines = append(lines, a.Postcode[:3]+" "+a.Postcode[3:]+"  "+a.Town)
	} else if a.Postcode != "" || a.Town != "" {
		lines = append(lines, a.Postcode+"  "+a.Town)
	}
	return lines
}

// Person is what the population-register copy says about someone: name,
// registered (folkbokföring) address, särskild postadress, protection
// level, birth date and guardians, nothing else.
type Person struct {
	PNR  pnr.PNR
	Name string
	// CareOf, Street, Postcode, Town and Country are the registered
	// (folkbokföring) address: where the person lives.
	CareOf   string
	Street   string
	Postcode string // five digits, no space
	Town     string
	Country  string // ISO 3166 alpha-2, "SE" by default
	// Special is the särskild postadress, where the person wants their
	// post instead (RULES §9); nil when the register has none.
	Special    *Address
	Protection Protection
	BornOn     *time.Time // as the population register records it; nil when unknown
	Guardians  []pnr.PNR  // who has custody, for a child
}

// Registered is the person's registered (folkbokföring) address.
func (p Person) Registered() Address {
	return Address{CareOf: p.CareOf, Street: p.Street, Postcode: p.Postcode, Town: p.Town, Country: p.Country}
}

// Mailing is the address letters go to (RULES §9): the särskild postadress
// when the register has one, otherwise the registered address. It is what
// AddressLines prints and where the postcode and country of a letter's
// print record come from. A protected person's is empty: their address
// never leaves the population register (RULES §7).
func (p Person) Mailing() Address {
	switch {
	case p.Protection.Protected():
		return Address{}
	case p.Special != nil && !p.Special.IsZero():
		return *p.Special
	}
	return p.Registered()
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

// AddressLines are the lines of the address block (RULES §9): name, then
// the lines of the mailing address (Mailing) — the särskild postadress when
// the register has one, otherwise the registered address. A protected person
// has no address lines beyond the name: their address never leaves the
// population register.
func (p Person) AddressLines() []string {
	return append([]string{p.Name}, p.Mailing().Lines()...)
}
