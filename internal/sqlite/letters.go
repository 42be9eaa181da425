package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"dsrdesk/internal/dsr"
)

const letterColumns = `l.id, l.case_id, c.number, l.purpose, l.addressee_kind, l.addressee_name, l.addressee_ref, l.unique_key,
	l.subject_line, coalesce(l.channel, ''), l.status, l.message_id, l.receipt, l.pages, l.sha256,
	l.address_lines, l.postcode, l.country, coalesce(l.batch_id, ''), l.attempt, l.created_at, l.tries`

const letterFrom = ` FROM letters l JOIN cases c ON c.id = l.case_id`

func scanLetter(s scanner) (*dsr.Letter, error) {
	var l dsr.Letter
	var lines, created string
	if err := s.Scan(&l.ID, &l.CaseID, &l.CaseNumber, &l.Purpose, &l.Addressee.Kind, &l.Addressee.Name, &l.Addressee.Ref, &l.Key,
		&l.Subject, &l.Channel, &l.Status, &l.MessageID, &l.Receipt, &l.Pages, &l.SHA256,
		&lines, &l.Postcode, &l.Country, &l.BatchID, &l.Attempt, &created, &l.Tries); err != nil {
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
// and sending can never produce a second one. A letter with NextTry is in
// the outbox from the start. decide gets the case inside
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
		c, err := db.findCase(ctx, tx, l.CaseID)
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
		var next sql.NullString
		if l.NextTry != nil {
			next = sql.NullString{String: fmtTime(*l.NextTry), Valid: true}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO letters (id, case_id, purpose, addressee_kind, addressee_name, addressee_ref,
			unique_key, subject_line, status, message_id, pdf, pages, sha256, address_lines, postcode, country, created_at, updated_at, next_try_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			l.ID, l.CaseID, l.Purpose, l.Addressee.Kind, l.Addressee.Name, l.Addressee.Ref, l.Key, l.Subject, dsr.LetterPending,
			l.MessageID, pdf, l.Pages, l.SHA256, string(lines), l.Postcode, l.Country, now, now, next); err != nil {
			return fmt.Errorf("create letter for %s: %w", l.CaseID, err)
		}
		if err := letterEvent(ctx, tx, l.ID, now, dsr.LetterPending, "", "written"); err != nil {
			return err
		}
		if out, err = scanLetter(tx.QueryRowContext(ctx, `SELECT `+letterColumns+letterFrom+` WHERE l.id = ?`, l.ID)); err != nil {
			return fmt.Errorf("read letter %s: %w", l.ID, err)
		}
		created = true
		return db.appendAudit(ctx, tx, events...)
	})
	return out, created, err
}

// MoveLetter changes a letter's route and status, when its status is one of
// from, and records the step in its history, all in one transaction; decide
// (optional) gets the case and the moved letter, may change the case and
// returns the audit events. A letter in another status is returned as it
// is, with moved false: two workers moving the same letter move it once.
func (db *DB) MoveLetter(ctx context.Context, letterID string, from []dsr.LetterStatus, m dsr.LetterMove, decide func(*dsr.Case, *dsr.Letter) ([]dsr.AuditEvent, error)) (out *dsr.Letter, moved bool, err error) {
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		l, err := scanLetter(tx.QueryRowContext(ctx, `SELECT `+letterColumns+letterFrom+` WHERE l.id = ?`, letterID))
		if err != nil {
			return fmt.Errorf("find letter: %w", letterErr(err))
		}
		out = l
		if !slices.Contains(from, l.Status) {
			return nil
		}
		if m.Channel != "" {
			l.Channel = m.Channel
		}
		if m.Receipt != "" {
			l.Receipt = m.Receipt
		} else if m.Status == dsr.LetterQueued && l.Receipt == "" {
			l.Receipt = l.ID // the print record id
		}
		l.Status, l.Tries = m.Status, m.Tries
		if err := db.saveLetter(ctx, tx, l, m.NextTry, db.now(), m.Detail); err != nil {
			return err
		}
		moved = true
		if decide == nil {
			return nil
		}
		c, err := db.findCase(ctx, tx, l.CaseID)
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
	return out, moved, err
}

