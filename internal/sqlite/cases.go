package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"dsrdesk/internal/dsr"
)

const caseColumns = `id, number, kinds, status, channel, subject_pnr, subject_name, representative, language, details,
	received_on, target_on, due_on, extended_due_on, extension_reason, created_at, updated_at, change_request, assigned_to,
	outcome, outcome_reasons, decided_on, signoff, waiting, waiting_since, paused_days, flags, answered_on`

type scanner interface{ Scan(dest ...any) error }

func (db *DB) scanCase(s scanner) (*dsr.Case, error) {
	var c dsr.Case
	var kinds, details, received, target, due, created, updated, change, signoff, flags string
	var rep, extended, decided, waitingSince, answered sql.NullString
	if err := s.Scan(&c.ID, &c.Number, &kinds, &c.Status, &c.Channel, &c.SubjectPNR, &c.SubjectName, &rep, &c.Language, &details,
		&received, &target, &due, &extended, &c.ExtensionReason, &created, &updated, &change, &c.AssignedTo,
		&c.Outcome, &c.OutcomeReasons, &decided, &signoff, &c.Waiting, &waitingSince, &c.PausedDays, &flags, &answered); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(signoff), &c.SignOff); err != nil {
		return nil, fmt.Errorf("case %s sign-off: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(flags), &c.Flags); err != nil {
		return nil, fmt.Errorf("case %s flags: %w", c.ID, err)
	}
	c.DecidedOn, c.WaitingSince, c.AnsweredOn = nullDate(decided), nullDate(waitingSince), nullDate(answered)
	if err := json.Unmarshal([]byte(change), &c.Change); err != nil {
		return nil, fmt.Errorf("case %s change request: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(kinds), &c.Kinds); err != nil {
		return nil, fmt.Errorf("case %s kinds: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(details), &c.Details); err != nil {
		return nil, fmt.Errorf("case %s details: %w", c.ID, err)
	}
	var err error
	if c.SubjectPNR, err = db.openPNR(c.SubjectPNR, subjectAD(c.ID)); err != nil {
		return nil, err
	}
	if rep.Valid {
		plain, err := db.seal.open(rep.String, repAD(c.ID))
		if err != nil {
			return nil, err
		}
		c.Representative = &dsr.Representative{}
		if err := json.Unmarshal([]byte(plain), c.Representative); err != nil {
			return nil, fmt.Errorf("case %s representative: %w", c.ID, err)
		}
	}
	c.ReceivedOn, _ = time.Parse(dsr.DateLayout, received)
	c.TargetOn, _ = time.Parse(dsr.DateLayout, target)
	c.DueOn, _ = time.Parse(dsr.DateLayout, due)
	c.ExtendedDueOn = nullDate(extended)
	c.CreatedAt, c.UpdatedAt = parseTime(created), parseTime(updated)
	return &c, nil
}

// insertCaseSQL stores a new case (CreateCase); prepared when the store
// opens (preparedSQL).
const insertCaseSQL = `INSERT INTO cases (id, number, kinds, status, channel, subject_pnr, subject_name,
	representative, language, details, received_on, target_on, due_on, extension_reason, created_at, updated_at,
	change_request, subject_hmac, request_key, auto_assembly, representative_hmac)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// The case with a request key, and the next case number of a year
// (CreateCase); prepared when the store opens.
const (
	caseByKeySQL      = `SELECT id FROM cases WHERE request_key = ?`
	nextCaseNumberSQL = `INSERT INTO case_numbers (year, last) VALUES (?, 1)
		ON CONFLICT (year) DO UPDATE SET last = last + 1 RETURNING last`
)

// CreateCase stores a new case, giving it the next case number of the year
// it was received (DSR-YYYY-NNNNNN), together with the service's audit event
// of its receipt. subjectHMAC is the keyed look-up hash of the subject, and
// repHMAC that of the representative ("" when none or without a number).
//
// A non-empty requestKey makes the call idempotent: when a case with that
// key exists, c is filled with it, nothing is written and created is false.
//
// Documents that came with the request (the scanned letter, a phone note, a
// mandate) are filed with the case in the same transaction, so that a
// crash keeps both or neither.
func (db *DB) CreateCase(ctx context.Context, c *dsr.Case, subjectHMAC, repHMAC, requestKey string, ev dsr.AuditEvent, files ...*dsr.Attachment) (created bool, err error) {
	kinds, err := json.Marshal(c.Kinds)
	if err != nil {
		return false, fmt.Errorf("encode kinds: %w", err)
	}
	if c.Details == nil {
		c.Details = map[string]string{}
	}
	details, err := json.Marshal(c.Details)
	if err != nil {
		return false, fmt.Errorf("encode details: %w", err)
	}
	var rep, repKey sql.NullString
	if c.Representative != nil {
		repKey = sql.NullString{String: repHMAC, Valid: true}
		b, err := json.Marshal(c.Representative)
		if err != nil {
			return false, fmt.Errorf("encode representative: %w", err)
		}
		rep = sql.NullString{String: db.seal.seal(string(b), repAD(c.ID)), Valid: true}
	}
	now := db.now()
	c.CreatedAt, c.UpdatedAt = now, now
	var key sql.NullString
	if requestKey != "" {
		key = sql.NullString{String: requestKey, Valid: true}
	}
	// Grouped with the other new cases of the moment (group.go); its
	// statements run whatever becomes of the request once handed over.
	handOver := ctx
	ctx = context.WithoutCancel(ctx)
	err = db.inGroup(handOver, func(tx *sql.Tx) error {
		if key.Valid {
			var id string
			err := db.queryRow(ctx, tx, caseByKeySQL, key).Scan(&id)
			if err == nil {
				existing, err := db.findCase(ctx, tx, id)
				if err != nil {
					return err
				}
				*c = *existing
				return nil
			} else if !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("find request key: %w", err)
			}
		}
		created = true
		var last int
		year := c.ReceivedOn.Year()
		if err := db.queryRow(ctx, tx, nextCaseNumberSQL, year).Scan(&last); err != nil {
			return fmt.Errorf("next case number: %w", err)
		}
		c.Number = fmt.Sprintf("DSR-%d-%06d", year, last)
		change, err := json.Marshal(c.Change)
		if err != nil {
			return fmt.Errorf("encode change request: %w", err)
		}
		if _, err := db.exec(ctx, tx, insertCaseSQL,
			c.ID, c.Number, string(kinds), c.Status, c.Channel, db.seal.seal(string(c.SubjectPNR), subjectAD(c.ID)), c.SubjectName, rep, c.Language, string(details),
			dsr.FormatDate(c.ReceivedOn), dsr.FormatDate(c.TargetOn), dsr.FormatDate(c.DueOn), c.ExtensionReason,
			fmtTime(now), fmtTime(now), string(change), subjectHMAC, key, c.AutoAssembles(), repKey); err != nil {
			return fmt.Errorf("insert case: %w", err)
		}
		// What the workflow changes is written as every change writes it.
		if err := db.saveCase(ctx, tx, c); err != nil {
			return err
		}
		for _, a := range files {
			a.CaseID = c.ID
			if err := db.insertAttachment(ctx, tx, a); err != nil {
				return err
			}
		}
		ev.Detail = "number=" + c.Number + " " + ev.Detail
		return db.appendAudit(ctx, tx, ev)
	})
	return created && err == nil, err
}

// Case returns one case, for a service's own use: the read is not a person
// reading the case and is not audited.
func (db *DB) Case(ctx context.Context, id string) (*dsr.Case, error) {
	c, err := db.scanCase(db.r.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases WHERE id = ?`, id))
	return c, caseErr(id, err)
}

