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

// ApplyPrintReports applies the print shop's reports in one transaction:
// a report on an unknown letter, or one its status does not allow
// (dsr.Reportable), is rejected with the reason and changes nothing; a
// report the letter has had already in this print attempt (a file sent
// again) is skipped as unchanged. For each applied report decide gets the letter's case and the
// letter as moved, may change the case and returns the audit events. A
// crash applies all or none. Without protected, a report on a letter of the
// protected route is rejected as an unknown record: its existence is not
// the ordinary print operator's to know.
func (db *DB) ApplyPrintReports(ctx context.Context, reports []dsr.PrintReport, protected bool, decide func(*dsr.Case, *dsr.Letter, dsr.PrintReport) ([]dsr.AuditEvent, error)) (applied, unchanged int, rejected []dsr.Rejection, err error) {
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		applied, unchanged, rejected = 0, 0, nil
		cases := map[string]*dsr.Case{}
		for _, r := range reports {
			l, err := scanLetter(tx.QueryRowContext(ctx, `SELECT `+letterColumns+letterFrom+` WHERE l.id = ?`, r.RecordID))
			if err == nil && l.Channel == dsr.DeliveryProtected && !protected {
				err = sql.ErrNoRows
			}
			if errors.Is(err, sql.ErrNoRows) {
				rejected = append(rejected, dsr.Rejection{Line: r.Line, Reason: "unknown record id"})
				continue
			} else if err != nil {
				return fmt.Errorf("find letter: %w", err)
			}
			// A report the letter has had since it was last queued (this
			// print attempt) is a file sent again: applied before.
			var seen bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM letter_events WHERE letter_id = ? AND status = ?
				AND seq > coalesce((SELECT max(seq) FROM letter_events WHERE letter_id = ? AND status = 'queued'), 0))`,
				l.ID, r.Status, l.ID).Scan(&seen); err != nil {
				return fmt.Errorf("letter %s history: %w", l.ID, err)
			}
			if seen {
				unchanged++
				continue
			}
			if !dsr.Reportable(l.Status, r.Status) {
				rejected = append(rejected, dsr.Rejection{Line: r.Line, Reason: fmt.Sprintf("impossible transition from %s to %s", l.Status, r.Status)})
				continue
			}
			l.Status = r.Status
			if err := db.saveLetter(ctx, tx, l, nil, r.At.UTC(), fmt.Sprintf("print shop status file, line %d", r.Line)); err != nil {
				return err
			}
			c, ok := cases[l.CaseID]
			if !ok {
				if c, err = findCase(ctx, tx, l.CaseID); err != nil {
					return err
				}
				cases[l.CaseID] = c
			}
			events, err := decide(c, l, r)
			if err != nil {
				return err
			}
			if err := db.appendAudit(ctx, tx, events...); err != nil {
				return err
			}
			applied++
		}
		for _, c := range cases {
			if err := db.saveCase(ctx, tx, c); err != nil {
				return err
			}
		}
		return nil
	})
	return applied, unchanged, rejected, err
}

// Reprint puts a letter that reached the print shop back in its route's
// queue for the next batch, with its attempt counter one up, and records
// it; may (optional) may refuse the letter as it was, and record gets the
// letter as it is now.
func (db *DB) Reprint(ctx context.Context, letterID string, may func(*dsr.Letter) error, record func(*dsr.Letter) (dsr.AuditEvent, error)) (*dsr.Letter, error) {
	var out *dsr.Letter
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		l, err := scanLetter(tx.QueryRowContext(ctx, `SELECT `+letterColumns+letterFrom+` WHERE l.id = ?`, letterID))
		if err != nil {
			return fmt.Errorf("find letter: %w", letterErr(err))
		}
		if may != nil {
			if err := may(l); err != nil {
				return err
			}
		}
		if !dsr.Reprintable(l.Status) {
			return dsr.Errorf(dsr.ECONFLICT, "print.not_reprintable", "Only a letter that reached the print shop can be printed again.")
		}
		l.Status, l.Attempt, l.BatchID = dsr.LetterQueued, l.Attempt+1, ""
		if err := db.saveLetter(ctx, tx, l, nil, db.now(), fmt.Sprintf("reprint, attempt %d", l.Attempt)); err != nil {
			return err
		}
		ev, err := record(l)
		if err != nil {
			return err
		}
		out = l
		return db.appendAudit(ctx, tx, ev)
	})
	return out, err
}
