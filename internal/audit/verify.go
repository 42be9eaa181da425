package audit

import (
	"context"
	"fmt"

	"dsrdesk/internal/dsr"
)

// Store is what verification needs from the case store.
type Store interface {
	AuditEvents(ctx context.Context, caseID string) ([]dsr.AuditEvent, error)
}

// Verify reads the whole accountability record and checks its hash chain.
// It returns the number of entries found intact and, when the chain is
// broken, an error naming the first broken entry.
func Verify(ctx context.Context, store Store) (int, error) {
	events, err := store.AuditEvents(ctx, "")
	if err != nil {
		return 0, err
	}
	n, err := dsr.VerifyChain(events)
	if err != nil {
		return n, fmt.Errorf("audit trail NOT intact after %d entries: %w", n, err)
	}
	return n, nil
}
