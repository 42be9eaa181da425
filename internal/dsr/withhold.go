package dsr

import "time"

// Provision is a legal provision under which data are withheld from an
// extract (Art. 15(4); dataskyddslagen 5 kap.; RULES §4).
type Provision string

// The provisions an officer or the catalogue may cite.
const (
	ProvisionOSL28_1 Provision = "osl_28_1" // social insurance secrecy for another person's data
	ProvisionOSL12_1 Provision = "osl_12_1" // secrecy protecting someone else, who has not consented
	ProvisionOSL12_3 Provision = "osl_12_3" // secrecy for a minor against the guardian
	ProvisionOSL21_3 Provision = "osl_21_3" // protected personal data (addresses) of another person
	ProvisionDSL5    Provision = "dsl_5"    // dataskyddslagen 5 kap.: drafts and memos, secrecy against the person
)

// Provisions lists every provision in the order pages offer them.
var Provisions = []Provision{ProvisionOSL28_1, ProvisionOSL12_1, ProvisionOSL12_3, ProvisionOSL21_3, ProvisionDSL5}

// provisionCites are the provisions as a letter cites them.
var provisionCites = map[Provision]Text{
	ProvisionOSL28_1: {SV: "28 kap. 1 § offentlighets- och sekretesslagen (2009:400)", EN: "Chapter 28, section 1 of the Public Access to Information and Secrecy Act (2009:400)"},
	ProvisionOSL12_1: {SV: "12 kap. 1 § offentlighets- och sekretesslagen (2009:400)", EN: "Chapter 12, section 1 of the Public Access to Information and Secrecy Act (2009:400)"},
	ProvisionOSL12_3: {SV: "12 kap. 3 § offentlighets- och sekretesslagen (2009:400)", EN: "Chapter 12, section 3 of the Public Access to Information and Secrecy Act (2009:400)"},
	ProvisionOSL21_3: {SV: "21 kap. 3 § offentlighets- och sekretesslagen (2009:400)", EN: "Chapter 21, section 3 of the Public Access to Information and Secrecy Act (2009:400)"},
	ProvisionDSL5:    {SV: "5 kap. 1–2 §§ lagen (2018:218) med kompletterande bestämmelser till EU:s dataskyddsförordning", EN: "Chapter 5, sections 1–2 of the Swedish Data Protection Act (2018:218)"},
}

// provisionShort are the provisions in short, for tables and the API.
var provisionShort = map[Provision]string{
	ProvisionOSL28_1: "OSL 28:1", ProvisionOSL12_1: "OSL 12:1", ProvisionOSL12_3: "OSL 12:3",
	ProvisionOSL21_3: "OSL 21:3", ProvisionDSL5: "DSL 5 kap.",
}

// Valid reports whether p is a known provision.
func (p Provision) Valid() bool { _, ok := provisionCites[p]; return ok }

// Cite is the provision as a letter cites it.
func (p Provision) Cite() Text { return provisionCites[p] }

// Short is the provision in short ("OSL 28:1").
func (p Provision) Short() string { return provisionShort[p] }

// WithholdKind says how much of a record is withheld.
type WithholdKind string

// The kinds of withholding.
const (
	WithholdRedact WithholdKind = "redact" // one field of a record: another person's data in it
	WithholdItem   WithholdKind = "item"   // the whole record
	// WithholdDisclose records that an officer disclosed what the
	// catalogue withholds by default; it withholds nothing.
	WithholdDisclose WithholdKind = "disclose"
)

// Withholding is one decision to keep data out of an extract (Art. 15(4)):
// a field of a record redacted, or a record withheld, under a provision.
// The catalogue proposes the common ones (Source "catalogue"); an officer
// adds or removes the rest.
type Withholding struct {
	ID        string
	CaseID    string
	Register  string // catalogue id
	Record    string // the record's id in its register
	Field     string // catalogue field name; "" when the whole record is withheld
	Kind      WithholdKind
	Provision Provision
	Source    string // "catalogue" or "officer"
	By        string // actor
	At        time.Time
}

// Withholding sources.
const (
	WithheldByCatalogue = "catalogue"
	WithheldByOfficer   = "officer"
)

// WithheldCount is how many data of a register an extract leaves out under
// one provision: the line "N uppgifter har inte lämnats ut enligt …".
type WithheldCount struct {
	Provision Provision
	N         int
}

// CountWithheld counts withholdings per provision, in the order of
// Provisions.
func CountWithheld(ws []Withholding) []WithheldCount {
	n := map[Provision]int{}
	for _, w := range ws {
		if w.Kind != WithholdDisclose {
			n[w.Provision]++
		}
	}
	var out []WithheldCount
	for _, p := range Provisions {
		if n[p] > 0 {
			out = append(out, WithheldCount{Provision: p, N: n[p]})
		}
	}
	return out
}
