package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"dsrdesk/internal/dsr"
)

const itemColumns = `id, case_id, kind, register, record, field, value, requested, proposed, proposed_cite, proposed_sv, proposed_en,
	outcome, cite, ground_sv, ground_en, overridden_by, reason, executed_at, lifted_at`

func scanItem(s scanner) (*dsr.Item, error) {
	var it dsr.Item
	var executed, lifted sql.NullString
	if err := s.Scan(&it.ID, &it.CaseID, &it.Kind, &it.Register, &it.Record, &it.Field, &it.Value, &it.Requested,
		&it.Proposed, &it.ProposedGround.Cite, &it.ProposedGround.Text.SV, &it.ProposedGround.Text.EN,
		&it.Outcome, &it.Ground.Cite, &it.Ground.Text.SV, &it.Ground.Text.EN, &it.OverriddenBy, &it.Reason, &executed, &lifted); err != nil {
		return nil, err
	}
	if executed.Valid {
		t := parseTime(executed.String)
		it.ExecutedAt = &t
	}
	if lifted.Valid {
		t := parseTime(lifted.String)
		it.LiftedAt = &t
	}
	return &it, nil
}

// SaveItems replaces the items of a case with a new evaluation. decide gets
// the case inside the transaction, checks that the workflow allows the
// evaluation, moves the case on and returns the audit events.
func (db *DB) SaveItems(ctx context.Context, caseID string, items []dsr.Item, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) error {
	_, err := db.decided(ctx, caseID, decide, func(tx *sql.Tx, _ *dsr.Case) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM items WHERE case_id = ?`, caseID); err != nil {
			return fmt.Errorf("replace items of %s: %w", caseID, err)
		}
		st, err := tx.PrepareContext(ctx, `INSERT INTO items (id, case_id, seq, kind, register, record, field, value, requested,
			proposed, proposed_cite, proposed_sv, proposed_en, outcome, cite, ground_sv, ground_en)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return fmt.Errorf("save items: %w", err)
		}
		defer st.Close()
		for i, it := range items {
			if _, err := st.ExecContext(ctx, it.ID, caseID, i, it.Kind, it.Register, it.Record, it.Field, it.Value, it.Requested,
				it.Proposed, it.ProposedGround.Cite, it.ProposedGround.Text.SV, it.ProposedGround.Text.EN,
				it.Outcome, it.Ground.Cite, it.Ground.Text.SV, it.Ground.Text.EN); err != nil {
				return fmt.Errorf("save item %d of %s: %w", i, caseID, err)
			}
		}
		return nil
	})
	return err
}

// Items returns the items of a case in the engine's order.
func (db *DB) Items(ctx context.Context, caseID string) ([]dsr.Item, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+itemColumns+` FROM items WHERE case_id = ? ORDER BY seq`, caseID)
	if err != nil {
		return nil, fmt.Errorf("items of %s: %w", caseID, err)
	}
	defer rows.Close()
	out := []dsr.Item{}
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, fmt.Errorf("scan item: %w", err)
		}
		out = append(out, *it)
	}
	return out, rows.Err()
}

