package registers

import (
	"strings"

	"dsrdesk/internal/dsr"
)

// protectedAddress replaces any text that would reveal a protected address.
const protectedAddress = "Skyddad adress"

// addressMask hides a protected person's address in register data (RULES
// §7). The catalogue's queries should never select it, but the catalogue is
// operator-edited data and a connector returns what its source holds, so
// this is the guarantee, applied once over whatever any connector returns.
type addressMask struct {
	contains []string // a text containing any of these is masked
	equals   []string // a text equal to any of these is masked
}

// newAddressMask returns nil (mask nothing) for an unprotected person.
func newAddressMask(p dsr.Person) *addressMask {
	if !p.Protection.Protected() {
		return nil
	}
	m := &addressMask{}
	m.add(p.Registered())
	if p.Special != nil {
		// The särskild postadress is as much the person's address.
		m.add(*p.Special)
	}
	return m
}

// add masks the parts of a.
func (m *addressMask) add(a dsr.Address) {
	for _, s := range []string{a.Street, a.CareOf} {
		if s = strings.TrimSpace(s); len([]rune(s)) >= 3 {
			m.contains = append(m.contains, strings.ToLower(s))
		}
	}
	if pc := strings.TrimSpace(a.Postcode); len(pc) == 5 {
		m.contains = append(m.contains, pc, pc[:3]+" "+pc[3:])
	} else if pc != "" {
		m.equals = append(m.equals, strings.ToLower(pc))
	}
	if t := strings.TrimSpace(a.Town); t != "" {
		m.equals = append(m.equals, strings.ToLower(t))
	}
}

// text returns s, or protectedAddress when s shows the address.
func (m *addressMask) text(s string) string {
	if m == nil || s == "" {
		return s
	}
	low := strings.ToLower(strings.TrimSpace(s))
	for _, a := range m.equals {
		if low == a {
			return protectedAddress
		}
	}
	for _, a := range m.contains {
		if strings.Contains(low, a) {
			return protectedAddress
		}
	}
	return s
}

// value masks a value whose text shows the address: a text or code value,
// or whatever raw text a connector kept beside a date or amount that did
// not parse. A parsed date, amount or number cannot show an address.
func (m *addressMask) value(v dsr.Value) dsr.Value {
	if m == nil || v.Text == "" {
		return v
	}
	if s := m.text(v.Text); s != v.Text {
		return dsr.TextValue(s)
	}
	return v
}

// row returns the row with every value masked: the row itself when there is
// nothing to mask, otherwise a copy, so that the connector's data is never
// changed.
func (m *addressMask) row(row []dsr.Value) []dsr.Value {
	if m == nil {
		return row
	}
	out := make([]dsr.Value, len(row))
	for i, v := range row {
		out[i] = m.value(v)
	}
	return out
}

// recipient masks every field of a named recipient.
func (m *addressMask) recipient(r dsr.Recipient) dsr.Recipient {
	if m == nil {
		return r
	}
	return dsr.Recipient{
		Organisation: m.text(r.Organisation),
		OrgNumber:    m.text(r.OrgNumber),
		Benefit:      m.text(r.Benefit),
		Date:         m.text(r.Date),
		LegalBasis:   m.text(r.LegalBasis),
	}
}
