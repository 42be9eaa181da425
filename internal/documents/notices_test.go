package documents

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pdf/pdftest"
)

const (
	extensionReasonSV = "Din begäran gäller uppgifter i elva register, och två av dem måste sökas igenom för hand i arkivet i Östersund."
	identityReasonSV  = "Begäran kom per brev och bad att svaret skulle skickas till en adress i Göteborg som inte är din folkbokföringsadress."
)

// The test letters go to the person of the test extract, whose identity
// number is 19811218-9876, about a request received on 2 March 2026.

func testExtension(lang string) *dsr.ExtensionNotice {
	e := testExtract(lang)
	return &dsr.ExtensionNotice{
		CaseNumber: e.CaseNumber, Lang: lang, Person: e.Person,
		On: date("2026-03-25"), ReceivedOn: date("2026-03-02"), DueOn: date("2026-04-02"), NewDueOn: date("2026-06-02"),
		Reason: extensionReasonSV,
	}
}

func testReceipt(lang string) *dsr.Receipt {
	e := testExtract(lang)
	return &dsr.Receipt{
		CaseNumber: e.CaseNumber, Lang: lang, Person: e.Person,
		On: date("2026-03-03"), Channel: dsr.ChannelLetter, Kinds: []dsr.Kind{dsr.KindErasure, dsr.KindAccess},
		ReceivedOn: date("2026-03-02"), DueOn: date("2026-04-02"),
	}
}

func testIdentityRequest(lang string) *dsr.IdentityRequest {
	e := testExtract(lang)
	return &dsr.IdentityRequest{
		CaseNumber: e.CaseNumber, Lang: lang, Person: e.Person,
		On: date("2026-03-04"), ReceivedOn: date("2026-03-02"), ReplyBy: date("2026-03-25"),
		Reason: identityReasonSV,
	}
}

func mustRender(t *testing.T, what string, render func() ([]byte, int, error)) []byte {
	t.Helper()
	b, pages, err := render()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if pages < 1 {
		t.Fatalf("%s: %d pages", what, pages)
	}
	return b
}

// onePage fails unless a short letter fits on one sheet, as the print shop
// charges per sheet and a second page with only the greeting looks careless.
func onePage(t *testing.T, what string, doc []byte) {
	t.Helper()
	if pages := pdftest.Pages(t, doc); len(pages) != 1 {
		t.Errorf("%s takes %d pages; want 1", what, len(pages))
	}
}

func TestExtensionNotice(t *testing.T) {
	r := newRenderer(t)
	for _, tt := range []struct {
		lang string
		want []string
	}{
		{"sv", []string{
			"Vi behöver mer tid för att svara på din begäran",
			"Vi fick din begäran den 2026-03-02.",
			"i ditt fall senast den 2026-04-02",
			"högst två månader till (artikel 12.3)",
			"kommer att svara dig senast den 2026-06-02",
			"Varför vi behöver mer tid " + extensionReasonSV,
			"Integritetsskyddsmyndigheten (IMY), Box 8114, 104 20 Stockholm",
			"Om du har frågor om beskedet",
		}},
		{"en", []string{
			"We need more time to answer your request",
			"We received your request on 2026-03-02.",
			"in your case by 2026-04-02",
			"(Article 12(3))",
			"will answer you by 2026-06-02",
			"Why we need more time " + extensionReasonSV,
			"(IMY), Integritetsskyddsmyndigheten, Box 8114",
		}},
	} {
		n := testExtension(tt.lang)
		doc := mustRender(t, tt.lang+" extension notice", func() ([]byte, int, error) { return r.ExtensionNoticeBytes(n) })
		all := flat(t, doc)
		mustContain(t, tt.lang+" extension notice", all, tt.want...)
		mustNotContain(t, tt.lang+" extension notice", all, testPNRShow)
		noIdentityNumberOnPage1(t, tt.lang+" extension notice", doc, testAddress)
		onePage(t, tt.lang+" extension notice", doc)
	}
}

