package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"iter"

	"dsrdesk/internal/dsr"
)

// CreateBatch gathers every queued letter of a print route into a new batch,
// with the audit event record(n) for its n letters, and marks the batch's
// file as to be built. It fails with a conflict when nothing is queued. It
// reads no letter back: a batch of 100,000 letters is streamed later
// (BatchLetters).
func (db *DB) CreateBatch(ctx context.Context, batchID string, route dsr.PrintRoute, actor dsr.Actor, record func(letters int) dsr.AuditEvent) (*dsr.PrintBatch, error) {
	var b *dsr.PrintBatch
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO print_batches (id, route, created_at, created_by, file) VALUES (?, ?, ?, ?, ?)`,
			batchID, route, fmtTime(now), actor.String(), dsr.BatchFilePending); err != nil {
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
		b = &dsr.PrintBatch{ID: batchID, Route: route, CreatedAt: now, CreatedBy: actor.String(), Count: int(n), File: dsr.BatchFilePending}
		return db.appendAudit(ctx, tx, record(int(n)))
	})
	return b, err
}

// batchOrder is the order of a batch's letters in its ZIP, PostNord's
// sorted mail: Swedish letters first, by postcode without its space, then
// letters abroad by country and postcode; ties by record id. It is the
// order of the index letters_batch_sorted (migration 0014), so the letters
// are read in it rather than sorted, and printzip's order
// (printzip.SortsBefore), which checks it.
const batchOrder = ` ORDER BY l.batch_id, l.country <> 'SE', l.country,
	CASE WHEN l.country = 'SE' THEN replace(l.postcode, ' ', '') ELSE l.postcode END, l.id`

// BatchLetters calls fn with each letter of a batch and its PDF, one at a
// time in the batch's sort order (batchOrder), without holding the batch
// in memory; it stops at fn's first error and returns it. fn must not keep
// pdf after it returns: the bytes are reused.
func (db *DB) BatchLetters(ctx context.Context, batchID string, fn func(l *dsr.Letter, pdf []byte) error) error {
	rows, err := db.r.QueryContext(ctx, `SELECT `+letterColumns+`, l.pdf FROM letters l INDEXED BY letters_batch_sorted
		JOIN cases c ON c.id = l.case_id WHERE l.batch_id = ?`+batchOrder, batchID)
	if err != nil {
		return fmt.Errorf("read batch %s: %w", batchID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var l dsr.Letter
		var lines, created string
		var pdf sql.RawBytes
		if err := rows.Scan(&l.ID, &l.CaseID, &l.CaseNumber, &l.Purpose, &l.Addressee.Kind, &l.Addressee.Name, &l.Addressee.Ref, &l.Key,
			&l.Subject, &l.Channel, &l.Status, &l.MessageID, &l.Receipt, &l.Pages, &l.SHA256,
			&lines, &l.Postcode, &l.Country, &l.BatchID, &l.Attempt, &created, &l.Tries, &pdf); err != nil {
			return fmt.Errorf("read batch %s: %w", batchID, err)
		}
		if err := json.Unmarshal([]byte(lines), &l.AddressLines); err != nil {
			return fmt.Errorf("letter %s address: %w", l.ID, err)
		}
		l.CreatedAt = parseTime(created)
		if err := fn(&l, pdf); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read batch %s: %w", batchID, err)
	}
	return nil
}

// batchColumns are a batch's own columns and its letters' counts, read
// from the index letters_batch_status alone (no letter or PDF is read):
// all its letters; those printed (or further); those handed to the post
// (or returned from it); those returned.
const batchColumns = `b.id, b.route, b.created_at, b.created_by, b.file,
	(SELECT count(*) FROM letters WHERE batch_id = b.id),
	(SELECT count(*) FROM letters WHERE batch_id = b.id AND status IN ('printed', 'handed_over', 'returned')),
	(SELECT count(*) FROM letters WHERE batch_id = b.id AND status IN ('handed_over', 'returned')),
	(SELECT count(*) FROM letters WHERE batch_id = b.id AND status = 'returned')`

func scanBatch(s scanner) (*dsr.PrintBatch, error) {
	var b dsr.PrintBatch
	var created string
	if err := s.Scan(&b.ID, &b.Route, &created, &b.CreatedBy, &b.File, &b.Count, &b.Printed, &b.HandedOver, &b.Returned); err != nil {
		return nil, err
	}
	b.CreatedAt = parseTime(created)
	return &b, nil
}

// Batch returns a print batch with its letter counts (not its letters).
func (db *DB) Batch(ctx context.Context, batchID string) (*dsr.PrintBatch, error) {
	b, err := scanBatch(db.r.QueryRowContext(ctx, `SELECT `+batchColumns+` FROM print_batches b WHERE b.id = ?`, batchID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dsr.Errorf(dsr.ENOTFOUND, "print.batch_not_found", "No print batch with that id.")
	} else if err != nil {
		return nil, fmt.Errorf("find batch %s: %w", batchID, err)
	}
	return b, nil
}

// Batches lists print batches, newest first, with their letter counts.
func (db *DB) Batches(ctx context.Context, limit int) ([]dsr.PrintBatch, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+batchColumns+` FROM print_batches b ORDER BY b.created_at DESC, b.id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list batches: %w", err)
	}
	defer rows.Close()
	var out []dsr.PrintBatch
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, fmt.Errorf("scan batch: %w", err)
		}
		out = append(out, *b)
	}
	return out, rows.Err()
}

