package extract

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/google/uuid"

	"dsrdesk/internal/dsr"
)

// Store is what extract assembly needs from the case store.
type Store interface {
	FindCase(ctx context.Context, id string, actor dsr.Actor) (*dsr.Case, error)
	SaveExtract(ctx context.Context, caseID string, pdf []byte, info dsr.ExtractSummary, actor dsr.Actor) error
	ExtractPDF(ctx context.Context, caseID string, actor dsr.Actor) ([]byte, dsr.ExtractSummary, error)
}

// Registers are the agency's source registers.
type Registers interface {
	Person(ctx context.Context, pnr string) (dsr.Person, error)
	Sections(ctx context.Context, pnr string) ([]dsr.Section, error)
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
	now       func() time.Time
}

// NewService returns an extract service.
func NewService(store Store, registers Registers, renderer Renderer, now func() time.Time) *Service {
	return &Service{store: store, registers: registers, renderer: renderer, now: now}
}

func allowed(actor dsr.Actor) error {
	if !actor.Any(dsr.RoleOfficer, dsr.RoleDPO) {
		return dsr.Errorf(dsr.EFORBIDDEN, "Only case officers and the data protection officer may handle extracts.")
	}
	return nil
}

// Assemble builds the extract of a case from every register in the
// catalogue, renders it and stores it with the case.
func (s *Service) Assemble(ctx context.Context, caseID string, actor dsr.Actor) (dsr.ExtractSummary, error) {
	if err := allowed(actor); err != nil {
		return dsr.ExtractSummary{}, err
	}
	if _, err := uuid.Parse(caseID); err != nil {
		return dsr.ExtractSummary{}, dsr.Errorf(dsr.ENOTFOUND, "No case with that id.")
	}
	c, err := s.store.FindCase(ctx, caseID, actor)
	if err != nil {
		return dsr.ExtractSummary{}, err
	}
	if c.Status != dsr.StatusReceived && c.Status != dsr.StatusAssembled {
		return dsr.ExtractSummary{}, dsr.Errorf(dsr.ECONFLICT, "The case is %s; its extract can no longer be assembled.", c.Status)
	}
	person, err := s.registers.Person(ctx, c.SubjectPNR)
	if err != nil {
		return dsr.ExtractSummary{}, fmt.Errorf("case %s: population register: %w", caseID, err)
	}
	sections, err := s.registers.Sections(ctx, c.SubjectPNR)
	if err != nil {
		return dsr.ExtractSummary{}, fmt.Errorf("case %s: source registers: %w", caseID, err)
	}
	e := &dsr.Extract{
		CaseNumber:  c.Number,
		Person:      person,
		Lang:        c.Language,
		GeneratedOn: dsr.Day(s.now()),
		ReceivedOn:  c.ReceivedOn,
		Sections:    sections,
	}
	pdf, pages, err := s.renderer.ExtractBytes(e)
	if err != nil {
		return dsr.ExtractSummary{}, fmt.Errorf("case %s: render extract: %w", caseID, err)
	}
	sum := sha256.Sum256(pdf)
	info := dsr.ExtractSummary{Pages: pages, SHA256: hex.EncodeToString(sum[:])}
	for _, sec := range sections {
		info.Registers = append(info.Registers, dsr.RegisterCount{Name: sec.Register.Name.In(c.Language), Items: len(sec.Rows)})
	}
	if err := s.store.SaveExtract(ctx, caseID, pdf, info, actor); err != nil {
		return dsr.ExtractSummary{}, err
	}
	return info, nil
}

// PDF returns the assembled extract of a case; the read is audited.
func (s *Service) PDF(ctx context.Context, caseID string, actor dsr.Actor) ([]byte, dsr.ExtractSummary, error) {
	if err := allowed(actor); err != nil {
		return nil, dsr.ExtractSummary{}, err
	}
	if _, err := uuid.Parse(caseID); err != nil {
		return nil, dsr.ExtractSummary{}, dsr.Errorf(dsr.ENOTFOUND, "No case with that id.")
	}
	return s.store.ExtractPDF(ctx, caseID, actor)
}
