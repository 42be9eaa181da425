package extract

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/google/uuid"

	"dsrdesk/internal/catalogue"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
)

// Store is what extract assembly needs from the case store.
type Store interface {
	Case(ctx context.Context, id string) (*dsr.Case, error)
	UpdateCase(ctx context.Context, id string, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) (*dsr.Case, error)
	SaveExtract(ctx context.Context, caseID string, x dsr.SavedExtract, actor dsr.Actor, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) error
	StaffExtractPDF(ctx context.Context, caseID string, events ...dsr.AuditEvent) ([]byte, dsr.ExtractSummary, error)
	Withholdings(ctx context.Context, caseID string) ([]dsr.Withholding, error)
	Withhold(ctx context.Context, w dsr.Withholding, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) error
	Disclose(ctx context.Context, caseID, id string, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) error
	Record(ctx context.Context, events ...dsr.AuditEvent) error
	ToAssemble(ctx context.Context, limit int) ([]string, error)
	Assembled(ctx context.Context, id string) error
}

// Registers are the agency's source registers.
type Registers interface {
	Person(ctx context.Context, p pnr.PNR) (dsr.Person, error)
	// Sections as staff see them: a protected person's address hidden.
	Sections(ctx context.Context, p pnr.PNR) ([]dsr.Section, error)
	// SubjectSections as the person receives them: their own address shown.
	SubjectSections(ctx context.Context, p pnr.PNR) ([]dsr.Section, error)
}

// Renderer turns an extract into a PDF.
type Renderer interface {
	ExtractBytes(e *dsr.Extract) ([]byte, int, error)
}

// Service assembles extracts.
type Service struct {
	store     Store
	registers Registers
	renderer  Renderer
	cat       *catalogue.Catalogue
	settings  func(context.Context) (dsr.Settings, error)
	now       func() time.Time
}

// NewService returns an extract service. cat is the register catalogue:
// the registers' names and the data they withhold by default.
func NewService(store Store, registers Registers, renderer Renderer, cat *catalogue.Catalogue, settings func(context.Context) (dsr.Settings, error), now func() time.Time) *Service {
	return &Service{store: store, registers: registers, renderer: renderer, cat: cat, settings: settings, now: now}
}

func errNoCase() error { return dsr.Errorf(dsr.ENOTFOUND, "case.not_found", "No case with that id.") }

// Assemble builds the extract of a case from every register in the
// catalogue (or the registers and period the person asked for), withholds
// what the catalogue withholds by default and what officers withheld
// (Art. 15(4)), renders it and stores it with the case. The outcome
// follows: answered, or partly refused when anything is withheld, whose
// decision then goes with the extract; a person the registers do not know
// gets the "no data" answer. The workflow decides whether the case may be
// assembled, both before the registers are read and again when the
// extract is saved.
func (s *Service) Assemble(ctx context.Context, caseID string, actor dsr.Actor) (dsr.ExtractSummary, error) {
	if err := dsr.Require(actor, dsr.PermHandle); err != nil {
		return dsr.ExtractSummary{}, err
	}
	if _, err := uuid.Parse(caseID); err != nil {
		return dsr.ExtractSummary{}, errNoCase()
	}
	c, err := s.store.Case(ctx, caseID)
	if err != nil {
		return dsr.ExtractSummary{}, err
	}
	today := dsr.Day(s.now())
	if err := c.Check(dsr.ActAssemble, today); err != nil {
		return dsr.ExtractSummary{}, err
	}
	set, err := s.settings(ctx)
	if err != nil {
		return dsr.ExtractSummary{}, err
	}
	person, err := s.registers.Person(ctx, c.SubjectPNR)
	if dsr.ErrorCode(err) == dsr.ENOTFOUND {
		return s.noData(ctx, caseID, set, actor)
	} else if err != nil {
		return dsr.ExtractSummary{}, fmt.Errorf("case %s: population register: %w", caseID, err)
	}
	own, err := s.registers.SubjectSections(ctx, c.SubjectPNR)
	if err != nil {
		return dsr.ExtractSummary{}, fmt.Errorf("case %s: source registers: %w", caseID, err)
	}
	var staff []dsr.Section
	if person.Protection.Protected() {
		if staff, err = s.registers.Sections(ctx, c.SubjectPNR); err != nil {
			return dsr.ExtractSummary{}, fmt.Errorf("case %s: source registers: %w", caseID, err)
		}
	}
	scope, err := s.scope(c)
	if err != nil {
		return dsr.ExtractSummary{}, err
	}
	own, staff = scope.apply(own), scope.apply(staff)
	if rows(own) == 0 {
		return s.noData(ctx, caseID, set, actor)
	}
	decided, err := s.store.Withholdings(ctx, caseID)
	if err != nil {
		return dsr.ExtractSummary{}, err
	}
	defaults := s.defaults(caseID, own, decided)
	withheld := append(officers(decided), defaults...)
	own, staff = withhold(own, withheld), withhold(staff, withheld)

	e := &dsr.Extract{CaseNumber: c.Number, Person: person, Lang: c.Language, GeneratedOn: today, ReceivedOn: c.ReceivedOn,
		Sections: own, Scope: scope.Scope}
	if to, kind := c.AnswerTo(); kind == dsr.AddresseeRepresentative {
		// The guardian who asked, or a representative whose mandate
		// covers it, receives the extract about the person.
		rep, err := s.registers.Person(ctx, to)
		if err != nil {
			return dsr.ExtractSummary{}, fmt.Errorf("case %s: population register: %w", caseID, err)
		}
		e.Recipient = &rep
	}
	x := dsr.SavedExtract{Defaults: defaults}
	var pages int
	if x.PDF, pages, err = s.renderer.ExtractBytes(e); err != nil {
		return dsr.ExtractSummary{}, fmt.Errorf("case %s: render extract: %w", caseID, err)
	}
	if staff != nil {
		se := *e
		se.Sections = staff
		if x.StaffPDF, _, err = s.renderer.ExtractBytes(&se); err != nil {
			return dsr.ExtractSummary{}, fmt.Errorf("case %s: render extract: %w", caseID, err)
		}
	}
	sum := sha256.Sum256(x.PDF)
	x.Info = dsr.ExtractSummary{Pages: pages, SHA256: hex.EncodeToString(sum[:]), Withheld: e.Withheld()}
	for _, sec := range own {
		n := 0
		for _, w := range sec.Withheld {
			n += w.N
		}
		x.Info.Registers = append(x.Info.Registers, dsr.RegisterCount{Name: sec.Register.Name.In(c.Language), Items: len(sec.Rows), Withheld: n})
	}
	err = s.store.SaveExtract(ctx, caseID, x, actor, func(c *dsr.Case) ([]dsr.AuditEvent, error) {
		if err := c.Check(dsr.ActAssemble, today); err != nil {
			return nil, err
		}
		c.Status = c.Next(dsr.ActAssemble)
		// The officer's own reasons for a partial refusal stay; the
		// decision lists what is withheld under which provision anyway.
		outcome := dsr.CaseAnswered
		if x.Info.Withheld > 0 {
			outcome = dsr.CasePartlyRefused
		}
		if outcome != c.Outcome {
			c.OutcomeReasons = ""
		}
		c.Outcome, c.DecidedOn = outcome, &today
		c.SetFlag(dsr.FlagProtected, person.Protection.Protected())
		c.SetFlag(dsr.FlagWithheld, x.Info.Withheld > 0)
		c.PrepareSignOff(set.RequireSignOff, false)
		detail := fmt.Sprintf("pages=%d sha256=%s registers=%d items=%d withheld=%d", x.Info.Pages, x.Info.SHA256, len(x.Info.Registers), e.Items(), x.Info.Withheld)
		return []dsr.AuditEvent{dsr.Event(actor, dsr.ActionExtractAssembled, caseID, detail)}, nil
	})
	if err != nil {
		return dsr.ExtractSummary{}, err
	}
	return x.Info, nil
}

