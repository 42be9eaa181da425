package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/rs/zerolog"

	formfiles "dsrdesk/forms"
	"dsrdesk/internal/auth"
	"dsrdesk/internal/casework"
	"dsrdesk/internal/config"
	"dsrdesk/internal/deadline"
	"dsrdesk/internal/delivery"
	"dsrdesk/internal/extract"
	"dsrdesk/internal/forms"
	"dsrdesk/internal/mailbox"
	"dsrdesk/internal/pdf"
	"dsrdesk/internal/pnr"
	"dsrdesk/internal/printbatch"
	"dsrdesk/internal/registers"
	"dsrdesk/internal/sqlite"
	"dsrdesk/internal/web"
)

// App is a wired dsrdesk.
type App struct {
	Config    config.Config
	Store     *sqlite.DB
	Registers *registers.Source
	Hasher    *pnr.Hasher
	Auth      *auth.Service
	Cases     *casework.Service
	Extracts  *extract.Service
	Delivery  *delivery.Service
	Print     *printbatch.Service
	Handler   http.Handler
}

// Open opens the case store only: enough for the admin subcommands.
func Open(ctx context.Context, cfg config.Config, now func() time.Time) (*sqlite.DB, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	return sqlite.Open(ctx, cfg.CaseStorePath(), sqlite.Options{Now: now, Synchronous: cfg.Synchronous})
}

// New builds the whole application. The source registers must exist
// (`dsrdesk demo seed` creates demo ones).
func New(ctx context.Context, cfg config.Config, log zerolog.Logger, now func() time.Time) (*App, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	key, err := cfg.LoadOrCreateKey()
	if err != nil {
		return nil, err
	}
	hasher, err := pnr.NewHasher(key)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(cfg.RegistersPath()); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no source registers in %s: run `dsrdesk demo seed --data %s` for demo data", cfg.DataDir, cfg.DataDir)
	}
	cat, err := registers.LoadCatalogue(cfg.CataloguePath())
	if err != nil {
		return nil, err
	}
	src, err := registers.Open(cfg.RegistersPath(), cat)
	if err != nil {
		return nil, err
	}
	renderer, err := pdf.NewRenderer()
	if err != nil {
		src.Close()
		return nil, err
	}
	formSet, err := forms.Load(formfiles.FS)
	if err != nil {
		src.Close()
		return nil, err
	}
	db, err := Open(ctx, cfg, now)
	if err != nil {
		src.Close()
		return nil, err
	}
	a := &App{Config: cfg, Store: db, Registers: src, Hasher: hasher}
	a.Auth = auth.NewService(db, now, auth.Config{})
	a.Cases = casework.NewService(db, deadline.Calendar{TreatEvesAsHolidays: cfg.TreatEvesAsHolidays}, hasher, now)
	a.Extracts = extract.NewService(db, src, renderer, now)
	mb := mailbox.NewClient(cfg.MailboxURL, cfg.SenderOrgNo, nil)
	a.Delivery = delivery.NewService(db, src, mb, log)
	a.Print = printbatch.NewService(db)

	wcfg := web.Config{
		SecureCookies: cfg.SecureCookies,
		SubjectRef:    func(p string) string { return "p-" + hasher.Sum(pnr.PNR(p))[:16] },
	}
	if cfg.Demo {
		wcfg.DemoIdentities = demoIdentities
	}
	srv, err := web.New(wcfg, web.Services{
		Auth: a.Auth, Cases: a.Cases, Extracts: a.Extracts, Delivery: a.Delivery, Print: a.Print, Forms: formSet,
	}, log, now)
	if err != nil {
		a.Close()
		return nil, err
	}
	a.Handler = srv.Handler()
	return a, nil
}

// Close releases the stores.
func (a *App) Close() error {
	return errors.Join(a.Registers.Close(), a.Store.Close())
}

// demoIdentities are the people the demo's test e-ID offers.
func demoIdentities() []web.Identity {
	var out []web.Identity
	for _, p := range registers.DemoPeople() {
		out = append(out, web.Identity{PNR: p.PNR, Name: p.Name, Note: p.Note})
	}
	return out
}
