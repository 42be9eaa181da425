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
	"sync"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver

	"dsrdesk/internal/dsr"
	"dsrdesk/migrations"
)

// timeLayout is how instants are stored: UTC, fixed width, sortable as text.
const timeLayout = dsr.AuditTimeLayout

// DB is the case store. Writes go through a single connection (SQLite has
// one writer anyway, and this keeps the audit chain strictly ordered);
// reads that change nothing use a separate read-only pool.
type DB struct {
	w   *sql.DB
	r   *sql.DB
	now func() time.Time
	// prepared holds the write statements of preparedSQL, by their text.
	prepared map[string]*sql.Stmt
	// seal seals the identity-number columns (seal.go).
	seal *sealer
	// group feeds new cases to the intake writer (group.go).
	group     chan groupWrite
	quit      chan struct{}
	groupDone chan struct{}
	stopOnce  sync.Once
}

// Options tune how the store opens.
type Options struct {
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Synchronous is SQLite's synchronous setting: "FULL" (durable, the
	// default) or "NORMAL".
	Synchronous string
	// SealKey is the 32-byte AES key the identity numbers are sealed with
	// in the store (seal.go); required.
	SealKey []byte
}

// Open opens (creating if needed) the case store at path and migrates it.
func Open(ctx context.Context, path string, opt Options) (*DB, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Synchronous == "" {
		opt.Synchronous = "FULL"
	}
	seal, err := newSealer(opt.SealKey)
	if err != nil {
		return nil, err
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
	db := &DB{w: w, now: opt.Now, seal: seal}
	if err := db.migrate(ctx, migrations.FS); err != nil {
		w.Close()
		return nil, err
	}
	if err := db.syncVocabulary(ctx); err != nil {
		w.Close()
		return nil, err
	}
	if err := db.prepare(ctx); err != nil {
		w.Close()
		return nil, err
	}
	if _, err := db.sealStored(ctx); err != nil {
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
	db.startGroupWriter()
	return db, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	db.stopGroupWriter()
	var errs []error
	for _, st := range db.prepared {
		errs = append(errs, st.Close())
	}
	return errors.Join(append(errs, db.r.Close(), db.w.Close())...)
}

// preparedSQL are the statements every new case and every change to a case
// run. They are prepared once, when the store opens: a statement on cases
// carries the programs of the triggers that keep the queue totals and the
// statistics (migration 0009_stats.sql), and compiling those for every
// write would cost more than the write itself.
var preparedSQL = []string{insertCaseSQL, saveCaseSQL, nextCaseNumberSQL, caseByKeySQL, auditHeadSQL, auditInsertSQL}

func (db *DB) prepare(ctx context.Context) error {
	db.prepared = map[string]*sql.Stmt{}
	for _, q := range preparedSQL {
		st, err := db.w.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("prepare %.40s…: %w", q, err)
		}
		db.prepared[q] = st
	}
	return nil
}

// exec runs a write in tx, through its prepared statement when it has one.
func (db *DB) exec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	if st, ok := db.prepared[query]; ok {
		return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, query, args...)
}

// queryRow runs a one-row query in tx, through its prepared statement when
// it has one.
func (db *DB) queryRow(ctx context.Context, tx *sql.Tx, query string, args ...any) *sql.Row {
	if st, ok := db.prepared[query]; ok {
		return tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, query, args...)
}

// migrate runs every embedded migration newer than PRAGMA user_version, each
// in its own transaction together with the version bump. Foreign-key
// enforcement is off while a migration runs, so that a table can be rebuilt
// (SQLite's documented procedure); PRAGMA foreign_key_check must find
// nothing before the migration commits.
func (db *DB) migrate(ctx context.Context, fsys fs.FS) error {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	var version int
	if err := conn.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if version > len(names) {
		return fmt.Errorf("case store schema version %d is newer than this program (%d migrations)", version, len(names))
	}
	if version == len(names) {
		return nil
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON`)
	for i := version; i < len(names); i++ {
		if err := migrateOne(ctx, conn, fsys, names[i], i+1); err != nil {
			return err
		}
	}
	return nil
}

func migrateOne(ctx context.Context, conn *sql.Conn, fsys fs.FS, name string, version int) error {
	body, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("read migration %s: %w", name, err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin migration %s: %w", name, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return fmt.Errorf("run migration %s: %w", name, err)
	}
	rows, err := tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return fmt.Errorf("check migration %s: %w", name, err)
	}
	broken := rows.Next()
	rows.Close()
	if broken {
		return fmt.Errorf("migration %s leaves rows whose foreign keys point nowhere", name)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, version)); err != nil {
		return fmt.Errorf("record migration %s: %w", name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit migration %s: %w", name, err)
	}
	return nil
}

// syncVocabulary adds the statuses, purposes and roles the program knows to
// the tables the columns reference, so that a new one needs no migration.
func (db *DB) syncVocabulary(ctx context.Context) error {
	lists := []struct {
		insert string
		values []string
	}{
		{`INSERT OR IGNORE INTO case_statuses (status) VALUES (?)`, words(dsr.Statuses)},
		{`INSERT OR IGNORE INTO letter_statuses (status) VALUES (?)`, words(dsr.LetterStatuses)},
		{`INSERT OR IGNORE INTO letter_purposes (purpose) VALUES (?)`, words(dsr.Purposes)},
		{`INSERT OR IGNORE INTO roles (role) VALUES (?)`, words(dsr.Roles)},
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		for _, l := range lists {
			for _, v := range l.values {
				if _, err := tx.ExecContext(ctx, l.insert, v); err != nil {
					return fmt.Errorf("vocabulary %q: %w", v, err)
				}
			}
		}
		return nil
	})
}

func words[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
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

// The audit trail's head and a new entry (appendAudit); prepared when the
// store opens.
const (
	auditHeadSQL   = `SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1`
	auditInsertSQL = `INSERT INTO audit_events (seq, at, actor, action, case_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
)

// appendAudit writes entries of the accountability record, each chained to
// the one before, inside the caller's transaction. The events are the
// service's; the store only gives them their place in the chain.
func (db *DB) appendAudit(ctx context.Context, tx *sql.Tx, events ...dsr.AuditEvent) error {
	var prev string
	var seq int64
	err := db.queryRow(ctx, tx, auditHeadSQL).Scan(&seq, &prev)
	if errors.Is(err, sql.ErrNoRows) {
		prev = dsr.AuditGenesis
	} else if err != nil {
		return fmt.Errorf("read audit chain head: %w", err)
	}
	for _, e := range events {
		e.Seal(seq, prev, db.now())
		if _, err := db.exec(ctx, tx, auditInsertSQL,
			e.Seq, e.At.Format(timeLayout), e.Actor, e.Action, e.CaseID, e.Detail, e.PrevHash, e.Hash); err != nil {
			return fmt.Errorf("append audit %s: %w", e.Action, err)
		}
		seq, prev = e.Seq, e.Hash
	}
	return nil
}

// Record appends events to the accountability record on their own: for
// what changes nothing in the store, such as a person reading a list or
// downloading a batch.
func (db *DB) Record(ctx context.Context, events ...dsr.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return db.appendAudit(ctx, tx, events...) })
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
