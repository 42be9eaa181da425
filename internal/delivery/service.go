package delivery

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"dsrdesk/internal/deadline"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/mailbox"
	"dsrdesk/internal/pnr"
)

// Store is what delivery needs from the case store.
type Store interface {
	Case(ctx context.Context, id string) (*dsr.Case, error)
	ExtractPDF(ctx context.Context, caseID string, events ...dsr.AuditEvent) ([]byte, dsr.ExtractSummary, error)
	StaffExtractPDF(ctx context.Context, caseID string, events ...dsr.AuditEvent) ([]byte, dsr.ExtractSummary, error)
	LetterByKey(ctx context.Context, key string) (*dsr.Letter, error)
	CreateLetter(ctx context.Context, l *dsr.Letter, pdf []byte, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) (*dsr.Letter, bool, error)
	MoveLetter(ctx context.Context, letterID string, from []dsr.LetterStatus, m dsr.LetterMove, decide func(*dsr.Case, *dsr.Letter) ([]dsr.AuditEvent, error)) (*dsr.Letter, bool, error)
	DueLetters(ctx context.Context, now time.Time, limit int) ([]dsr.Letter, error)
	CaseLetters(ctx context.Context, caseID string) ([]dsr.Letter, error)
	LetterHistories(ctx context.Context, caseID string) (map[string][]dsr.LetterEvent, error)
	LetterPDF(ctx context.Context, letterID string) ([]byte, error)
	Withholdings(ctx context.Context, caseID string) ([]dsr.Withholding, error)
	ReadCase(ctx context.Context, id string, ev dsr.AuditEvent) (*dsr.Case, error)
}

// Renderer renders the letters delivery writes itself: the decision on a
// case's outcome and the notices of its progress.
type Renderer interface {
	OutcomeDecisionBytes(d *dsr.OutcomeDecision) ([]byte, int, error)
	ExtensionNoticeBytes(n *dsr.ExtensionNotice) ([]byte, int, error)
	ReceiptBytes(r *dsr.Receipt) ([]byte, int, error)
	IdentityRequestBytes(r *dsr.IdentityRequest) ([]byte, int, error)
}

// Registers names the registers of the catalogue in a letter's language.
type Registers interface {
	RegisterName(id string) dsr.Text
	FieldName(register, field string) dsr.Text
}

// Population looks a person up in the population-register copy.
type Population interface {
	Person(ctx context.Context, p pnr.PNR) (dsr.Person, error)
}

// Mailbox is the digital-mailbox infrastructure.
type Mailbox interface {
	IsReachable(ctx context.Context, p pnr.PNR) (mailbox.Reachability, error)
	Send(ctx context.Context, m mailbox.Message) (mailbox.Receipt, error)
}

// Service writes and sends letters.
type Service struct {
	store      Store
	population Population
	mailbox    Mailbox
	renderer   Renderer
	registers  Registers
	calendar   deadline.Calendar
	settings   func(context.Context) (dsr.Settings, error)
	log        zerolog.Logger
	now        func() time.Time
	outbox     outbox // the outbox's wait between tries, and the letters in hand
}

// Deps are what a delivery service is built from.
type Deps struct {
	Store      Store
	Population Population
	Mailbox    Mailbox
	Renderer   Renderer
	Registers  Registers
	Calendar   deadline.Calendar
	Settings   func(context.Context) (dsr.Settings, error) // the settings in force
	Log        zerolog.Logger
	Now        func() time.Time
	// Backoff is how long the outbox waits after the first failed try of
	// a letter's digital delivery; the wait doubles with each try after
	// it. Zero means 30 s.
	Backoff time.Duration
}

// NewService returns a delivery service.
func NewService(d Deps) *Service {
	return &Service{store: d.Store, population: d.Population, mailbox: d.Mailbox, renderer: d.Renderer, registers: d.Registers,
		calendar: d.Calendar, settings: d.Settings, log: d.Log, now: d.Now, outbox: outbox{firstWait: d.Backoff}}
}

// Result is where a letter went.
type Result struct {
	Channel dsr.DeliveryChannel
	Receipt string
	Letter  *dsr.Letter
}

