package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"dsrdesk/internal/dsr"
)

// CreateBatch gathers every queued letter of a print route into a new batch,
// with the audit event record(n) for its n letters. It fails with a conflict
// when nothing is queued.
func (db *DB) CreateBatch(ctx context.Context, batchID string, route dsr.PrintRoute, actor dsr.Actor, record func(letters int) dsr.AuditEvent) (*dsr.PrintBatch, error) {
	var b *dsr.PrintBatch
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO print_batches (id, route, created_at, created_by) VALUES (?, ?, ?, ?)`,
			batchID, route, fmtTime(now), actor.String()); err != nil {
			return fmt.Errorf("create batch: %w", err)
		}
		res, err := tx.ExecContext(ctx, `UPDATE letters SET batch_id = ?, status = ?, updated_at = ? WHERE status = ? AND channel = ?`,
			batchID, dsr.LetterBatched, fmtTime(now), dsr.LetterQueued, route.Channel())
		if err != nil {
			return fmt.Errorf("assign letters to batch: %w", err)
		}
		n, _ := res.RowsAffected()
		if n == 0 {
			return dsr.Errorf(dsr.ECONFLICT, "print.nothing_queued", "No letters are queued for print.")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO letter_events (letter_id, at, status, channel, detail)
			SELECT id, ?, status, coalesce(channel, ''), 'batch ' || ? FROM letters WHERE batch_id = ?`, fmtTime(now), batchID, batchID); err != nil {
			return fmt.Errorf("letters' history: %w", err)
		}
		b = &dsr.PrintBatch{ID: batchID, Route: route, CreatedAt: now, CreatedBy: actor.String()}
		if b.Letters, err = batchLetters(ctx, db, tx, batchID); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, record(int(n)))
	})
	return b, err
}

func batchLetters(ctx context.Context, db *DB, q querier, batchID string) ([]dsr.Letter, error) {
	return db.letters(ctx, q, `WHERE l.batch_id = ? ORDER BY l.postcode, l.id`, batchID)
}

// Batch returns a print batch and its letters (without PDFs).
func (db *DB) Batch(ctx context.Context, batchID string) (*dsr.PrintBatch, error) {
	b := &dsr.PrintBatch{ID: batchID}
	var created string
	err := db.r.QueryRowContext(ctx, `SELECT route, created_at, created_by FROM print_batches WHERE id = ?`, batchID).Scan(&b.Route, &created, &b.CreatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dsr.Errorf(dsr.ENOTFOUND, "print.batch_not_found", "No print batch with that id.")
	} else if err != nil {
		return nil, fmt.Errorf("find batch %s: %w", batchID, err)
	}
	b.CreatedAt = parseTime(created)
	if b.Letters, err = batchLetters(ctx, db, db.r, batchID); err != nil {
		return nil, err
	}
	return b, nil
}

// Batches lists print batches, newest first, with their letter counts.
func (db *DB) Batches(ctx context.Context, limit int) ([]dsr.PrintBatch, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT b.id, b.route, b.created_at, b.created_by, count(l.id) FROM print_batches b
		LEFT JOIN letters l ON l.batch_id = b.id GROUP BY b.id ORDER BY b.created_at DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list batches: %w", err)
	}
	defer rows.Close()
	var out []dsr.PrintBatch
	for rows.Next() {
		var b dsr.PrintBatch
		var created string
		var n int
		if err := rows.Scan(&b.ID, &b.Route, &created, &b.CreatedBy, &n); err != nil {
			return nil, fmt.Errorf("scan batch: %w", err)
		}
		b.CreatedAt = parseTime(created)
		b.Count = n
		out = append(out, b)
	}
	return out, rows.Err()
}

// QueuedLetters counts the letters waiting for print, per delivery channel.
func (db *DB) QueuedLetters(ctx context.Context) (map[dsr.DeliveryChannel]int, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT channel, count(*) FROM letters WHERE status = ? GROUP BY channel`, dsr.LetterQueued)
	if err != nil {
		return nil, fmt.Errorf("count queued letters: %w", err)
	}
	defer rows.Close()
	out := map[dsr.DeliveryChannel]int{}
	for rows.Next() {
		var ch dsr.DeliveryChannel
		var n int
		if err := rows.Scan(&ch, &n); err != nil {
			return nil, fmt.Errorf("scan queue: %w", err)
		}
		out[ch] = n
	}
	return out, rows.Err()
}
