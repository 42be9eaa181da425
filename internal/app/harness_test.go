package app

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"dsrdesk/internal/pdf/pdftest"

	"github.com/rs/zerolog"

	"dsrdesk/internal/casework"
	"dsrdesk/internal/config"
	"dsrdesk/internal/demodata"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/mailbox"
)

// testNow is the fixed clock of the end-to-end tests: Monday 23 November
// 2026, 10:00 in Stockholm.
var testNow = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// syncBuffer collects log output from concurrent handlers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// env is a running dsrdesk over real HTTP with a real store, seeded with
// the demo data, and the mailbox simulator as a separate HTTP server.
type env struct {
	t       testing.TB
	app     *App
	srv     *httptest.Server
	sim     *mailbox.Simulator
	simSrv  *httptest.Server
	eidURL  string // the e-ID simulator
	shift   *atomic.Int64
	log     *syncBuffer
	officer string // bearer tokens
	dpo     string
	printer string
}

func person(t testing.TB, pick func(demodata.DemoPerson) bool) demodata.DemoPerson {
	t.Helper()
	for _, p := range demodata.DemoPeople() {
		if pick(p) {
			return p
		}
	}
	t.Fatal("no demo person fits")
	return demodata.DemoPerson{}
}

// seeded is a data folder with the demo data, made once per test binary:
// seeding hashes every demo user's password with argon2id (64 MiB each),
// which is the slow part, so each test copies the folder instead.
var (
	seedOnce sync.Once
	seedDir  string
	seedErr  error
)

func seeded() (string, error) {
	seedOnce.Do(func() {
		if seedDir, seedErr = os.MkdirTemp("", "dsrdesk-seeded"); seedErr != nil {
			return
		}
		cfg := config.Defaults()
		cfg.DataDir = seedDir
		cfg.MailboxURL = "http://127.0.0.1:1" // seeding sends nothing
		seedErr = SeedDemo(context.Background(), cfg, zerolog.Nop(), func() time.Time { return testNow })
	})
	return seedDir, seedErr
}

// copySeeded copies the seeded demo data folder into dir.
func copySeeded(t testing.TB, dir string) {
	t.Helper()
	src, err := seeded()
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvWith(t, nil)
}

// newEnvWith is newEnv with settings changed by tweak (when not nil). The
// app's clock stands still unless a test moves it, so the API's rate limit
// is set out of reach unless tweak sets one.
func newEnvWith(t testing.TB, tweak func(*config.Config)) *env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	logs := &syncBuffer{}
	log := zerolog.New(logs)
	shift := new(atomic.Int64) // how far a test moved the clock on (env.advance)
	now := func() time.Time { return testNow.Add(time.Duration(shift.Load())) }
	cfg := config.Defaults()
	cfg.DataDir = dir
	cfg.APIRate, cfg.APIBurst = 1e9, 1<<30
	if tweak != nil {
		tweak(&cfg)
	}
	copySeeded(t, dir)
	accounts, err := mailbox.LoadAccounts(cfg.MailboxAccountsPath())
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, log: logs, sim: mailbox.NewSimulator(accounts), shift: shift}
	e.simSrv = httptest.NewServer(e.sim)
	t.Cleanup(e.simSrv.Close)
	cfg.MailboxURL = e.simSrv.URL
	cfg.Demo = true
	// The e-ID broker: the simulator, on its own listener, reached over HTTP.
	eidSrv := httptest.NewUnstartedServer(nil)
	cfg.OIDC = config.OIDC{Issuer: "http://" + eidSrv.Listener.Addr().String(), ClientID: config.DemoOIDCClientID, ClientSecret: config.DemoOIDCClientSecret}
	eidSim, err := EIDSimulator(cfg, cfg.OIDC.Issuer, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	eidSrv.Config.Handler = eidSim
	eidSrv.Start()
	t.Cleanup(eidSrv.Close)
	e.eidURL = cfg.OIDC.Issuer
	// dsrdesk's own listener first: the e-ID redirect URL names its address.
	e.srv = httptest.NewUnstartedServer(nil)
	cfg.OIDC.RedirectURL = "http://" + e.srv.Listener.Addr().String() + "/e-id/callback"
	if e.app, err = New(ctx, cfg, log, now); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.app.Close() })
	e.srv.Config.Handler = e.app.Handler
	e.srv.Start()
	t.Cleanup(e.srv.Close)
	for _, u := range DemoUsers() {
		tok, err := e.app.Auth.CreateToken(ctx, u.Email, dsr.SystemActor)
		if err != nil {
			t.Fatal(err)
		}
		switch u.Role {
		case dsr.RoleOfficer:
			e.officer = tok
		case dsr.RoleDPO:
			e.dpo = tok
		case dsr.RolePrint:
			e.printer = tok
		}
	}
	return e
}

