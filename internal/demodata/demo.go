package demodata

import (
	"math/rand/v2"
	"time"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
)

// DemoPerson is one fictional person in the demonstration registers, in the
// shape `dsrdesk demo persons --json` prints. Postcode is empty for a person
// with protected personal data: their address never leaves the population
// register.
type DemoPerson struct {
	PNR            pnr.PNR        `json:"pnr"` // 12 digits
	Name           string         `json:"name"`
	DigitalMailbox bool           `json:"digital_mailbox"`
	Protection     dsr.Protection `json:"protection"`
	Postcode       string         `json:"postcode"`
	GuardianPNR    pnr.PNR        `json:"guardian_pnr,omitempty"` // for a child: a guardian, also a demo person
	LEFIRecipients int            `json:"lefi_recipients"`        // distinct organisations in the LEFI Online disclosure log
	Note           string         `json:"note,omitempty"`         // what the person is there to demonstrate
	NoteSV         string         `json:"note_sv,omitempty"`      // the same in Swedish, for the pages that show it (the test e-ID)
}

// DemoPeople returns the fictional people Seed puts in the demonstration
// registers, each chosen to exercise one route through the case system.
// Their numbers have valid check digits but use the 98x serials of test
// numbers, and their names are plainly invented.
func DemoPeople() []DemoPerson {
	recs := demoRecords()
	out := make([]DemoPerson, len(recs))
	for i, r := range recs {
		out[i] = r.DemoPerson
		if r.Protection.Protected() {
			out[i].Postcode = ""
		}
		orgs := map[string]bool{}
		for _, d := range r.disclosures {
			orgs[d.orgNo] = true
		}
		out[i].LEFIRecipients = len(orgs)
	}
	return out
}

// demoRecord is a demo person with everything Seed writes about them.
type demoRecord struct {
	DemoPerson
	careOf, street, town, country string
	special                       dsr.Address // the särskild postadress; zero when there is none
	account                       string      // masked account for generated payments
	decisions                     []decisionRow
	contacts                      []contactRow
	disclosures                   []disclosureRow
	subscriptions                 []subscriptionRow
	reminders                     []reminderRow
	payments                      []paymentRow // besides those derived from decisions
	housing                       []housingRow // bostadsbidrag, paid monthly besides
	documents                     []documentRow
	parties                       []partyRow // someone else's cases the person is a party in
}

type decisionRow struct {
	benefit, decidedOn, from, to string
	perDay                       int64 // kronor; 0 when the decision pays nothing
	decision                     string
}

type paymentRow struct {
	paidOn, benefit string
	amount          int64 // kronor
	account         string
}

type contactRow struct{ on, channel, subject string }

type disclosureRow struct{ on, recipient, orgNo, benefit, basis, purpose string }

type subscriptionRow struct{ subscriber, orgNo, benefit, since, basis string }

type reminderRow struct{ email, topic, since string }

// housingRow is a housing allowance decision. perMonth is 0 for a decision
// that pays nothing (a final decision that settles a year), and
// cohabitantIncome 0 for a person who lives alone.
type housingRow struct {
	decidedOn, from, to string
	perMonth            int64 // kronor
	ownIncome           int64 // kronor a year
	cohabitantIncome    int64 // kronor a year: another person's data
	decision            string
}

// documentRow is a document registered in one of the person's case files.
type documentRow struct{ receivedOn, docType, benefit, caseRef, sender string }

// partyRow is someone else's case the person is a party in: the case's
// benefit and date, the person's role and what the case says about them,
// and the applicant, whose name is another person's data.
type partyRow struct{ caseDate, benefit, role, concerns, applicant string }

// The recipients of LEFI Online disclosures. The organisation numbers are the
// public ones of these organisations.
const (
	folksam          = "Folksam ömsesidig sakförsäkring"
	folksamOrgNo     = "502006-1585"
	skandia          = "Försäkringsaktiebolaget Skandia (publ)"
	skandiaOrgNo     = "502017-3083"
	arbetsformedling = "Arbetsförmedlingen"
	arbetsformOrgNo  = "202100-2114"
	alecta           = "Alecta Tjänstepension ömsesidigt"
	alectaOrgNo      = "502014-6865"
	// An insurer receives data through LEFI Online to coordinate its
	// benefits with the social insurance, without the person's consent.
	basisInsurer = "Samordning av förmåner (110 kap. 39 § socialförsäkringsbalken)"
	// An authority receives them under the agency's duty to disclose.
	basisAuthority = "Förordningen (1980:995) om skyldighet för Försäkringskassan att lämna uppgifter till andra myndigheter"
)

