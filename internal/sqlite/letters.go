package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"dsrdesk/internal/dsr"
)

// SaveExtract stores the assembled extract PDF of a case, replacing an
// earlier assembly, and moves the case to "assembled". A case whose answer
// has been sent cannot be re-assembled.
func (db *DB) SaveExtract(ctx context.Context, caseID string, pdf []byte, info dsr.ExtractSummary, actor dsr.Actor) error {
	summary, err := json.Marshal(info.Registers)
	if err != nil {
		return fmt.Errorf("encode extract summary: %w", err)
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		c, err := findCase(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if !c.Status.CanMove(dsr.StatusAssembled) {
			return dsr.Errorf(dsr.ECONFLICT, "The case is %s; its extract can no longer be assembled.", c.Status)
		}
		now := fmtTime(db.now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO extracts (case_id, pdf, pages, sha256, summary, assembled_at, assembled_by)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (case_id) DO UPDATE SET pdf = excluded.pdf, pages = excluded.pages, sha256 = excluded.sha256,
				summary = excluded.summary, assembled_at = excluded.assembled_at, assembled_by = excluded.assembled_by`,
			caseID, pdf, info.Pages, info.SHA256, string(summary), now, actor.String()); err != nil {
			return fmt.Errorf("save extract of %s: %w", caseID, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET status = ?, updated_at = ? WHERE id = ?`, dsr.StatusAssembled, now, caseID); err != nil {
			return fmt.Errorf("mark case %s assembled: %w", caseID, err)
		}
		return db.appendAudit(ctx, tx, actor, "extract.assembled", caseID, fmt.Sprintf("pages=%d sha256=%s registers=%s", info.Pages, info.SHA256, summary))
	})
}

// ExtractPDF returns the assembled extract of a case and records the read.
func (db *DB) ExtractPDF(ctx context.Context, caseID string, actor dsr.Actor) ([]byte, dsr.ExtractSummary, error) {
	var pdf []byte
	var info dsr.ExtractSummary
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := findCase(ctx, tx, caseID); err != nil {
			return err
		}
		var summary string
		err := tx.QueryRowContext(ctx, `SELECT pdf, pages, sha256, summary FROM extracts WHERE case_id = ?`, caseID).
			Scan(&pdf, &info.Pages, &info.SHA256, &summary)
		if errors.Is(err, sql.ErrNoRows) {
			return dsr.Errorf(dsr.ENOTFOUND, "The extract of this case has not been assembled yet.")
		} else if err != nil {
			return fmt.Errorf("read extract of %s: %w", caseID, err)
		}
		if err := json.Unmarshal([]byte(summary), &info.Registers); err != nil {
			return fmt.Errorf("extract summary of %s: %w", caseID, err)
		}
		return db.appendAudit(ctx, tx, actor, "extract.read", caseID, "sha256="+info.SHA256)
	})
	return pdf, info, err
}

const letterColumns = `l.id, l.case_id, c.number, coalesce(l.channel, ''), l.status, l.message_id, l.receipt, l.pages, l.sha256,
	l.address_lines, l.postcode, l.country, coalesce(l.batch_id, ''), l.attempt, l.created_at`

func scanLetter(s scanner) (*dsr.Letter, error) {
	var l dsr.Letter
	var lines, created string
	if err := s.Scan(&l.ID, &l.CaseID, &l.CaseNumber, &l.Channel, &l.Status, &l.MessageID, &l.Receipt, &l.Pages, &l.SHA256,
		&lines, &l.Postcode, &l.Country, &l.BatchID, &l.Attempt, &created); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(lines), &l.AddressLines); err != nil {
		return nil, fmt.Errorf("letter %s address: %w", l.ID, err)
	}
	l.CreatedAt = parseTime(created)
	return &l, nil
}

