package catalogue

import (
	"fmt"
	"regexp"
	"strings"

	"dsrdesk/internal/dsr"
)

// Organisation is a recipient of disclosures (an insurer, an authority)
// known by its organisation number: the name and the postal address its
// Art. 19 notices go to on paper. The disclosure logs name a recipient by
// its organisation number; the catalogue says where it receives post.
type Organisation struct {
	OrgNumber string `json:"org_number"` // NNNNNN-NNNN
	Name      string `json:"name"`
	CareOf    string `json:"care_of,omitempty"`
	Street    string `json:"street"`   // a street address or a Box
	Postcode  string `json:"postcode"` // five digits, no space
	Town      string `json:"town"`
}

// Address is the organisation's postal address.
func (o Organisation) Address() dsr.Address {
	return dsr.Address{CareOf: o.CareOf, Street: o.Street, Postcode: o.Postcode, Town: o.Town, Country: "SE"}
}

var postcodePattern = regexp.MustCompile(`^[0-9]{5}$`)

// checkOrganisations validates the organisations: each with a valid
// organisation number (dsr.OrgNumberDigits) written NNNNNN-NNNN, once; a
// name; and a complete Swedish postal address.
func checkOrganisations(orgs []Organisation) error {
	seen := map[string]bool{}
	for i, o := range orgs {
		where := fmt.Sprintf("organisations[%d]", i+1)
		if len(o.OrgNumber) != 11 || o.OrgNumber[6] != '-' {
			return fmt.Errorf("%s: org_number %q must be NNNNNN-NNNN", where, o.OrgNumber)
		}
		if _, err := dsr.OrgNumberDigits(o.OrgNumber); err != nil {
			return fmt.Errorf("%s: org_number %s: %w", where, o.OrgNumber, err)
		}
		switch {
		case seen[o.OrgNumber]:
			return fmt.Errorf("%s: org_number %s is listed twice", where, o.OrgNumber)
		case strings.TrimSpace(o.Name) == "":
			return fmt.Errorf("%s (%s): name is required", where, o.OrgNumber)
		case strings.TrimSpace(o.Street) == "" || strings.TrimSpace(o.Town) == "":
			return fmt.Errorf("%s (%s): street and town are required", where, o.OrgNumber)
		case !postcodePattern.MatchString(o.Postcode):
			return fmt.Errorf("%s (%s): postcode %q must be five digits without a space", where, o.OrgNumber, o.Postcode)
		}
		seen[o.OrgNumber] = true
	}
	return nil
}

// Organisation returns the organisation with an organisation number.
func (c *Catalogue) Organisation(orgNumber string) (Organisation, bool) {
	for _, o := range c.Organisations {
		if o.OrgNumber == orgNumber {
			return o, true
		}
	}
	return Organisation{}, false
}
