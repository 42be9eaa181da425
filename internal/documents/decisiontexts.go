package documents

import (
	"fmt"
	"strings"

	"dsrdesk/internal/dsr"
)

// decisionTexts is every fixed string of the decision letter (beslut) in
// one language, beside those all letters share (texts). Like the extract's,
// the letter is written out in full per language.
type decisionTexts struct {
	title   string // the PDF's title and the running header
	heading func(caseNumber string) string

	received  func(received string) string
	asked     func(kinds string) string
	kinds     map[dsr.Kind]string
	and       string // joins the last two kinds
	statement func(s string) string
	decided   func(items string, registers int, refused bool) string

	decisionH string
	seeItems  string
	reasonsH  string
	reasons   string

	art19H      string
	art19       string
	art19Table  string
	art19None   string
	art19Cols   [3]string
	notified    string
	notNotified string // followed by the recorded reason, when there is one

	complainH string
	appealH   string
	appeal    func(caseNumber string) []string // paragraphs

	about string // what the contact paragraph asks questions about

	itemsTitle  string
	concerns    string
	decidedOn   string
	itemsTable  string
	itemCols    [4]string
	wholeRecord string
	overridden  string // precedes the written reason of an override

	// outcome is what the item table says is done with an item;
	// rectifiedTo replaces it for a rectification with the new value.
	outcome     map[dsr.Outcome]string
	rectifiedTo func(value string) string
	// counted is the outcome after a count, in a register's summary line
	// ("12 sparas").
	counted map[dsr.Outcome]string
}

var swedishDecision = decisionTexts{
	title: "Beslut",
	heading: func(caseNumber string) string {
		return "Beslut om din begäran enligt EU:s dataskyddsförordning, ärende " + caseNumber
	},

	received: func(received string) string { return "Vi fick din begäran den " + received + "." },
	asked:    func(kinds string) string { return " Du har begärt " + kinds + "." },
	kinds: map[dsr.Kind]string{
		dsr.KindAccess:      "att få ett registerutdrag (artikel 15)",
		dsr.KindRectify:     "att felaktiga uppgifter om dig rättas (artikel 16)",
		dsr.KindComplete:    "att ofullständiga uppgifter om dig kompletteras med ett yttrande från dig (artikel 16)",
		dsr.KindErasure:     "att uppgifter om dig raderas (artikel 17)",
		dsr.KindRestriction: "att behandlingen av uppgifter om dig begränsas (artikel 18)",
		dsr.KindObjection:   "att vi slutar behandla uppgifter om dig, eftersom du invänder mot behandlingen (artikel 21)",
	},
	and:       " och ",
	statement: func(s string) string { return "Ditt yttrande: ”" + s + "”" },
	decided: func(items string, registers int, refused bool) string {
		s := fmt.Sprintf("Vi har prövat din begäran för varje uppgift som den gäller: %s i %d register.", items, registers)
		if refused {
			return s + " Vi gör inte allt som du har begärt. Skälen står nedan."
		}
		return s + " Vi gör det som du har begärt."
	},

	decisionH: "Beslut",
	seeItems:  "Beslutet för varje uppgift, med skälet för det, står i förteckningen efter det här brevet.",
	reasonsH:  "Skäl för beslutet",
	reasons:   "Varje beslut grundar sig på ett av skälen nedan. Skälets nummer står vid uppgiften i förteckningen.",

	art19H: "Mottagare av uppgifterna (artikel 19)",
	art19: "När vi rättar eller raderar uppgifter som vi har lämnat ut, eller begränsar behandlingen av dem, " +
		"underrättar vi dem som har fått uppgifterna om ändringen, om det inte visar sig vara omöjligt eller " +
		"innebär en oproportionerligt stor ansträngning.",
	art19Table:  "Mottagare som har fått uppgifterna",
	art19None:   "Uppgifterna har inte lämnats ut till någon som behöver underrättas om beslutet.",
	art19Cols:   [3]string{"Mottagare", "Organisationsnummer", "Underrättelse"},
	notified:    "Underrättas om ändringen",
	notNotified: "Underrättas inte",

	complainH: "Om du vill klaga",
	appealH:   "Hur du överklagar",
	appeal: func(caseNumber string) []string {
		return []string{
			"Om du inte är nöjd med beslutet kan du överklaga det till förvaltningsrätten (7 kap. 2 § lagen " +
				"(2018:218) med kompletterande bestämmelser till EU:s dataskyddsförordning). Skicka ditt " +
				"överklagande till " + returnAddress + ", inte direkt till förvaltningsrätten. Överklagandet " +
				"måste ha kommit in till oss inom tre veckor från den dag då du fick del av beslutet. Vi " +
				"kontrollerar att det har kommit in i tid och lämnar sedan över det till förvaltningsrätten.",
			"Skriv i överklagandet vilket beslut du överklagar, till exempel genom att ange ärendenummer " +
				caseNumber + ", vilken ändring du vill ha och varför. Skriv också ditt namn, personnummer, " +
				"adress och telefonnummer, och skriv under överklagandet.",
		}
	},

	about: "beslutet",

	itemsTitle:  "Beslut för varje uppgift",
	concerns:    "Beslutet gäller",
	decidedOn:   "Beslutsdatum",
	itemsTable:  "Prövade uppgifter",
	itemCols:    [4]string{"Uppgift", "Värde", "Beslut", "Skäl"},
	wholeRecord: "Hela posten",
	overridden:  "Särskild motivering: ",

	outcome: map[dsr.Outcome]string{
		dsr.OutcomeErase:      "Raderas",
		dsr.OutcomeKeep:       "Sparas",
		dsr.OutcomeRectify:    "Rättas",
		dsr.OutcomeSupplement: "Kompletteras med ditt yttrande",
		dsr.OutcomeRestrict:   "Begränsas",
		dsr.OutcomeRefer:      "Hänvisas till Skatteverket",
		dsr.OutcomeStop:       "Behandlingen upphör",
	},
	rectifiedTo: func(v string) string { return "Rättas till " + v },
	counted: map[dsr.Outcome]string{
		dsr.OutcomeErase:      "raderas",
		dsr.OutcomeKeep:       "sparas",
		dsr.OutcomeRectify:    "rättas",
		dsr.OutcomeSupplement: "kompletteras med ditt yttrande",
		dsr.OutcomeRestrict:   "begränsas",
		dsr.OutcomeRefer:      "hänvisas till Skatteverket",
		dsr.OutcomeStop:       "behandlas inte längre",
	},
}

