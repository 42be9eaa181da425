package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"

	"dsrdesk/migrations"
)

// Errors of backup and restore that the operator can act on.
var (
	// ErrFileExists is returned when a backup or restore would overwrite a
	// file and the caller did not say it may.
	ErrFileExists = errors.New("the file exists")
	// ErrStoreInUse is returned when another process (a running server)
	// has the case store open, so that it cannot be replaced.
	ErrStoreInUse = errors.New("the case store is open in another process")
	// ErrNotAStore is returned when a file is not a dsrdesk case store this
	// program can take.
	ErrNotAStore = errors.New("not a dsrdesk case store")
)

// BackupInfo describes a copy of the case store: its schema version (the
// number of migrations applied), how many cases and audit entries it
// holds, and its size in bytes.
type BackupInfo struct {
	Version      int
	Cases        int
	AuditEntries int
	Bytes        int64
}

// Backup writes a consistent copy of the case store to the file to, while
// the store stays open for writers. The copy is taken with SQLite's online
// backup in one step, that is from one read snapshot: every transaction
// committed before the step began is in the copy, none that commits during
// it. The file is written beside to, checked (PRAGMA integrity_check),
// synced and renamed into place, so to is either whole or absent. An
// existing to is replaced only when overwrite is true.
func (db *DB) Backup(ctx context.Context, to string, overwrite bool) (BackupInfo, error) {
	if !overwrite {
		if _, err := os.Lstat(to); err == nil {
			return BackupInfo{}, fmt.Errorf("backup to %s: %w", to, ErrFileExists)
		}
	}
	part := to + ".part"
	os.Remove(part)
	// The copy holds personal data: only the owner may read it. SQLite
	// takes an empty file as an empty database.
	err := os.WriteFile(part, nil, 0o600)
	if err == nil {
		err = copyStore(ctx, db.r, part)
	}
	var info BackupInfo
	if err == nil {
		info, err = inspect(ctx, part)
	}
	if err == nil {
		err = syncFile(part)
	}
	if err == nil {
		err = os.Rename(part, to)
	}
	if err == nil {
		err = syncDir(filepath.Dir(to))
	}
	if err != nil {
		os.Remove(part)
		return BackupInfo{}, fmt.Errorf("backup to %s: %w", to, err)
	}
	return info, nil
}

// copyStore copies the database behind src into a new file at path with
// the online-backup API, and leaves the copy in rollback-journal mode so
// that it is one self-contained file.
func copyStore(ctx context.Context, src *sql.DB, path string) error {
	dst, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		return err
	}
	defer dst.Close()
	dconn, err := dst.Conn(ctx)
	if err != nil {
		return err
	}
	defer dconn.Close()
	sconn, err := src.Conn(ctx)
	if err != nil {
		return err
	}
	defer sconn.Close()
	err = dconn.Raw(func(d any) error {
		return sconn.Raw(func(s any) error {
			dc, ok1 := d.(*sqlite3.SQLiteConn)
			sc, ok2 := s.(*sqlite3.SQLiteConn)
			if !ok1 || !ok2 {
				return errors.New("the driver's connections are not SQLite's")
			}
			bk, err := dc.Backup("main", sc, "main")
			if err != nil {
				return fmt.Errorf("start online backup: %w", err)
			}
			// One step of every page: the source keeps a single read
			// snapshot, so a write committed meanwhile neither restarts
			// the copy nor ends up half in it.
			for {
				done, err := bk.Step(-1)
				if err != nil {
					bk.Close()
					return fmt.Errorf("online backup: %w", err)
				}
				if done {
					break
				}
				// SQLITE_BUSY or SQLITE_LOCKED: try again shortly.
				select {
				case <-ctx.Done():
					bk.Close()
					return ctx.Err()
				case <-time.After(20 * time.Millisecond):
				}
			}
			return bk.Close()
		})
	})
	if err != nil {
		return err
	}
	// The copy carries the source's WAL mode in its header; a backup file
	// is easier to move about as one file.
	var mode string
	if err := dconn.QueryRowContext(ctx, `PRAGMA journal_mode = DELETE`).Scan(&mode); err != nil {
		return fmt.Errorf("set the copy's journal mode: %w", err)
	}
	return nil
}

// InspectBackup checks that the file at path is a dsrdesk case store this
// program can take — it has the case and audit tables, its schema version
// is one of this program's migrations, and PRAGMA integrity_check passes —
// and describes it. It changes nothing in the file.
func InspectBackup(ctx context.Context, path string) (BackupInfo, error) {
	if fi, err := os.Stat(path); err != nil {
		return BackupInfo{}, err
	} else if !fi.Mode().IsRegular() {
		return BackupInfo{}, fmt.Errorf("%w: not a regular file", ErrNotAStore)
	}
	return inspect(ctx, path)
}

