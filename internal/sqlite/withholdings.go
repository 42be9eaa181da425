package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"dsrdesk/internal/dsr"
)

const withholdingColumns = `id, case_id, register, record, field, kind, provision, source, actor, at`

// Withholdings returns what is withheld from a case's extract, and the
// catalogue defaults an officer disclosed, in the order they were decided.
func (db *DB) Withholdings(ctx context.Context, caseID string) ([]dsr.Withholding, error) {
	return withholdings(ctx, db.r, caseID)
}

func withholdings(ctx context.Context, q querier, caseID string) ([]dsr.Withholding, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+withholdingColumns+` FROM withholdings WHERE case_id = ? ORDER BY at, register, record, field`, caseID)
	if err != nil {
		return nil, fmt.Errorf("withholdings of %s: %w", caseID, err)
	}
	defer rows.Close()
	var out []dsr.Withholding
	for rows.Next() {
		var w dsr.Withholding
		var at string
		if err := rows.Scan(&w.ID, &w.CaseID, &w.Register, &w.Record, &w.Field, &w.Kind, &w.Provision, &w.Source, &w.By, &at); err != nil {
			return nil, fmt.Errorf("withholdings of %s: %w", caseID, err)
		}
		w.At = parseTime(at)
		out = append(out, w)
	}
	return out, rows.Err()
}

// Withhold records an officer's withholding (or disclosure of a catalogue
// default) for one record or field of a case's extract, replacing what was
// decided for that record or field before; decide checks the case and
// returns the audit events, saved in the same transaction.
func (db *DB) Withhold(ctx context.Context, w dsr.Withholding, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) error {
	_, err := db.decided(ctx, w.CaseID, decide, func(tx *sql.Tx, _ *dsr.Case) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO withholdings (`+withholdingColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (case_id, register, record, field) DO UPDATE SET id = excluded.id, kind = excluded.kind,
				provision = excluded.provision, source = excluded.source, actor = excluded.actor, at = excluded.at`,
			w.ID, w.CaseID, w.Register, w.Record, w.Field, w.Kind, w.Provision, w.Source, w.By, fmtTime(db.now())); err != nil {
			return fmt.Errorf("withhold in %s: %w", w.CaseID, err)
		}
		return nil
	})
	return err
}

// Disclose takes an officer's withholding back.
func (db *DB) Disclose(ctx context.Context, caseID, id string, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) error {
	_, err := db.decided(ctx, caseID, decide, func(tx *sql.Tx, _ *dsr.Case) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM withholdings WHERE case_id = ? AND id = ? AND source = 'officer'`, caseID, id)
		if err != nil {
			return fmt.Errorf("disclose in %s: %w", caseID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return dsr.Errorf(dsr.ENOTFOUND, "withholding.not_found", "No withholding with that id in this case.")
		}
		return nil
	})
	return err
}