var englishDecision = decisionTexts{
	title: "Decision",
	heading: func(caseNumber string) string {
		return "Decision on your request under the EU General Data Protection Regulation, case " + caseNumber
	},

	received: func(received string) string { return "We received your request on " + received + "." },
	asked:    func(kinds string) string { return " You asked " + kinds + "." },
	kinds: map[dsr.Kind]string{
		dsr.KindAccess:      "for a register extract (Article 15)",
		dsr.KindRectify:     "that inaccurate data about you be rectified (Article 16)",
		dsr.KindComplete:    "that incomplete data about you be completed with a statement from you (Article 16)",
		dsr.KindErasure:     "that data about you be erased (Article 17)",
		dsr.KindRestriction: "that the processing of data about you be restricted (Article 18)",
		dsr.KindObjection:   "that we stop processing data about you, as you object to the processing (Article 21)",
	},
	and:       " and ",
	statement: func(s string) string { return "Your statement: “" + s + "”" },
	decided: func(items string, registers int, refused bool) string {
		noun := "registers"
		if registers == 1 {
			noun = "register"
		}
		s := fmt.Sprintf("We have assessed your request for each item of data it concerns: %s in %d %s.", items, registers, noun)
		if refused {
			return s + " We are not doing everything you asked. The reasons are given below."
		}
		return s + " We are doing what you asked."
	},

	decisionH: "Decision",
	seeItems:  "The decision for each item, with its reason, is listed after this letter.",
	reasonsH:  "Reasons for the decision",
	reasons:   "Each decision rests on one of the reasons below. The number of the reason is given with the item in the list.",

	art19H: "Recipients of the data (Article 19)",
	art19: "When we rectify or erase data that we have disclosed, or restrict their processing, we tell those " +
		"who received the data of the change, unless this proves impossible or involves disproportionate effort.",
	art19Table:  "Recipients who received the data",
	art19None:   "The data have not been disclosed to anyone who needs to be told of this decision.",
	art19Cols:   [3]string{"Recipient", "Organisation number", "Notice"},
	notified:    "Told of the change",
	notNotified: "Not told",

	complainH: "If you want to complain",
	appealH:   "How to appeal",
	appeal: func(caseNumber string) []string {
		return []string{
			"If you are not satisfied with the decision, you can appeal against it to the administrative court " +
				"(förvaltningsrätten) (Chapter 7, Section 2 of the Swedish Act (2018:218) containing supplementary " +
				"provisions to the EU General Data Protection Regulation). Send your appeal to " + returnAddress +
				", Sweden, not directly to the court. Your appeal must reach us within three weeks of the day " +
				"you received this decision. We check that it arrived in time and then pass it on to the " +
				"administrative court.",
			"In your appeal, state which decision you are appealing against, for example by giving case number " +
				caseNumber + ", and what change you want and why. Also give your name, personal identity " +
				"number, address and telephone number, and sign the appeal.",
		}
	},

	about: "this decision",

	itemsTitle:  "Decision for each item",
	concerns:    "The decision concerns",
	decidedOn:   "Date of decision",
	itemsTable:  "Items assessed",
	itemCols:    [4]string{"Item", "Value", "Decision", "Reason"},
	wholeRecord: "The whole record",
	overridden:  "Specific reason: ",

	outcome: map[dsr.Outcome]string{
		dsr.OutcomeErase:      "Erased",
		dsr.OutcomeKeep:       "Kept",
		dsr.OutcomeRectify:    "Rectified",
		dsr.OutcomeSupplement: "Supplemented with your statement",
		dsr.OutcomeRestrict:   "Restricted",
		dsr.OutcomeRefer:      "Referred to Skatteverket",
		dsr.OutcomeStop:       "Processing stops",
	},
	rectifiedTo: func(v string) string { return "Rectified to " + v },
	counted: map[dsr.Outcome]string{
		dsr.OutcomeErase:      "erased",
		dsr.OutcomeKeep:       "kept",
		dsr.OutcomeRectify:    "rectified",
		dsr.OutcomeSupplement: "supplemented with your statement",
		dsr.OutcomeRestrict:   "restricted",
		dsr.OutcomeRefer:      "referred to Skatteverket",
		dsr.OutcomeStop:       "no longer processed",
	},
}

