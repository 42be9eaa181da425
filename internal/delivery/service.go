package delivery

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/mailbox"
)

// Store is what delivery needs from the case store.
type Store interface {
	FindCase(ctx context.Context, id string, actor dsr.Actor) (*dsr.Case, error)
	PrepareLetter(ctx context.Context, l *dsr.Letter, actor dsr.Actor) (*dsr.Letter, error)
	SettleLetter(ctx context.Context, letterID string, ch dsr.DeliveryChannel, receipt, reason string, actor dsr.Actor) (*dsr.Letter, error)
	LetterPDF(ctx context.Context, letterID string) ([]byte, error)
}

// Population looks a person up in the population-register copy.
type Population interface {
	Person(ctx context.Context, pnr string) (dsr.Person, error)
}

// Mailbox is the digital-mailbox infrastructure.
type Mailbox interface {
	IsReachable(ctx context.Context, pnr string) (mailbox.Reachability, error)
	Deliver(ctx context.Context, messageID, pnr, subject, filename string, pdf []byte) (mailbox.Receipt, error)
}

// Service sends answers.
type Service struct {
	store      Store
	population Population
	mailbox    Mailbox
	log        zerolog.Logger
}

// NewService returns a delivery service.
func NewService(store Store, population Population, mb Mailbox, log zerolog.Logger) *Service {
	return &Service{store: store, population: population, mailbox: mb, log: log}
}

// Result is where a letter went.
type Result struct {
	Channel dsr.DeliveryChannel
	Receipt string
	Letter  *dsr.Letter
}

// Send delivers the assembled extract of a case. It is safe to repeat: a
// second call, or a call after a crash half-way, settles the same letter
// with the same message id and never produces a second one.
func (s *Service) Send(ctx context.Context, caseID string, actor dsr.Actor) (Result, error) {
	if !actor.Any(dsr.RoleOfficer, dsr.RoleDPO) {
		return Result{}, dsr.Errorf(dsr.EFORBIDDEN, "Only case officers and the data protection officer may send answers.")
	}
	if _, err := uuid.Parse(caseID); err != nil {
		return Result{}, dsr.Errorf(dsr.ENOTFOUND, "No case with that id.")
	}
	c, err := s.store.FindCase(ctx, caseID, actor)
	if err != nil {
		return Result{}, err
	}
	person, err := s.population.Person(ctx, c.SubjectPNR)
	if err != nil {
		return Result{}, fmt.Errorf("case %s: population register: %w", caseID, err)
	}
	draft := &dsr.Letter{
		ID:           uuid.Must(uuid.NewV7()).String(),
		CaseID:       caseID,
		MessageID:    uuid.Must(uuid.NewV7()).String(),
		AddressLines: person.AddressLines(),
		Country:      "SE",
	}
	if !person.Protection.Protected() {
		draft.Postcode = person.Postcode
		if person.Country != "" {
			draft.Country = person.Country
		}
	}
	l, err := s.store.PrepareLetter(ctx, draft, actor)
	if err != nil {
		return Result{}, err
	}
	if l.Status != dsr.LetterPending {
		return Result{Channel: l.Channel, Receipt: l.Receipt, Letter: l}, nil
	}
	log := s.log.With().Str("case_id", caseID).Str("letter_id", l.ID).Logger()

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
		subject := "Registerutdrag från Försäkringskassan, " + c.Number
		if c.Language == "en" {
			subject = "Register extract from Försäkringskassan, " + c.Number
		}
		rc, err := s.mailbox.Deliver(ctx, l.MessageID, c.SubjectPNR, subject, c.Number+".pdf", pdf)
		if err == nil {
			l, err = s.store.SettleLetter(ctx, l.ID, dsr.DeliveryDigital, rc.TransactionID, "operator "+rc.Operator, actor)
			if err != nil {
				return Result{}, err
			}
			log.Info().Str("channel", string(l.Channel)).Msg("answer delivered")
			return Result{Channel: l.Channel, Receipt: l.Receipt, Letter: l}, nil
		}
		reason = "digital delivery failed"
		log.Warn().Err(err).Msg("digital delivery failed; sending on paper")
	}
	l, err = s.store.SettleLetter(ctx, l.ID, paper, "", reason, actor)
	if err != nil {
		return Result{}, err
	}
	log.Info().Str("channel", string(l.Channel)).Msg("answer queued for print")
	return Result{Channel: l.Channel, Receipt: l.Receipt, Letter: l}, nil
}
