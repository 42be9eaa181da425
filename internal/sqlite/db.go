package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver

	"dsrdesk/internal/audit"
	"dsrdesk/internal/dsr"
	"dsrdesk/migrations"
)

// timeLayout is how instants are stored: UTC, fixed width, sortable as text.
const timeLayout = audit.TimeLayout

// DB is the case store. Writes go through a single connection (SQLite has
// one writer anyway, and this keeps the audit chain strictly ordered);
// reads that change nothing use a separate read-only pool.
type DB struct {
	w   *sql.DB
	r   *sql.DB
	now func() time.Time
}

// Options tune how the store opens.
type Options struct {
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Synchronous is SQLite's synchronous setting: "FULL" (durable, the
	// default) or "NORMAL".
	Synchronous string
}

// Open opens (creating if needed) the case store at path and migrates it.
func Open(ctx context.Context, path string, opt Options) (*DB, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Synchronous == "" {
		opt.Synchronous = "FULL"
	}
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", opt.Synchronous)
	q.Set("_busy_timeout", "5000")
	q.Set("_foreign_keys", "on")
	q.Set("_txlock", "immediate")
	q.Set("_secure_delete", "on")
	w, err := sql.Open("sqlite3", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open case store: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	db := &DB{w: w, now: opt.Now}
	if err := db.migrate(ctx, migrations.FS); err != nil {
		w.Close()
		return nil, err
	}
	rq := url.Values{}
	rq.Set("mode", "ro")
	rq.Set("_query_only", "true")
	rq.Set("_busy_timeout", "5000")
	rq.Set("_foreign_keys", "on")
	r, err := sql.Open("sqlite3", "file:"+path+"?"+rq.Encode())
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open case store readers: %w", err)
	}
	r.SetMaxOpenConns(4)
	db.r = r
	return db, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	return errors.Join(db.r.Close(), db.w.Close())
}

// migrate runs every embedded migration newer than PRAGMA user_version, each
// in its own transaction together with the version bump.
func (db *DB) migrate(ctx context.Context, fsys fs.FS) error {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)
	var version int
	if err := db.w.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if version > len(names) {
		return fmt.Errorf("case store schema version %d is newer than this program (%d migrations)", version, len(names))
	}
	for i := version; i < len(names); i++ {
		body, err := fs.ReadFile(fsys, names[i])
		if err != nil {
			return fmt.Errorf("read migration %s: %w", names[i], err)
		}
		tx, err := db.w.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("begin migration %s: %w", names[i], err)
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("run migration %s: %w", names[i], err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, i+1)); err != nil {
			tx.Rollback()
			return fmt.Errorf("record migration %s: %w", names[i], err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("commit migration %s: %w", names[i], err)
		}
	}
	return nil
}

// SchemaVersion is the number of migrations applied.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.r.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v)
	return v, err
}

// inTx runs fn in a write transaction and commits when fn returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// appendAudit writes one entry of the accountability record, chained to the
// previous one, inside the caller's transaction.
func (db *DB) appendAudit(ctx context.Context, tx *sql.Tx, actor dsr.Actor, action, caseID, detail string) error {
	var prev string
	var seq int64
	err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1`).Scan(&seq, &prev)
	if errors.Is(err, sql.ErrNoRows) {
		prev = audit.Genesis
	} else if err != nil {
		return fmt.Errorf("read audit chain head: %w", err)
	}
	e := dsr.AuditEvent{Seq: seq + 1, At: db.now(), Actor: actor.String(), Action: action, CaseID: caseID, Detail: detail}
	audit.Seal(&e, prev)
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO audit_events (seq, at, actor, action, case_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, e.At.Format(timeLayout), e.Actor, e.Action, e.CaseID, e.Detail, e.PrevHash, e.Hash); err != nil {
		return fmt.Errorf("append audit %s: %w", action, err)
	}
	return nil
}

// AuditEvents returns the accountability record in order, optionally only
// the entries about one case.
func (db *DB) AuditEvents(ctx context.Context, caseID string) ([]dsr.AuditEvent, error) {
	q := `SELECT seq, at, actor, action, case_id, detail, prev_hash, hash FROM audit_events`
	var args []any
	if caseID != "" {
		q += ` WHERE case_id = ?`
		args = append(args, caseID)
	}
	rows, err := db.r.QueryContext(ctx, q+` ORDER BY seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("read audit events: %w", err)
	}
	defer rows.Close()
	var out []dsr.AuditEvent
	for rows.Next() {
		var e dsr.AuditEvent
		var at string
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.CaseID, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return nil, fmt.Errorf("scan audit event: %w", err)
		}
		if e.At, err = time.Parse(timeLayout, at); err != nil {
			return nil, fmt.Errorf("audit event %d time: %w", e.Seq, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// isUniqueViolation reports whether err is a UNIQUE constraint failure on
// the named column ("table.column").
func isUniqueViolation(err error, column string) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed") && strings.Contains(err.Error(), column)
}

func fmtTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(timeLayout, s)
	return t
}