func TestReceipt(t *testing.T) {
	r := newRenderer(t)
	for _, tt := range []struct {
		lang string
		want []string
	}{
		{"sv", []string{
			"Vi har tagit emot din begäran",
			"Vi fick din begäran per brev den 2026-03-02.",
			"Du har begärt att få ett registerutdrag (artikel 15) och att uppgifter om dig raderas (artikel 17).",
			"Din begäran har fått ärendenummer FK-2026-004711.",
			"Vi svarar dig senast den 2026-04-02.",
			"digitala brevlåda",
			"din adress i folkbokföringen (folkbokföringsadressen)",
			"inte heller till en adress som står i begäran",
			"Om det inte är du som har gjort begäran",
		}},
		{"en", []string{
			"We have received your request",
			"We received your request by letter on 2026-03-02.",
			"You asked for a register extract (Article 15) and that data about you be erased (Article 17).",
			"case number FK-2026-004711",
			"We will answer you by 2026-04-02.",
			"digital mailbox",
			"population register (folkbokföringsadressen)",
			"including an address given in the request",
			"If you did not make this request",
		}},
	} {
		c := testReceipt(tt.lang)
		doc := mustRender(t, tt.lang+" receipt", func() ([]byte, int, error) { return r.ReceiptBytes(c) })
		all := flat(t, doc)
		mustContain(t, tt.lang+" receipt", all, tt.want...)
		mustNotContain(t, tt.lang+" receipt", all, testPNRShow)
		noIdentityNumberOnPage1(t, tt.lang+" receipt", doc, testAddress)
		onePage(t, tt.lang+" receipt", doc)
	}

	for ch, want := range map[dsr.Channel]string{
		dsr.ChannelEService: "via vår e-tjänst",
		dsr.ChannelPhone:    "per telefon",
		dsr.ChannelDesk:     "på ett av våra servicekontor",
	} {
		c := testReceipt("sv")
		c.Channel, c.Kinds = ch, nil
		doc := mustRender(t, "receipt", func() ([]byte, int, error) { return r.ReceiptBytes(c) })
		all := flat(t, doc)
		mustContain(t, string(ch)+" receipt", all, "Vi fick din begäran "+want+" den 2026-03-02.")
		mustNotContain(t, string(ch)+" receipt", all, "Du har begärt")
	}
}

func TestIdentityRequest(t *testing.T) {
	r := newRenderer(t)
	for _, tt := range []struct {
		lang string
		want []string
	}{
		{"sv", []string{
			"Vi behöver kontrollera vem som har gjort begäran",
			"Vi fick en begäran i ditt namn den 2026-03-02.",
			"artikel 12.6 i EU:s dataskyddsförordning",
			"Vi har inte lämnat ut några uppgifter ännu.",
			"Varför vi frågar " + identityReasonSV,
			"Skriv under begäran med e-legitimation",
			"i vår e-tjänst på forsakringskassan.se",
			"Besök ett av våra servicekontor och visa en giltig id-handling",
			"Skicka en bestyrkt kopia av en giltig id-handling till Försäkringskassan, 839 88 Östersund och ange ärendenummer FK-2026-004711.",
			"Vi behöver ditt svar senast den 2026-03-25.",
			"avslutar vi ärendet med ett beslut om att vi inte har kunnat fastställa vem som har gjort begäran",
			"Det beslutet kan du överklaga",
		}},
		{"en", []string{
			"We need to confirm who made the request",
			"We received a request in your name on 2026-03-02.",
			"Article 12(6)",
			"Why we are asking " + identityReasonSV,
			"Sign the request with an e-ID",
			"Visit one of our service offices and show a valid identity document",
			"Send a certified copy of a valid identity document to Försäkringskassan, 839 88 Östersund, Sweden, quoting case number FK-2026-004711.",
			"We need your reply by 2026-03-25.",
			"close the case with a decision that we could not establish who made the request",
			"You can appeal against that decision",
		}},
	} {
		q := testIdentityRequest(tt.lang)
		doc := mustRender(t, tt.lang+" identity request", func() ([]byte, int, error) { return r.IdentityRequestBytes(q) })
		all := flat(t, doc)
		mustContain(t, tt.lang+" identity request", all, tt.want...)
		mustNotContain(t, tt.lang+" identity request", all, testPNRShow)
		noIdentityNumberOnPage1(t, tt.lang+" identity request", doc, testAddress)
		onePage(t, tt.lang+" identity request", doc)
	}
}

