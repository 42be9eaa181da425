package delivery

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/mailbox"
	"dsrdesk/internal/pnr"
)

// Store is what delivery needs from the case store.
type Store interface {
	Case(ctx context.Context, id string) (*dsr.Case, error)
	ExtractPDF(ctx context.Context, caseID string, events ...dsr.AuditEvent) ([]byte, dsr.ExtractSummary, error)
	LetterByKey(ctx context.Context, key string) (*dsr.Letter, error)
	CreateLetter(ctx context.Context, l *dsr.Letter, pdf []byte, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) (*dsr.Letter, bool, error)
	SettleLetter(ctx context.Context, letterID string, ch dsr.DeliveryChannel, receipt string, decide func(*dsr.Case, *dsr.Letter) ([]dsr.AuditEvent, error)) (*dsr.Letter, error)
	LetterPDF(ctx context.Context, letterID string) ([]byte, error)
}

// Population looks a person up in the population-register copy.
type Population interface {
	Person(ctx context.Context, p pnr.PNR) (dsr.Person, error)
}

// Mailbox is the digital-mailbox infrastructure.
type Mailbox interface {
	IsReachable(ctx context.Context, p pnr.PNR) (mailbox.Reachability, error)
	Deliver(ctx context.Context, messageID string, p pnr.PNR, subject, filename string, pdf []byte) (mailbox.Receipt, error)
}

// Service writes and sends letters.
type Service struct {
	store      Store
	population Population
	mailbox    Mailbox
	log        zerolog.Logger
	now        func() time.Time
}

// NewService returns a delivery service.
func NewService(store Store, population Population, mb Mailbox, log zerolog.Logger, now func() time.Time) *Service {
	return &Service{store: store, population: population, mailbox: mb, log: log, now: now}
}

// Result is where a letter went.
type Result struct {
	Channel dsr.DeliveryChannel
	Receipt string
	Letter  *dsr.Letter
}

func errNoCase() error { return dsr.Errorf(dsr.ENOTFOUND, "case.not_found", "No case with that id.") }

// SendAnswer writes the answer letter of a case from its assembled extract
// and sends it. It is safe to repeat: the answer has one unique key per
// case, so a second call, or a call after a crash half-way, finds the same
// letter, settles it with the same message id if it is still pending, and
// otherwise answers what happened the first time.
func (s *Service) SendAnswer(ctx context.Context, caseID string, actor dsr.Actor) (Result, error) {
	if err := dsr.Require(actor, dsr.PermHandle); err != nil {
		return Result{}, err
	}
	if _, err := uuid.Parse(caseID); err != nil {
		return Result{}, errNoCase()
	}
	c, err := s.store.Case(ctx, caseID)
	if err != nil {
		return Result{}, err
	}
	addressee := dsr.Addressee{Kind: dsr.AddresseeSubject, Name: c.SubjectName}
	l, err := s.store.LetterByKey(ctx, dsr.LetterKey(caseID, dsr.PurposeAnswer, addressee))
	switch {
	case err == nil && l.Status != dsr.LetterPending:
		return Result{Channel: l.Channel, Receipt: l.Receipt, Letter: l}, nil // sent before: the same answer
	case err != nil && dsr.ErrorCode(err) != dsr.ENOTFOUND:
		return Result{}, err
	}
	if err := c.Check(dsr.ActSend, dsr.Day(s.now())); err != nil {
		return Result{}, err
	}
	if l == nil {
		// An access request is answered with its extract; a decision
		// letter is written when the decision is carried out.
		if l, err = s.writeAnswer(ctx, c, addressee, actor); err != nil {
			return Result{}, err
		}
	}
	return s.deliver(ctx, c, l, actor)
}

