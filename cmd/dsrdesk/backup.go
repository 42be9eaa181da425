package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"dsrdesk/internal/app"
	"dsrdesk/internal/config"
)

// backup writes a consistent copy of the case store to the file to while
// the server may be running, and says what it holds. It is audited as the
// command line's (system:cli).
func backup(ctx context.Context, cfg config.Config, now func() time.Time, to string, force bool, stdout io.Writer) error {
	info, err := app.BackupStore(ctx, cfg, to, force, cliActor(), now)
	if err != nil {
		return userError(err)
	}
	fmt.Fprintf(stdout, "backed up the case store of %s to %s: schema version %d, %d cases, %d audit entries, %d bytes\n",
		cfg.DataDir, to, info.Version, info.Cases, info.AuditEntries, info.Bytes)
	fmt.Fprintf(stdout, "this file is the case store only: keep %s and %s (and the rest of the data folder, see README) with it, but apart from it\n", cfg.KeyPath(), cfg.SealKeyPath())
	return nil
}

// restore puts the backup file from in place as the case store of the data
// folder, after checking it, and warns when the folder has no identity
// number key to go with it. It is audited, in the restored store, as the
// command line's.
func restore(ctx context.Context, cfg config.Config, now func() time.Time, from string, force bool, stdout, stderr io.Writer) error {
	info, version, err := app.RestoreStore(ctx, cfg, from, force, cliActor(), now)
	if err != nil {
		return userError(err)
	}
	fmt.Fprintf(stdout, "restored %s into %s: %d cases, %d audit entries, schema version %d", from, cfg.DataDir, info.Cases, info.AuditEntries, info.Version)
	if version != info.Version {
		fmt.Fprintf(stdout, ", migrated to %d", version)
	}
	fmt.Fprintln(stdout)
	if _, err := os.Stat(cfg.KeyPath()); len(cfg.PNRKey) == 0 && errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(stderr, "warning: %s is missing: copy the identity-number key of the installation the backup came from, "+
			"or no case can be found by identity number (a new key would be made on start)\n", cfg.KeyPath())
	}
	return nil
}
