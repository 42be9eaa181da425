package documents

import (
	"fmt"
	"strconv"
	"strings"

	"dsrdesk/internal/dsr"
)

// The agency's, its data-protection officer's and IMY's contact details
// have one home, dsr.Agency, dsr.DPO and dsr.IMY, which the letters quote.
// agencyName is the sender as every letterhead and signature names it, in
// English letters too; returnAddress is its postal address on one line.
var (
	agencyName    = dsr.Agency.Name.SV
	returnAddress = strings.Join(dsr.Agency.Address, ", ")
)

// postalAddress is c's postal address on one line, without its first line
// when that only repeats the name a letter has just given.
func postalAddress(c dsr.Contact, name string) string {
	lines := c.Address
	if len(lines) > 0 && strings.HasPrefix(name, lines[0]) {
		lines = lines[1:]
	}
	return strings.Join(lines, ", ")
}

// imyContact names IMY and says where to write to it, in lang: how every
// letter tells a person where to complain (Art. 15(1)(f), 77).
func imyContact(lang string) string {
	if lang == "en" {
		// The Swedish name is the first line of the postal address.
		return dsr.IMY.Name.EN + ", " + strings.Join(dsr.IMY.Address, ", ") + ", Sweden, " + dsr.IMY.Web
	}
	return dsr.IMY.Name.SV + ", " + postalAddress(dsr.IMY, dsr.IMY.Name.SV) + ", " + dsr.IMY.Web
}

// dpoContact gives the data-protection officer's e-mail address,
// telephone number and postal address, in lang, as the agency's own page
// does (Art. 13(1)(b)).
func dpoContact(lang string) string {
	if lang == "en" {
		return dsr.DPO.Name.EN + " by e-mail at " + dsr.DPO.Email + ", by telephone on " + dsr.DPO.Phone.EN +
			" or by post at " + strings.Join(dsr.DPO.Address, ", ") + ", Sweden"
	}
	return dsr.DPO.Name.SV + " via e-post till " + dsr.DPO.Email + ", på telefon " + dsr.DPO.Phone.SV +
		" eller med brev till " + strings.Join(dsr.DPO.Address, ", ")
}

// texts is, in one language, every fixed string that all letters share
// (letterhead, IMY, questions, greeting) and every one of the extract, but
// for the page numbers and the "(forts.)" of a continued table, which the
// engine writes. The decision's and the Art. 19 notice's own strings are in
// decisiontexts.go, the outcome letter's in outcometexts.go, and each other
// notice's beside its layout. The letter is written out in full per
// language rather than assembled from fragments: Swedish and English do not
// share a sentence structure.
type texts struct {
	date, caseNumber string

	heading  string
	received func(received, generated string, registers int) string
	contents string
	rightsH  string
	rights   string
	imy      string
	contactH string
	// contact is whom to ask: the data-protection officer by e-mail, or
	// the agency by telephone. contactDPO gives every way to reach the
	// officer, as the extract does.
	contact    func(about, caseNumber string) string
	contactDPO func(about, caseNumber string) string
	regards    string
	// notYou asks someone who did not make a request in their name to get
	// in touch (the receipt and the request for proof of identity).
	notYou string

	aboutExtract string // what contact asks questions about

	contactLabels [3]string // postal address, telephone, website
	phone         string

	extractTitle string
	concerns     string
	generated    string
	index        string
	items        func(n int) string
	thousands    byte // digit-group separator

	purposes, categories, recipients, retention, legalBasis, source, automated string
	thirdCountries                                                             string // Art. 15(2)

	// coverLetter names page 1 in the document's bookmarks.
	coverLetter string
	// summary is what a register with many rows says before its table:
	// how many there are and the period their dates span (from and to are
	// "" when the rows have no dates); totals says that the totals per
	// year come next.
	summary func(n int, from, to string, totals bool) string
	// totalsTitle and totalsCols head the table of totals per year of a
	// register of payments; its last column is headed by the amount
	// column's own heading.
	totalsTitle string
	totalsCols  [2]string
	// allItems titles the table of every row after a summary.
	allItems func(n int) string

	namedRecipients string
	recipientCols   [5]string
	data            string
	noData          string
	restrictedCol   string // the column that marks restricted records
	restricted      string
	statements      string // the heading of the person's supplementary statements

	// withheld is a register's line for the data it leaves out under one
	// provision (Art. 15(4)): "2 uppgifter har inte lämnats ut enligt …".
	withheld func(n int, cite string) string
	// noneDisclosed replaces noData when a register holds data on the
	// person but every record of it is withheld.
	noneDisclosed string
	// withheldCover tells the person on the cover letter that data are
	// left out and that the decision that comes with the extract says why.
	withheldCover string
	// scope tells the person that the extract holds only the registers
	// (already joined, with their number) and the period they asked for.
	scope func(registers string, nregisters int, period string) string
	// period writes the period of a scope; from or to is "" when the
	// period is open at that end.
	period func(from, to string) string
	and    string // joins the last two registers of a scope
}