// PrepareLetter returns the answer letter of a case, creating it from the
// assembled extract the first time. Calling it again (a retried or repeated
// send) returns the same letter with the same message id, so a crash between
// preparing and settling can never produce a second letter.
func (db *DB) PrepareLetter(ctx context.Context, l *dsr.Letter, actor dsr.Actor) (*dsr.Letter, error) {
	lines, err := json.Marshal(l.AddressLines)
	if err != nil {
		return nil, fmt.Errorf("encode address: %w", err)
	}
	var out *dsr.Letter
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		c, err := findCase(ctx, tx, l.CaseID)
		if err != nil {
			return err
		}
		existing, err := scanLetter(tx.QueryRowContext(ctx, `SELECT `+letterColumns+` FROM letters l JOIN cases c ON c.id = l.case_id WHERE l.case_id = ?`, l.CaseID))
		if err == nil {
			out = existing
			return nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("find letter of %s: %w", l.CaseID, err)
		}
		if c.Status != dsr.StatusAssembled {
			return dsr.Errorf(dsr.ECONFLICT, "The extract must be assembled before the answer can be sent.")
		}
		now := fmtTime(db.now())
		res, err := tx.ExecContext(ctx, `INSERT INTO letters (id, case_id, status, message_id, pdf, pages, sha256, address_lines, postcode, country, created_at, updated_at)
			SELECT ?, ?, 'pending', ?, pdf, pages, sha256, ?, ?, ?, ?, ? FROM extracts WHERE case_id = ?`,
			l.ID, l.CaseID, l.MessageID, string(lines), l.Postcode, l.Country, now, now, l.CaseID)
		if err != nil {
			return fmt.Errorf("create letter for %s: %w", l.CaseID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return dsr.Errorf(dsr.ECONFLICT, "The extract must be assembled before the answer can be sent.")
		}
		if out, err = scanLetter(tx.QueryRowContext(ctx, `SELECT `+letterColumns+` FROM letters l JOIN cases c ON c.id = l.case_id WHERE l.id = ?`, l.ID)); err != nil {
			return fmt.Errorf("read letter %s: %w", l.ID, err)
		}
		return db.appendAudit(ctx, tx, actor, "letter.prepared", l.CaseID, "letter="+l.ID+" message_id="+l.MessageID)
	})
	return out, err
}

// SettleLetter records where a pending letter went: delivered to a digital
// mailbox with its receipt, or queued for an ordinary or protected print
// route. The case moves to "sent". Settling an already settled letter is a
// no-op that returns it unchanged.
func (db *DB) SettleLetter(ctx context.Context, letterID string, ch dsr.DeliveryChannel, receipt, reason string, actor dsr.Actor) (*dsr.Letter, error) {
	status := dsr.LetterQueued
	if ch == dsr.DeliveryDigital {
		status = dsr.LetterDelivered
	}
	var out *dsr.Letter
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		l, err := scanLetter(tx.QueryRowContext(ctx, `SELECT `+letterColumns+` FROM letters l JOIN cases c ON c.id = l.case_id WHERE l.id = ?`, letterID))
		if errors.Is(err, sql.ErrNoRows) {
			return dsr.Errorf(dsr.ENOTFOUND, "No letter with that id.")
		} else if err != nil {
			return fmt.Errorf("find letter %s: %w", letterID, err)
		}
		if l.Status != dsr.LetterPending {
			out = l
			return nil
		}
		if receipt == "" {
			receipt = l.ID
		}
		now := fmtTime(db.now())
		if _, err := tx.ExecContext(ctx, `UPDATE letters SET channel = ?, status = ?, receipt = ?, updated_at = ? WHERE id = ?`,
			ch, status, receipt, now, letterID); err != nil {
			return fmt.Errorf("settle letter %s: %w", letterID, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET status = ?, updated_at = ? WHERE id = ?`, dsr.StatusSent, now, l.CaseID); err != nil {
			return fmt.Errorf("mark case %s sent: %w", l.CaseID, err)
		}
		l.Channel, l.Status, l.Receipt = ch, status, receipt
		out = l
		detail := fmt.Sprintf("letter=%s channel=%s receipt=%s", l.ID, ch, receipt)
		if reason != "" {
			detail += " reason=" + reason
		}
		return db.appendAudit(ctx, tx, actor, "letter."+string(status), l.CaseID, detail)
	})
	return out, err
}

// CreateBatch gathers every queued letter of a print route into a new batch.
// It fails with a conflict when nothing is queued.
func (db *DB) CreateBatch(ctx context.Context, batchID, route string, actor dsr.Actor) (*dsr.PrintBatch, error) {
	ch := dsr.DeliveryPostal
	if route == "protected" {
		ch = dsr.DeliveryProtected
	}
	var b *dsr.PrintBatch
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO print_batches (id, route, created_at, created_by) VALUES (?, ?, ?, ?)`,
			batchID, route, fmtTime(now), actor.String()); err != nil {
			return fmt.Errorf("create batch: %w", err)
		}
		res, err := tx.ExecContext(ctx, `UPDATE letters SET batch_id = ?, status = 'batched', updated_at = ? WHERE status = 'queued' AND channel = ?`,
			batchID, fmtTime(now), ch)
		if err != nil {
			return fmt.Errorf("assign letters to batch: %w", err)
		}
		n, _ := res.RowsAffected()
		if n == 0 {
			return dsr.Errorf(dsr.ECONFLICT, "No letters are queued for print.")
		}
		b = &dsr.PrintBatch{ID: batchID, CreatedAt: now, CreatedBy: actor.String()}
		if b.Letters, err = batchLetters(ctx, tx, batchID); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, actor, "print.batch_created", "", fmt.Sprintf("batch=%s route=%s letters=%d", batchID, route, n))
	})
	return b, err
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func batchLetters(ctx context.Context, q querier, batchID string) ([]dsr.Letter, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+letterColumns+` FROM letters l JOIN cases c ON c.id = l.case_id WHERE l.batch_id = ? ORDER BY l.postcode, l.id`, batchID)
	if err != nil {
		return nil, fmt.Errorf("letters of batch %s: %w", batchID, err)
	}
	defer rows.Close()
	var out []dsr.Letter
	for rows.Next() {
		l, err := scanLetter(rows)
		if err != nil {
			return nil, fmt.Errorf("scan letter: %w", err)
		}
		out = append(out, *l)
	}
	return out, rows.Err()
}

