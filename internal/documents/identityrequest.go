package documents

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pdf"
)

// IdentityRequest renders q, the letter that asks the person for proof of
// identity before anything is disclosed (GDPR Art. 12(6)): why the agency
// doubts, as the officer wrote it; what proof will do (signing the request
// with e-ID in the e-service, visiting a service office with an identity
// document, or sending a certified copy of one); the day to reply by; and
// that the request is otherwise closed with a decision, which can be
// appealed, that identity was not established. It writes the PDF to w and
// returns the number of pages. Nothing reaches w if rendering fails.
func (r *Renderer) IdentityRequest(w io.Writer, q *dsr.IdentityRequest) (int, error) {
	d, err := r.renderIdentityRequest(q)
	return write(w, "identity request", d, err)
}

// IdentityRequestBytes is IdentityRequest into memory: it returns the PDF
// and its number of pages.
func (r *Renderer) IdentityRequestBytes(q *dsr.IdentityRequest) ([]byte, int, error) {
	d, err := r.renderIdentityRequest(q)
	return bytesOf("identity request", d, err)
}

func (r *Renderer) renderIdentityRequest(q *dsr.IdentityRequest) (*pdf.Document, error) {
	switch {
	case q == nil:
		return nil, errors.New("render identity request: no letter")
	case strings.TrimSpace(q.Person.Name) == "":
		return nil, errors.New("render identity request: the letter has no name for the address block")
	case q.On.IsZero() || q.ReceivedOn.IsZero() || q.ReplyBy.IsZero():
		return nil, errors.New("render identity request: the letter needs its date, the date the request was received and the day to reply by")
	case !dsr.Day(q.ReplyBy).After(dsr.Day(q.On)):
		return nil, errors.New("render identity request: the day to reply by is not after the letter's date")
	case strings.TrimSpace(q.Reason) == "":
		// Identity is checked only with reasonable doubt (RULES §3): the
		// person is told what it is.
		return nil, errors.New("render identity request: the letter gives no reason for the doubt")
	}
	lang := langOf(q.Lang)
	it := identityTextsFor(lang)
	l, err := r.personLetter("identity request", lang, q.CaseNumber, it.title, it.heading, q.On, q.Person)
	if err != nil {
		return nil, fmt.Errorf("render identity request: %w", err)
	}
	l.bodyParagraph(it.intro(dateText(q.ReceivedOn)))
	l.bodyHeading(it.reasonH)
	l.bodyParagraph(strings.TrimSpace(q.Reason))
	l.bodyHeading(it.proofH)
	l.d.Skip(1 * pdf.MM)
	for _, p := range it.proofs(q.CaseNumber) {
		l.bullet(p)
	}
	l.d.Skip(1 * pdf.MM)
	l.bodyParagraph(it.replyBy(dateText(q.ReplyBy)))
	l.bodyParagraph(l.t.notYou)
	l.questions(it.about, q.CaseNumber)
	return l.d, nil
}

// identityTexts are the texts of the request for proof of identity.
type identityTexts struct {
	title, heading, reasonH, proofH, about string
	intro                                  func(received string) string
	proofs                                 func(caseNumber string) []string
	replyBy                                func(date string) string
}

var swedishIdentity = identityTexts{
	title:   "Begäran om id-kontroll",
	heading: "Vi behöver kontrollera vem som har gjort begäran",
	intro: func(received string) string {
		return "Vi fick en begäran i ditt namn den " + received + ". Innan vi lämnar ut eller ändrar några " +
			"personuppgifter måste vi vara säkra på att begäran kommer från dig (artikel 12.6 i EU:s " +
			"dataskyddsförordning). Vi har inte lämnat ut några uppgifter ännu."
	},
	reasonH: "Varför vi frågar",
	proofH:  "Så visar du vem du är – något av följande räcker",
	proofs: func(caseNumber string) []string {
		return []string{
			"Skriv under begäran med e-legitimation, till exempel BankID, i vår e-tjänst på " + dsr.Agency.Web + ".",
			"Besök ett av våra servicekontor och visa en giltig id-handling, till exempel pass, körkort eller nationellt id-kort.",
			"Skicka en bestyrkt kopia av en giltig id-handling till " + returnAddress + " och ange ärendenummer " +
				caseNumber + ". Bestyrkt betyder att någon annan än du har intygat på kopian, med namnteckning " +
				"och namnförtydligande, att den stämmer med originalet.",
		}
	},
	replyBy: func(date string) string {
		return "Vi behöver ditt svar senast den " + date + ". Har vi inte fått det då avslutar vi ärendet med " +
			"ett beslut om att vi inte har kunnat fastställa vem som har gjort begäran. Det beslutet kan du " +
			"överklaga, och du kan alltid göra en ny begäran."
	},
	about: "brevet",
}

var englishIdentity = identityTexts{
	title:   "Request for proof of identity",
	heading: "We need to confirm who made the request",
	intro: func(received string) string {
		return "We received a request in your name on " + received + ". Before we disclose or change any " +
			"personal data we must be sure that the request comes from you (Article 12(6) of the EU General " +
			"Data Protection Regulation). We have not disclosed any data yet."
	},
	reasonH: "Why we are asking",
	proofH:  "How to show who you are – any one of these will do",
	proofs: func(caseNumber string) []string {
		return []string{
			"Sign the request with an e-ID, for example BankID, in our e-service at " + dsr.Agency.Web + ".",
			"Visit one of our service offices and show a valid identity document, for example a passport, a driving licence or a national identity card.",
			"Send a certified copy of a valid identity document to " + returnAddress + ", Sweden, quoting case " +
				"number " + caseNumber + ". Certified means that someone other than you has confirmed on the copy, " +
				"with their signature and their name in block letters, that it matches the original.",
		}
	},
	replyBy: func(date string) string {
		return "We need your reply by " + date + ". If we have not received it by then, we will close the case " +
			"with a decision that we could not establish who made the request. You can appeal against that " +
			"decision, and you can always make a new request."
	},
	about: "this letter",
}

func identityTextsFor(lang string) *identityTexts {
	if lang == "en" {
		return &englishIdentity
	}
	return &swedishIdentity
}