// UpdateItem changes one item's decided outcome. decide gets the case and
// the item inside the transaction, checks and changes the item and
// returns the audit events.
func (db *DB) UpdateItem(ctx context.Context, caseID, itemID string, decide func(*dsr.Case, *dsr.Item) ([]dsr.AuditEvent, error)) (*dsr.Item, error) {
	var out *dsr.Item
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		c, err := db.findCase(ctx, tx, caseID)
		if err != nil {
			return err
		}
		it, err := scanItem(tx.QueryRowContext(ctx, `SELECT `+itemColumns+` FROM items WHERE id = ? AND case_id = ?`, itemID, caseID))
		if errors.Is(err, sql.ErrNoRows) {
			return dsr.Errorf(dsr.ENOTFOUND, "item.not_found", "No item with that id in this case.")
		} else if err != nil {
			return fmt.Errorf("find item %s: %w", itemID, err)
		}
		events, err := decide(c, it)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE items SET outcome = ?, cite = ?, ground_sv = ?, ground_en = ?, overridden_by = ?, reason = ? WHERE id = ?`,
			it.Outcome, it.Ground.Cite, it.Ground.Text.SV, it.Ground.Text.EN, it.OverriddenBy, it.Reason, itemID); err != nil {
			return fmt.Errorf("update item %s: %w", itemID, err)
		}
		out = it
		return db.appendAudit(ctx, tx, events...)
	})
	return out, err
}

// MarkExecuted records that items were carried out in the registers, with
// the service's audit events, in one transaction.
func (db *DB) MarkExecuted(ctx context.Context, caseID string, itemIDs []string, events ...dsr.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `UPDATE items SET executed_at = ? WHERE id = ? AND case_id = ? AND executed_at IS NULL`)
		if err != nil {
			return fmt.Errorf("mark items: %w", err)
		}
		defer st.Close()
		now := fmtTime(db.now())
		for _, id := range itemIDs {
			if _, err := st.ExecContext(ctx, now, id, caseID); err != nil {
				return fmt.Errorf("mark item %s: %w", id, err)
			}
		}
		return db.appendAudit(ctx, tx, events...)
	})
}

// SaveNotification records an Art. 19 notification, once per recipient of
// a case: a second call for the same organisation changes nothing and
// returns false.
func (db *DB) SaveNotification(ctx context.Context, caseID string, n dsr.Notification, letterID string, ev dsr.AuditEvent) (bool, error) {
	saved := false
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var letter sql.NullString
		if letterID != "" {
			letter = sql.NullString{String: letterID, Valid: true}
		}
		reason, err := json.Marshal(n.Reason)
		if err != nil {
			return fmt.Errorf("encode reason: %w", err)
		}
		res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO notifications (case_id, org_no, recipient, status, reason, letter_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, caseID, n.OrgNumber, n.Recipient, n.Status, string(reason), letter, fmtTime(db.now()))
		if err != nil {
			return fmt.Errorf("save notification: %w", err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return nil
		}
		saved = true
		return db.appendAudit(ctx, tx, ev)
	})
	return saved, err
}

// Notifications returns the Art. 19 notifications of a case.
func (db *DB) Notifications(ctx context.Context, caseID string) ([]dsr.Notification, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT recipient, org_no, status, reason FROM notifications WHERE case_id = ? ORDER BY recipient, org_no`, caseID)
	if err != nil {
		return nil, fmt.Errorf("notifications of %s: %w", caseID, err)
	}
	defer rows.Close()
	out := []dsr.Notification{}
	for rows.Next() {
		var n dsr.Notification
		var reason string
		if err := rows.Scan(&n.Recipient, &n.OrgNumber, &n.Status, &reason); err != nil {
			return nil, fmt.Errorf("scan notification: %w", err)
		}
		if err := json.Unmarshal([]byte(reason), &n.Reason); err != nil {
			return nil, fmt.Errorf("notification reason: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// AddItem appends an item to a case's evaluation. decide gets the case
// inside the transaction, checks that the workflow allows it and returns
// the audit events.
func (db *DB) AddItem(ctx context.Context, it dsr.Item, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) error {
	_, err := db.decided(ctx, it.CaseID, decide, func(tx *sql.Tx, _ *dsr.Case) error {
		var dup int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM items WHERE case_id = ? AND kind = ? AND register = ? AND record = ? AND field = ?`,
			it.CaseID, it.Kind, it.Register, it.Record, it.Field).Scan(&dup); err != nil {
			return fmt.Errorf("find item: %w", err)
		}
		if dup > 0 {
			return dsr.Errorf(dsr.ECONFLICT, "item.exists", "The case already has that item.")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO items (id, case_id, seq, kind, register, record, field, value, requested,
			proposed, proposed_cite, proposed_sv, proposed_en, outcome, cite, ground_sv, ground_en)
			VALUES (?, ?, (SELECT coalesce(max(seq), -1) + 1 FROM items WHERE case_id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			it.ID, it.CaseID, it.CaseID, it.Kind, it.Register, it.Record, it.Field, it.Value, it.Requested,
			it.Proposed, it.ProposedGround.Cite, it.ProposedGround.Text.SV, it.ProposedGround.Text.EN,
			it.Outcome, it.Ground.Cite, it.Ground.Text.SV, it.Ground.Text.EN); err != nil {
			return fmt.Errorf("add item to %s: %w", it.CaseID, err)
		}
		return nil
	})
	return err
}

// MarkLifted records that the restrictions of items were lifted, with the
// service's audit events, in one transaction.
func (db *DB) MarkLifted(ctx context.Context, caseID string, itemIDs []string, events ...dsr.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		now := fmtTime(db.now())
		for _, id := range itemIDs {
			if _, err := tx.ExecContext(ctx, `UPDATE items SET lifted_at = ? WHERE id = ? AND case_id = ? AND lifted_at IS NULL`, now, id, caseID); err != nil {
				return fmt.Errorf("mark item %s lifted: %w", id, err)
			}
		}
		return db.appendAudit(ctx, tx, events...)
	})
}