// ReadCase returns one case and records, in the same transaction, the
// service's event that a person read it.
func (db *DB) ReadCase(ctx context.Context, id string, ev dsr.AuditEvent) (*dsr.Case, error) {
	var c *dsr.Case
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if c, err = db.findCase(ctx, tx, id); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, ev)
	})
	return c, err
}

// UpdateCase changes a case in one transaction: decide gets the case as it
// is, checks that the change is allowed, changes its status or deadlines
// and returns the audit events that record it; the store saves both.
func (db *DB) UpdateCase(ctx context.Context, id string, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) (*dsr.Case, error) {
	return db.decided(ctx, id, decide, nil)
}

// decided is the shape of every change a service decides: in one
// transaction the case as it is, the service's decision on it (which may
// refuse, change the case and returns the audit events), the change
// itself, the case's new state and the events.
func (db *DB) decided(ctx context.Context, id string, decide func(*dsr.Case) ([]dsr.AuditEvent, error), change func(tx *sql.Tx, c *dsr.Case) error) (*dsr.Case, error) {
	var c *dsr.Case
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if c, err = db.findCase(ctx, tx, id); err != nil {
			return err
		}
		events, err := decide(c)
		if err != nil {
			return err
		}
		if change != nil {
			if err := change(tx, c); err != nil {
				return err
			}
		}
		if err := db.saveCase(ctx, tx, c); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, events...)
	})
	return c, err
}

