package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
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
	c, err := db.scanCase(db.r.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases WHERE number = ?`, number))
	return c, caseErr(number, err)
}

// CasesOf returns every case about the person whose look-up hash is hmac,
// and every case they made as someone's representative, the newest first.
func (db *DB) CasesOf(ctx context.Context, hmac string) ([]*dsr.Case, error) {
	return db.caseList(ctx, "cases of a person", `SELECT `+caseColumns+` FROM cases WHERE subject_hmac = ?
		UNION SELECT `+caseColumns+` FROM cases WHERE representative_hmac = ?
		ORDER BY received_on DESC, number DESC LIMIT 500`, hmac, hmac)
}

// caseList runs a query for whole cases; what names it in errors.
func (db *DB) caseList(ctx context.Context, what, query string, args ...any) ([]*dsr.Case, error) {
	rows, err := db.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []*dsr.Case
	for rows.Next() {
		c, err := db.scanCase(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// FillRepresentativeHMACs gives the cases registered before migration 0011
// their representative's look-up hash, made by sum; a representative
// without an identity number gets "". It returns how many it filled.
func (db *DB) FillRepresentativeHMACs(ctx context.Context, sum func(pnr.PNR) string) (int, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, representative FROM cases WHERE representative IS NOT NULL AND representative_hmac IS NULL`)
	if err != nil {
		return 0, fmt.Errorf("representatives to fill: %w", err)
	}
	todo := map[string]string{}
	for rows.Next() {
		var id, raw string
		if err := rows.Scan(&id, &raw); err != nil {
			rows.Close()
			return 0, fmt.Errorf("representatives to fill: %w", err)
		}
		plain, err := db.seal.open(raw, repAD(id))
		if err != nil {
			rows.Close()
			return 0, err
		}
		var rep dsr.Representative
		if err := json.Unmarshal([]byte(plain), &rep); err != nil {
			rows.Close()
			return 0, fmt.Errorf("case %s representative: %w", id, err)
		}
		todo[id] = ""
		if rep.PNR != "" {
			todo[id] = sum(rep.PNR)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("representatives to fill: %w", err)
	}
	if len(todo) == 0 {
		return 0, nil
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		for id, h := range todo {
			if _, err := tx.ExecContext(ctx, `UPDATE cases SET representative_hmac = ? WHERE id = ? AND representative_hmac IS NULL`, h, id); err != nil {
				return fmt.Errorf("fill representative of %s: %w", id, err)
			}
		}
		return nil
	})
	return len(todo), err
}

// CasesBySubject returns every case about the person whose look-up hash is
// subjectHMAC, the newest first.
func (db *DB) CasesBySubject(ctx context.Context, subjectHMAC string) ([]*dsr.Case, error) {
	return db.caseList(ctx, "cases by subject", `SELECT `+caseColumns+` FROM cases WHERE subject_hmac = ? ORDER BY received_on DESC, number DESC LIMIT 500`, subjectHMAC)
}
