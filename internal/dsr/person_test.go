package dsr

import (
	"reflect"
	"testing"
)

// TestSpecialPostalAddress is RULES §9: a letter goes to the särskild
// postadress when the register has one, otherwise to the registered
// address; a protected person's letter carries only the name whatever the
// register holds.
func TestSpecialPostalAddress(t *testing.T) {
	registered := Person{Name: "Ingrid B", Street: "Sveavägen 40", Postcode: "11134", Town: "STOCKHOLM", Country: "SE"}
	withSpecial := func(p Person, a *Address) Person { p.Special = a; return p }
	box := &Address{Street: "Box 4711", Postcode: "10321", Town: "STOCKHOLM", Country: "SE"}
	abroad := &Address{CareOf: "Hotel Bristol", Street: "Kristian IVs gate 7", Postcode: "0164", Town: "OSLO", Country: "NO"}
	tests := []struct {
		name     string
		p        Person
		lines    []string
		postcode string
		country  string
	}{
		{"no särskild postadress: the registered address", registered,
			[]string{"Ingrid B", "Sveavägen 40", "111 34  STOCKHOLM"}, "11134", "SE"},
		{"an empty särskild postadress counts as none", withSpecial(registered, &Address{Country: "SE"}),
			[]string{"Ingrid B", "Sveavägen 40", "111 34  STOCKHOLM"}, "11134", "SE"},
		{"a Box address", withSpecial(registered, box),
			[]string{"Ingrid B", "Box 4711", "103 21  STOCKHOLM"}, "10321", "SE"},
		{"abroad, with c/o", withSpecial(registered, abroad),
			[]string{"Ingrid B", "c/o Hotel Bristol", "Kristian IVs gate 7", "0164  OSLO"}, "0164", "NO"},
		{"the registered c/o does not follow to the särskild postadress",
			withSpecial(Person{Name: "Hanna G", CareOf: "Ivar F", Street: "Ombudsgatan 9", Postcode: "70211", Town: "ÖREBRO"}, box),
			[]string{"Hanna G", "Box 4711", "103 21  STOCKHOLM"}, "10321", "SE"},
		{"protected: only the name, no postcode", withSpecial(Person{Name: "Cecilia S", Street: "Hemliga gränd 7", Postcode: "75220", Town: "UPPSALA", Protection: ProtectionProtected}, box),
			[]string{"Cecilia S"}, "", ""},
		{"fingerade personuppgifter: only the name", withSpecial(Person{Name: "Fia F", Protection: ProtectionFictitious}, box),
			[]string{"Fia F"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.AddressLines(); !reflect.DeepEqual(got, tt.lines) {
				t.Errorf("AddressLines = %q, want %q", got, tt.lines)
			}
			m := tt.p.Mailing()
			if m.Postcode != tt.postcode || m.Country != tt.country {
				t.Errorf("Mailing = postcode %q country %q, want %q %q", m.Postcode, m.Country, tt.postcode, tt.country)
			}
		})
	}
	// The registered address stays what the register says, whatever the
	// särskild postadress.
	if got := withSpecial(registered, box).Registered(); got.Street != "Sveavägen 40" || got.Postcode != "11134" {
		t.Errorf("Registered = %+v", got)
	}
}
