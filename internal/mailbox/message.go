package mailbox

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"

	"dsrdesk/internal/dsr"
)

// problem is what is wrong with a delivery, found by checkDelivery. Client
// turns it into a dsr error before anything is sent; Simulator answers it
// as a fault. Its text never contains the recipient.
type problem struct {
	field    string // the argument of Client.Send it concerns
	key      string // the dsr error key
	format   string
	args     []any
	tooLarge bool
}

// text is the problem in English.
func (p *problem) text() string { return fmt.Sprintf(p.format, p.args...) }

// err is the problem as the error Client returns.
func (p *problem) err() *dsr.Error {
	if p.tooLarge {
		return dsr.Errorf(dsr.ETOOLARGE, p.key, p.format, p.args...)
	}
	return dsr.FieldError(p.field, p.key, p.format, p.args...)
}

func invalid(field, key, format string, args ...any) *problem {
	return &problem{field: field, key: key, format: format, args: args}
}

// checkDelivery applies the contract's rules and limits to a delivery, as
// both the client (before sending) and the simulator (on receipt) do, so
// that the two cannot drift apart.
func checkDelivery(d *secureDelivery) *problem {
	switch {
	case !isSenderID(d.Header.Sender.ID):
		return invalid("sender", "mailbox.sender", "The sender id must be 16 followed by the ten digits of the sender's organisation number.")
	case strings.TrimSpace(d.Header.Sender.Name) == "":
		return invalid("sender", "mailbox.sender", "The sender's name must not be empty.")
	case !isPNR(d.Header.Recipient):
		return invalid("pnr", "mailbox.pnr", "The recipient must be a 12-digit identity number.")
	case len(d.Message) != 1:
		return invalid("message", "mailbox.message", "A delivery must carry exactly one message.")
	}
	m := &d.Message[0]
	h := &m.Header
	switch {
	case !isUUID(h.ID):
		return invalid("message_id", "mailbox.message_id", "The message id must be a UUID.")
	case strings.TrimSpace(h.Subject) == "":
		return invalid("subject", "mailbox.subject", "The subject must not be empty.")
	case !utf8.ValidString(h.Subject) || utf8.RuneCountInString(h.Subject) > MaxSubjectRunes:
		return invalid("subject", "mailbox.subject", "The subject must be at most %d characters.", MaxSubjectRunes)
	case !isLanguage(h.Language):
		return invalid("language", "mailbox.language", "The language must be written like svSE: a language and a country, two letters each.")
	case strings.TrimSpace(h.Supportinfo.Text) == "":
		return invalid("support", "mailbox.support", "The support text must not be empty.")
	case m.Body.ContentType != ContentTypePlain && m.Body.ContentType != ContentTypeHTML:
		return invalid("body", "mailbox.body", "The body must be %s or %s.", ContentTypePlain, ContentTypeHTML)
	case len(m.Attachment) > MaxAttachments:
		return invalid("attachments", "mailbox.attachments", "A message may carry at most %d attachments.", MaxAttachments)
	}
	size := len(m.Body.Body)
	for i := range m.Attachment {
		a := &m.Attachment[i]
		sum := md5.Sum(a.Body)
		switch {
		case a.Filename == "" || strings.ContainsAny(a.Filename, `/\`) || !utf8.ValidString(a.Filename):
			return invalid("filename", "mailbox.filename", "The file name must be a plain name without a directory.")
		case a.ContentType != ContentTypePDF:
			return invalid("attachments", "mailbox.attachment_type", "Attachments must be %s.", ContentTypePDF)
		case len(a.Body) == 0:
			return invalid("pdf", "mailbox.no_pdf", "The letter has no PDF.")
		case !bytes.HasPrefix(a.Body, []byte("%PDF-")):
			return invalid("pdf", "mailbox.no_pdf", "An attachment is not a PDF.")
		case !strings.EqualFold(a.Checksum, hex.EncodeToString(sum[:])):
			return invalid("attachments", "mailbox.checksum", "An attachment's checksum does not match its body.")
		}
		size += len(a.Body)
	}
	if size > MaxMessageBytes {
		p := invalid("pdf", "mailbox.too_large", "The message is %d bytes with its attachments; at most %d are allowed.", size, MaxMessageBytes)
		p.tooLarge = true
		return p
	}
	return nil
}

// isLanguage reports whether s is written like the contract's languages:
// two lower-case and two upper-case ASCII letters, such as svSE or enGB.
func isLanguage(s string) bool {
	if len(s) != 4 {
		return false
	}
	for i := 0; i < 4; i++ {
		lo, hi := byte('a'), byte('z')
		if i >= 2 {
			lo, hi = 'A', 'Z'
		}
		if s[i] < lo || s[i] > hi {
			return false
		}
	}
	return true
}
