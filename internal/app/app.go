package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rs/zerolog"

	formfiles "dsrdesk/forms"
	"dsrdesk/internal/audit"
	"dsrdesk/internal/auth"
	"dsrdesk/internal/casework"
	"dsrdesk/internal/catalogue"
	"dsrdesk/internal/changes"
	"dsrdesk/internal/config"
	"dsrdesk/internal/deadline"
	"dsrdesk/internal/delivery"
	"dsrdesk/internal/demodata"
	"dsrdesk/internal/documents"
	"dsrdesk/internal/eid"
	"dsrdesk/internal/eidsim"
	"dsrdesk/internal/extract"
	"dsrdesk/internal/forms"
	"dsrdesk/internal/mailbox"
	"dsrdesk/internal/metrics"
	"dsrdesk/internal/pnr"
	"dsrdesk/internal/printbatch"
	"dsrdesk/internal/registers"
	"dsrdesk/internal/settings"
	"dsrdesk/internal/sqlite"
	"dsrdesk/internal/sqlitesource"
	"dsrdesk/internal/stats"
	"dsrdesk/internal/web"
	"dsrdesk/internal/weeding"
)

// App is a wired dsrdesk.
type App struct {
	Config    config.Config
	Store     *sqlite.DB
	Registers *registers.Registers
	Hasher    *pnr.Hasher
	Auth      *auth.Service
	Cases     *casework.Service
	Extracts  *extract.Service
	Changes   *changes.Service
	Delivery  *delivery.Service
	Print     *printbatch.Service
	Handler   http.Handler
	// Stats is the DPO's dashboard and statistics, and the due-date
	// warnings of the case list.
	Stats *stats.Service
	// Settings is the settings in force (the case store's over the
	// configuration's defaults); Settings.Settings is what services read.
	Settings *settings.Service
	// Weeding deletes closed cases older than the retention setting; the
	// background loop runs it once a day (weedDaily).
	Weeding   *weeding.Service
	weedDaily weeding.Daily
	now       func() time.Time
}

// openStore opens the case store, creating the data folder when needed,
// with the key it seals identity numbers with (made on first use).
func openStore(ctx context.Context, cfg config.Config, now func() time.Time) (*sqlite.DB, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	sealKey, err := cfg.LoadOrCreateSealKey()
	if err != nil {
		return nil, err
	}
	return sqlite.Open(ctx, cfg.CaseStorePath(), sqlite.Options{Now: now, Synchronous: cfg.Synchronous, SealKey: sealKey})
}

// Admin is what the administration subcommands need: the case store and
// the account service over it, nothing else, so that accounts can be set
// up before any source register or mailbox is configured.
type Admin struct {
	store *sqlite.DB
	Auth  *auth.Service
}

// OpenAdmin opens the case store (migrating it) for the administration
// subcommands.
func OpenAdmin(ctx context.Context, cfg config.Config, now func() time.Time) (*Admin, error) {
	db, err := openStore(ctx, cfg, now)
	if err != nil {
		return nil, err
	}
	return &Admin{store: db, Auth: auth.NewService(db, now, auth.Config{})}, nil
}

// SchemaVersion is the number of migrations the case store has.
func (a *Admin) SchemaVersion(ctx context.Context) (int, error) { return a.store.SchemaVersion(ctx) }

// VerifyAudit checks the hash chain of the whole audit trail.
func (a *Admin) VerifyAudit(ctx context.Context) (int, error) { return audit.Verify(ctx, a.store) }

