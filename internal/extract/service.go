package extract

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/google/uuid"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
)

// Store is what extract assembly needs from the case store.
type Store interface {
	Case(ctx context.Context, id string) (*dsr.Case, error)
	SaveExtract(ctx context.Context, caseID string, pdf []byte, info dsr.ExtractSummary, actor dsr.Actor, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) error
	ExtractPDF(ctx context.Context, caseID string, events ...dsr.AuditEvent) ([]byte, dsr.ExtractSummary, error)
}

// Registers are the agency's source registers.
type Registers interface {
	Person(ctx context.Context, p pnr.PNR) (dsr.Person, error)
	Sections(ctx context.Context, p pnr.PNR) ([]dsr.Section, error)
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

func errNoCase() error { return dsr.Errorf(dsr.ENOTFOUND, "case.not_found", "No case with that id.") }

// Assemble builds the extract of a case from every register in the
// catalogue, renders it and stores it with the case. The workflow decides
// whether the case may be assembled, both before the registers are read
// and again when the extract is saved.
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
		GeneratedOn: today,
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
	err = s.store.SaveExtract(ctx, caseID, pdf, info, actor, func(c *dsr.Case) ([]dsr.AuditEvent, error) {
		if err := c.Check(dsr.ActAssemble, today); err != nil {
			return nil, err
		}
		c.Status = c.Next(dsr.ActAssemble)
		detail := fmt.Sprintf("pages=%d sha256=%s registers=%d items=%d", info.Pages, info.SHA256, len(info.Registers), e.Items())
		return []dsr.AuditEvent{dsr.Event(actor, dsr.ActionExtractAssembled, caseID, detail)}, nil
	})
	if err != nil {
		return dsr.ExtractSummary{}, err
	}
	return info, nil
}

// PDF returns the assembled extract of a case to a person; the read is
// audited.
func (s *Service) PDF(ctx context.Context, caseID string, actor dsr.Actor) ([]byte, dsr.ExtractSummary, error) {
	if err := dsr.Require(actor, dsr.PermReadCases); err != nil {
		return nil, dsr.ExtractSummary{}, err
	}
	if _, err := uuid.Parse(caseID); err != nil {
		return nil, dsr.ExtractSummary{}, errNoCase()
	}
	return s.store.ExtractPDF(ctx, caseID, dsr.Event(actor, dsr.ActionExtractRead, caseID, ""))
}