func errNoCase() error { return dsr.Errorf(dsr.ENOTFOUND, "case.not_found", "No case with that id.") }

// SendAnswer writes the letters that answer a case and sends them: the
// extract, the decision on its outcome, or both (a partial refusal's
// decision goes with its extract). It is safe to repeat: every letter has
// a unique key per case, so a second call, or a call after a crash
// half-way, finds the same letters, settles those still pending with the
// same message ids, and otherwise answers what happened the first time.
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
	addressee := s.addressee(c)
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
		// A request to change data has its decision letter written
		// when the decision is carried out; the rest are written now.
		if !c.Has(dsr.KindAccess) && c.Status != dsr.StatusDecided {
			return Result{}, dsr.Errorf(dsr.ECONFLICT, "case.not_executed", "The decision must be carried out before the answer can be sent.")
		}
		person, drafts, err := s.compose(ctx, c)
		if err != nil {
			return Result{}, err
		}
		send := func(c *dsr.Case) ([]dsr.AuditEvent, error) { return nil, c.Check(dsr.ActSend, dsr.Day(s.now())) }
		for _, d := range drafts {
			if _, err := s.write(ctx, c, person, d, actor, send); err != nil {
				return Result{}, err
			}
		}
	}
	// The decision of a partial refusal leaves before the extract.
	if dec, err := s.store.LetterByKey(ctx, dsr.LetterKey(caseID, dsr.PurposeDecision, addressee)); err == nil {
		if _, err := s.deliver(ctx, c, dec, actor); err != nil {
			return Result{}, err
		}
	} else if dsr.ErrorCode(err) != dsr.ENOTFOUND {
		return Result{}, err
	}
	if l, err = s.store.LetterByKey(ctx, dsr.LetterKey(caseID, dsr.PurposeAnswer, addressee)); err != nil {
		return Result{}, err
	}
	return s.deliver(ctx, c, l, actor)
}

// addressee is who the letters of a case go to: the person, or the
// guardian or representative the answer goes to in their place.
func (s *Service) addressee(c *dsr.Case) dsr.Addressee {
	if _, kind := c.AnswerTo(); kind == dsr.AddresseeRepresentative {
		return dsr.Addressee{Kind: kind, Name: c.Representative.Name}
	}
	return dsr.Addressee{Kind: dsr.AddresseeSubject, Name: c.SubjectName}
}

// recipient looks up who the letters of a case go to in the population
// register: their address, protection and digital mailbox decide the
// route. A person the register does not know gets a letter with the name
// the case has, through the digital mailbox when they have one.
func (s *Service) recipient(ctx context.Context, c *dsr.Case) (dsr.Person, error) {
	to, kind := c.AnswerTo()
	p, err := s.population.Person(ctx, to)
	if dsr.ErrorCode(err) == dsr.ENOTFOUND && kind == dsr.AddresseeSubject {
		return dsr.Person{PNR: to, Name: c.SubjectName, Protection: dsr.ProtectionNone}, nil
	} else if err != nil {
		return dsr.Person{}, fmt.Errorf("case %s: population register: %w", c.ID, err)
	}
	return p, nil
}

// draft is a letter composed but not yet stored.
type draft struct {
	purpose dsr.Purpose
	subject string
	pdf     []byte
	pages   int
}

