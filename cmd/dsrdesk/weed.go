package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"dsrdesk/internal/app"
	"dsrdesk/internal/config"
	"dsrdesk/internal/dsr"
)

// weed deletes the closed cases of the data folder older than the
// retention setting, with their letters, PDFs, attachments and print
// files (RULES §10), and says what went; --dry-run only counts. It is
// audited as the command line's (system:cli), counts only.
func weed(ctx context.Context, cfg config.Config, now func() time.Time, dryRun bool, stdout io.Writer) error {
	sum, err := app.WeedStore(ctx, cfg, dryRun, cliActor(), now)
	if err != nil {
		return userError(err)
	}
	verb := "weeded"
	if dryRun {
		verb = "would weed (dry run, nothing changed)"
	}
	fmt.Fprintf(stdout, "%s the cases of %s closed before %s (retention %d years):\n", verb, cfg.DataDir, sum.Cutoff.Format(dsr.DateLayout), sum.RetentionYears)
	fmt.Fprintf(stdout, "  cases %d, letters %d (history %d), notifications %d, extracts %d, items %d, withholdings %d, attachments %d, notes %d\n",
		sum.Cases, sum.Letters, sum.LetterEvents, sum.Notifications, sum.Extracts, sum.Items, sum.Withholdings, sum.Attachments, sum.Notes)
	fmt.Fprintf(stdout, "  print batches %d, print batch files %d\n", sum.Batches, sum.BatchFiles)
	return nil
}