// Close closes the case store.
func (a *Admin) Close() error { return a.store.Close() }

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
	cat, err := catalogue.Load(cfg.CataloguePath())
	if err != nil {
		return nil, err
	}
	conn, err := sqlitesource.Open(cfg.RegistersPath(), cat)
	if err != nil {
		return nil, err
	}
	src := registers.New(cat, conn)
	renderer, err := documents.NewRenderer()
	if err != nil {
		src.Close()
		return nil, err
	}
	formSet, err := forms.Load(formfiles.FS, registerChoices(cat))
	if err != nil {
		src.Close()
		return nil, err
	}
	db, err := openStore(ctx, cfg, now)
	if err != nil {
		src.Close()
		return nil, err
	}
	// Cases registered before migration 0011 get their representative's
	// look-up hash, so that "my requests" finds them.
	if n, err := db.FillRepresentativeHMACs(ctx, hasher.Sum); err != nil {
		db.Close()
		src.Close()
		return nil, err
	} else if n > 0 {
		log.Info().Int("cases", n).Msg("representatives' look-up hashes filled")
	}
	a := &App{Config: cfg, Store: db, Registers: src, Hasher: hasher}
	a.Auth = auth.NewService(db, now, auth.Config{SessionTTL: cfg.SessionTTL, SessionIdle: cfg.SessionIdle})
	a.Settings = settings.NewService(db, cfg.Settings)
	inForce := a.Settings.Settings // the settings in force, for every service that reads them
	calendar := deadline.Calendar{TreatEvesAsHolidays: cfg.TreatEvesAsHolidays}
	a.Cases = casework.NewService(db, calendar, hasher, cat, src, inForce, now)
	a.Changes = changes.NewService(db, src, cat, renderer, inForce, now)
	a.Extracts = extract.NewService(db, src, renderer, cat, inForce, now)
	mb, err := mailbox.New(cfg.MailboxURL, cfg.SenderOrgNo, nil)
	if err != nil {
		db.Close()
		src.Close()
		return nil, err
	}
	a.Delivery = delivery.NewService(delivery.Deps{Store: db, Population: src, Mailbox: mb, Renderer: renderer, Registers: cat,
		Calendar: calendar, Settings: inForce, Log: log, Now: now, Backoff: cfg.OutboxBackoff})
	a.Print = printbatch.NewService(printbatch.Deps{Store: db, Sheets: renderer, Addresses: a.Delivery, Dir: printDir(cfg), Log: log})
	a.Stats = stats.NewService(db, now)
	a.Weeding, a.now = newWeeding(cfg, db, inForce, now), now

	wcfg := web.Config{
		SecureCookies: cfg.SecureCookies,
		SubjectRef:    func(p pnr.PNR) string { return "p-" + hasher.Sum(p)[:16] },
		MetricsAllow:  cfg.MetricsAllow,
		APIRate:       cfg.APIRate,
		APIBurst:      cfg.APIBurst,
	}
	wcfg.DemoEID = cfg.Demo
	wcfg.TrustedProxies = cfg.TrustedProxies
	if u, err := url.Parse(cfg.OIDC.Issuer); err == nil && u.Host != "" {
		wcfg.EIDOrigin = u.Scheme + "://" + u.Host
	}
	rp := eid.New(eid.Config{Issuer: cfg.OIDC.Issuer, ClientID: cfg.OIDC.ClientID, ClientSecret: cfg.OIDC.ClientSecret,
		RedirectURL: cfg.OIDC.RedirectURL, RequiredLoA: cfg.OIDC.RequiredLoA}, nil, time.Now)
	srv, err := web.New(wcfg, web.Services{
		Auth: a.Auth, Cases: a.Cases, Extracts: a.Extracts, Changes: a.Changes, Delivery: a.Delivery, Print: a.Print, Forms: formSet,
		Stats:    a.Stats,
		Accounts: a.Auth, AdminSettings: a.Settings,
		EID:     rp,
		Metrics: metrics.New(db, now, log),
	}, log, now)
	if err != nil {
		a.Close()
		return nil, err
	}
	a.Handler = srv.Handler()
	// Batch files a crash cut off are built again, and new ones as batches are made.
	if err := a.Print.StartBuilding(); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// printDir is where print batches' files are built and kept.
func printDir(cfg config.Config) string { return filepath.Join(cfg.DataDir, "print") }

// PrintDesk is what `dsrdesk print export` needs: the case store and the
// print-batch service over it, which builds nothing in the background.
type PrintDesk struct {
	store *sqlite.DB
	Print *printbatch.Service
}

// OpenPrint opens the case store (migrating it) for `dsrdesk print export`.
func OpenPrint(ctx context.Context, cfg config.Config, log zerolog.Logger, now func() time.Time) (*PrintDesk, error) {
	renderer, err := documents.NewRenderer()
	if err != nil {
		return nil, err
	}
	db, err := openStore(ctx, cfg, now)
	if err != nil {
		return nil, err
	}
	return &PrintDesk{store: db, Print: printbatch.NewService(printbatch.Deps{Store: db, Sheets: renderer, Dir: printDir(cfg), Log: log})}, nil
}

// Close closes the case store.
func (p *PrintDesk) Close() error {
	p.Print.Close()
	return p.store.Close()
}

// Run does dsrdesk's background work until ctx ends: every few seconds it
// assembles the access requests that arrived (same-day answers), takes
// the letters in the outbox further (retries of digital delivery, routes
// after a failed look-up) and decides the cases whose proof of identity
// did not come in time; once a day it weeds closed cases older than the
// retention setting.
// outboxLoad is how many letters one run of the outbox takes.
const outboxLoad = 200