// advance moves the app's clock on by d, as time passing would.
func (e *env) advance(d time.Duration) { e.shift.Add(int64(d)) }

// call makes an API request and decodes a JSON answer into out (if non-nil).
// It returns the status and the raw body.
func (e *env) call(method, path, token string, body any, out any) (int, []byte) {
	e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, r)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if r != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	if out != nil && resp.StatusCode < 300 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, out); err != nil {
			e.t.Fatalf("%s %s: decode %s: %v", method, path, raw, err)
		}
	}
	return resp.StatusCode, raw
}

type caseResp struct {
	ID            string   `json:"id"`
	Number        string   `json:"number"`
	Kinds         []string `json:"kinds"`
	Status        string   `json:"status"`
	Channel       string   `json:"channel"`
	ReceivedOn    string   `json:"received_on"`
	TargetOn      string   `json:"target_on"`
	DueOn         string   `json:"due_on"`
	ExtendedDueOn *string  `json:"extended_due_on"`
	Outcome       string   `json:"outcome"`
	Reasons       string   `json:"outcome_reasons"`
	AnsweredOn    *string  `json:"answered_on"`
	Waiting       string   `json:"waiting"`
	Stage         string   `json:"stage"`
	Flags         []string `json:"flags"`
	SubjectName   string   `json:"subject_name"`
	SignOff       struct {
		Required bool   `json:"required"`
		State    string `json:"state"`
		Comment  string `json:"comment"`
	} `json:"signoff"`
}

type errResp struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field"`
	} `json:"error"`
}

func (e *env) createCase(subject, channel, received string) caseResp {
	e.t.Helper()
	var c caseResp
	st, raw := e.call("POST", "/api/v1/cases", e.officer, map[string]any{
		"kinds": []string{"access"}, "subject": subject, "channel": channel, "received_on": received,
	}, &c)
	if st != http.StatusCreated {
		e.t.Fatalf("create case: %d %s", st, raw)
	}
	return c
}

// pdfText extracts the text of a PDF with poppler's pdftotext.
func pdfText(t *testing.T, pdf []byte, args ...string) string {
	t.Helper()
	return pdftest.Text(t, pdf, append([]string{"-layout"}, args...)...)
}

// pnrForms are the ways an identity number could leak into text.
func pnrForms(p string) []string {
	return []string{p, p[2:], p[2:8] + "-" + p[8:], p[:8] + "-" + p[8:], p[2:8] + "+" + p[8:]}
}

func readZip(t testing.TB, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("export is not a ZIP: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name], err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func casewReq(subject string) casework.Request {
	return casework.Request{Kinds: []dsr.Kind{dsr.KindAccess}, Subject: subject, Channel: dsr.ChannelLetter, ReceivedOn: "2026-11-20"}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func jsonDecode(t *testing.T, r io.Reader, v any) {
	t.Helper()
	if err := json.NewDecoder(r).Decode(v); err != nil {
		t.Fatal(err)
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if seedDir != "" {
		os.RemoveAll(seedDir)
	}
	os.Exit(code)
}
