package documents

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pdf"
)

// Receipt renders c, the letter that confirms a request: how and when it
// arrived, what it asks, its case number and the day it will be answered
// by. It tells the person that the answer goes to their digital mailbox if
// they have one and otherwise to their address in the population register,
// never to an address given in the request (RULES §3), and asks whoever did
// not make the request to get in touch. It writes the PDF to w and returns
// the number of pages. Nothing reaches w if rendering fails.
func (r *Renderer) Receipt(w io.Writer, c *dsr.Receipt) (int, error) {
	d, err := r.renderReceipt(c)
	return write(w, "receipt", d, err)
}

// ReceiptBytes is Receipt into memory: it returns the PDF and its number of
// pages.
func (r *Renderer) ReceiptBytes(c *dsr.Receipt) ([]byte, int, error) {
	d, err := r.renderReceipt(c)
	return bytesOf("receipt", d, err)
}

func (r *Renderer) renderReceipt(c *dsr.Receipt) (*pdf.Document, error) {
	switch {
	case c == nil:
		return nil, errors.New("render receipt: no receipt")
	case strings.TrimSpace(c.Person.Name) == "":
		return nil, errors.New("render receipt: the receipt has no name for the address block")
	case c.On.IsZero() || c.ReceivedOn.IsZero() || c.DueOn.IsZero():
		return nil, errors.New("render receipt: the receipt needs its date, the date the request was received and the deadline")
	case dsr.Day(c.DueOn).Before(dsr.Day(c.ReceivedOn)):
		return nil, errors.New("render receipt: the deadline is before the request was received")
	case !c.Channel.Valid():
		return nil, fmt.Errorf("render receipt: unknown channel %q", c.Channel)
	}
	lang := langOf(c.Lang)
	rt, dt := receiptTextsFor(lang), decisionTextsFor(lang)
	l, err := r.personLetter("receipt", lang, c.CaseNumber, rt.title, rt.heading, c.On, c.Person)
	if err != nil {
		return nil, fmt.Errorf("render receipt: %w", err)
	}
	received := rt.received(rt.channel[c.Channel], dateText(c.ReceivedOn))
	if kinds := kindWords(c.Kinds, dt.kinds); len(kinds) > 0 {
		received += dt.asked(joinAnd(kinds, dt.and))
	}
	l.bodyParagraph(received)
	l.bodyParagraph(rt.due(c.CaseNumber, dateText(c.DueOn)))
	l.bodyHeading(rt.deliveryH)
	l.bodyParagraph(rt.delivery)
	l.bodyParagraph(l.t.notYou)
	l.questions(rt.about, c.CaseNumber)
	return l.d, nil
}

// receiptTexts are the texts of the receipt.
type receiptTexts struct {
	title, heading, deliveryH, delivery, about string
	received                                   func(channel, on string) string
	due                                        func(caseNumber, due string) string
	channel                                    map[dsr.Channel]string // how the request came, in words
}

var swedishReceipt = receiptTexts{
	title:    "Bekräftelse på din begäran",
	heading:  "Vi har tagit emot din begäran",
	received: func(channel, on string) string { return "Vi fick din begäran " + channel + " den " + on + "." },
	channel: map[dsr.Channel]string{
		dsr.ChannelEService: "via vår e-tjänst",
		dsr.ChannelLetter:   "per brev",
		dsr.ChannelPhone:    "per telefon",
		dsr.ChannelDesk:     "på ett av våra servicekontor",
	},
	due: func(caseNumber, due string) string {
		return "Din begäran har fått ärendenummer " + caseNumber + ". Vi svarar dig senast den " + due +
			". Om vi behöver mer tid får du veta det före den dagen, och varför."
	},
	deliveryH: "Så får du svaret",
	delivery: "Vi skickar svaret till din digitala brevlåda om du har en, till exempel Kivra eller Min " +
		"myndighetspost. Annars skickar vi det med post till din adress i folkbokföringen " +
		"(folkbokföringsadressen). Vi skickar det aldrig till någon annan adress, inte heller till en adress " +
		"som står i begäran. Så vet vi att svaret når den som uppgifterna gäller.",
	about: "bekräftelsen",
}

var englishReceipt = receiptTexts{
	title:    "Acknowledgement of your request",
	heading:  "We have received your request",
	received: func(channel, on string) string { return "We received your request " + channel + " on " + on + "." },
	channel: map[dsr.Channel]string{
		dsr.ChannelEService: "through our e-service",
		dsr.ChannelLetter:   "by letter",
		dsr.ChannelPhone:    "by telephone",
		dsr.ChannelDesk:     "at one of our service offices",
	},
	due: func(caseNumber, due string) string {
		return "Your request has been given case number " + caseNumber + ". We will answer you by " + due +
			". If we need more time, we will tell you before that date, and why."
	},
	deliveryH: "How you will get the answer",
	delivery: "We will send the answer to your digital mailbox if you have one, for example Kivra or Min " +
		"myndighetspost. Otherwise we will send it by post to your address in the Swedish population register " +
		"(folkbokföringsadressen). We never send it to any other address, including an address given in the " +
		"request. That way we know that the answer reaches the person the data concern.",
	about: "this acknowledgement",
}

func receiptTextsFor(lang string) *receiptTexts {
	if lang == "en" {
		return &englishReceipt
	}
	return &swedishReceipt
}