func (a *App) Run(ctx context.Context, log zerolog.Logger) {
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		if n, errs := a.Extracts.AssembleArrived(ctx, 50); n > 0 || len(errs) > 0 {
			for _, err := range errs {
				log.Warn().Err(err).Msg("background assembly left a case to an officer")
			}
			log.Info().Int("assembled", n).Msg("background assembly")
		}
		// The outbox runs again at once while it finds a full load.
		for {
			n, err := a.Delivery.RunOutbox(ctx, outboxLoad)
			if err != nil {
				log.Warn().Err(err).Msg("outbox")
				break
			}
			if n > 0 {
				log.Info().Int("letters", n).Msg("outbox")
			}
			if n < outboxLoad || ctx.Err() != nil {
				break
			}
		}
		a.Print.Kick() // a batch another process made (dsrdesk print export)
		if n, err := a.Cases.CloseUnproved(ctx); err != nil {
			log.Warn().Err(err).Msg("deciding cases without proof of identity")
		} else if n > 0 {
			log.Info().Int("decided", n).Msg("identity not established")
		}
		a.weedIfDue(ctx, log)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Close releases the stores, after the print batch files being built
// stop (a build cut off is done again at the next start).
func (a *App) Close() error {
	if a.Print != nil {
		a.Print.Close()
	}
	return errors.Join(a.Registers.Close(), a.Store.Close())
}

// registerChoices are the registers a form lets the person choose: every
// register of the catalogue, by its name, in the catalogue's order.
func registerChoices(cat *catalogue.Catalogue) []forms.Option {
	out := make([]forms.Option, 0, len(cat.Registers))
	for _, e := range cat.Registers {
		out = append(out, forms.Option{Value: e.ID, Label: e.Name})
	}
	return out
}

// DemoPeople are the fictional people of the demo registers.
func DemoPeople() []demodata.DemoPerson { return demodata.DemoPeople() }

// EIDSimulator is the demo's e-ID provider (dsrdesk eid-sim), offering
// the demo's fictional people, with dsrdesk registered as its client.
func EIDSimulator(cfg config.Config, issuer string, log io.Writer) (*eidsim.Simulator, error) {
	var people []eidsim.Person
	for _, p := range demodata.DemoPeople() {
		given, family, _ := strings.Cut(p.Name, " ")
		note := p.NoteSV // the test page is in Swedish
		if note == "" {
			note = p.Note
		}
		people = append(people, eidsim.Person{PNR: p.PNR, Name: p.Name, GivenName: given, FamilyName: family, Note: note})
	}
	var redirects []string
	if cfg.OIDC.RedirectURL != "" {
		redirects = append(redirects, cfg.OIDC.RedirectURL)
	}
	return eidsim.New(eidsim.Config{Issuer: issuer, ClientID: config.DemoOIDCClientID, ClientSecret: config.DemoOIDCClientSecret,
		RedirectURIs: redirects, People: people, Log: log})
}

// ServeEIDSimulator runs the e-ID simulator on cfg.EIDSimAddr until ctx
// ends; ready is called with its URL once it listens.
func ServeEIDSimulator(ctx context.Context, cfg config.Config, log zerolog.Logger, ready func(url string)) error {
	ln, err := net.Listen("tcp", cfg.EIDSimAddr)
	if err != nil {
		return fmt.Errorf("e-ID simulator: %w", err)
	}
	issuer := "http://" + ln.Addr().String()
	sim, err := EIDSimulator(cfg, issuer, os.Stderr)
	if err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info().Str("addr", ln.Addr().String()).Msg("e-ID simulator started")
	ready(issuer)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// StartMailboxSimulator runs the digital-mailbox simulator with the demo's
// accounts on its own listener, reached over HTTP like the real service. It
// returns the simulator's URL and a function that stops it.
func StartMailboxSimulator(cfg config.Config, log zerolog.Logger) (string, func(), error) {
	accounts, err := mailbox.LoadAccounts(cfg.MailboxAccountsPath())
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", cfg.MailboxSimAddr)
	if err != nil {
		return "", nil, fmt.Errorf("mailbox simulator: %w", err)
	}
	srv := &http.Server{Handler: mailbox.NewSimulator(accounts), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	log.Info().Str("addr", ln.Addr().String()).Int("accounts", len(accounts)).Msg("mailbox simulator started")
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}
