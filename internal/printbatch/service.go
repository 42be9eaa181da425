package printbatch

import (
	"context"
	"io"

	"github.com/google/uuid"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/printzip"
)

// Store is what print batches need from the case store.
type Store interface {
	CreateBatch(ctx context.Context, batchID, route string, actor dsr.Actor) (*dsr.PrintBatch, error)
	Batch(ctx context.Context, batchID string) (*dsr.PrintBatch, error)
	Batches(ctx context.Context, limit int) ([]dsr.PrintBatch, error)
	QueuedLetters(ctx context.Context) (map[dsr.DeliveryChannel]int, error)
	LetterPDF(ctx context.Context, letterID string) ([]byte, error)
	RecordExport(ctx context.Context, batchID string, letters int, actor dsr.Actor) error
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

func allowed(actor dsr.Actor) error {
	if !actor.Any(dsr.RolePrint) {
		return dsr.Errorf(dsr.EFORBIDDEN, "Only the print operator may handle print batches.")
	}
	return nil
}

// Create gathers every letter queued for ordinary print into a new batch.
func (s *Service) Create(ctx context.Context, actor dsr.Actor) (*dsr.PrintBatch, error) {
	if err := allowed(actor); err != nil {
		return nil, err
	}
	return s.store.CreateBatch(ctx, uuid.Must(uuid.NewV7()).String(), "ordinary", actor)
}

// Export writes a batch as a ZIP to w, loading one letter at a time.
// Exporting again gives the same letters in the same order, so a lost
// download can simply be repeated.
func (s *Service) Export(ctx context.Context, id string, w io.Writer, actor dsr.Actor) error {
	if err := allowed(actor); err != nil {
		return err
	}
	if _, err := uuid.Parse(id); err != nil {
		return dsr.Errorf(dsr.ENOTFOUND, "No print batch with that id.")
	}
	b, err := s.store.Batch(ctx, id)
	if err != nil {
		return err
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
	return s.store.RecordExport(ctx, b.ID, len(entries), actor)
}

// Overview tells the print operator what is queued and which batches exist.
func (s *Service) Overview(ctx context.Context, actor dsr.Actor) (queued, protected int, batches []dsr.PrintBatch, err error) {
	if err := allowed(actor); err != nil {
		return 0, 0, nil, err
	}
	q, err := s.store.QueuedLetters(ctx)
	if err != nil {
		return 0, 0, nil, err
	}
	if batches, err = s.store.Batches(ctx, 50); err != nil {
		return 0, 0, nil, err
	}
	return q[dsr.DeliveryPostal], q[dsr.DeliveryProtected], batches, nil
}
