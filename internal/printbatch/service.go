package printbatch

import (
	"context"
	"fmt"
	"io"

	"github.com/google/uuid"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
	"dsrdesk/internal/printzip"
)

// Store is what print batches need from the case store.
type Store interface {
	CreateBatch(ctx context.Context, batchID string, route dsr.PrintRoute, actor dsr.Actor, record func(letters int) dsr.AuditEvent) (*dsr.PrintBatch, error)
	Batch(ctx context.Context, batchID string) (*dsr.PrintBatch, error)
	Batches(ctx context.Context, limit int) ([]dsr.PrintBatch, error)
	QueuedLetters(ctx context.Context) (map[dsr.DeliveryChannel]int, error)
	LetterPDF(ctx context.Context, letterID string) ([]byte, error)
	Record(ctx context.Context, events ...dsr.AuditEvent) error
	ApplyPrintReports(ctx context.Context, reports []dsr.PrintReport, protected bool, decide func(*dsr.Case, *dsr.Letter, dsr.PrintReport) ([]dsr.AuditEvent, error)) (applied, unchanged int, rejected []dsr.Rejection, err error)
	Reprint(ctx context.Context, letterID string, may func(*dsr.Letter) error, record func(*dsr.Letter) (dsr.AuditEvent, error)) (*dsr.Letter, error)
}

// ProductClass is the postal product of every letter: PostNord's sorted
// first-class business mail.
const ProductClass = "B-ekonomi-sorterat"

// Service makes and exports print batches.
type Service struct {
	store Store
}

// NewService returns a print-batch service.
func NewService(store Store) *Service { return &Service{store: store} }

// Create gathers every letter queued for a print route into a new batch.
// The protected route needs the protected-print permission.
func (s *Service) Create(ctx context.Context, route dsr.PrintRoute, actor dsr.Actor) (*dsr.PrintBatch, error) {
	if err := dsr.Require(actor, route.Permission()); err != nil {
		return nil, err
	}
	id := pnr.OpaqueID(func() string { return uuid.Must(uuid.NewV7()).String() })
	return s.store.CreateBatch(ctx, id, route, actor, func(n int) dsr.AuditEvent {
		return dsr.Event(actor, dsr.ActionBatchCreated, "", fmt.Sprintf("batch=%s route=%s letters=%d", id, route, n))
	})
}

// Export writes a batch as a ZIP to w, loading one letter at a time.
// Exporting again gives the same letters in the same order, so a lost
// download can simply be repeated.
func (s *Service) Export(ctx context.Context, id string, w io.Writer, actor dsr.Actor) error {
	if err := dsr.Require(actor, dsr.PermPrintOrdinary); err != nil {
		return err
	}
	if _, err := uuid.Parse(id); err != nil {
		return errNoBatch()
	}
	b, err := s.store.Batch(ctx, id)
	if err != nil {
		return err
	}
	if !dsr.Can(actor, b.Route.Permission()) {
		return errNoBatch() // a protected batch does not exist for an ordinary operator
	}
	entries := make([]printzip.Entry, 0, len(b.Letters))
	for _, l := range b.Letters {
		entries = append(entries, printzip.Entry{
			RecordID: l.ID, Load: func() ([]byte, error) { return s.store.LetterPDF(ctx, l.ID) }, Pages: l.Pages, AddressLines: l.AddressLines,
			Postcode: l.Postcode, Country: l.Country, ProductClass: ProductClass,
		})
	}
	if _, err := printzip.Write(w, b.ID, entries); err != nil {
		return err
	}
	return s.store.Record(ctx, dsr.Event(actor, dsr.ActionBatchExported, "", fmt.Sprintf("batch=%s route=%s letters=%d", b.ID, b.Route, len(entries))))
}

func errNoBatch() error {
	return dsr.Errorf(dsr.ENOTFOUND, "print.batch_not_found", "No print batch with that id.")
}

// Overview tells the print operator what is queued and which batches exist.
func (s *Service) Overview(ctx context.Context, actor dsr.Actor) (queued, protected int, batches []dsr.PrintBatch, err error) {
	if err := dsr.Require(actor, dsr.PermPrintOrdinary); err != nil {
		return 0, 0, nil, err
	}
	q, err := s.store.QueuedLetters(ctx)
	if err != nil {
		return 0, 0, nil, err
	}
	all, err := s.store.Batches(ctx, 50)
	if err != nil {
		return 0, 0, nil, err
	}
	for _, b := range all {
		if dsr.Can(actor, b.Route.Permission()) {
			batches = append(batches, b)
		}
	}
	return q[dsr.DeliveryPostal], q[dsr.DeliveryProtected], batches, nil
}
