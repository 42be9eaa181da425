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
// earlier assembly. decide gets the case inside the transaction, checks
// that the workflow allows assembling, moves its status and returns the
// audit events; the store saves the extract, the case and the events.
func (db *DB) SaveExtract(ctx context.Context, caseID string, x dsr.SavedExtract, actor dsr.Actor, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) error {
	summary, err := json.Marshal(x.Info.Registers)
	if err != nil {
		return fmt.Errorf("encode extract summary: %w", err)
	}
	_, err = db.decided(ctx, caseID, decide, func(tx *sql.Tx, _ *dsr.Case) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO extracts (case_id, pdf, staff_pdf, pages, sha256, summary, assembled_at, assembled_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (case_id) DO UPDATE SET pdf = excluded.pdf, staff_pdf = excluded.staff_pdf, pages = excluded.pages,
				sha256 = excluded.sha256, summary = excluded.summary, assembled_at = excluded.assembled_at, assembled_by = excluded.assembled_by`,
			caseID, x.PDF, x.StaffPDF, x.Info.Pages, x.Info.SHA256, string(summary), fmtTime(db.now()), actor.String()); err != nil {
			return fmt.Errorf("save extract of %s: %w", caseID, err)
		}
		// The catalogue's defaults are decided again with every assembly.
		if _, err := tx.ExecContext(ctx, `DELETE FROM withholdings WHERE case_id = ? AND source = 'catalogue'`, caseID); err != nil {
			return fmt.Errorf("save extract of %s: %w", caseID, err)
		}
		for _, w := range x.Defaults {
			if _, err := tx.ExecContext(ctx, `INSERT INTO withholdings (`+withholdingColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, 'catalogue', ?, ?)
				ON CONFLICT (case_id, register, record, field) DO NOTHING`,
				w.ID, caseID, w.Register, w.Record, w.Field, w.Kind, w.Provision, actor.String(), fmtTime(db.now())); err != nil {
				return fmt.Errorf("save extract of %s: %w", caseID, err)
			}
		}
		return nil
	})
	return err
}

// ExtractPDF returns the assembled extract of a case. With events (a person
// reading it) the read is recorded in the same transaction; without, it is
// a service's own read.
func (db *DB) ExtractPDF(ctx context.Context, caseID string, events ...dsr.AuditEvent) ([]byte, dsr.ExtractSummary, error) {
	return db.extractPDF(ctx, caseID, `pdf`, events)
}

// StaffExtractPDF is ExtractPDF as staff may see it: a protected person's
// extract without their address (RULES §7).
func (db *DB) StaffExtractPDF(ctx context.Context, caseID string, events ...dsr.AuditEvent) ([]byte, dsr.ExtractSummary, error) {
	return db.extractPDF(ctx, caseID, `coalesce(staff_pdf, pdf)`, events)
}

func (db *DB) extractPDF(ctx context.Context, caseID, column string, events []dsr.AuditEvent) ([]byte, dsr.ExtractSummary, error) {
	var pdf []byte
	var info dsr.ExtractSummary
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := db.findCase(ctx, tx, caseID); err != nil {
			return err
		}
		var summary string
		err := tx.QueryRowContext(ctx, `SELECT `+column+`, pages, sha256, summary FROM extracts WHERE case_id = ?`, caseID).
			Scan(&pdf, &info.Pages, &info.SHA256, &summary)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoExtract()
		} else if err != nil {
			return fmt.Errorf("read extract of %s: %w", caseID, err)
		}
		if err := json.Unmarshal([]byte(summary), &info.Registers); err != nil {
			return fmt.Errorf("extract summary of %s: %w", caseID, err)
		}
		for i := range events {
			events[i].Detail = "sha256=" + info.SHA256
		}
		return db.appendAudit(ctx, tx, events...)
	})
	return pdf, info, err
}

func errNoExtract() error {
	return dsr.Errorf(dsr.ENOTFOUND, "extract.not_assembled", "The extract of this case has not been assembled yet.")
}

// ExtractSummary returns what the assembled extract of a case contains; a
// not-found error when it has not been assembled.
func (db *DB) ExtractSummary(ctx context.Context, caseID string) (*dsr.ExtractSummary, error) {
	var info dsr.ExtractSummary
	var summary string
	err := db.r.QueryRowContext(ctx, `SELECT pages, sha256, summary FROM extracts WHERE case_id = ?`, caseID).Scan(&info.Pages, &info.SHA256, &summary)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoExtract()
	} else if err != nil {
		return nil, fmt.Errorf("extract summary of %s: %w", caseID, err)
	}
	if err := json.Unmarshal([]byte(summary), &info.Registers); err != nil {
		return nil, fmt.Errorf("extract summary of %s: %w", caseID, err)
	}
	return &info, nil
}
