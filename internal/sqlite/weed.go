package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"dsrdesk/internal/dsr"
)

// weedableSQL selects the closed cases weeding may delete (RULES §10): a
// case is closed when it no longer counts as open (open = 0: its answer
// reached the person, or it was closed without one), and it closed on the
// later of answered_on and decided_on (the day of its last change when it
// has neither). It is weeded when that day is before the cutoff, and
// nothing happened to it since: no letter still on its way (pending,
// sending, queued, batched or printed) and no letter, note or attachment
// changed on or after the cutoff. The first parameter is the cutoff day
// (YYYY-MM-DD); the comparisons are of text, which sorts as time does.
const weedableSQL = `SELECT c.id FROM cases c
	WHERE c.open = 0
	  AND CASE WHEN c.answered_on IS NULL AND c.decided_on IS NULL THEN substr(c.updated_at, 1, 10)
	           ELSE max(coalesce(c.answered_on, ''), coalesce(c.decided_on, '')) END < ?1
	  AND NOT EXISTS (SELECT 1 FROM letters l WHERE l.case_id = c.id
	                  AND (l.status IN ('pending', 'sending', 'queued', 'batched', 'printed') OR l.updated_at >= ?1))
	  AND NOT EXISTS (SELECT 1 FROM notes n WHERE n.case_id = c.id AND n.at >= ?1)
	  AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.case_id = c.id AND a.at >= ?1)`

// weedSteps delete what is filed with the cases whose ids are the JSON
// array ?1, children before parents (foreign keys are on), and the cases
// last; the triggers of 0009_stats.sql take each case out of the queue
// totals and statistics as it goes.
var weedSteps = []struct {
	count func(*dsr.WeedCounts) *int
	sql   string
}{
	{func(c *dsr.WeedCounts) *int { return &c.LetterEvents },
		`DELETE FROM letter_events WHERE letter_id IN (SELECT id FROM letters WHERE case_id IN (SELECT value FROM json_each(?1)))`},
	{func(c *dsr.WeedCounts) *int { return &c.Notifications }, `DELETE FROM notifications WHERE case_id IN (SELECT value FROM json_each(?1))`},
	{func(c *dsr.WeedCounts) *int { return &c.Letters }, `DELETE FROM letters WHERE case_id IN (SELECT value FROM json_each(?1))`},
	{func(c *dsr.WeedCounts) *int { return &c.Extracts }, `DELETE FROM extracts WHERE case_id IN (SELECT value FROM json_each(?1))`},
	{func(c *dsr.WeedCounts) *int { return &c.Withholdings }, `DELETE FROM withholdings WHERE case_id IN (SELECT value FROM json_each(?1))`},
	{func(c *dsr.WeedCounts) *int { return &c.Items }, `DELETE FROM items WHERE case_id IN (SELECT value FROM json_each(?1))`},
	{func(c *dsr.WeedCounts) *int { return &c.Attachments }, `DELETE FROM attachments WHERE case_id IN (SELECT value FROM json_each(?1))`},
	{func(c *dsr.WeedCounts) *int { return &c.Notes }, `DELETE FROM notes WHERE case_id IN (SELECT value FROM json_each(?1))`},
	{func(c *dsr.WeedCounts) *int { return &c.Cases }, `DELETE FROM cases WHERE id IN (SELECT value FROM json_each(?1))`},
}

// cutoffDay is the cutoff as the store compares it.
func cutoffDay(cutoff time.Time) string { return cutoff.UTC().Format(dsr.DateLayout) }