// saveLetter writes a letter's route and progress as l has them now (and
// when the outbox tries it next, if it does), and adds the step to its
// history as of at: every change of a letter goes through here.
func (db *DB) saveLetter(ctx context.Context, tx *sql.Tx, l *dsr.Letter, next *time.Time, at time.Time, detail string) error {
	var nextTry, channel, batch sql.NullString
	if next != nil {
		nextTry = sql.NullString{String: fmtTime(*next), Valid: true}
	}
	if l.Channel != "" {
		channel = sql.NullString{String: string(l.Channel), Valid: true}
	}
	if l.BatchID != "" {
		batch = sql.NullString{String: l.BatchID, Valid: true}
	}
	lines, err := json.Marshal(l.AddressLines)
	if err != nil {
		return fmt.Errorf("encode address: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE letters SET channel = ?, status = ?, receipt = ?, tries = ?, next_try_at = ?, attempt = ?,
		batch_id = ?, address_lines = ?, postcode = ?, country = ?, updated_at = ? WHERE id = ?`,
		channel, l.Status, l.Receipt, l.Tries, nextTry, l.Attempt, batch, string(lines), l.Postcode, l.Country, fmtTime(db.now()), l.ID); err != nil {
		return fmt.Errorf("save letter %s: %w", l.ID, err)
	}
	return letterEvent(ctx, tx, l.ID, fmtTime(at), l.Status, l.Channel, detail)
}

// letterEvent adds a step to a letter's history.
func letterEvent(ctx context.Context, tx *sql.Tx, letterID, at string, st dsr.LetterStatus, ch dsr.DeliveryChannel, detail string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO letter_events (letter_id, at, status, channel, detail) VALUES (?, ?, ?, ?, ?)`,
		letterID, at, st, ch, detail); err != nil {
		return fmt.Errorf("letter %s history: %w", letterID, err)
	}
	return nil
}

// DueLetters returns the letters in the outbox whose next try has come at
// now, the most overdue first: routed to the digital mailbox and not yet
// delivered, or sent but not yet routed (a failed look-up). A letter
// written but never sent (a decision awaiting the officer's send) has no
// next try and is not in the outbox.
func (db *DB) DueLetters(ctx context.Context, now time.Time, limit int) ([]dsr.Letter, error) {
	// Read in the order of the outbox's own index (0013), which holds
	// exactly the letters in the outbox, never sorting them all.
	return queryLetters(ctx, db.r, `SELECT `+letterColumns+` FROM letters l INDEXED BY letters_outbox JOIN cases c ON c.id = l.case_id
		WHERE l.status IN ('pending', 'sending') AND l.next_try_at IS NOT NULL AND l.next_try_at <= ?
		ORDER BY l.next_try_at, l.id LIMIT ?`, fmtTime(now), limit)
}

// LetterHistories returns the history of every letter of a case, by letter id.
func (db *DB) LetterHistories(ctx context.Context, caseID string) (map[string][]dsr.LetterEvent, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT e.letter_id, e.at, e.status, e.channel, e.detail FROM letter_events e
		JOIN letters l ON l.id = e.letter_id WHERE l.case_id = ? ORDER BY e.seq`, caseID)
	if err != nil {
		return nil, fmt.Errorf("letter histories: %w", err)
	}
	defer rows.Close()
	out := map[string][]dsr.LetterEvent{}
	for rows.Next() {
		var id, at string
		var e dsr.LetterEvent
		if err := rows.Scan(&id, &at, &e.Status, &e.Channel, &e.Detail); err != nil {
			return nil, fmt.Errorf("letter histories: %w", err)
		}
		e.At = parseTime(at)
		out[id] = append(out[id], e)
	}
	return out, rows.Err()
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
	return queryLetters(ctx, q, `SELECT `+letterColumns+letterFrom+` `+tail, args...)
}

// queryLetters runs a query of letterColumns and scans its letters.
func queryLetters(ctx context.Context, q querier, query string, args ...any) ([]dsr.Letter, error) {
	rows, err := q.QueryContext(ctx, query, args...)
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