// Batch returns a print batch and its letters (without PDFs).
func (db *DB) Batch(ctx context.Context, batchID string) (*dsr.PrintBatch, error) {
	b := &dsr.PrintBatch{ID: batchID}
	var created string
	err := db.r.QueryRowContext(ctx, `SELECT created_at, created_by FROM print_batches WHERE id = ?`, batchID).Scan(&created, &b.CreatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dsr.Errorf(dsr.ENOTFOUND, "No print batch with that id.")
	} else if err != nil {
		return nil, fmt.Errorf("find batch %s: %w", batchID, err)
	}
	b.CreatedAt = parseTime(created)
	if b.Letters, err = batchLetters(ctx, db.r, batchID); err != nil {
		return nil, err
	}
	return b, nil
}

// Batches lists print batches, newest first, with their letter counts.
func (db *DB) Batches(ctx context.Context, limit int) ([]dsr.PrintBatch, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT b.id, b.created_at, b.created_by, count(l.id) FROM print_batches b
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
		if err := rows.Scan(&b.ID, &created, &b.CreatedBy, &n); err != nil {
			return nil, fmt.Errorf("scan batch: %w", err)
		}
		b.CreatedAt = parseTime(created)
		b.Letters = make([]dsr.Letter, n)
		out = append(out, b)
	}
	return out, rows.Err()
}

// QueuedLetters counts the letters waiting for print, per delivery channel.
func (db *DB) QueuedLetters(ctx context.Context) (map[dsr.DeliveryChannel]int, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT channel, count(*) FROM letters WHERE status = 'queued' GROUP BY channel`)
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

// LetterPDF returns one letter's PDF.
func (db *DB) LetterPDF(ctx context.Context, letterID string) ([]byte, error) {
	var pdf []byte
	err := db.r.QueryRowContext(ctx, `SELECT pdf FROM letters WHERE id = ?`, letterID).Scan(&pdf)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dsr.Errorf(dsr.ENOTFOUND, "No letter with that id.")
	} else if err != nil {
		return nil, fmt.Errorf("read letter %s: %w", letterID, err)
	}
	return pdf, nil
}

// CaseLetter returns the answer letter of a case, if any.
func (db *DB) CaseLetter(ctx context.Context, caseID string) (*dsr.Letter, error) {
	l, err := scanLetter(db.r.QueryRowContext(ctx, `SELECT `+letterColumns+` FROM letters l JOIN cases c ON c.id = l.case_id WHERE l.case_id = ?`, caseID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dsr.Errorf(dsr.ENOTFOUND, "No letter has been sent in this case.")
	} else if err != nil {
		return nil, fmt.Errorf("find letter of %s: %w", caseID, err)
	}
	return l, nil
}

// RecordExport writes to the audit trail that a batch was downloaded.
func (db *DB) RecordExport(ctx context.Context, batchID string, letters int, actor dsr.Actor) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		return db.appendAudit(ctx, tx, actor, "print.batch_exported", "", fmt.Sprintf("batch=%s letters=%d", batchID, letters))
	})
}

// ExtractSummary returns what the assembled extract of a case contains; a
// not-found error when it has not been assembled.
func (db *DB) ExtractSummary(ctx context.Context, caseID string) (*dsr.ExtractSummary, error) {
	var info dsr.ExtractSummary
	var summary string
	err := db.r.QueryRowContext(ctx, `SELECT pages, sha256, summary FROM extracts WHERE case_id = ?`, caseID).Scan(&info.Pages, &info.SHA256, &summary)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dsr.Errorf(dsr.ENOTFOUND, "The extract of this case has not been assembled yet.")
	} else if err != nil {
		return nil, fmt.Errorf("extract summary of %s: %w", caseID, err)
	}
	if err := json.Unmarshal([]byte(summary), &info.Registers); err != nil {
		return nil, fmt.Errorf("extract summary of %s: %w", caseID, err)
	}
	return &info, nil
}
