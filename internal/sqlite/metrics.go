package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"dsrdesk/internal/dsr"
)

// The figures /metrics reads at every scrape. Each is answered from an
// index (letters_queue, print_batches' primary key, letters_batch_status)
// or from case_counts, never by reading letters' PDFs.
const (
	qOutboxDepth = `SELECT status, coalesce(channel, ''), count(*) FROM letters
		WHERE status IN ('pending', 'sending', 'queued') GROUP BY status, channel`
	qClosedCases  = `SELECT coalesce(sum(n), 0) FROM case_counts WHERE dim = 'closed'`
	qBatchesRoute = `SELECT route, count(*) FROM print_batches GROUP BY route`
	qLatestBatch  = `SELECT (SELECT count(*) FROM letters WHERE batch_id = b.id) FROM print_batches b
		WHERE b.route = ? ORDER BY b.created_at DESC, b.id DESC LIMIT 1`
)

// OutboxDepth returns how many letters the outbox still has to take
// further, by status (pending, sending or queued for print) and channel
// ("" for a letter whose route is not decided yet).
func (db *DB) OutboxDepth(ctx context.Context) (map[dsr.LetterStatus]map[dsr.DeliveryChannel]int, error) {
	out := map[dsr.LetterStatus]map[dsr.DeliveryChannel]int{
		dsr.LetterPending: {}, dsr.LetterSending: {}, dsr.LetterQueued: {},
	}
	rows, err := db.r.QueryContext(ctx, qOutboxDepth)
	if err != nil {
		return nil, fmt.Errorf("outbox depth: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var status, channel string
		var n int
		if err := rows.Scan(&status, &channel, &n); err != nil {
			return nil, fmt.Errorf("outbox depth: %w", err)
		}
		out[dsr.LetterStatus(status)][dsr.DeliveryChannel(channel)] += n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("outbox depth: %w", err)
	}
	return out, nil
}

// ClosedCases returns how many cases are closed, from the counts the
// triggers keep.
func (db *DB) ClosedCases(ctx context.Context) (int, error) {
	var n int
	if err := db.r.QueryRowContext(ctx, qClosedCases).Scan(&n); err != nil {
		return 0, fmt.Errorf("count closed cases: %w", err)
	}
	return n, nil
}

// BatchFigures returns, for each print route, how many print batches have
// been made and how many letters the newest of them holds. Both routes are
// always present, with zeros before their first batch.
func (db *DB) BatchFigures(ctx context.Context) (batches, latest map[dsr.PrintRoute]int, err error) {
	routes := []dsr.PrintRoute{dsr.RouteOrdinary, dsr.RouteProtected}
	batches, latest = map[dsr.PrintRoute]int{}, map[dsr.PrintRoute]int{}
	for _, r := range routes {
		batches[r], latest[r] = 0, 0
	}
	err = db.readTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, qBatchesRoute)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var route string
			var n int
			if err := rows.Scan(&route, &n); err != nil {
				return err
			}
			batches[dsr.PrintRoute(route)] = n
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range routes {
			var n int
			err := tx.QueryRowContext(ctx, qLatestBatch, string(r)).Scan(&n)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			} else if err != nil {
				return err
			}
			latest[r] = n
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("print batch figures: %w", err)
	}
	return batches, latest, nil
}
