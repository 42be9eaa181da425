package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"dsrdesk/internal/dsr"
)

// Settings returns the settings an administrator set, over defaults (the
// configuration's) for what no one has set.
func (db *DB) Settings(ctx context.Context, defaults dsr.Settings) (dsr.Settings, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT key, value FROM settings`)
	if err != nil {
		return defaults, fmt.Errorf("read settings: %w", err)
	}
	defer rows.Close()
	set := map[string]json.RawMessage{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return defaults, fmt.Errorf("read settings: %w", err)
		}
		set[k] = json.RawMessage(v)
	}
	if err := rows.Err(); err != nil {
		return defaults, fmt.Errorf("read settings: %w", err)
	}
	b, err := json.Marshal(set)
	if err != nil {
		return defaults, fmt.Errorf("read settings: %w", err)
	}
	s := defaults
	if err := json.Unmarshal(b, &s); err != nil {
		return defaults, fmt.Errorf("read settings: %w", err)
	}
	return s, nil
}

// SaveSettings stores every setting, with the service's audit event, in one
// transaction.
func (db *DB) SaveSettings(ctx context.Context, s dsr.Settings, actor string, ev dsr.AuditEvent) error {
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encode settings: %w", err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return fmt.Errorf("encode settings: %w", err)
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		for k, v := range fields {
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_by, updated_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
				k, string(v), actor, fmtTime(db.now())); err != nil {
				return fmt.Errorf("save setting %s: %w", k, err)
			}
		}
		return db.appendAudit(ctx, tx, ev)
	})
}
