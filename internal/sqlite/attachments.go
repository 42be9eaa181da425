package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"dsrdesk/internal/dsr"
)

// insertAttachment files a document with a case inside a transaction.
func (db *DB) insertAttachment(ctx context.Context, tx *sql.Tx, a *dsr.Attachment) error {
	a.At = db.now()
	content := a.Content
	if content == nil {
		content = []byte{}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO attachments (id, case_id, purpose, filename, content_type, size, sha256, content, posted, actor, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.CaseID, a.Purpose, a.Filename, a.ContentType, a.Size, a.SHA256, content, a.Posted, a.Actor, fmtTime(a.At)); err != nil {
		return fmt.Errorf("file attachment with %s: %w", a.CaseID, err)
	}
	return nil
}

// AddAttachment files a document with an existing case, with the service's
// audit event, in one transaction.
func (db *DB) AddAttachment(ctx context.Context, a *dsr.Attachment, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) error {
	_, err := db.decided(ctx, a.CaseID, decide, func(tx *sql.Tx, _ *dsr.Case) error { return db.insertAttachment(ctx, tx, a) })
	return err
}

// Attachments lists the documents filed with a case, without their content.
func (db *DB) Attachments(ctx context.Context, caseID string) ([]dsr.Attachment, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, case_id, purpose, filename, content_type, size, sha256, posted, actor, at
		FROM attachments WHERE case_id = ? ORDER BY at, id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("attachments of %s: %w", caseID, err)
	}
	defer rows.Close()
	var out []dsr.Attachment
	for rows.Next() {
		var a dsr.Attachment
		var at string
		if err := rows.Scan(&a.ID, &a.CaseID, &a.Purpose, &a.Filename, &a.ContentType, &a.Size, &a.SHA256, &a.Posted, &a.Actor, &at); err != nil {
			return nil, fmt.Errorf("attachments of %s: %w", caseID, err)
		}
		a.At = parseTime(at)
		out = append(out, a)
	}
	return out, rows.Err()
}

// ReadAttachment returns one document filed with a case, with its content,
// and records in the same transaction the service's event that a person
// read it.
func (db *DB) ReadAttachment(ctx context.Context, caseID, id string, ev dsr.AuditEvent) (*dsr.Attachment, error) {
	var a dsr.Attachment
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var at string
		err := tx.QueryRowContext(ctx, `SELECT id, case_id, purpose, filename, content_type, size, sha256, content, posted, actor, at
			FROM attachments WHERE case_id = ? AND id = ?`, caseID, id).
			Scan(&a.ID, &a.CaseID, &a.Purpose, &a.Filename, &a.ContentType, &a.Size, &a.SHA256, &a.Content, &a.Posted, &a.Actor, &at)
		if errors.Is(err, sql.ErrNoRows) {
			return dsr.Errorf(dsr.ENOTFOUND, "attachment.not_found", "No such document in this case.")
		} else if err != nil {
			return fmt.Errorf("read attachment: %w", err)
		}
		a.At = parseTime(at)
		return db.appendAudit(ctx, tx, ev)
	})
	if err != nil {
		return nil, err
	}
	return &a, nil
}
