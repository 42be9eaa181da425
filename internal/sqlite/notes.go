package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"dsrdesk/internal/dsr"
)

// AddNote stores an internal note on a case with the service's audit event,
// in one transaction. Notes are staff's own words about the handling; they
// never leave the agency in a letter.
func (db *DB) AddNote(ctx context.Context, n *dsr.Note, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) error {
	n.At = db.now()
	_, err := db.decided(ctx, n.CaseID, decide, func(tx *sql.Tx, _ *dsr.Case) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO notes (id, case_id, actor, body, at) VALUES (?, ?, ?, ?, ?)`,
			n.ID, n.CaseID, n.Actor, n.Body, fmtTime(n.At)); err != nil {
			return fmt.Errorf("add note to %s: %w", n.CaseID, err)
		}
		return nil
	})
	return err
}

// Notes returns a case's internal notes, the oldest first.
func (db *DB) Notes(ctx context.Context, caseID string) ([]dsr.Note, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, case_id, actor, body, at FROM notes WHERE case_id = ? ORDER BY at, id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("notes of %s: %w", caseID, err)
	}
	defer rows.Close()
	var out []dsr.Note
	for rows.Next() {
		var n dsr.Note
		var at string
		if err := rows.Scan(&n.ID, &n.CaseID, &n.Actor, &n.Body, &at); err != nil {
			return nil, fmt.Errorf("notes of %s: %w", caseID, err)
		}
		n.At = parseTime(at)
		out = append(out, n)
	}
	return out, rows.Err()
}

// StaffNames returns the names of the staff accounts among actors (as the
// audit trail writes them, "staff:<id>"), by actor.
func (db *DB) StaffNames(ctx context.Context, actors []string) (map[string]string, error) {
	out := map[string]string{}
	var ids []any
	for _, a := range actors {
		if id, ok := strings.CutPrefix(a, "staff:"); ok {
			if _, seen := out[a]; !seen {
				out[a] = ""
				ids = append(ids, id)
			}
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := db.r.QueryContext(ctx, `SELECT id, name FROM users WHERE id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, ids...)
	if err != nil {
		return nil, fmt.Errorf("staff names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("staff names: %w", err)
		}
		out["staff:"+id] = name
	}
	return out, rows.Err()
}

// CaseByNumber returns the case with a case number (DSR-YYYY-NNNNNN).
func (db *DB) CaseByNumber(ctx context.Context, number string) (*dsr.Case, error) {
	c, err := scanCase(db.r.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases WHERE number = ?`, number))
	return c, caseErr(number, err)
}

// CasesBySubject returns every case about the person whose look-up hash is
// subjectHMAC, the newest first.
func (db *DB) CasesBySubject(ctx context.Context, subjectHMAC string) ([]*dsr.Case, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+caseColumns+` FROM cases WHERE subject_hmac = ? ORDER BY received_on DESC, number DESC LIMIT 500`, subjectHMAC)
	if err != nil {
		return nil, fmt.Errorf("cases by subject: %w", err)
	}
	defer rows.Close()
	var out []*dsr.Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, fmt.Errorf("cases by subject: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