// PendingBatchFile returns the oldest batch whose file is to be built, or
// "" when none is.
func (db *DB) PendingBatchFile(ctx context.Context) (string, error) {
	var id string
	err := db.r.QueryRowContext(ctx, `SELECT id FROM print_batches WHERE file = 'pending' ORDER BY created_at, id LIMIT 1`).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	} else if err != nil {
		return "", fmt.Errorf("find a batch to build: %w", err)
	}
	return id, nil
}

// SetBatchFile records the state of a batch's file.
func (db *DB) SetBatchFile(ctx context.Context, batchID string, f dsr.BatchFile) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE print_batches SET file = ? WHERE id = ?`, f, batchID); err != nil {
			return fmt.Errorf("batch %s file: %w", batchID, err)
		}
		return nil
	})
}

// BulkLetters stores many letters of one case as they are, already routed
// to paper and queued for print, in one transaction, all with the same
// PDF: synthetic data for benchmarks of the print route. Each letter's
// own fields (id, key, addressee, address, channel) are taken from the
// sequence; ev records the whole addition. It returns how many it stored.
func (db *DB) BulkLetters(ctx context.Context, caseID string, letters iter.Seq[dsr.Letter], pdf []byte, pages int, ev dsr.AuditEvent) (int, error) {
	sum := sha256.Sum256(pdf)
	n := 0
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		ins, err := tx.PrepareContext(ctx, `INSERT INTO letters (id, case_id, purpose, addressee_kind, addressee_name, addressee_ref,
			unique_key, subject_line, channel, status, message_id, receipt, pdf, pages, sha256, address_lines, postcode, country, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return fmt.Errorf("bulk letters: %w", err)
		}
		defer ins.Close()
		hist, err := tx.PrepareContext(ctx, `INSERT INTO letter_events (letter_id, at, status, channel, detail) VALUES (?, ?, ?, ?, 'synthetic')`)
		if err != nil {
			return fmt.Errorf("bulk letters: %w", err)
		}
		defer hist.Close()
		now := fmtTime(db.now())
		for l := range letters {
			lines, err := json.Marshal(l.AddressLines)
			if err != nil {
				return fmt.Errorf("encode address: %w", err)
			}
			if _, err := ins.ExecContext(ctx, l.ID, caseID, l.Purpose, l.Addressee.Kind, l.Addressee.Name, l.Addressee.Ref, l.Key, l.Subject,
				l.Channel, dsr.LetterQueued, l.MessageID, l.ID, pdf, pages, hex.EncodeToString(sum[:]), string(lines), l.Postcode, l.Country, now, now); err != nil {
				return fmt.Errorf("bulk letter %d: %w", n+1, err)
			}
			if _, err := hist.ExecContext(ctx, l.ID, now, dsr.LetterQueued, l.Channel); err != nil {
				return fmt.Errorf("bulk letter %d: %w", n+1, err)
			}
			n++
		}
		return db.appendAudit(ctx, tx, ev)
	})
	return n, err
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
				if c, err = db.findCase(ctx, tx, l.CaseID); err != nil {
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
// it; may (optional) may refuse the letter as it was, readdress (optional)
// puts on it the address it goes to now, and record gets the letter as it
// is now. Reprinting a returned letter takes its case out of the
// returned-mail queue once no other letter of it is returned.
func (db *DB) Reprint(ctx context.Context, letterID string, may, readdress func(*dsr.Letter) error, record func(*dsr.Letter) (dsr.AuditEvent, error)) (*dsr.Letter, error) {
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
		returned := l.Status == dsr.LetterReturned
		if readdress != nil {
			if err := readdress(l); err != nil {
				return err
			}
		}
		l.Status, l.Attempt, l.BatchID = dsr.LetterQueued, l.Attempt+1, ""
		if err := db.saveLetter(ctx, tx, l, nil, db.now(), fmt.Sprintf("reprint, attempt %d", l.Attempt)); err != nil {
			return err
		}
		if returned {
			// The case leaves the returned-mail queue with its last
			// returned letter.
			c, err := db.findCase(ctx, tx, l.CaseID)
			if err != nil {
				return err
			}
			var more bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM letters WHERE case_id = ? AND status = ?)`, l.CaseID, dsr.LetterReturned).Scan(&more); err != nil {
				return fmt.Errorf("returned letters of %s: %w", l.CaseID, err)
			}
			c.SetFlag(dsr.FlagReturnedMail, more)
			if err := db.saveCase(ctx, tx, c); err != nil {
				return err
			}
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