// writeAnswer stores the answer letter of an access case: its assembled
// extract, addressed from the population register.
func (s *Service) writeAnswer(ctx context.Context, c *dsr.Case, addressee dsr.Addressee, actor dsr.Actor) (*dsr.Letter, error) {
	if !c.Has(dsr.KindAccess) {
		return nil, dsr.Errorf(dsr.ECONFLICT, "case.not_executed", "The decision must be carried out before the answer can be sent.")
	}
	person, err := s.population.Person(ctx, c.SubjectPNR)
	if err != nil {
		return nil, fmt.Errorf("case %s: population register: %w", c.ID, err)
	}
	pdf, info, err := s.store.ExtractPDF(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(pdf)
	draft := &dsr.Letter{
		ID:           pnr.OpaqueID(newID), // the print record id
		CaseID:       c.ID,
		Purpose:      dsr.PurposeAnswer,
		Addressee:    addressee,
		Key:          dsr.LetterKey(c.ID, dsr.PurposeAnswer, addressee),
		Subject:      answerSubject(c),
		MessageID:    uuid.Must(uuid.NewV7()).String(),
		Pages:        info.Pages,
		SHA256:       hex.EncodeToString(sum[:]),
		AddressLines: person.AddressLines(),
		Country:      "SE",
	}
	if !person.Protection.Protected() {
		draft.Postcode = person.Postcode
		if person.Country != "" {
			draft.Country = person.Country
		}
	}
	l, _, err := s.store.CreateLetter(ctx, draft, pdf, func(c *dsr.Case) ([]dsr.AuditEvent, error) {
		if err := c.Check(dsr.ActSend, dsr.Day(s.now())); err != nil {
			return nil, err
		}
		detail := "letter=" + draft.ID + " purpose=" + string(draft.Purpose) + " message_id=" + draft.MessageID
		return []dsr.AuditEvent{dsr.Event(actor, dsr.ActionLetterPrepared, c.ID, detail)}, nil
	})
	return l, err
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// answerSubject is the subject line of the answer in the digital mailbox.
func answerSubject(c *dsr.Case) string {
	if c.Language == "en" {
		return "Register extract from Försäkringskassan, " + c.Number
	}
	return "Registerutdrag från Försäkringskassan, " + c.Number
}

// deliver sends a pending letter to the digital mailbox when the person is
// reachable, and otherwise queues it for print: the protected route for a
// person with protected identity, the ordinary one for everyone else. A
// letter that has already left is answered as it is.
func (s *Service) deliver(ctx context.Context, c *dsr.Case, l *dsr.Letter, actor dsr.Actor) (Result, error) {
	if l.Status != dsr.LetterPending {
		return Result{Channel: l.Channel, Receipt: l.Receipt, Letter: l}, nil
	}
	log := s.log.With().Str("case_id", c.ID).Str("letter_id", l.ID).Logger()
	person, err := s.population.Person(ctx, c.SubjectPNR)
	if err != nil {
		return Result{}, fmt.Errorf("case %s: population register: %w", c.ID, err)
	}
	paper, reason := dsr.DeliveryPostal, ""
	if person.Protection.Protected() {
		paper = dsr.DeliveryProtected
	}
	reach, err := s.mailbox.IsReachable(ctx, c.SubjectPNR)
	switch {
	case err != nil:
		reason = "recipient lookup failed"
		log.Warn().Err(err).Msg("digital mailbox lookup failed; sending on paper")
	case !reach.Reachable:
		reason = "not reachable: " + reach.Reason
	default:
		pdf, err := s.store.LetterPDF(ctx, l.ID)
		if err != nil {
			return Result{}, err
		}
		rc, err := s.mailbox.Deliver(ctx, l.MessageID, c.SubjectPNR, l.Subject, c.Number+".pdf", pdf)
		if err == nil {
			return s.settle(ctx, l, dsr.DeliveryDigital, rc.TransactionID, "operator "+rc.Operator, actor, log)
		}
		reason = "digital delivery failed"
		log.Warn().Err(err).Msg("digital delivery failed; sending on paper")
	}
	return s.settle(ctx, l, paper, "", reason, actor, log)
}

// settle records where a letter went; an answer moves its case on as the
// workflow says.
func (s *Service) settle(ctx context.Context, l *dsr.Letter, ch dsr.DeliveryChannel, receipt, reason string, actor dsr.Actor, log zerolog.Logger) (Result, error) {
	l, err := s.store.SettleLetter(ctx, l.ID, ch, receipt, func(c *dsr.Case, l *dsr.Letter) ([]dsr.AuditEvent, error) {
		if l.Purpose == dsr.PurposeAnswer && c.Can(dsr.ActSend, dsr.Day(s.now())) {
			c.Status = c.Next(dsr.ActSend)
		}
		action := dsr.ActionLetterQueued
		if l.Status == dsr.LetterDelivered {
			action = dsr.ActionLetterDelivered
		}
		detail := fmt.Sprintf("letter=%s channel=%s receipt=%s", l.ID, l.Channel, l.Receipt)
		if reason != "" {
			detail += " reason=" + reason
		}
		return []dsr.AuditEvent{dsr.Event(actor, action, c.ID, detail)}, nil
	})
	if err != nil {
		return Result{}, err
	}
	log.Info().Str("channel", string(l.Channel)).Str("purpose", string(l.Purpose)).Msg("letter settled")
	return Result{Channel: l.Channel, Receipt: l.Receipt, Letter: l}, nil
}

// SendNotice sends a case's written letter of another purpose than the
// answer to the person (an extension notice, a notice that a restriction
// will be lifted …). Like the answer it is sent once: a repeat answers what
// happened the first time.
func (s *Service) SendNotice(ctx context.Context, caseID string, p dsr.Purpose, actor dsr.Actor) (Result, error) {
	if err := dsr.Require(actor, dsr.PermHandle); err != nil {
		return Result{}, err
	}
	if p == dsr.PurposeAnswer {
		return s.SendAnswer(ctx, caseID, actor)
	}
	if _, err := uuid.Parse(caseID); err != nil {
		return Result{}, errNoCase()
	}
	c, err := s.store.Case(ctx, caseID)
	if err != nil {
		return Result{}, err
	}
	l, err := s.store.LetterByKey(ctx, dsr.LetterKey(caseID, p, dsr.Addressee{Kind: dsr.AddresseeSubject}))
	if dsr.ErrorCode(err) == dsr.ENOTFOUND {
		return Result{}, dsr.Errorf(dsr.ENOTFOUND, "letter.not_written", "The case has no such letter written.")
	} else if err != nil {
		return Result{}, err
	}
	return s.deliver(ctx, c, l, actor)
}
