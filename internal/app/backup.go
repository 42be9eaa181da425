package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"dsrdesk/internal/config"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/sqlite"
)

// BackupInfo describes a backup of the case store.
type BackupInfo = sqlite.BackupInfo

// BackupStore copies the case store of cfg.DataDir to the file to while a
// server may be running on it (SQLite's online backup), and records the
// backup in the audit trail as actor's. The copy holds every case committed
// before it began; its own audit entry is in the live store only. An
// existing file is replaced only when overwrite is true.
func BackupStore(ctx context.Context, cfg config.Config, to string, overwrite bool, actor dsr.Actor, now func() time.Time) (BackupInfo, error) {
	if to == "" {
		return BackupInfo{}, errors.New("name the backup file to write with --to")
	}
	if _, err := os.Stat(cfg.CaseStorePath()); err != nil {
		return BackupInfo{}, fmt.Errorf("no case store in %s to back up", cfg.DataDir)
	}
	abs, err := filepath.Abs(to)
	if err != nil {
		return BackupInfo{}, err
	}
	db, err := openStore(ctx, cfg, now)
	if err != nil {
		return BackupInfo{}, err
	}
	defer db.Close()
	info, err := db.Backup(ctx, abs, overwrite)
	if errors.Is(err, sqlite.ErrFileExists) {
		return BackupInfo{}, fmt.Errorf("%s exists: choose another name, or replace it with --force", to)
	}
	if err != nil {
		return BackupInfo{}, err
	}
	detail := fmt.Sprintf("file=%s version=%d cases=%d audit_entries=%d bytes=%d", abs, info.Version, info.Cases, info.AuditEntries, info.Bytes)
	if err := db.Record(ctx, dsr.Event(actor, dsr.ActionStoreBackedUp, "", detail)); err != nil {
		return BackupInfo{}, fmt.Errorf("the backup is written, but recording it failed: %w", err)
	}
	return info, nil
}

// RestoreStore puts the backup file from in place as the case store of
// cfg.DataDir, migrates it to this program's schema and records the restore
// in its audit trail as actor's. An existing store is replaced only when
// overwrite is true and no server has it open; it is kept beside as
// dsrdesk.db.before-restore. The key files are the operator's to put back:
// the store's identity-number look-ups need the HMAC key they were made
// with (pnr.key), and its identity numbers the key they were sealed with
// (pnr-seal.key); without the second, nothing is restored.
func RestoreStore(ctx context.Context, cfg config.Config, from string, overwrite bool, actor dsr.Actor, now func() time.Time) (restored BackupInfo, version int, err error) {
	if from == "" {
		return BackupInfo{}, 0, errors.New("name the backup file to restore with --from")
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return BackupInfo{}, 0, fmt.Errorf("create data folder: %w", err)
	}
	// The identity numbers in the backup are sealed with the key of the
	// installation it came from: that key must be in place first.
	var key []byte
	if _, err := os.Stat(cfg.SealKeyPath()); cfg.SealKey != nil || err == nil {
		if key, err = cfg.LoadOrCreateSealKey(); err != nil {
			return BackupInfo{}, 0, err
		}
	}
	if err := sqlite.CheckSealKey(ctx, from, key); errors.Is(err, sqlite.ErrWrongKey) {
		return BackupInfo{}, 0, fmt.Errorf("nothing was restored: the identity numbers in %s are sealed with another key than %s holds: "+
			"copy pnr-seal.key from the installation the backup came from into the data folder (or set DSRDESK_PNR_SEAL_KEY) first",
			from, cfg.SealKeyPath())
	} else if err != nil {
		return BackupInfo{}, 0, err
	}
	_, statErr := os.Stat(cfg.CaseStorePath())
	replaced := statErr == nil
	info, err := sqlite.Restore(ctx, from, cfg.CaseStorePath(), overwrite)
	switch {
	case errors.Is(err, sqlite.ErrFileExists):
		return BackupInfo{}, 0, fmt.Errorf("%s already has a case store: replace it with --force (the old one is kept as %s)",
			cfg.DataDir, filepath.Base(cfg.CaseStorePath())+".before-restore")
	case errors.Is(err, sqlite.ErrStoreInUse):
		return BackupInfo{}, 0, fmt.Errorf("the case store in %s is open in another process: stop the server (and other dsrdesk commands) first", cfg.DataDir)
	case err != nil:
		return BackupInfo{}, 0, err
	}
	db, err := openStore(ctx, cfg, now)
	if err != nil {
		return BackupInfo{}, 0, fmt.Errorf("the backup is in place, but opening it failed: %w", err)
	}
	defer db.Close()
	if version, err = db.SchemaVersion(ctx); err != nil {
		return BackupInfo{}, 0, err
	}
	abs, _ := filepath.Abs(from)
	detail := fmt.Sprintf("file=%s version=%d migrated_to=%d cases=%d audit_entries=%d replaced=%t", abs, info.Version, version, info.Cases, info.AuditEntries, replaced)
	if err := db.Record(ctx, dsr.Event(actor, dsr.ActionStoreRestored, "", detail)); err != nil {
		return BackupInfo{}, 0, fmt.Errorf("the backup is in place, but recording the restore failed: %w", err)
	}
	return info, version, nil
}
