package app

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/rs/zerolog"

	"dsrdesk/internal/config"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/settings"
	"dsrdesk/internal/weeding"
)

// WeedSummary is what one weeding run did or, in a dry run, would do.
type WeedSummary = weeding.Summary

// newWeeding is the weeding service over an open case store.
func newWeeding(cfg config.Config, store weeding.Store, inForce func(context.Context) (dsr.Settings, error), now func() time.Time) *weeding.Service {
	return weeding.NewService(weeding.Deps{Store: store, Settings: inForce, PrintDir: printDir(cfg), Now: now})
}

// WeedStore weeds the case store and print files of cfg.DataDir as actor's
// (`dsrdesk weed`): the closed cases older than the retention setting in
// force, with everything filed with them (RULES §10). A dry run counts
// what would go and changes nothing.
func WeedStore(ctx context.Context, cfg config.Config, dryRun bool, actor dsr.Actor, now func() time.Time) (WeedSummary, error) {
	if _, err := os.Stat(cfg.CaseStorePath()); err != nil {
		return WeedSummary{}, fmt.Errorf("no case store in %s to weed", cfg.DataDir)
	}
	db, err := openStore(ctx, cfg, now)
	if err != nil {
		return WeedSummary{}, err
	}
	defer db.Close()
	inForce := settings.NewService(db, cfg.Settings).Settings
	return newWeeding(cfg, db, inForce, now).Run(ctx, actor, dryRun)
}

// weedIfDue runs the background weeding once a calendar day, the first
// time the background loop comes round on a day (and so also at start).
func (a *App) weedIfDue(ctx context.Context, log zerolog.Logger) {
	if !a.weedDaily.Due(a.now()) {
		return
	}
	sum, err := a.Weeding.Run(ctx, dsr.SystemActor, false)
	if err != nil {
		log.Warn().Err(err).Msg("weeding")
		return
	}
	log.Info().Int("cases", sum.Cases).Int("letters", sum.Letters).Int("batches", sum.Batches).
		Int("batch_files", sum.BatchFiles).Int("retention_years", sum.RetentionYears).Msg("weeding")
}