// saveCaseSQL writes a case's workflow columns (saveCase); prepared when
// the store opens (preparedSQL).
const saveCaseSQL = `UPDATE cases SET status = ?, due_on = ?, extended_due_on = ?, extension_reason = ?, updated_at = ?,
	open = ?, due_effective = ?, assigned_to = ?, outcome = ?, outcome_reasons = ?, decided_on = ?, signoff = ?, signoff_state = ?,
	waiting = ?, waiting_since = ?, paused_days = ?, flags = ?, answered_on = ?, stage = ?, change_request = ?, representative = ?,
	subject_name = ?, auto_assembly = CASE WHEN ? THEN auto_assembly ELSE 0 END WHERE id = ?`

// saveCase writes what a case's workflow changes: its status, deadlines,
// outcome, sign-off, what it waits for and its flags, and the columns the
// queues read (open, the deadline in force, the assignee, the stage). A case
// that no longer assembles by itself (an officer assembled or decided it, it
// waits, it has a representative) leaves the background assembly's queue.
func (db *DB) saveCase(ctx context.Context, tx *sql.Tx, c *dsr.Case) error {
	c.UpdatedAt = db.now()
	signoff, err := json.Marshal(c.SignOff)
	if err != nil {
		return fmt.Errorf("encode sign-off: %w", err)
	}
	change, err := json.Marshal(c.Change)
	if err != nil {
		return fmt.Errorf("encode change request: %w", err)
	}
	flags := []byte("[]")
	if len(c.Flags) > 0 {
		if flags, err = json.Marshal(c.Flags); err != nil {
			return fmt.Errorf("encode flags: %w", err)
		}
	}
	var rep sql.NullString
	if c.Representative != nil {
		b, err := json.Marshal(c.Representative)
		if err != nil {
			return fmt.Errorf("encode representative: %w", err)
		}
		rep = sql.NullString{String: db.seal.seal(string(b), repAD(c.ID)), Valid: true}
	}
	if _, err := db.exec(ctx, tx, saveCaseSQL,
		c.Status, dsr.FormatDate(c.DueOn), dateOrNull(c.ExtendedDueOn), c.ExtensionReason, fmtTime(c.UpdatedAt),
		c.Open(), dsr.FormatDate(c.EffectiveDue()), c.AssignedTo, c.Outcome, c.OutcomeReasons, dateOrNull(c.DecidedOn),
		string(signoff), c.SignOff.State, c.Waiting, dateOrNull(c.WaitingSince), c.PausedDays, string(flags), dateOrNull(c.AnsweredOn),
		c.Stage(c.UpdatedAt), string(change), rep, c.SubjectName, c.AutoAssembles(), c.ID); err != nil {
		return fmt.Errorf("save case %s: %w", c.ID, err)
	}
	return nil
}

// dateOrNull writes an optional calendar date.
func dateOrNull(t *time.Time) sql.NullString {
	if t == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: dsr.FormatDate(*t), Valid: true}
}

// nullDate reads an optional calendar date.
func nullDate(s sql.NullString) *time.Time {
	if !s.Valid || s.String == "" {
		return nil
	}
	t, err := time.Parse(dsr.DateLayout, s.String)
	if err != nil {
		return nil
	}
	return &t
}

func caseErr(id string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return dsr.Errorf(dsr.ENOTFOUND, "case.not_found", "No case with that id.")
	} else if err != nil {
		return fmt.Errorf("find case %s: %w", id, err)
	}
	return nil
}

