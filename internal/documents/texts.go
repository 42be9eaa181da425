package documents

import (
	"fmt"
	"strconv"
)

// The sender. These are the agency's published contact details; they live
// here, next to the letter text that quotes them, so that a reviewer can read
// the letter in one place.
const (
	agencyName    = "Försäkringskassan"
	agencyTown    = "839 88 Östersund"
	returnAddress = agencyName + ", " + agencyTown
	agencyPhoneSV = "0771-524\u00a0524" // no-break spaces keep the number on one line
	agencyPhoneEN = "+46\u00a0771\u00a0524\u00a0524"
	agencyWeb     = "forsakringskassan.se"
	dpoEmail      = "dataskyddsombud@forsakringskassan.se"
)

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
	contact  func(about, caseNumber string) string
	regards  string
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
		"sparas, den rättsliga grunden, varifrån uppgifterna kommer om vi inte har fått dem från dig och " +
		"om de används för automatiserat beslutsfattande (artikel 15.1 a–h).",
	rightsH: "Dina rättigheter",
	rights: "Du har rätt att begära att felaktiga personuppgifter rättas och att ofullständiga uppgifter " +
		"kompletteras, att uppgifter raderas, att behandlingen begränsas och att invända mot behandlingen. " +
		"Uppgifter i myndighetens ärenden är allmänna handlingar som vi i regel måste bevara enligt " +
		"arkivlagen, därför prövar vi en begäran om radering för varje uppgift.",
	imy: "Om du anser att vi behandlar dina personuppgifter i strid med dataskyddsförordningen har du rätt " +
		"att lämna klagomål till Integritetsskyddsmyndigheten (IMY), Box 8114, 104 20 Stockholm, imy.se.",
	contactH: "Frågor",
	contact: func(about, caseNumber string) string {
		return "Om du har frågor om " + about + " eller om hur vi behandlar dina personuppgifter kan du kontakta " +
			"Försäkringskassans dataskyddsombud på " + dpoEmail + " eller ringa oss på " + agencyPhoneSV +
			". Ange ärendenummer " + caseNumber + "."
	},
	regards: "Med vänlig hälsning",
	notYou:  "Om det inte är du som har gjort begäran vill vi att du hör av dig till oss så snart som möjligt.",

	aboutExtract: "utdraget",

	contactLabels: [3]string{"Postadress", "Telefon", "Webbplats"},
	phone:         agencyPhoneSV,

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
		"stored, the legal basis, where the data came from if we did not collect them from you, and " +
		"whether they are used for automated decision-making (Article 15(1)(a)–(h)).",
	rightsH: "Your rights",
	rights: "You have the right to ask us to rectify inaccurate personal data and to complete incomplete " +
		"data, to erase data, to restrict processing and to object to processing. Data in the agency's " +
		"cases are official documents that we must in general keep under the Swedish Archives Act, so we " +
		"assess a request for erasure item by item.",
	imy: "If you consider that we process your personal data in breach of the General Data Protection " +
		"Regulation, you have the right to lodge a complaint with the Swedish Authority for Privacy " +
		"Protection (Integritetsskyddsmyndigheten, IMY), Box 8114, 104 20 Stockholm, Sweden, imy.se.",
	contactH: "Questions",
	contact: func(about, caseNumber string) string {
		return "If you have questions about " + about + " or about how we process your personal data, please " +
			"contact Försäkringskassan's data protection officer at " + dpoEmail + " or call us on " +
			agencyPhoneEN + ". Please quote case number " + caseNumber + "."
	},
	regards: "Kind regards",
	notYou:  "If you did not make this request, please contact us as soon as possible.",

	aboutExtract: "this extract",

	contactLabels: [3]string{"Postal address", "Telephone", "Website"},
	phone:         agencyPhoneEN,

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