// WeedPreview counts what WeedCases would delete for cutoff, changing
// nothing: the closed cases that closed before it and what is filed with
// them, and the print batches left without letters. It also returns the
// ids of the batches made before cutoff, whose files WeedCases would have
// the caller remove.
func (db *DB) WeedPreview(ctx context.Context, cutoff time.Time) (dsr.WeedCounts, []string, error) {
	day := cutoffDay(cutoff)
	var c dsr.WeedCounts
	in := `IN (` + weedableSQL + `)`
	err := db.r.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM cases WHERE id `+in+`),
		(SELECT count(*) FROM letters WHERE case_id `+in+`),
		(SELECT count(*) FROM letter_events WHERE letter_id IN (SELECT id FROM letters WHERE case_id `+in+`)),
		(SELECT count(*) FROM notifications WHERE case_id `+in+`),
		(SELECT count(*) FROM extracts WHERE case_id `+in+`),
		(SELECT count(*) FROM items WHERE case_id `+in+`),
		(SELECT count(*) FROM withholdings WHERE case_id `+in+`),
		(SELECT count(*) FROM attachments WHERE case_id `+in+`),
		(SELECT count(*) FROM notes WHERE case_id `+in+`),
		(SELECT count(*) FROM print_batches b WHERE b.created_at < ?1
			AND NOT EXISTS (SELECT 1 FROM letters l WHERE l.batch_id = b.id AND l.case_id NOT `+in+`))`, day).
		Scan(&c.Cases, &c.Letters, &c.LetterEvents, &c.Notifications, &c.Extracts, &c.Items, &c.Withholdings, &c.Attachments, &c.Notes, &c.Batches)
	if err != nil {
		return dsr.WeedCounts{}, nil, fmt.Errorf("weeding preview: %w", err)
	}
	old, err := db.batchesBefore(ctx, day)
	if err != nil {
		return dsr.WeedCounts{}, nil, err
	}
	return c, old, nil
}

func (db *DB) batchesBefore(ctx context.Context, day string) ([]string, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id FROM print_batches WHERE created_at < ? ORDER BY id`, day)
	if err != nil {
		return nil, fmt.Errorf("weeding: print batches: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("weeding: print batches: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// WeedCases deletes up to limit closed cases that closed before cutoff,
// with their letters (and PDFs), letter history, notifications, extracts,
// items, withholdings, attachments and notes, in one transaction with the
// audit entry event makes of the counts. In the same transaction the print
// batches made before cutoff that have no letter left are deleted, and
// those that still have letters are marked to be built again on download
// (their file state cleared), because their file is weeded. It returns the counts and the
// ids of the batches made before cutoff, whose files the caller removes.
// A run deletes fewer than limit cases only when no more are due. The
// audit trail is kept whole: its entries hold case ids, not personal data.
func (db *DB) WeedCases(ctx context.Context, cutoff time.Time, limit int, event func(dsr.WeedCounts) dsr.AuditEvent) (dsr.WeedCounts, []string, error) {
	day := cutoffDay(cutoff)
	var counts dsr.WeedCounts
	var oldBatches []string
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		counts, oldBatches = dsr.WeedCounts{}, nil
		rows, err := tx.QueryContext(ctx, weedableSQL+` LIMIT ?2`, day, limit)
		if err != nil {
			return fmt.Errorf("weeding: find cases: %w", err)
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return fmt.Errorf("weeding: find cases: %w", err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("weeding: find cases: %w", err)
		}
		list, err := json.Marshal(ids)
		if err != nil {
			return err
		}
		if len(ids) > 0 {
			for _, st := range weedSteps {
				res, err := tx.ExecContext(ctx, st.sql, string(list))
				if err != nil {
					return fmt.Errorf("weeding: %.40s…: %w", st.sql, err)
				}
				n, _ := res.RowsAffected()
				*st.count(&counts) = int(n)
			}
		}
		brows, err := tx.QueryContext(ctx, `SELECT b.id, EXISTS (SELECT 1 FROM letters l WHERE l.batch_id = b.id)
			FROM print_batches b WHERE b.created_at < ? ORDER BY b.id`, day)
		if err != nil {
			return fmt.Errorf("weeding: print batches: %w", err)
		}
		var empty []string
		for brows.Next() {
			var id string
			var has bool
			if err := brows.Scan(&id, &has); err != nil {
				brows.Close()
				return fmt.Errorf("weeding: print batches: %w", err)
			}
			oldBatches = append(oldBatches, id)
			if !has {
				empty = append(empty, id)
			}
		}
		brows.Close()
		if err := brows.Err(); err != nil {
			return fmt.Errorf("weeding: print batches: %w", err)
		}
		for _, id := range empty {
			if _, err := tx.ExecContext(ctx, `DELETE FROM print_batches WHERE id = ?`, id); err != nil {
				return fmt.Errorf("weeding: batch %s: %w", id, err)
			}
		}
		counts.Batches = len(empty)
		if _, err := tx.ExecContext(ctx, `UPDATE print_batches SET file = '' WHERE created_at < ? AND file <> ''`, day); err != nil {
			return fmt.Errorf("weeding: batch files: %w", err)
		}
		if counts.Cases == 0 && counts.Batches == 0 {
			return nil // nothing deleted: nothing to record here
		}
		return db.appendAudit(ctx, tx, event(counts))
	})
	if err != nil {
		return dsr.WeedCounts{}, nil, err
	}
	return counts, oldBatches, nil
}

// PrintBatchIDs returns which of ids are print batches in the store.
func (db *DB) PrintBatchIDs(ctx context.Context, ids []string) (map[string]bool, error) {
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT id FROM print_batches WHERE id IN (SELECT value FROM json_each(?))`, string(list))
	if err != nil {
		return nil, fmt.Errorf("print batches: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("print batches: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}