func (db *DB) findCase(ctx context.Context, tx *sql.Tx, id string) (*dsr.Case, error) {
	c, err := db.scanCase(tx.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases WHERE id = ?`, id))
	return c, caseErr(id, err)
}

// ListCases returns a page of cases in deadline order, the most urgent
// first (a closed queue the latest first), and how many the list holds.
// A queue is read from an index in that order and paged by position, so a
// page deep in a million cases costs what the first does; its total comes
// from the counts the triggers keep (stats.go), not from counting rows.
func (db *DB) ListCases(ctx context.Context, f dsr.CaseFilter) (dsr.CasePage, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	if f.Queue == "" {
		return db.listByStatus(ctx, f)
	}
	var page dsr.CasePage
	var err error
	if page.Total, err = db.queueTotal(ctx, f); err != nil {
		return page, err
	}
	q, qargs := queueQuery(f)
	rows, err := db.r.QueryContext(ctx, q, qargs...)
	if err != nil {
		return page, fmt.Errorf("list %s: %w", f.Queue, err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := db.scanCase(rows)
		if err != nil {
			return page, fmt.Errorf("scan case: %w", err)
		}
		page.Cases = append(page.Cases, c)
	}
	if err := rows.Err(); err != nil {
		return page, fmt.Errorf("list %s: %w", f.Queue, err)
	}
	if len(page.Cases) > f.Limit {
		page.Cases = page.Cases[:f.Limit]
		last := page.Cases[f.Limit-1]
		page.Next = dsr.Cursor{Due: dsr.FormatDate(last.EffectiveDue()), Number: last.Number}
	}
	return page, nil
}

// queueQuery is the query of one page of a queue (one case more than the
// page holds, to tell whether another page follows) and its arguments.
func queueQuery(f dsr.CaseFilter) (string, []any) {
	today := dsr.FormatDate(dsr.Day(f.Today))
	where, args := `open = 1`, []any{}
	order, after := `due_effective, number`, `(due_effective, number) > (?, ?)`
	switch f.Queue {
	case dsr.QueueDueSoon:
		where, args = `open = 1 AND due_effective >= ? AND due_effective <= ?`, []any{today, dsr.FormatDate(dsr.Day(f.Today).AddDate(0, 0, dsr.DueSoonDays))}
	case dsr.QueueOverdue:
		where, args = `open = 1 AND due_effective < ?`, []any{today}
	case dsr.QueueMine:
		where, args = `assigned_to = ? AND open = 1`, []any{f.Assignee}
	case dsr.QueueUnassigned:
		where, args = `assigned_to = '' AND open = 1`, []any{}
	case dsr.QueueReady, dsr.QueueSignOff, dsr.QueueWaiting, dsr.QueueReturned:
		// stage <> '' says nothing new, but it lets SQLite see that the
		// partial index cases_stage holds every case the queue lists.
		where, args = `stage = ? AND stage <> '' AND open = 1`, []any{f.Queue.Stage()}
	case dsr.QueueClosed:
		where = `open = 0`
		order, after = `due_effective DESC, number DESC`, `(due_effective, number) < (?, ?)`
	}
	q, qargs := `SELECT `+caseColumns+` FROM cases WHERE `+where, append([]any{}, args...)
	if !f.Cursor.IsZero() {
		q, qargs = q+` AND `+after, append(qargs, f.Cursor.Due, f.Cursor.Number)
	}
	return q + ` ORDER BY ` + order + ` LIMIT ?`, append(qargs, f.Limit+1)
}

// listByStatus is the first API's listing: by status, paged by offset.
func (db *DB) listByStatus(ctx context.Context, f dsr.CaseFilter) (dsr.CasePage, error) {
	where, args := ``, []any{}
	if f.Status != "" {
		where, args = ` WHERE status = ?`, append(args, f.Status)
	}
	var page dsr.CasePage
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM cases`+where, args...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("count cases: %w", err)
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+caseColumns+` FROM cases`+where+
		` ORDER BY due_effective, number LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return page, fmt.Errorf("list cases: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := db.scanCase(rows)
		if err != nil {
			return page, fmt.Errorf("scan case: %w", err)
		}
		page.Cases = append(page.Cases, c)
	}
	return page, rows.Err()
}

// ToAssemble returns up to limit cases waiting to be assembled in the
// background, the oldest first.
func (db *DB) ToAssemble(ctx context.Context, limit int) ([]string, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id FROM cases WHERE auto_assembly = 1 ORDER BY created_at LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("cases to assemble: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("cases to assemble: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Assembled marks a case as no longer waiting for the background assembly,
// whether it succeeded or an officer must take over.
func (db *DB) Assembled(ctx context.Context, id string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET auto_assembly = 0 WHERE id = ?`, id); err != nil {
			return fmt.Errorf("case %s assembled: %w", id, err)
		}
		return nil
	})
}

// WaitingSince returns the open cases that have waited for w since the day
// given or longer. The query repeats the partial index's condition (a
// non-empty stage) so that SQLite reads cases_stage instead of the table.
func (db *DB) WaitingSince(ctx context.Context, w dsr.Waiting, since time.Time) ([]string, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id FROM cases WHERE stage <> '' AND stage = 'waiting' AND open = 1 AND waiting = ? AND waiting_since <= ?`,
		w, dsr.FormatDate(since))
	if err != nil {
		return nil, fmt.Errorf("cases waiting for %s: %w", w, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("cases waiting for %s: %w", w, err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
