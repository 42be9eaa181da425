package documents

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pdf"
)

// ExtensionNotice renders n, the letter that tells the person that the
// agency needs more time to answer (GDPR Art. 12(3)): the reasons as the
// officer wrote them, the ordinary deadline and the new one, and the right
// to complain to IMY. It writes the PDF to w and returns the number of
// pages. A notice dated after the ordinary deadline is refused: an
// extension asked for then does not apply (RULES §2). Nothing reaches w if
// rendering fails.
func (r *Renderer) ExtensionNotice(w io.Writer, n *dsr.ExtensionNotice) (int, error) {
	d, err := r.renderExtension(n)
	return write(w, "extension notice", d, err)
}

// ExtensionNoticeBytes is ExtensionNotice into memory: it returns the PDF
// and its number of pages.
func (r *Renderer) ExtensionNoticeBytes(n *dsr.ExtensionNotice) ([]byte, int, error) {
	d, err := r.renderExtension(n)
	return bytesOf("extension notice", d, err)
}

func (r *Renderer) renderExtension(n *dsr.ExtensionNotice) (*pdf.Document, error) {
	switch {
	case n == nil:
		return nil, errors.New("render extension notice: no notice")
	case strings.TrimSpace(n.Person.Name) == "":
		return nil, errors.New("render extension notice: the notice has no name for the address block")
	case n.On.IsZero() || n.ReceivedOn.IsZero() || n.DueOn.IsZero() || n.NewDueOn.IsZero():
		return nil, errors.New("render extension notice: the notice needs its date, the date the request was received and both deadlines")
	case !dsr.Day(n.NewDueOn).After(dsr.Day(n.DueOn)):
		return nil, errors.New("render extension notice: the new deadline is not later than the ordinary one")
	case dsr.Day(n.On).After(dsr.Day(n.DueOn)):
		return nil, errors.New("render extension notice: the notice is dated after the ordinary deadline, when the time can no longer be extended")
	case strings.TrimSpace(n.Reason) == "":
		return nil, errors.New("render extension notice: an extension needs its reasons (GDPR Art. 12(3))")
	}
	lang := langOf(n.Lang)
	xt := extensionTextsFor(lang)
	l, err := r.personLetter("extension notice", lang, n.CaseNumber, xt.title, xt.heading, n.On, n.Person)
	if err != nil {
		return nil, fmt.Errorf("render extension notice: %w", err)
	}
	l.bodyParagraph(xt.intro(dateText(n.ReceivedOn), dateText(n.DueOn), dateText(n.NewDueOn)))
	l.bodyHeading(xt.reasonH)
	l.bodyParagraph(strings.TrimSpace(n.Reason))
	l.bodyHeading(decisionTextsFor(lang).complainH)
	l.bodyParagraph(l.t.imy)
	l.questions(xt.about, n.CaseNumber)
	return l.d, nil
}

// extensionTexts are the texts of the extension notice.
type extensionTexts struct {
	title, heading, reasonH, about string
	intro                          func(received, due, newDue string) string
}

var swedishExtension = extensionTexts{
	title:   "Besked om förlängd svarstid",
	heading: "Vi behöver mer tid för att svara på din begäran",
	intro: func(received, due, newDue string) string {
		return "Vi fick din begäran den " + received + ". Enligt EU:s dataskyddsförordning ska vi normalt svara " +
			"inom en månad, i ditt fall senast den " + due + ". Om en begäran är komplicerad eller om vi har fått " +
			"många begäranden får vi förlänga tiden med högst två månader till (artikel 12.3). Vi behöver göra " +
			"det och kommer att svara dig senast den " + newDue + "."
	},
	reasonH: "Varför vi behöver mer tid",
	about:   "beskedet",
}

var englishExtension = extensionTexts{
	title:   "Notice of extended time limit",
	heading: "We need more time to answer your request",
	intro: func(received, due, newDue string) string {
		return "We received your request on " + received + ". Under the EU General Data Protection Regulation we " +
			"must normally answer within one month, in your case by " + due + ". Where a request is complex, or " +
			"we have received many requests, we may extend that time by up to two further months (Article " +
			"12(3)). We need to do so, and will answer you by " + newDue + "."
	},
	reasonH: "Why we need more time",
	about:   "this notice",
}

func extensionTextsFor(lang string) *extensionTexts {
	if lang == "en" {
		return &englishExtension
	}
	return &swedishExtension
}
