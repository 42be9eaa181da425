package documents

// outcomeTexts is every fixed string of the outcome letter (outcome.go) in
// one language, beside those it shares with every letter (texts) and with
// the decision on a request to change data (decisionTexts: the heading, the
// kinds asked, the reasons heading, IMY and how to appeal).
type outcomeTexts struct {
	you string // whom the data concern when the letter goes to the person

	refused     string // a request refused as manifestly unfounded or excessive
	identity    string // refused as the requester's identity is not established
	newRequestH string
	newRequest  string

	partly          string // data withheld from the extract
	withheldTable   string
	withheldCols    [4]string
	partRecord      string // a field redacted, when the field is not named
	withheldReasons string // what the provisions in the table mean

	noDataTitle   string // the PDF's title and the running header
	noDataHeading func(whom string) string
	noData        func(whom string) string
	searchAgain   string
	// nothingHeading and nothing are the no-data reply to a request to
	// change data: its evaluation found nothing that the request concerns.
	nothingHeading  func(whom string) string
	nothing         func(whom string) string
	requestConcerns string // labels the principal in the no-data letter, which is no decision
	aboutNoData     string // what the contact paragraph asks questions about
}

var swedishOutcome = outcomeTexts{
	you: "dig",

	refused: "Försäkringskassan avslår din begäran. Vi bedömer att den är uppenbart ogrundad eller orimlig, " +
		"och då får vi vägra att tillmötesgå den (artikel 12.5 b i EU:s dataskyddsförordning). Det är vi som " +
		"ska visa att begäran är uppenbart ogrundad eller orimlig. Skälen för vår bedömning står nedan.",
	identity: "Försäkringskassan avslår din begäran, eftersom vi inte har kunnat fastställa vem som har gjort " +
		"den. Vi lämnar bara ut eller ändrar personuppgifter när vi vet att begäran kommer från den som " +
		"uppgifterna gäller eller från någon som har rätt att företräda den personen (artikel 12.6 och " +
		"artikel 11.2 i EU:s dataskyddsförordning). Vi har därför inte lämnat ut några uppgifter.",
	newRequestH: "Om du vill göra en ny begäran",
	newRequest: "Du kan när som helst göra en ny begäran. Visa då vem du är, till exempel genom att skriva " +
		"under begäran med e-legitimation i vår e-tjänst, genom att besöka ett av våra servicekontor med en " +
		"giltig id-handling eller genom att skicka med en bestyrkt kopia av en giltig id-handling.",

	partly: "Registerutdraget skickas tillsammans med det här beslutet, men vissa uppgifter har vi inte lämnat " +
		"ut. Försäkringskassan beslutar att inte lämna ut de uppgifter som står i förteckningen nedan, " +
		"eftersom de omfattas av sekretess eller av undantag från rätten att få tillgång till sina " +
		"personuppgifter (artikel 15.4 i EU:s dataskyddsförordning och 5 kap. 1 § lagen (2018:218) med " +
		"kompletterande bestämmelser till EU:s dataskyddsförordning). Alla andra uppgifter finns i utdraget.",
	withheldTable: "Uppgifter som inte lämnas ut",
	withheldCols:  [4]string{"Register", "Uppgift", "Antal", "Bestämmelse"},
	partRecord:    "Del av posten",
	withheldReasons: "Bestämmelsen i förteckningen är skälet till att uppgifterna inte lämnas ut. Där bara en " +
		"del av en post omfattas har vi maskerat den delen och lämnat ut resten av posten.",

	noDataTitle:   "Besked om personuppgifter",
	noDataHeading: func(whom string) string { return "Vi har inga personuppgifter om " + whom },
	noData: func(whom string) string {
		return "Vi har sökt i de register där Försäkringskassan behandlar personuppgifter och har inte " +
			"hittat några uppgifter om " + whom + ". Vi behandlar alltså inga personuppgifter om " + whom +
			", och därför finns det inget att lämna ut."
	},
	searchAgain: "Om du tror att vi ändå har uppgifter, till exempel från ett ärende som du känner till, kan " +
		"du höra av dig och berätta om det, så söker vi igen.",
	nothingHeading: func(whom string) string { return "Vi har inga uppgifter om " + whom + " som begäran gäller" },
	nothing: func(whom string) string {
		return "Vi har gått igenom de register som begäran gäller och har inte hittat några uppgifter om " + whom +
			" som den avser. Det finns därför inget för oss att ändra, radera eller begränsa med anledning av begäran."
	},
	requestConcerns: "Begäran gäller",
	aboutNoData:     "beskedet",
}

var englishOutcome = outcomeTexts{
	you: "you",

	refused: "Försäkringskassan refuses your request. We consider it manifestly unfounded or excessive, and " +
		"in that case we may refuse to act on it (Article 12(5)(b) of the EU General Data Protection " +
		"Regulation). It is for us to show that the request is manifestly unfounded or excessive. The " +
		"reasons for our assessment are set out below.",
	identity: "Försäkringskassan refuses your request because we have not been able to establish who made " +
		"it. We disclose or change personal data only when we know that the request comes from the person " +
		"the data concern, or from someone entitled to act for that person (Articles 12(6) and 11(2) of the " +
		"EU General Data Protection Regulation). We have therefore not disclosed any data.",
	newRequestH: "If you want to make a new request",
	newRequest: "You may make a new request at any time. Please show who you are when you do, for example " +
		"by signing the request with an e-ID in our e-service, by visiting one of our service offices with " +
		"a valid identity document, or by enclosing a certified copy of a valid identity document.",

	partly: "The register extract is sent together with this decision, but some data have not been " +
		"disclosed. Försäkringskassan has decided not to disclose the data listed below, because they are " +
		"covered by secrecy or by an exception to the right of access to one's personal data (Article 15(4) " +
		"of the EU General Data Protection Regulation and Chapter 5, Section 1 of the Swedish Data " +
		"Protection Act (2018:218)). All other data are in the extract.",
	withheldTable: "Data withheld",
	withheldCols:  [4]string{"Register", "Item", "Number", "Provision"},
	partRecord:    "Part of the record",
	withheldReasons: "The provision given in the list is the reason why the data are withheld. Where only " +
		"part of a record is covered, we have masked that part and disclosed the rest of the record.",

	noDataTitle:   "Reply about personal data",
	noDataHeading: func(whom string) string { return "We hold no personal data about " + whom },
	noData: func(whom string) string {
		return "We have searched the registers in which Försäkringskassan processes personal data and " +
			"found no data about " + whom + ". We therefore process no personal data about " + whom +
			", so there is nothing to disclose."
	},
	searchAgain: "If you think we do hold data, for example from a case you know of, please contact us and " +
		"tell us about it, and we will search again.",
	nothingHeading: func(whom string) string { return "We hold no data about " + whom + " that the request concerns" },
	nothing: func(whom string) string {
		return "We have gone through the registers the request concerns and found no data about " + whom +
			" that it applies to. There is therefore nothing for us to change, erase or restrict on the request."
	},
	requestConcerns: "The request concerns",
	aboutNoData:     "this reply",
}

// outcomeTextsFor returns the outcome letter's texts for lang ("sv" or
// "en").
func outcomeTextsFor(lang string) *outcomeTexts {
	if lang == "en" {
		return &englishOutcome
	}
	return &swedishOutcome
}