// openReadOnly opens the store file at path (a backup, say) to read it
// only, on one connection.
func openReadOnly(path string) (*sql.DB, error) {
	q := url.Values{}
	q.Set("mode", "ro")
	q.Set("_query_only", "true")
	q.Set("_busy_timeout", "5000")
	db, err := sql.Open("sqlite3", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

func inspect(ctx context.Context, path string) (BackupInfo, error) {
	db, err := openReadOnly(path)
	if err != nil {
		return BackupInfo{}, err
	}
	defer db.Close()
	notAStore := func(why string) error { return fmt.Errorf("%w: %s", ErrNotAStore, why) }

	var info BackupInfo
	if err := db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&info.Version); err != nil {
		// "file is not a database" and the like.
		return BackupInfo{}, notAStore(err.Error())
	}
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		return BackupInfo{}, err
	}
	if info.Version < 1 || info.Version > len(names) {
		return BackupInfo{}, notAStore(fmt.Sprintf("schema version %d is not one of this program's (1 to %d)", info.Version, len(names)))
	}
	var tables int
	if err := db.QueryRowContext(ctx,
		`SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('cases', 'audit_events')`).Scan(&tables); err != nil {
		return BackupInfo{}, notAStore(err.Error())
	}
	if tables != 2 {
		return BackupInfo{}, notAStore("it has no cases and audit tables")
	}
	rows, err := db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return BackupInfo{}, notAStore(err.Error())
	}
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return BackupInfo{}, err
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return BackupInfo{}, notAStore(err.Error())
	}
	if len(problems) > 0 {
		if len(problems) > 5 {
			problems = append(problems[:5], "…")
		}
		return BackupInfo{}, notAStore("integrity_check: " + strings.Join(problems, "; "))
	}
	if err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM audit_events)`).
		Scan(&info.Cases, &info.AuditEntries); err != nil {
		return BackupInfo{}, notAStore(err.Error())
	}
	if fi, err := os.Stat(path); err == nil {
		info.Bytes = fi.Size()
	}
	return info, nil
}

// Restore replaces the case store at path with the backup file from. The
// backup is checked first (InspectBackup); an existing store is replaced
// only when overwrite is true and no other process has it open, and it is
// kept beside as path+".before-restore". The backup is copied beside path,
// checked again, synced and renamed over path, so that path holds either
// the old store or the whole new one at every instant. The restored store
// is not migrated here; opening it (Open) brings it up to date.
func Restore(ctx context.Context, from, path string, overwrite bool) (BackupInfo, error) {
	if _, err := InspectBackup(ctx, from); err != nil {
		return BackupInfo{}, fmt.Errorf("restore from %s: %w", from, err)
	}
	_, err := os.Stat(path)
	exists := err == nil
	if exists && !overwrite {
		return BackupInfo{}, fmt.Errorf("restore to %s: %w", path, ErrFileExists)
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return BackupInfo{}, err
	}

	part := path + ".restore-part"
	os.Remove(part)
	fail := func(err error) (BackupInfo, error) {
		os.Remove(part)
		return BackupInfo{}, fmt.Errorf("restore from %s: %w", from, err)
	}
	if err := copyFile(from, part); err != nil {
		return fail(err)
	}
	// Check what will be put in place, not only what was read.
	info, err := inspect(ctx, part)
	if err != nil {
		return fail(err)
	}
	if err := syncFile(part); err != nil {
		return fail(err)
	}

	if exists {
		// Fold the old store's write-ahead log into it and leave WAL mode:
		// SQLite allows that only to the one connection that has the file
		// open, which is how a running server is noticed, and it keeps the
		// old -wal and -shm files from being taken for the new store's.
		old, err := quiesce(ctx, path)
		var se sqlite3.Error
		damaged := errors.As(err, &se) && (se.Code == sqlite3.ErrNotADB || se.Code == sqlite3.ErrCorrupt)
		if err != nil && !damaged {
			return fail(err)
		}
		if old != nil {
			defer old.Close()
		}
		keep := path + ".before-restore"
		for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
			if err := os.Remove(keep + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fail(err)
			}
		}
		if err := os.Link(path, keep); err != nil {
			return fail(fmt.Errorf("keep the replaced store: %w", err))
		}
		// A damaged store (the usual reason to restore) cannot be
		// checkpointed: its log goes with it, under the name SQLite
		// pairs with the kept file.
		for _, suffix := range []string{"-wal", "-shm", "-journal"} {
			if err := os.Rename(path+suffix, keep+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fail(err)
			}
		}
	} else {
		// Left-overs without their database would be applied to the new one.
		for _, suffix := range []string{"-wal", "-shm", "-journal"} {
			if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fail(err)
			}
		}
	}
	if err := os.Rename(part, path); err != nil {
		return fail(err)
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return BackupInfo{}, fmt.Errorf("restore from %s: %w", from, err)
	}
	return info, nil
}

// quiesce checkpoints the store at path and turns it to rollback-journal
// mode, holding an exclusive lock on it until the returned database is
// closed. It fails with ErrStoreInUse when another connection has the
// store open.
func quiesce(ctx context.Context, path string) (*sql.DB, error) {
	q := url.Values{}
	q.Set("_busy_timeout", "2000")
	q.Set("_locking_mode", "EXCLUSIVE")
	db, err := sql.Open("sqlite3", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	inUse := func(err error) (*sql.DB, error) {
		db.Close()
		var se sqlite3.Error
		if errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked) {
			return nil, fmt.Errorf("%s: %w (stop the server first)", path, ErrStoreInUse)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	// A store that is not a database any more (damaged) is reported as
	// such, so that a restore can replace it.
	var version int
	if err := db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return inUse(err)
	}
	var busy, logged, done int
	if err := db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logged, &done); err != nil {
		return inUse(err)
	}
	if busy != 0 {
		return inUse(sqlite3.Error{Code: sqlite3.ErrBusy})
	}
	var mode string
	if err := db.QueryRowContext(ctx, `PRAGMA journal_mode = DELETE`).Scan(&mode); err != nil {
		return inUse(err)
	}
	if !strings.EqualFold(mode, "delete") {
		return inUse(sqlite3.Error{Code: sqlite3.ErrBusy})
	}
	// Take and keep the exclusive lock (locking_mode EXCLUSIVE keeps it
	// after the transaction) so that no server opens the old file while it
	// is being replaced.
	if _, err := db.ExecContext(ctx, `BEGIN EXCLUSIVE; COMMIT`); err != nil {
		return inUse(err)
	}
	return db, nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