// decisionTextsFor returns the decision texts for lang ("sv" or "en").
func decisionTextsFor(lang string) *decisionTexts {
	if lang == "en" {
		return &englishDecision
	}
	return &swedishDecision
}

// noticeTexts is every fixed string of the Art. 19 notice to a recipient
// organisation, beside those all letters share. It addresses the
// organisation ("ni"), not the person.
type noticeTexts struct {
	title      string // the PDF's title and the running header
	heading    string
	recipient  string
	orgNumber  string
	intro      string
	request    string
	itemsTable string
	itemCols   [5]string
	// outcome is what was done with an item; rectifiedTo replaces it for a
	// rectification with the new value.
	outcome     map[dsr.Outcome]string
	rectifiedTo func(value string) string
	contact     func(caseNumber string) string
}

var swedishNotice = noticeTexts{
	title:     "Underrättelse enligt artikel 19",
	heading:   "Underrättelse om rättade, raderade eller begränsade personuppgifter (artikel 19 i EU:s dataskyddsförordning)",
	recipient: "Mottagare",
	orgNumber: "organisationsnummer",
	intro: "Försäkringskassan har lämnat ut personuppgifter till er om personen ovan. Efter en begäran från " +
		"personen har vi rättat eller raderat några av de uppgifterna eller begränsat behandlingen av dem. " +
		"Ändringarna står nedan. Enligt artikel 19 i EU:s dataskyddsförordning ska vi underrätta varje " +
		"mottagare som uppgifterna har lämnats ut till.",
	request: "Vi ber er att rätta, radera eller begränsa behandlingen av de kopior av uppgifterna som ni har " +
		"på samma sätt, så att de stämmer med våra.",
	itemsTable: "Ändrade uppgifter",
	itemCols:   [5]string{"Register", "Uppgift", "Värde", "Ändring", "Rättslig grund"},
	outcome: map[dsr.Outcome]string{
		dsr.OutcomeErase:      "Raderad",
		dsr.OutcomeRectify:    "Rättad",
		dsr.OutcomeSupplement: "Kompletterad med ett yttrande från personen",
		dsr.OutcomeRestrict:   "Behandlingen begränsad",
		dsr.OutcomeStop:       "Behandlingen har upphört",
	},
	rectifiedTo: func(v string) string { return "Rättad till " + v },
	contact: func(caseNumber string) string {
		return "Har ni frågor om underrättelsen kan ni kontakta " + dpoContact("sv") +
			". Ange ärendenummer " + caseNumber + "."
	},
}

var englishNotice = noticeTexts{
	title:     "Notice under Article 19",
	heading:   "Notice of rectified, erased or restricted personal data (Article 19 of the EU General Data Protection Regulation)",
	recipient: "Recipient",
	orgNumber: "organisation number",
	intro: "Försäkringskassan (the Swedish Social Insurance Agency) has disclosed personal data about the person " +
		"named above to you. At the person's request we have rectified or erased some of those data, or " +
		"restricted their processing. The changes are listed below. Under Article 19 of the EU General Data " +
		"Protection Regulation we must tell each recipient to whom the data have been disclosed.",
	request:    "Please rectify, erase or restrict the processing of your copies of the data in the same way, so that they match ours.",
	itemsTable: "Changed data",
	itemCols:   [5]string{"Register", "Item", "Value", "Change", "Legal ground"},
	outcome: map[dsr.Outcome]string{
		dsr.OutcomeErase:      "Erased",
		dsr.OutcomeRectify:    "Rectified",
		dsr.OutcomeSupplement: "Supplemented with a statement from the person",
		dsr.OutcomeRestrict:   "Processing restricted",
		dsr.OutcomeStop:       "Processing stopped",
	},
	rectifiedTo: func(v string) string { return "Rectified to " + v },
	contact: func(caseNumber string) string {
		return "If you have questions about this notice, please contact " + dpoContact("en") +
			". Please quote case number " + caseNumber + "."
	},
}

// noticeTextsFor returns the notice texts for lang ("sv" or "en").
func noticeTextsFor(lang string) *noticeTexts {
	if lang == "en" {
		return &englishNotice
	}
	return &swedishNotice
}

// joinAnd writes a list for a sentence: "a, b och c".
func joinAnd(parts []string, and string) string {
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + and + parts[len(parts)-1]
}