// longHistoryPayments is how many daily payments the long-history person has:
// enough to show that an extract of 20,000 rows stays fast.
const longHistoryPayments = 20_480

// demoRecords is the whole demonstration data set. Everything in it is fixed
// or generated from a fixed seed, so every Seed writes the same database.
func demoRecords() []demoRecord {
	asa := pnr.Complete("19850314982")
	recs := []demoRecord{
		{
			DemoPerson: DemoPerson{PNR: asa, Name: "Åsa Testsson", DigitalMailbox: true, Protection: dsr.ProtectionNone, Postcode: "11346",
				Note: "Digital mailbox: the extract is delivered through Mina meddelanden. Guardian of Filip Testsson. " +
					"Bostadsbidrag shared with a sambo since 2021: the sambo's income is withheld from her extract by default (OSL 28 kap. 1 §). " +
					"Documents in her case files: applications, a läkarintyg and inkomstuppgifter.",
				NoteSV: "Digital brevlåda: utdraget levereras via Mina meddelanden. Vårdnadshavare för Filip Testsson. " +
					"Bostadsbidrag tillsammans med en sambo sedan 2021: sambons inkomst lämnas som standard inte ut i hennes utdrag (OSL 28 kap. 1 §). " +
					"Handlingar i hennes akter: ansökningar, ett läkarintyg och inkomstuppgifter."},
			street: "Testgatan 12", town: "STOCKHOLM", account: "****4821",
			decisions: []decisionRow{
				{"Föräldrapenning", "2015-06-10", "2015-06-01", "2015-12-31", 812, "Beviljad"},
				{"Föräldrapenning", "2016-01-12", "2016-01-01", "2016-05-31", 812, "Beviljad"},
				{"Tillfällig föräldrapenning", "2019-02-18", "2019-02-11", "2019-02-13", 1006, "Beviljad (automatiskt beslut)"},
				{"Sjukpenning", "2023-11-20", "2023-11-06", "2023-11-26", 1010, "Beviljad"},
			},
			contacts: []contactRow{
				{"2015-05-28", "Mina sidor", "Ansökan om föräldrapenning"},
				{"2019-02-14", "Mina sidor", "Anmälan om vård av sjukt barn"},
				{"2023-11-08", "Telefon", "Fråga om läkarintyg för sjukpenning"},
			},
			housing: []housingRow{
				{"2020-03-09", "2020-03-01", "2021-08-31", 3400, 224_000, 0, "Beviljat preliminärt bostadsbidrag (ensamstående med ett barn)"},
				{"2021-08-16", "2021-09-01", "2022-08-31", 1300, 231_000, 318_000, "Beviljat preliminärt bostadsbidrag (sambor med ett barn)"},
				{"2022-11-21", "2021-01-01", "2021-12-31", 0, 236_400, 325_800, "Slutligt bostadsbidrag för 2021: återbetalning 2 400 kr"},
			},
			documents: []documentRow{
				{"2015-05-28", "Ansökan om föräldrapenning", "Föräldrapenning", "Föräldrapenning 2015-06-01 – 2015-12-31", "Du (Mina sidor)"},
				{"2019-02-14", "Ansökan om tillfällig föräldrapenning", "Tillfällig föräldrapenning", "Vård av sjukt barn 2019-02-11 – 2019-02-13", "Du (Mina sidor)"},
				{"2020-02-24", "Ansökan om bostadsbidrag", "Bostadsbidrag", "Bostadsbidrag från 2020-03-01", "Du (Mina sidor)"},
				{"2021-08-02", "Ansökan om bostadsbidrag (gemensam med sambo)", "Bostadsbidrag", "Bostadsbidrag från 2021-09-01", "Du (Mina sidor)"},
				{"2022-10-31", "Inkomstuppgift (fastställd inkomst 2021)", "Bostadsbidrag", "Slutligt bostadsbidrag 2021", "Skatteverket"},
				{"2023-11-13", "Läkarintyg", "Sjukpenning", "Sjukpenning 2023-11-06 – 2023-11-26", "Vårdcentralen Provbacken"},
				{"2023-11-15", "Inkomstuppgift (arbetsgivardeklaration)", "Sjukpenning", "Sjukpenning 2023-11-06 – 2023-11-26", "Skatteverket"},
			},
		},
		{
			DemoPerson: DemoPerson{PNR: pnr.Complete("19481102981"), Name: "Bertil Pappersson", Protection: dsr.ProtectionNone, Postcode: "41319",
				Note:   "No digital mailbox: the extract goes to the ordinary print batch.",
				NoteSV: "Ingen digital brevlåda: utdraget går till den vanliga utskriftsomgången."},
			street: "Provvägen 3", town: "GÖTEBORG", account: "****0931",
			decisions: []decisionRow{
				{"Sjukpenning", "2008-03-04", "2008-02-18", "2008-06-30", 704, "Beviljad"},
				{"Sjukersättning", "2008-09-15", "2008-10-01", "2013-10-31", 455, "Beviljad"},
			},
			contacts: []contactRow{
				{"2008-02-20", "Brev", "Ansökan om sjukpenning"},
				{"2008-08-30", "Servicekontor", "Frågor om sjukersättning"},
				{"2013-09-02", "Brev", "Information om övergång till ålderspension"},
			},
		},
		{
			DemoPerson: DemoPerson{PNR: pnr.Complete("19790721984"), Name: "Cecilia Skyddsdotter", Protection: dsr.ProtectionProtected, Postcode: "75220",
				Note:   "Skyddad folkbokföring, no digital mailbox: the protected print route through Skatteverket's forwarding.",
				NoteSV: "Skyddad folkbokföring, ingen digital brevlåda: den skyddade utskriftsvägen via Skatteverkets vidarebefordran."},
			street: "Hemliga gränd 7", town: "UPPSALA", account: "****5512",
			decisions: []decisionRow{
				{"Sjukpenning", "2024-03-12", "2024-02-26", "2024-05-31", 987, "Beviljad"},
				{"Rehabiliteringspenning", "2024-06-03", "2024-06-01", "2024-08-31", 987, "Beviljad"},
			},
			contacts: []contactRow{
				{"2024-02-27", "Telefon", "Sjukanmälan"},
				{"2024-05-20", "Servicekontor", "Möte om rehabiliteringsplan"},
			},
		},
		{
			DemoPerson: DemoPerson{PNR: pnr.Complete("19660930983"), Name: "Dag Dolding", DigitalMailbox: true, Protection: dsr.ProtectionMarking, Postcode: "90325",
				Note:   "Sekretessmarkering with a digital mailbox: protected, but reachable digitally.",
				NoteSV: "Sekretessmarkering med digital brevlåda: skyddad, men nåbar digitalt."},
			street: "Dolda vägen 2", town: "UMEÅ", account: "****7770",
			decisions: []decisionRow{
				{"Sjukpenning", "2021-09-06", "2021-08-23", "2021-10-17", 1092, "Beviljad"},
				{"Sjukpenning", "2021-10-20", "", "", 0, "Avslag: arbetsförmågan inte nedsatt med minst en fjärdedel"},
			},
			contacts: []contactRow{
				{"2021-08-24", "Mina sidor", "Sjukanmälan"},
				{"2021-10-22", "Telefon", "Fråga om avslagsbeslut och omprövning"},
			},
		},
		{
			DemoPerson: DemoPerson{PNR: pnr.Complete("19900817986"), Name: "Elin Lefiström", DigitalMailbox: true, Protection: dsr.ProtectionNone, Postcode: "21145",
				Note: "LEFI Online disclosures to two insurers (Folksam, Skandia) and one authority (Arbetsförmedlingen); LEFI Prenumeration subscribers; an e-mail reminder on consent and contact notes past their retention, so that erasing everything gives a mix of erased, kept and referred data.",
				NoteSV: "LEFI Online-utlämnanden till två försäkringsbolag (Folksam, Skandia) och en myndighet (Arbetsförmedlingen); prenumeranter i LEFI Prenumeration; " +
					"en e-postpåminnelse som bygger på samtycke och kontaktanteckningar som passerat sin bevarandetid, så att en radering av allt ger en blandning av raderade, kvarhållna och hänvisade uppgifter."},
			street: "Exempelgatan 5", town: "MALMÖ", account: "****3308",
			decisions: []decisionRow{
				{"Sjukpenning", "2015-03-02", "2015-02-16", "2015-03-31", 890, "Beviljad"},
				{"Sjukpenning", "2024-09-16", "2024-09-02", "2024-12-31", 1023, "Beviljad"},
				{"Sjukpenning", "2025-01-20", "2025-01-01", "2025-03-31", 1023, "Beviljad (förlängning)"},
			},
			contacts: []contactRow{
				{"2021-05-17", "Telefon", "Fråga om bostadsbidrag"},
				{"2022-08-29", "Servicekontor", "Hjälp att logga in på Mina sidor"},
				{"2024-09-03", "Mina sidor", "Sjukanmälan"},
				{"2024-10-01", "Telefon", "Fråga om utlämnande till försäkringsbolag"},
			},
			disclosures: []disclosureRow{
				{"2024-10-03", folksam, folksamOrgNo, "Sjukpenning", basisInsurer, "Handläggning av skadeanmälan om sjukförsäkring"},
				{"2024-11-18", skandia, skandiaOrgNo, "Sjukpenning", basisInsurer, "Prövning av rätt till ersättning från sjukförsäkring genom arbetsgivaren"},
				{"2025-02-04", folksam, folksamOrgNo, "Sjukpenning", basisInsurer, "Uppföljning av pågående skadeärende"},
				{"2025-03-10", arbetsformedling, arbetsformOrgNo, "Sjukpenning", basisAuthority, "Planering av arbetslivsinriktade insatser"},
			},
			subscriptions: []subscriptionRow{
				{folksam, folksamOrgNo, "Sjukpenning", "2024-10-03", basisInsurer},
				{alecta, alectaOrgNo, "Sjukpenning", "2024-11-01", basisInsurer},
			},
			reminders: []reminderRow{
				{"elin.lefistrom@example.se", "Påminnelse om att skicka in läkarintyg", "2024-09-03"},
			},
		},
		{
			DemoPerson: DemoPerson{PNR: pnr.Complete("20150520985"), Name: "Filip Testsson", Protection: dsr.ProtectionNone, Postcode: "11346",
				GuardianPNR: asa,
				Note: "A child (born 2015) whose guardian, Åsa Testsson, makes the request. " +
					"A party in her föräldrapenning and VAB cases (register parter_andra_arenden): the applicant's name is withheld from his extract by default (OSL 28 kap. 1 §).",
				NoteSV: "Ett barn (fött 2015) vars vårdnadshavare, Åsa Testsson, gör begäran. " +
					"Part i hennes ärenden om föräldrapenning och VAB (registret parter_andra_arenden): sökandens namn lämnas som standard inte ut i hans utdrag (OSL 28 kap. 1 §)."},
			street: "Testgatan 12", town: "STOCKHOLM",
			contacts: []contactRow{
				{"2023-06-12", "Mina sidor", "Beställning av europeiskt sjukförsäkringskort (EU-kort)"},
			},
			parties: []partyRow{
				{"2015-06-10", "Föräldrapenning", "Barn som föräldrapenningen avser", "Föräldrapenning för vård av dig 2015-06-01 – 2015-12-31", "Åsa Testsson"},
				{"2016-01-12", "Föräldrapenning", "Barn som föräldrapenningen avser", "Föräldrapenning för vård av dig 2016-01-01 – 2016-05-31", "Åsa Testsson"},
				{"2019-02-18", "Tillfällig föräldrapenning", "Barn som vården avser", "Vård av dig när du var sjuk 2019-02-11 – 2019-02-13", "Åsa Testsson"},
			},
		},
		{
			DemoPerson: DemoPerson{PNR: pnr.Complete("19720469987"), Name: "Göran Samordningsson", Protection: dsr.ProtectionNone, Postcode: "97231",
				Note: "Samordningsnummer (day of birth + 60). " +
					"Documents in his sjukpenning case file: application, läkarintyg, arbetsgivarintyg and inkomstuppgift.",
				NoteSV: "Samordningsnummer (födelsedag + 60). Handlingar i hans akt om sjukpenning: ansökan, läkarintyg, arbetsgivarintyg och inkomstuppgift."},
			street: "Gästvägen 4", town: "LULEÅ", account: "****2046",
			decisions: []decisionRow{
				{"Sjukpenning", "2025-02-10", "2025-01-27", "2025-03-09", 845, "Beviljad"},
			},
			contacts: []contactRow{
				{"2025-01-28", "Telefon", "Sjukanmälan"},
				{"2025-02-03", "Brev", "Komplettering: arbetsgivarintyg"},
			},
			documents: []documentRow{
				{"2025-01-28", "Ansökan om sjukpenning", "Sjukpenning", "Sjukpenning från 2025-01-27", "Du (Mina sidor)"},
				{"2025-01-30", "Läkarintyg", "Sjukpenning", "Sjukpenning från 2025-01-27", "Hälsocentralen Provviken"},
				{"2025-02-03", "Arbetsgivarintyg", "Sjukpenning", "Sjukpenning från 2025-01-27", "Arbetsgivaren"},
				{"2025-02-05", "Inkomstuppgift (arbetsgivardeklaration)", "Sjukpenning", "Sjukpenning från 2025-01-27", "Skatteverket"},
			},
		},
		longHistory(pnr.Complete("19440229989")),
		{
			DemoPerson: DemoPerson{PNR: pnr.Complete("19520405988"), Name: "Hanna Godmansson", Protection: dsr.ProtectionNone, Postcode: "70210",
				Note:   "c/o address: her god man, Ivar Förvaltarsson, receives her post.",
				NoteSV: "c/o-adress: hennes gode man, Ivar Förvaltarsson, tar emot hennes post."},
			careOf: "Ivar Förvaltarsson", street: "Ombudsgatan 9", town: "ÖREBRO", account: "****6190",
			decisions: []decisionRow{
				{"Sjukersättning", "2010-02-15", "2010-03-01", "2017-04-30", 455, "Beviljad"},
			},
			contacts: []contactRow{
				{"2016-02-10", "Brev", "Förordnande för god man inkommet"},
				{"2017-03-15", "Telefon", "God man frågar om övergång till ålderspension"},
			},
		},
		{
			DemoPerson: DemoPerson{PNR: pnr.Complete("19581212980"), Name: "Ingrid Boxström", Protection: dsr.ProtectionNone, Postcode: "16867",
				Note: "Särskild postadress (a Box address) registered in the population register besides her registered address; " +
					"letters go to the Box address, and her extract shows both.",
				NoteSV: "Särskild postadress (en boxadress) i folkbokföringen utöver folkbokföringsadressen; " +
					"breven går till boxadressen, och hennes utdrag visar båda."},
			street: "Provstigen 21", town: "BROMMA", account: "****8842",
			special: dsr.Address{Street: "Box 4711", Postcode: "10321", Town: "STOCKHOLM", Country: "SE"},
			decisions: []decisionRow{
				{"Sjukpenning", "2018-04-09", "2018-03-26", "2018-05-06", 788, "Beviljad"},
			},
			contacts: []contactRow{
				{"2018-03-27", "Telefon", "Sjukanmälan"},
			},
		},
		{
			DemoPerson: DemoPerson{PNR: pnr.Complete("19600314984"), Name: "Ivar Förvaltarsson", Protection: dsr.ProtectionNone, Postcode: "70211",
				Note:   "God man for Hanna Godmansson: his mandate was verified on her letter, so with e-ID he can ask for her again.",
				NoteSV: "God man för Hanna Godmansson: hans förordnande kontrollerades på hennes brev, så med e-legitimation kan han göra en ny begäran för henne."},
			street: "Ombudsgatan 9", town: "ÖREBRO", account: "****7310",
			contacts: []contactRow{
				{"2016-02-10", "Brev", "Förordnande som god man för huvudman"},
			},
		},
	}
	for i := range recs {
		if recs[i].country == "" {
			recs[i].country = "SE"
		}
	}
	return recs
}

