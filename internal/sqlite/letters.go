package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"dsrdesk/internal/dsr"
)

const letterColumns = `l.id, l.case_id, c.number, l.purpose, l.addressee_kind, l.addressee_name, l.addressee_ref, l.unique_key,
	l.subject_line, coalesce(l.channel, ''), l.status, l.message_id, l.receipt, l.pages, l.sha256,
	l.address_lines, l.postcode, l.country, coalesce(l.batch_id, ''), l.attempt, l.created_at`

const letterFrom = ` FROM letters l JOIN cases c ON c.id = l.case_id`

func scanLetter(s scanner) (*dsr.Letter, error) {
	var l dsr.Letter
	var lines, created string
	if err := s.Scan(&l.ID, &l.CaseID, &l.CaseNumber, &l.Purpose, &l.Addressee.Kind, &l.Addressee.Name, &l.Addressee.Ref, &l.Key,
		&l.Subject, &l.Channel, &l.Status, &l.MessageID, &l.Receipt, &l.Pages, &l.SHA256,
		&lines, &l.Postcode, &l.Country, &l.BatchID, &l.Attempt, &created); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(lines), &l.AddressLines); err != nil {
		return nil, fmt.Errorf("letter %s address: %w", l.ID, err)
	}
	l.CreatedAt = parseTime(created)
	return &l, nil
}

func letterErr(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return dsr.Errorf(dsr.ENOTFOUND, "letter.not_found", "No letter with that id.")
	}
	return err
}

// LetterByKey returns the letter with a unique key (dsr.LetterKey), or a
// not-found error.
func (db *DB) LetterByKey(ctx context.Context, key string) (*dsr.Letter, error) {
	l, err := scanLetter(db.r.QueryRowContext(ctx, `SELECT `+letterColumns+letterFrom+` WHERE l.unique_key = ?`, key))
	if err != nil {
		return nil, fmt.Errorf("find letter: %w", letterErr(err))
	}
	return l, nil
}

// CaseLetters returns every letter of a case, oldest first.
func (db *DB) CaseLetters(ctx context.Context, caseID string) ([]dsr.Letter, error) {
	return db.letters(ctx, db.r, `WHERE l.case_id = ? ORDER BY l.created_at, l.id`, caseID)
}

// CreateLetter stores a new letter with its PDF. When a letter with the same
// unique key exists (a repeated or retried request) nothing is written and
// that letter is returned with created false, so a crash between writing
// and sending can never produce a second one. decide gets the case inside
// the transaction, checks that the workflow allows the letter and returns
// the audit events.
func (db *DB) CreateLetter(ctx context.Context, l *dsr.Letter, pdf []byte, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) (out *dsr.Letter, created bool, err error) {
	lines, err := json.Marshal(l.AddressLines)
	if err != nil {
		return nil, false, fmt.Errorf("encode address: %w", err)
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		existing, err := scanLetter(tx.QueryRowContext(ctx, `SELECT `+letterColumns+letterFrom+` WHERE l.unique_key = ?`, l.Key))
		if err == nil {
			out = existing
			return nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("find letter %s: %w", l.Key, err)
		}
		c, err := findCase(ctx, tx, l.CaseID)
		if err != nil {
			return err
		}
		events, err := decide(c)
		if err != nil {
			return err
		}
		if err := db.saveCase(ctx, tx, c); err != nil {
			return err
		}
		now := fmtTime(db.now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO letters (id, case_id, purpose, addressee_kind, addressee_name, addressee_ref,
			unique_key, subject_line, status, message_id, pdf, pages, sha256, address_lines, postcode, country, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			l.ID, l.CaseID, l.Purpose, l.Addressee.Kind, l.Addressee.Name, l.Addressee.Ref, l.Key, l.Subject, dsr.LetterPending,
			l.MessageID, pdf, l.Pages, l.SHA256, string(lines), l.Postcode, l.Country, now, now); err != nil {
			return fmt.Errorf("create letter for %s: %w", l.CaseID, err)
		}
		if out, err = scanLetter(tx.QueryRowContext(ctx, `SELECT `+letterColumns+letterFrom+` WHERE l.id = ?`, l.ID)); err != nil {
			return fmt.Errorf("read letter %s: %w", l.ID, err)
		}
		created = true
		return db.appendAudit(ctx, tx, events...)
	})
	return out, created, err
}

// SettleLetter records where a pending letter went: delivered to a digital
// mailbox with its receipt, or queued for an ordinary or protected print
// route (the receipt is then the letter's own id, its print record id).
// decide gets the case and the settled letter inside the transaction, may
// move the case on and returns the audit events. Settling a letter that is
// no longer pending changes nothing and returns it as it is.
func (db *DB) SettleLetter(ctx context.Context, letterID string, ch dsr.DeliveryChannel, receipt string, decide func(*dsr.Case, *dsr.Letter) ([]dsr.AuditEvent, error)) (*dsr.Letter, error) {
	status := dsr.LetterQueued
	if ch == dsr.DeliveryDigital {
		status = dsr.LetterDelivered
	}
	var out *dsr.Letter
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		l, err := scanLetter(tx.QueryRowContext(ctx, `SELECT `+letterColumns+letterFrom+` WHERE l.id = ?`, letterID))
		if err != nil {
			return fmt.Errorf("find letter: %w", letterErr(err))
		}
		out = l
		if l.Status != dsr.LetterPending {
			return nil
		}
		if receipt == "" {
			receipt = l.ID
		}
		if _, err := tx.ExecContext(ctx, `UPDATE letters SET channel = ?, status = ?, receipt = ?, updated_at = ? WHERE id = ?`,
			ch, status, receipt, fmtTime(db.now()), letterID); err != nil {
			return fmt.Errorf("settle letter %s: %w", letterID, err)
		}
		l.Channel, l.Status, l.Receipt = ch, status, receipt
		c, err := findCase(ctx, tx, l.CaseID)
		if err != nil {
			return err
		}
		events, err := decide(c, l)
		if err != nil {
			return err
		}
		if err := db.saveCase(ctx, tx, c); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, events...)
	})
	return out, err
}

// LetterPDF returns one letter's PDF.
func (db *DB) LetterPDF(ctx context.Context, letterID string) ([]byte, error) {
	var pdf []byte
	err := db.r.QueryRowContext(ctx, `SELECT pdf FROM letters WHERE id = ?`, letterID).Scan(&pdf)
	if err != nil {
		return nil, fmt.Errorf("read letter %s: %w", letterID, letterErr(err))
	}
	return pdf, nil
}

// ReadLetterPDF returns one letter's PDF and records, in the same
// transaction, the event that a person downloaded it.
func (db *DB) ReadLetterPDF(ctx context.Context, letterID string, ev dsr.AuditEvent) ([]byte, error) {
	var pdf []byte
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT pdf FROM letters WHERE id = ?`, letterID).Scan(&pdf); err != nil {
			return fmt.Errorf("read letter %s: %w", letterID, letterErr(err))
		}
		return db.appendAudit(ctx, tx, ev)
	})
	return pdf, err
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// letters runs a letter query with the given WHERE/ORDER tail.
func (db *DB) letters(ctx context.Context, q querier, tail string, args ...any) ([]dsr.Letter, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+letterColumns+letterFrom+` `+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("read letters: %w", err)
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