var swedish = texts{
	date:       "Datum",
	caseNumber: "Ärendenummer",

	heading: "Registerutdrag enligt EU:s dataskyddsförordning (artikel 15)",
	received: func(received, generated string, registers int) string {
		return fmt.Sprintf("Vi fick din begäran om registerutdrag den %s. Här får du ett utdrag med de "+
			"personuppgifter om dig som Försäkringskassan behandlar, redovisade register för register. "+
			"Utdraget omfattar %d register och visar uppgifterna som de var registrerade den %s.",
			received, registers, generated)
	},
	contents: "För varje register anger vi ändamålen med behandlingen, vilka kategorier av personuppgifter " +
		"det gäller, vilka mottagare som har fått eller kommer att få uppgifterna, hur länge uppgifterna " +
		"sparas, den rättsliga grunden, varifrån uppgifterna kommer om vi inte har fått dem från dig, " +
		"om de används för automatiserat beslutsfattande (artikel 15.1 a–h) och om de överförs till ett " +
		"land utanför EU/EES (artikel 15.2). Ett register med många uppgifter inleds med en sammanfattning.",
	rightsH: "Dina rättigheter",
	rights: "Du har rätt att begära att felaktiga personuppgifter rättas och att ofullständiga uppgifter " +
		"kompletteras, att uppgifter raderas, att behandlingen begränsas och att invända mot behandlingen. " +
		"Uppgifter i myndighetens ärenden är allmänna handlingar som vi i regel måste bevara enligt " +
		"arkivlagen, därför prövar vi en begäran om radering för varje uppgift.",
	imy: "Om du anser att vi behandlar dina personuppgifter i strid med dataskyddsförordningen har du rätt " +
		"att lämna klagomål till " + imyContact("sv") + ".",
	contactH: "Frågor",
	contact: func(about, caseNumber string) string {
		return "Om du har frågor om " + about + " eller om hur vi behandlar dina personuppgifter kan du kontakta " +
			dsr.DPO.Name.SV + " på " + dsr.DPO.Email + " eller ringa oss på " + dsr.Agency.Phone.SV +
			". Ange ärendenummer " + caseNumber + "."
	},
	contactDPO: func(about, caseNumber string) string {
		return "Om du har frågor om " + about + " eller om hur vi behandlar dina personuppgifter kan du kontakta " +
			dpoContact("sv") + ". Du kan också ringa oss på " + dsr.Agency.Phone.SV +
			". Ange ärendenummer " + caseNumber + "."
	},
	regards: "Med vänlig hälsning",
	notYou:  "Om det inte är du som har gjort begäran vill vi att du hör av dig till oss så snart som möjligt.",

	aboutExtract: "utdraget",

	contactLabels: [3]string{"Postadress", "Telefon", "Webbplats"},
	phone:         dsr.Agency.Phone.SV,

	extractTitle: "Registerutdrag",
	concerns:     "Uppgifterna gäller",
	generated:    "Utdraget skapat",
	index:        "Register i utdraget",
	items: func(n int) string {
		if n == 1 {
			return "1 uppgift"
		}
		return group(n, ' ') + " uppgifter"
	},
	thousands: ' ',

	purposes:   "Ändamål",
	categories: "Kategorier av uppgifter",
	recipients: "Mottagare",
	retention:  "Lagringstid",
	legalBasis: "Rättslig grund",
	source:     "Källa",
	automated:  "Automatiserat beslutsfattande",

	thirdCountries: "Överföring utanför EU/EES",
	coverLetter:    "Följebrev",
	summary: func(n int, from, to string, totals bool) string {
		s := "Registret har " + group(n, ' ') + " uppgifter om dig"
		switch {
		case from == "":
		case from == to:
			s += ", alla från " + from
		default:
			s += ", från " + from + " till " + to
		}
		if totals {
			return s + ". Först visas summan för varje år, sedan alla uppgifter."
		}
		return s + "."
	},
	totalsTitle: "Summa per år",
	totalsCols:  [2]string{"År", "Antal"},
	allItems:    func(n int) string { return "Alla " + group(n, ' ') + " uppgifter" },

	namedRecipients: "Mottagare som har fått uppgifter om dig",
	recipientCols:   [5]string{"Mottagare", "Organisationsnummer", "Förmån", "Datum", "Rättslig grund"},
	data:            "Registrerade uppgifter",
	noData:          "Inga uppgifter registrerade.",
	restrictedCol:   "Begränsning",
	restricted:      "Begränsad (sparas bara)",
	statements:      "Dina kompletterande yttranden",

	withheld: func(n int, cite string) string {
		if n == 1 {
			return "1 uppgift har inte lämnats ut enligt " + cite + "."
		}
		return group(n, ' ') + " uppgifter har inte lämnats ut enligt " + cite + "."
	},
	noneDisclosed: "Registret har uppgifter om dig, men inga av dem lämnas ut.",
	withheldCover: "Vissa uppgifter har inte lämnats ut. Under varje register står hur många och enligt vilken " +
		"bestämmelse. Skälen och hur du överklagar står i beslutet som följer med utdraget.",
	scope: func(registers string, nregisters int, period string) string {
		s := "Du har bett att bara få uppgifter"
		switch {
		case nregisters == 1:
			s += " ur registret " + registers
		case nregisters > 1:
			s += " ur registren " + registers
		}
		if period != "" {
			s += " " + period
		}
		return s + ". Utdraget innehåller bara dem; ett fullständigt utdrag kan du begära när du vill."
	},
	period: func(from, to string) string {
		switch {
		case from != "" && to != "":
			return "för perioden " + from + "–" + to
		case from != "":
			return "från och med " + from
		case to != "":
			return "till och med " + to
		}
		return ""
	},
	and: " och ",
}

