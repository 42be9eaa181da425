package dsr

// Contact is how a person reaches a part of the agency: by telephone, by
// post and by e-mail.
type Contact struct {
	Name    Text
	Phone   Text // as dialled in Sweden (sv) and from abroad (en)
	Address []string
	Email   string
	Web     string
}

// The agency's published contact details, as its own page gives them. They
// have one home, here: the letters, the extract and the information pages
// all quote them from this place.
var (
	// Agency is the controller (personuppgiftsansvarig).
	Agency = Contact{
		Name:    Text{SV: "Försäkringskassan", EN: "Försäkringskassan (the Swedish Social Insurance Agency)"},
		Phone:   Text{SV: "0771-524\u00a0524", EN: "+46\u00a0771\u00a0524\u00a0524"},
		Address: []string{"Försäkringskassan", "839 88 Östersund"},
		Web:     "forsakringskassan.se",
	}
	// DPO is the agency's data-protection officer (dataskyddsombud).
	DPO = Contact{
		Name:    Text{SV: "Försäkringskassans dataskyddsombud", EN: "Försäkringskassan's data protection officer"},
		Phone:   Text{SV: "010-116\u00a090\u00a000", EN: "+46\u00a010\u00a0116\u00a090\u00a000"},
		Address: []string{"Försäkringskassan", "Dataskyddsombudet", "103 51 Stockholm"},
		Email:   "dataskyddsombud@forsakringskassan.se",
		Web:     "forsakringskassan.se",
	}
	// IMY is the supervisory authority a person may complain to.
	IMY = Contact{
		Name:    Text{SV: "Integritetsskyddsmyndigheten (IMY)", EN: "the Swedish Authority for Privacy Protection (IMY)"},
		Phone:   Text{SV: "08-657\u00a061\u00a000", EN: "+46\u00a08\u00a0657\u00a061\u00a000"},
		Address: []string{"Integritetsskyddsmyndigheten", "Box 8114", "104 20 Stockholm"},
		Email:   "imy@imy.se",
		Web:     "imy.se",
	}
)

// PostalAddress is an address as it goes on an envelope: its lines, and
// its postcode (five digits, no space, for Sweden) and country (ISO 3166
// alpha-2) apart, for PostNord's sorting.
type PostalAddress struct {
	Lines    []string
	Postcode string
	Country  string
}

// ProtectedForwarding is where the paper letters of people with protected
// personal data go (RULES §7): Skatteverket forwards the sealed inner
// envelope, which carries the person's identity number, to the person. It
// is the outer envelope's address and the address in the protected print
// batch's manifest; it has this one home.
var ProtectedForwarding = PostalAddress{
	Lines:    []string{"Skatteverket", "Box 2820", "403 20  GÖTEBORG"},
	Postcode: "40320",
	Country:  "SE",
}
