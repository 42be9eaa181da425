package weeding

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"dsrdesk/internal/dsr"
)

// Store is what weeding needs from the case store.
type Store interface {
	// WeedPreview counts what WeedCases would delete, changing nothing.
	// It also returns the ids of the print batches made before cutoff.
	WeedPreview(ctx context.Context, cutoff time.Time) (dsr.WeedCounts, []string, error)
	// WeedCases deletes up to limit due cases in one audited transaction
	// and returns the ids of the print batches made before cutoff.
	WeedCases(ctx context.Context, cutoff time.Time, limit int, event func(dsr.WeedCounts) dsr.AuditEvent) (dsr.WeedCounts, []string, error)
	// PrintBatchIDs returns which of ids are print batches in the store.
	PrintBatchIDs(ctx context.Context, ids []string) (map[string]bool, error)
	// Record appends audit entries on their own.
	Record(ctx context.Context, events ...dsr.AuditEvent) error
}

// Deps are what a Service is built from.
type Deps struct {
	Store Store
	// Settings returns the settings in force (retention_years).
	Settings func(context.Context) (dsr.Settings, error)
	// PrintDir is the data folder's print/ directory, where batch ZIP
	// files are kept as <batch id>.zip.
	PrintDir string
	Now      func() time.Time
	// Chunk is how many cases one transaction deletes; 500 when 0.
	Chunk int
}

// Service weeds the case store and the print-batch files.
type Service struct {
	d Deps
}

// NewService returns a weeding service.
func NewService(d Deps) *Service {
	if d.Chunk <= 0 {
		d.Chunk = 500
	}
	return &Service{d: d}
}

// Summary is what one weeding run did (or, in a dry run, would do).
type Summary struct {
	RetentionYears int
	// Cutoff is the first day whose closed cases are kept.
	Cutoff time.Time
	DryRun bool
	dsr.WeedCounts
}

// String is the summary as an audit entry's detail: counts and dates only.
func (s Summary) String() string {
	return fmt.Sprintf("retention_years=%d closed_before=%s dry_run=%t %s", s.RetentionYears, s.Cutoff.Format(dsr.DateLayout), s.DryRun, s.WeedCounts)
}

// Run weeds what the retention setting in force makes due, as actor's,
// and records the run's summary in the audit trail. The cases go in
// transactions of Chunk cases, each with its own audit entry of counts, so
// that a run cut off by a crash loses nothing and the next run finishes
// it. A dry run only counts, and changes nothing, not even the audit
// trail.
func (s *Service) Run(ctx context.Context, actor dsr.Actor, dryRun bool) (Summary, error) {
	set, err := s.d.Settings(ctx)
	if err != nil {
		return Summary{}, err
	}
	years := set.Retention()
	sum := Summary{RetentionYears: years, Cutoff: dsr.WeedCutoff(s.d.Now(), years), DryRun: dryRun}
	if dryRun {
		c, old, err := s.d.Store.WeedPreview(ctx, sum.Cutoff)
		if err != nil {
			return Summary{}, err
		}
		sum.WeedCounts = c
		files, err := s.dueFiles(ctx, sum.Cutoff, old)
		if err != nil {
			return Summary{}, err
		}
		sum.BatchFiles = len(files)
		return sum, nil
	}
	var oldBatches []string
	for {
		c, old, err := s.d.Store.WeedCases(ctx, sum.Cutoff, s.d.Chunk, func(c dsr.WeedCounts) dsr.AuditEvent {
			return dsr.Event(actor, dsr.ActionCasesWeeded, "", fmt.Sprintf("closed_before=%s %s", sum.Cutoff.Format(dsr.DateLayout), c))
		})
		if err != nil {
			return Summary{}, err
		}
		sum.WeedCounts = sum.WeedCounts.Add(c)
		oldBatches = old
		if c.Cases < s.d.Chunk || ctx.Err() != nil {
			break
		}
	}
	files, err := s.dueFiles(ctx, sum.Cutoff, oldBatches)
	if err != nil {
		return Summary{}, err
	}
	for _, f := range files {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return Summary{}, fmt.Errorf("weeding: remove a batch file: %w", err)
		}
		sum.BatchFiles++
	}
	if err := s.d.Store.Record(ctx, dsr.Event(actor, dsr.ActionWeedingRun, "", sum.String())); err != nil {
		return Summary{}, err
	}
	return sum, nil
}

// dueFiles lists the batch files to remove: those of the batches made
// before cutoff (oldBatches; their letters are weeded or long settled, and
// a protected batch's ZIP holds identity numbers), and any batch file whose
// batch is not in the store and that was last written before cutoff (left
// by a run cut off between its commit and its file removal).
func (s *Service) dueFiles(ctx context.Context, cutoff time.Time, oldBatches []string) ([]string, error) {
	entries, err := os.ReadDir(s.d.PrintDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("weeding: read the print folder: %w", err)
	}
	old := map[string]bool{}
	for _, id := range oldBatches {
		old[id] = true
	}
	byID := map[string][]string{}
	var ids []string
	for _, e := range entries {
		id, ok := batchID(e.Name())
		if !ok || e.IsDir() {
			continue
		}
		if _, seen := byID[id]; !seen {
			ids = append(ids, id)
		}
		byID[id] = append(byID[id], filepath.Join(s.d.PrintDir, e.Name()))
	}
	known, err := s.d.Store.PrintBatchIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, id := range ids {
		for _, f := range byID[id] {
			due := old[id]
			if !due && !known[id] {
				st, err := os.Stat(f)
				due = err == nil && st.ModTime().Before(cutoff)
			}
			if due {
				out = append(out, f)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// batchID is the batch id of a batch file's name: <id>.zip, or
// <id>.zip.part while it is built.
func batchID(name string) (string, bool) {
	for _, suffix := range []string{".zip.part", ".zip"} {
		if id, ok := strings.CutSuffix(name, suffix); ok && id != "" {
			return id, true
		}
	}
	return "", false
}

// Daily says when the background job weeds: once a calendar day (UTC),
// the first time it is asked on a day.
type Daily struct {
	last string
}

// Due reports whether a run is due at now, and if so counts it as done.
func (d *Daily) Due(now time.Time) bool {
	day := now.UTC().Format(dsr.DateLayout)
	if day == d.last {
		return false
	}
	d.last = day
	return true
}