var english = texts{
	date:       "Date",
	caseNumber: "Case number",

	heading: "Register extract under the EU General Data Protection Regulation (Article 15)",
	received: func(received, generated string, registers int) string {
		noun := "registers"
		if registers == 1 {
			noun = "register"
		}
		return fmt.Sprintf("We received your request for a register extract on %s. This extract contains "+
			"the personal data that Försäkringskassan (the Swedish Social Insurance Agency) processes about "+
			"you, presented register by register. It covers %d %s and shows the data as they were recorded "+
			"on %s.", received, registers, noun, generated)
	},
	contents: "For each register we state the purposes of the processing, the categories of personal data " +
		"concerned, the recipients to whom the data have been or will be disclosed, how long the data are " +
		"stored, the legal basis, where the data came from if we did not collect them from you, " +
		"whether they are used for automated decision-making (Article 15(1)(a)–(h)) and whether they are " +
		"transferred to a country outside the EU/EEA (Article 15(2)). A register with many items begins " +
		"with a summary.",
	rightsH: "Your rights",
	rights: "You have the right to ask us to rectify inaccurate personal data and to complete incomplete " +
		"data, to erase data, to restrict processing and to object to processing. Data in the agency's " +
		"cases are official documents that we must in general keep under the Swedish Archives Act, so we " +
		"assess a request for erasure item by item.",
	imy: "If you consider that we process your personal data in breach of the General Data Protection " +
		"Regulation, you have the right to lodge a complaint with " + imyContact("en") + ".",
	contactH: "Questions",
	contact: func(about, caseNumber string) string {
		return "If you have questions about " + about + " or about how we process your personal data, please " +
			"contact " + dsr.DPO.Name.EN + " at " + dsr.DPO.Email + " or call us on " + dsr.Agency.Phone.EN +
			". Please quote case number " + caseNumber + "."
	},
	contactDPO: func(about, caseNumber string) string {
		return "If you have questions about " + about + " or about how we process your personal data, please " +
			"contact " + dpoContact("en") + ". You can also call us on " + dsr.Agency.Phone.EN +
			". Please quote case number " + caseNumber + "."
	},
	regards: "Kind regards",
	notYou:  "If you did not make this request, please contact us as soon as possible.",

	aboutExtract: "this extract",

	contactLabels: [3]string{"Postal address", "Telephone", "Website"},
	phone:         dsr.Agency.Phone.EN,

	extractTitle: "Register extract",
	concerns:     "The data concern",
	generated:    "Extract created",
	index:        "Registers in this extract",
	items: func(n int) string {
		if n == 1 {
			return "1 item"
		}
		return group(n, ',') + " items"
	},
	thousands: ',',

	purposes:   "Purposes",
	categories: "Categories of data",
	recipients: "Recipients",
	retention:  "Storage period",
	legalBasis: "Legal basis",
	source:     "Source",
	automated:  "Automated decision-making",

	thirdCountries: "Transfers outside the EU/EEA",
	coverLetter:    "Cover letter",
	summary: func(n int, from, to string, totals bool) string {
		s := "The register holds " + group(n, ',') + " items about you"
		switch {
		case from == "":
		case from == to:
			s += ", all from " + from
		default:
			s += ", from " + from + " to " + to
		}
		if totals {
			return s + ". The totals for each year come first, then every item."
		}
		return s + "."
	},
	totalsTitle: "Totals per year",
	totalsCols:  [2]string{"Year", "Items"},
	allItems:    func(n int) string { return "All " + group(n, ',') + " items" },

	namedRecipients: "Recipients who have received data about you",
	recipientCols:   [5]string{"Recipient", "Organisation number", "Benefit", "Date", "Legal basis"},
	data:            "Recorded data",
	noData:          "No data recorded.",
	restrictedCol:   "Restriction",
	restricted:      "Restricted (only stored)",
	statements:      "Your supplementary statements",

	withheld: func(n int, cite string) string {
		if n == 1 {
			return "1 item has been withheld under " + cite + "."
		}
		return group(n, ',') + " items have been withheld under " + cite + "."
	},
	noneDisclosed: "The register holds data about you, but none of them are disclosed.",
	withheldCover: "Some data have been withheld. Under each register we state how many and under which " +
		"provision. The reasons, and how to appeal, are in the decision that comes with this extract.",
	scope: func(registers string, nregisters int, period string) string {
		s := "You asked only for data"
		switch {
		case nregisters == 1:
			s += " from the register " + registers
		case nregisters > 1:
			s += " from the registers " + registers
		}
		if period != "" {
			s += " " + period
		}
		return s + ". This extract contains only those; you can ask for a full extract at any time."
	},
	period: func(from, to string) string {
		switch {
		case from != "" && to != "":
			return "for the period " + from + "–" + to
		case from != "":
			return "from " + from + " onwards"
		case to != "":
			return "up to and including " + to
		}
		return ""
	},
	and: " and ",
}

// textsFor returns the texts for lang: English for "en", Swedish otherwise,
// matching dsr.Text.In.
func textsFor(lang string) *texts {
	if lang == "en" {
		return &english
	}
	return &swedish
}

// group writes n with sep between groups of three digits ("20 000").
func group(n int, sep byte) string {
	s := strconv.Itoa(n)
	if n < 0 || len(s) <= 3 {
		return s
	}
	b := make([]byte, 0, len(s)+len(s)/3)
	for i := 0; i < len(s); i++ {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, sep)
		}
		b = append(b, s[i])
	}
	return string(b)
}