// write stores a composed letter to person, the recipient as the
// population register has them (s.recipient).
// change, when given, decides in the same transaction whether the case
// still allows the letter, changes the case as the letter does and returns
// the events that record it.
func (s *Service) write(ctx context.Context, c *dsr.Case, person dsr.Person, d draft, actor dsr.Actor, change func(*dsr.Case) ([]dsr.AuditEvent, error)) (*dsr.Letter, error) {
	addressee := s.addressee(c)
	sum := sha256.Sum256(d.pdf)
	// Written to be sent now: in the outbox from the start, one retry's
	// wait ahead, in case the process dies before the send settles it.
	next := s.now().Add(s.backoff(1))
	l := &dsr.Letter{
		ID:        pnr.OpaqueID(newID), // the print record id
		CaseID:    c.ID,
		Purpose:   d.purpose,
		Addressee: addressee,
		Key:       dsr.LetterKey(c.ID, d.purpose, addressee),
		Subject:   d.subject,
		MessageID: uuid.Must(uuid.NewV7()).String(),
		NextTry:   &next,
		Pages:     d.pages,
		SHA256:    hex.EncodeToString(sum[:]),
	}
	l.AddressTo(person)
	out, _, err := s.store.CreateLetter(ctx, l, d.pdf, func(c *dsr.Case) ([]dsr.AuditEvent, error) {
		var events []dsr.AuditEvent
		if change != nil {
			var err error
			if events, err = change(c); err != nil {
				return nil, err
			}
		}
		detail := "letter=" + l.ID + " purpose=" + string(l.Purpose) + " message_id=" + l.MessageID
		return append([]dsr.AuditEvent{dsr.Event(actor, dsr.ActionLetterPrepared, c.ID, detail)}, events...), nil
	})
	return out, err
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// Letters returns every letter of a case with its history: where it went,
// each try, each print-shop report. Reading them is reading the case.
func (s *Service) Letters(ctx context.Context, caseID string, actor dsr.Actor) ([]dsr.Letter, error) {
	if err := dsr.Require(actor, dsr.PermReadCases); err != nil {
		return nil, err
	}
	if _, err := uuid.Parse(caseID); err != nil {
		return nil, errNoCase()
	}
	if _, err := s.store.ReadCase(ctx, caseID, dsr.Event(actor, dsr.ActionCaseRead, caseID, "letters")); err != nil {
		return nil, err
	}
	letters, err := s.store.CaseLetters(ctx, caseID)
	if err != nil {
		return nil, err
	}
	hist, err := s.store.LetterHistories(ctx, caseID)
	if err != nil {
		return nil, err
	}
	for i := range letters {
		letters[i].History = hist[letters[i].ID]
	}
	return letters, nil
}

// settle records where a letter went, moving it from the status l has; an
// answer moves its case on as the workflow says.
func (s *Service) settle(ctx context.Context, l *dsr.Letter, ch dsr.DeliveryChannel, receipt, reason string, tries int, actor dsr.Actor, log zerolog.Logger) (Result, error) {
	m := dsr.LetterMove{Status: dsr.LetterQueued, Channel: ch, Receipt: receipt, Tries: tries, Detail: reason}
	if ch == dsr.DeliveryDigital {
		m.Status = dsr.LetterDelivered
	}
	// Only from the status the caller saw: a letter another process took
	// further meanwhile (say, delivered while this one would put it on
	// paper) is left as that one put it.
	l, _, err := s.store.MoveLetter(ctx, l.ID, []dsr.LetterStatus{l.Status}, m, func(c *dsr.Case, l *dsr.Letter) ([]dsr.AuditEvent, error) {
		today := dsr.Day(s.now())
		switch l.Purpose {
		case dsr.PurposeAnswer:
			if c.Can(dsr.ActSend, today) {
				c.Status = c.Next(dsr.ActSend)
				if c.Outcome == "" {
					c.Outcome, c.DecidedOn = dsr.CaseAnswered, &today
				}
			}
			// The answer counts as given when it reached the person: the
			// mailbox operator's receipt here; for paper, the print
			// shop's report that it was handed to the post.
			c.LetterReached(l, today)
		case dsr.PurposeExtensionNotice:
			// The extension stands once its notice has left (Art. 12(3)).
			if c.ExtendedDueOn == nil {
				due := s.calendar.Compute(c.ReceivedOn).ExtendedDueOn
				c.ExtendedDueOn = &due
			}
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

// Readdress puts on a letter the address its addressee has in the
// population register today: a letter printed again after it came back
// from the post goes to where the person lives now. A letter to an
// organisation keeps the catalogue's address it was written with.
func (s *Service) Readdress(ctx context.Context, l *dsr.Letter) error {
	if l.Addressee.Kind == dsr.AddresseeOrganisation {
		return nil
	}
	c, err := s.store.Case(ctx, l.CaseID)
	if err != nil {
		return err
	}
	person, err := s.recipient(ctx, c)
	if err != nil {
		return err
	}
	l.AddressTo(person)
	return nil
}
