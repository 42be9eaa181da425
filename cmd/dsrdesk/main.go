// Command dsrdesk runs the case system for GDPR data-subject requests and
// its administration subcommands. Run `dsrdesk help` for the list.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/rs/zerolog"

	"dsrdesk/internal/app"
	"dsrdesk/internal/config"
	"dsrdesk/internal/dsr"
)

const usage = `dsrdesk — GDPR data-subject requests at Försäkringskassan

Usage:
  dsrdesk serve --addr ADDR --data DIR [--demo] [--mailbox-url URL]
  dsrdesk migrate --data DIR
  dsrdesk user add --data DIR --email E --name N --role officer|dpo|print|print_protected|admin   (password on stdin)
  dsrdesk token create --data DIR --email E
  dsrdesk demo seed --data DIR
  dsrdesk demo persons --data DIR --json
  dsrdesk demo bulk --data DIR --cases N        (adds N synthetic cases to demo data)
  dsrdesk audit verify --data DIR
  dsrdesk backup --data DIR --to FILE [--force] (a consistent copy of the case store, also while the server runs)
  dsrdesk restore --data DIR --from FILE [--force]
                                                (puts a backup in place; stop the server first; the old store is kept as .before-restore)
  dsrdesk weed --data DIR [--dry-run]          (deletes closed cases older than the retention setting, with their letters and print files)
  dsrdesk print export --data DIR --out FILE [--route ordinary|protected | --batch ID]
                                                (makes the route's batch, or takes batch ID, and writes its ZIP)
  dsrdesk mailbox-sim --addr ADDR --data DIR
  dsrdesk eid-sim --addr ADDR                   (the demo's e-ID provider: an OpenID provider with fictional people)

Settings come from flags, then DSRDESK_* environment variables (see README).
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "dsrdesk:", err)
		os.Exit(1)
	}
}

// run executes one subcommand; it is main without the process around it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, usage)
		return nil
	}
	cmd := args[0]
	rest := args[1:]
	if cmd == "user" || cmd == "token" || cmd == "demo" || cmd == "audit" || cmd == "print" {
		if len(rest) == 0 {
			return fmt.Errorf("%s needs a subcommand\n\n%s", cmd, usage)
		}
		cmd, rest = cmd+" "+rest[0], rest[1:]
	}
	cfg, err := config.Defaults().FromEnv(getenv)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data folder")
	var email, name, role string
	var asJSON bool
	var bulkCases int
	var route, batchID, out string
	var backupFile string
	var force bool
	var dryRun bool
	switch cmd {
	case "serve":
		fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address")
		fs.BoolVar(&cfg.Demo, "demo", cfg.Demo, "demo mode: test e-ID sign-in, mailbox simulator, demo data when missing")
		fs.StringVar(&cfg.MailboxURL, "mailbox-url", cfg.MailboxURL, "digital-mailbox service URL")
	case "mailbox-sim":
		fs.StringVar(&cfg.MailboxSimAddr, "addr", cfg.MailboxSimAddr, "listen address")
	case "eid-sim":
		fs.StringVar(&cfg.EIDSimAddr, "addr", cfg.EIDSimAddr, "listen address")
	case "user add":
		fs.StringVar(&email, "email", "", "e-mail address")
		fs.StringVar(&name, "name", "", "full name")
		fs.StringVar(&role, "role", "", "officer, dpo, print, print_protected or admin")
	case "token create":
		fs.StringVar(&email, "email", "", "e-mail address of the staff member")
	case "demo persons":
		fs.BoolVar(&asJSON, "json", false, "print JSON")
	case "demo bulk":
		fs.IntVar(&bulkCases, "cases", 0, "how many synthetic cases to add")
	case "print export":
		fs.StringVar(&route, "route", string(dsr.RouteOrdinary), "the print route whose queued letters make the batch: ordinary or protected")
		fs.StringVar(&batchID, "batch", "", "export this batch instead of making one")
		fs.StringVar(&out, "out", "", "the ZIP file to write")
	case "backup":
		fs.StringVar(&backupFile, "to", "", "the backup file to write")
		fs.BoolVar(&force, "force", false, "replace an existing file")
	case "restore":
		fs.StringVar(&backupFile, "from", "", "the backup file to put in place")
		fs.BoolVar(&force, "force", false, "replace the data folder's case store")
	case "weed":
		fs.BoolVar(&dryRun, "dry-run", false, "count what would be weeded and change nothing")
	case "migrate", "demo seed", "audit verify":
	default:
		return fmt.Errorf("unknown command %q\n\n%s", cmd, usage)
	}
	if err := fs.Parse(rest); err != nil {
		return err
	}
	log := newLogger(stderr, cfg.LogLevel)
	now := time.Now

	switch cmd {
	case "serve":
		return serve(ctx, cfg, log, stdout)
	case "mailbox-sim":
		return serveSimulator(ctx, cfg, log)
	case "eid-sim":
		return app.ServeEIDSimulator(ctx, cfg, log, func(url string) {
			fmt.Fprintln(stdout, "e-ID simulator listening on", url, "(test page with fictional people; not a real e-ID)")
		})
	case "migrate":
		adm, err := app.OpenAdmin(ctx, cfg, now)
		if err != nil {
			return err
		}
		defer adm.Close()
		v, err := adm.SchemaVersion(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "case store migrated to version %d\n", v)
		return nil
	case "user add":
		password, err := readPassword(stdin)
		if err != nil {
			return err
		}
		adm, err := app.OpenAdmin(ctx, cfg, now)
		if err != nil {
			return err
		}
		defer adm.Close()
		u, err := adm.Auth.AddUser(ctx, email, name, dsr.Role(role), password, cliActor())
		if err != nil {
			return userError(err)
		}
		fmt.Fprintf(stdout, "added %s (%s), id %s\n", u.Email, u.Role, u.ID)
		return nil
	case "token create":
		adm, err := app.OpenAdmin(ctx, cfg, now)
		if err != nil {
			return err
		}
		defer adm.Close()
		token, err := adm.Auth.CreateToken(ctx, email, cliActor())
		if err != nil {
			return userError(err)
		}
		fmt.Fprintln(stdout, token)
		return nil
	case "demo seed":
		if err := app.SeedDemo(ctx, cfg, log, now); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "demo data written to %s\n", cfg.DataDir)
		printSignIns(stdout)
		return nil
	case "demo persons":
		people := app.DemoPeople()
		if asJSON {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(people)
		}
		for _, p := range people {
			fmt.Fprintf(stdout, "%-28s mailbox=%-5t protection=%-24s %s\n", p.Name, p.DigitalMailbox, p.Protection, p.Note)
		}
		return nil
	case "demo bulk":
		start := time.Now()
		n, err := app.AddBulkCases(ctx, cfg, bulkCases, now)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "added %d synthetic cases to %s in %s\n", n, cfg.DataDir, time.Since(start).Round(time.Millisecond))
		return nil
	case "print export":
		return printExport(ctx, cfg, log, now, dsr.PrintRoute(route), batchID, out, stdout, stderr)
	case "backup":
		return backup(ctx, cfg, now, backupFile, force, stdout)
	case "weed":
		return weed(ctx, cfg, now, dryRun, stdout)
	case "restore":
		return restore(ctx, cfg, now, backupFile, force, stdout, stderr)
	case "audit verify":
		adm, err := app.OpenAdmin(ctx, cfg, now)
		if err != nil {
			return err
		}
		defer adm.Close()
		n, err := adm.VerifyAudit(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "audit trail intact: %d entries\n", n)
		return nil
	}
	return nil
}

// cliActor is who the administration subcommands act as in the audit trail.
func cliActor() dsr.Actor { return dsr.Actor{Kind: dsr.ActorSystem, ID: "cli"} }

func userError(err error) error {
	if dsr.ErrorCode(err) == dsr.EINTERNAL {
		return err
	}
	return errors.New(dsr.ErrorMessage(err))
}

func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("give the password on standard input")
	}
	return line, nil
}

func newLogger(w io.Writer, level string) zerolog.Logger {
	lvl, err := zerolog.ParseLevel(level)
	if err != nil || level == "" {
		lvl = zerolog.InfoLevel
	}
	return zerolog.New(w).Level(lvl).With().Timestamp().Logger()
}

func printSignIns(w io.Writer) {
	fmt.Fprintln(w, "\nDemo staff sign-ins (demo data only):")
	for _, u := range app.DemoUsers() {
		fmt.Fprintf(w, "  %-8s %-30s password: %s\n", u.Role, u.Email, u.Password)
	}
	fmt.Fprintln(w, "Individuals: sign in with e-ID; the demo's e-ID simulator offers fictional people on a clearly marked test page.")
}

// serve runs the web server until ctx ends. In demo mode it seeds missing
// demo data and starts the mailbox simulator on its own listener.
func serve(ctx context.Context, cfg config.Config, log zerolog.Logger, stdout io.Writer) error {
	now := time.Now
	if cfg.Demo {
		what, err := app.EnsureDemo(ctx, cfg, log, now)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "demo data in %s: %s\n", cfg.DataDir, what)
		if cfg.MailboxURL == "" {
			url, stopSim, err := app.StartMailboxSimulator(cfg, log)
			if err != nil {
				return err
			}
			defer stopSim()
			cfg.MailboxURL = url
		}
		if cfg.OIDC.Issuer == "" {
			cfg = cfg.WithDemoEID()
			stop, err := startEIDSimulator(ctx, cfg, stdout)
			if err != nil {
				return err
			}
			defer stop()
		}
	}
	a, err := app.New(ctx, cfg, log, now)
	if err != nil {
		return err
	}
	defer a.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{Handler: a.Handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second}
	log.Info().Str("config", cfg.String()).Msg("starting")
	fmt.Fprintf(stdout, "dsrdesk listening on http://%s\n", ln.Addr())
	if cfg.Demo {
		printSignIns(stdout)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go a.Run(ctx, log)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info().Msg("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// startEIDSimulator starts `dsrdesk eid-sim` as its own process, as the
// demo's e-ID broker, and waits until it answers discovery.
func startEIDSimulator(ctx context.Context, cfg config.Config, stdout io.Writer) (stop func(), err error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("e-ID simulator: %w", err)
	}
	sim := exec.Command(exe, "eid-sim", "--addr", cfg.EIDSimAddr)
	sim.Env = append(os.Environ(), "DSRDESK_OIDC_REDIRECT_URL="+cfg.OIDC.RedirectURL)
	sim.Stdout, sim.Stderr = stdout, os.Stderr
	dieWithParent(sim)
	if err := sim.Start(); err != nil {
		return nil, fmt.Errorf("e-ID simulator: %w", err)
	}
	stop = func() {
		_ = sim.Process.Signal(syscall.SIGTERM)
		_ = sim.Wait()
	}
	discovery := cfg.OIDC.Issuer + "/.well-known/openid-configuration"
	client := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if ctx.Err() != nil {
			stop()
			return nil, ctx.Err()
		}
		if resp, err := client.Get(discovery); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return stop, nil
			}
		}
	}
	stop()
	return nil, fmt.Errorf("the e-ID simulator did not answer at %s (is %s taken? set DSRDESK_EID_SIM_ADDR)", cfg.OIDC.Issuer, cfg.EIDSimAddr)
}

// serveSimulator runs only the mailbox simulator, as a separate process.
func serveSimulator(ctx context.Context, cfg config.Config, log zerolog.Logger) error {
	url, stopSim, err := app.StartMailboxSimulator(cfg, log)
	if err != nil {
		return err
	}
	defer stopSim()
	fmt.Println("mailbox simulator listening on", url)
	<-ctx.Done()
	return nil
}