// longHistory is Örjan Prövman, who has been paid something almost every day
// for half a century: longHistoryPayments payments, a decision a year and a
// few contacts a year, all drawn from a fixed seed.
func longHistory(p pnr.PNR) demoRecord {
	r := demoRecord{
		DemoPerson: DemoPerson{PNR: p, Name: "Örjan Prövman", DigitalMailbox: true, Protection: dsr.ProtectionNone, Postcode: "58222",
			Note:   "Long history: over 20,000 payments since 1969, for the speed of a large extract.",
			NoteSV: "Lång historik: över 20 000 utbetalningar sedan 1969, för att visa hur snabbt ett stort utdrag tas fram."},
		street: "Långa raden 100", town: "LINKÖPING",
	}
	rng := rand.New(rand.NewPCG(19440229, 98))
	start := time.Date(1969, time.August, 1, 0, 0, 0, 0, time.UTC)
	for i := range longHistoryPayments {
		d := start.AddDate(0, 0, i)
		r.payments = append(r.payments, paymentRow{
			paidOn:  d.Format(dsr.DateLayout),
			benefit: eraBenefit(d.Year()),
			amount:  250 + rng.Int64N(1200),
			account: []string{"****1101", "****2202", "****3303", "****4404", "****5505", "****6606"}[(d.Year()-1969)/10],
		})
	}
	last := start.AddDate(0, 0, longHistoryPayments-1).Year()
	for y := 1969; y <= last; y++ {
		outcome := "Beviljad"
		if y%7 == 0 {
			outcome = "Delvis beviljad"
		}
		r.decisions = append(r.decisions, decisionRow{
			benefit:   eraBenefit(y),
			decidedOn: time.Date(y, time.January, 10+rng.IntN(15), 0, 0, 0, 0, time.UTC).Format(dsr.DateLayout),
			from:      time.Date(y, time.January, 1, 0, 0, 0, 0, time.UTC).Format(dsr.DateLayout),
			to:        time.Date(y, time.December, 31, 0, 0, 0, 0, time.UTC).Format(dsr.DateLayout),
			perDay:    250 + rng.Int64N(1200),
			decision:  outcome,
		})
		channels := []string{"Telefon", "Brev", "Lokalkontor"}
		if y >= 2005 {
			channels = []string{"Telefon", "Mina sidor", "Servicekontor"}
		}
		subjects := []string{"Fråga om utbetalning", "Ändrat kontonummer", "Fråga om beslut", "Intyg om utbetald ersättning"}
		for range 3 {
			r.contacts = append(r.contacts, contactRow{
				on:      time.Date(y, time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC).Format(dsr.DateLayout),
				channel: channels[rng.IntN(len(channels))],
				subject: subjects[rng.IntN(len(subjects))],
			})
		}
	}
	return r
}