// noData answers a person the registers hold nothing on: the case is
// decided "no data" and its letter says so.
func (s *Service) noData(ctx context.Context, caseID string, set dsr.Settings, actor dsr.Actor) (dsr.ExtractSummary, error) {
	today := dsr.Day(s.now())
	_, err := s.store.UpdateCase(ctx, caseID, func(c *dsr.Case) ([]dsr.AuditEvent, error) {
		if err := c.RecordOutcome(dsr.CaseNoData, "", today); err != nil {
			return nil, err
		}
		c.PrepareSignOff(set.RequireSignOff, false)
		return []dsr.AuditEvent{dsr.Event(actor, dsr.ActionOutcomeRecorded, caseID, "outcome=no_data found in no register")}, nil
	})
	return dsr.ExtractSummary{NoData: true}, err
}

func rows(secs []dsr.Section) int {
	n := 0
	for _, s := range secs {
		n += len(s.Rows) + len(s.Recipients)
	}
	return n
}

// PDF returns the assembled extract of a case to a person on the staff,
// as staff may see it; the read is audited.
func (s *Service) PDF(ctx context.Context, caseID string, actor dsr.Actor) ([]byte, dsr.ExtractSummary, error) {
	if err := dsr.Require(actor, dsr.PermReadCases); err != nil {
		return nil, dsr.ExtractSummary{}, err
	}
	if _, err := uuid.Parse(caseID); err != nil {
		return nil, dsr.ExtractSummary{}, errNoCase()
	}
	return s.store.StaffExtractPDF(ctx, caseID, dsr.Event(actor, dsr.ActionExtractRead, caseID, ""))
}

// AssembleArrived assembles, as dsrdesk itself, the access requests that
// arrived since it last ran and need no judgement to be put together
// (dsr.Case.AutoAssembles), so that most are answered the day they
// arrive: one whose extract needs none waits in the "ready" queue for one
// click (or the DPO's sign-off where required). A case the assembly
// cannot finish is left to an officer, with the cause logged by the
// caller. It returns how many were assembled.
func (s *Service) AssembleArrived(ctx context.Context, limit int) (int, []error) {
	ids, err := s.store.ToAssemble(ctx, limit)
	if err != nil {
		return 0, []error{err}
	}
	var errs []error
	done := 0
	for _, id := range ids {
		if _, err := s.Assemble(ctx, id, dsr.SystemActor); err != nil {
			errs = append(errs, fmt.Errorf("case %s: %w", id, err))
		} else {
			done++
		}
		if err := s.store.Assembled(ctx, id); err != nil {
			return done, append(errs, err)
		}
	}
	return done, errs
}
