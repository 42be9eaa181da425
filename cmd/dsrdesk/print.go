package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/rs/zerolog"
	"github.com/schollz/progressbar/v3"

	"dsrdesk/internal/app"
	"dsrdesk/internal/config"
	"dsrdesk/internal/dsr"
)

// printExport makes a print batch of a route's queued letters (or takes
// the batch batchID) and writes its ZIP to out, with a progress bar of the
// letters written on stderr. The file appears under its name only when it
// is whole. The export is audited as the command line's (system:cli).
func printExport(ctx context.Context, cfg config.Config, log zerolog.Logger, now func() time.Time, route dsr.PrintRoute, batchID, out string,
	stdout, stderr io.Writer) error {
	if out == "" {
		return errors.New("name the ZIP file to write with --out")
	}
	if route != dsr.RouteOrdinary && route != dsr.RouteProtected {
		return fmt.Errorf("the route is ordinary or protected, not %q", route)
	}
	desk, err := app.OpenPrint(ctx, cfg, log, now)
	if err != nil {
		return err
	}
	defer desk.Close()
	if batchID == "" {
		b, err := desk.Print.Create(ctx, route, cliActor())
		if err != nil {
			return userError(err)
		}
		batchID = b.ID
		fmt.Fprintf(stdout, "made batch %s of the %s route: %d letters\n", b.ID, b.Route, b.Count)
	}

	part := out + ".part"
	f, err := os.OpenFile(part, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("write the batch: %w", err)
	}
	var bar *progressbar.ProgressBar
	progress := func(written, total int) {
		if bar == nil {
			bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("letters"),
				progressbar.OptionShowCount(), progressbar.OptionSetWidth(30), progressbar.OptionThrottle(200*time.Millisecond),
				progressbar.OptionOnCompletion(func() { fmt.Fprintln(stderr) }))
		}
		_ = bar.Set(written)
	}
	err = desk.Print.Export(ctx, batchID, f, cliActor(), progress)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(part, out)
	}
	if err != nil {
		os.Remove(part)
		return userError(err)
	}
	if bar != nil {
		_ = bar.Finish()
	}
	fmt.Fprintf(stdout, "wrote batch %s to %s\n", batchID, out)
	return nil
}