// eraBenefit is what Örjan Prövman was paid in a given year.
func eraBenefit(year int) string {
	switch {
	case year < 1980:
		return "Sjukpenning"
	case year < 1993:
		return "Rehabiliteringspenning"
	case year < 2003:
		return "Förtidspension"
	case year < 2010:
		return "Sjukersättning"
	}
	return "Merkostnadsersättning"
}

// housingPayments derives the monthly payments of a housing allowance
// decision: the monthly amount for each calendar month of the period, paid on
// the 20th of that month. A decision that pays nothing has none.
func housingPayments(h housingRow, account string) []paymentRow {
	if h.perMonth <= 0 || h.from == "" || h.to == "" {
		return nil
	}
	from, err1 := time.Parse(dsr.DateLayout, h.from)
	to, err2 := time.Parse(dsr.DateLayout, h.to)
	if err1 != nil || err2 != nil || to.Before(from) {
		return nil
	}
	var out []paymentRow
	for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(to); m = m.AddDate(0, 1, 0) {
		out = append(out, paymentRow{
			paidOn:  time.Date(m.Year(), m.Month(), 20, 0, 0, 0, 0, time.UTC).Format(dsr.DateLayout),
			benefit: "Bostadsbidrag",
			amount:  h.perMonth,
			account: account,
		})
	}
	return out
}

// decisionPayments derives monthly payments from a decision that grants a
// daily amount: the days of each calendar month in the period, paid on the
// 25th of the following month.
func decisionPayments(d decisionRow, account string) []paymentRow {
	if d.perDay <= 0 || d.from == "" || d.to == "" {
		return nil
	}
	from, err1 := time.Parse(dsr.DateLayout, d.from)
	to, err2 := time.Parse(dsr.DateLayout, d.to)
	if err1 != nil || err2 != nil || to.Before(from) {
		return nil
	}
	var out []paymentRow
	for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(to); m = m.AddDate(0, 1, 0) {
		first, last := m, m.AddDate(0, 1, -1)
		if first.Before(from) {
			first = from
		}
		if last.After(to) {
			last = to
		}
		days := int64(last.Sub(first).Hours()/24) + 1
		out = append(out, paymentRow{
			paidOn:  time.Date(m.Year(), m.Month()+1, 25, 0, 0, 0, 0, time.UTC).Format(dsr.DateLayout),
			benefit: d.benefit,
			amount:  days * d.perDay,
			account: account,
		})
	}
	return out
}