// Each notice refuses input it cannot explain, writes nothing then, and
// never repeats an identity number in its error.
func TestNoticesRefuseWhatTheyCannotExplain(t *testing.T) {
	r := newRenderer(t)
	check := func(name string, render func(*bytes.Buffer) error) {
		t.Helper()
		var buf bytes.Buffer
		if err := render(&buf); err == nil {
			t.Errorf("%s: rendered without error", name)
		} else if strings.Contains(err.Error(), "9876") {
			t.Errorf("%s: the error repeats the identity number: %v", name, err)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: a refused letter wrote %d bytes", name, buf.Len())
		}
	}

	for name, change := range map[string]func(*dsr.ExtensionNotice){
		"no name":                   func(n *dsr.ExtensionNotice) { n.Person.Name = "" },
		"no reason":                 func(n *dsr.ExtensionNotice) { n.Reason = " " },
		"no new deadline":           func(n *dsr.ExtensionNotice) { n.NewDueOn = time.Time{} },
		"new deadline not later":    func(n *dsr.ExtensionNotice) { n.NewDueOn = n.DueOn },
		"sent after the deadline":   func(n *dsr.ExtensionNotice) { n.On = date("2026-04-03") },
		"an id in the address":      func(n *dsr.ExtensionNotice) { n.Person.CareOf = "811218-9876" },
		"an id as the case number":  func(n *dsr.ExtensionNotice) { n.CaseNumber = "198112189876" },
		"no date the request came":  func(n *dsr.ExtensionNotice) { n.ReceivedOn = time.Time{} },
		"no date on the letter":     func(n *dsr.ExtensionNotice) { n.On = time.Time{} },
		"no ordinary deadline":      func(n *dsr.ExtensionNotice) { n.DueOn = time.Time{} },
		"new deadline before other": func(n *dsr.ExtensionNotice) { n.NewDueOn = date("2026-03-30") },
	} {
		n := testExtension("sv")
		change(n)
		check("extension notice, "+name, func(b *bytes.Buffer) error { _, err := r.ExtensionNotice(b, n); return err })
	}
	check("nil extension notice", func(*bytes.Buffer) error { _, _, err := r.ExtensionNoticeBytes(nil); return err })

	for name, change := range map[string]func(*dsr.Receipt){
		"no name":               func(c *dsr.Receipt) { c.Person.Name = " " },
		"unknown channel":       func(c *dsr.Receipt) { c.Channel = "fax" },
		"no deadline":           func(c *dsr.Receipt) { c.DueOn = time.Time{} },
		"due before received":   func(c *dsr.Receipt) { c.DueOn = date("2026-03-01") },
		"an id in the address":  func(c *dsr.Receipt) { c.Person.Street = "19811218-9876" },
		"no date on the letter": func(c *dsr.Receipt) { c.On = time.Time{} },
	} {
		c := testReceipt("sv")
		change(c)
		check("receipt, "+name, func(b *bytes.Buffer) error { _, err := r.Receipt(b, c); return err })
	}
	check("nil receipt", func(*bytes.Buffer) error { _, _, err := r.ReceiptBytes(nil); return err })

	for name, change := range map[string]func(*dsr.IdentityRequest){
		"no name":                  func(q *dsr.IdentityRequest) { q.Person.Name = "" },
		"no reason":                func(q *dsr.IdentityRequest) { q.Reason = "" },
		"no day to reply by":       func(q *dsr.IdentityRequest) { q.ReplyBy = time.Time{} },
		"reply by before the date": func(q *dsr.IdentityRequest) { q.ReplyBy = q.On },
		"an id in the address":     func(q *dsr.IdentityRequest) { q.Person.CareOf = "811218-9876" },
	} {
		q := testIdentityRequest("sv")
		change(q)
		check("identity request, "+name, func(b *bytes.Buffer) error { _, err := r.IdentityRequest(b, q); return err })
	}
	check("nil identity request", func(*bytes.Buffer) error { _, _, err := r.IdentityRequestBytes(nil); return err })
}

// A protected person's letters show only the name in the window.
func TestNoticesToProtectedPersonShowOnlyName(t *testing.T) {
	r := newRenderer(t)
	n := testExtension("sv")
	n.Person.Protection = dsr.ProtectionProtected
	c := testReceipt("sv")
	c.Person.Protection = dsr.ProtectionProtected
	q := testIdentityRequest("sv")
	q.Person.Protection = dsr.ProtectionProtected
	o := testOutcome("sv", dsr.CaseRefused)
	o.Person.Protection = dsr.ProtectionProtected
	for name, render := range map[string]func() ([]byte, int, error){
		"extension notice": func() ([]byte, int, error) { return r.ExtensionNoticeBytes(n) },
		"receipt":          func() ([]byte, int, error) { return r.ReceiptBytes(c) },
		"identity request": func() ([]byte, int, error) { return r.IdentityRequestBytes(q) },
		"refusal":          func() ([]byte, int, error) { return r.OutcomeDecisionBytes(o) },
	} {
		doc := mustRender(t, name, render)
		if got := windowWords(t, doc); got != testName {
			t.Errorf("%s: the window of a protected person's letter shows %q; want only the name", name, got)
		}
		mustNotContain(t, name, flat(t, doc), "Storgatan", "Göran Ek")
	}
}
