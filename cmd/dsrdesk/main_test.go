package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"dsrdesk/internal/config"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/printzip"
	"dsrdesk/internal/sqlite"
)

// binary is the dsrdesk command built once for these tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dsrdesk-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "dsrdesk")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// dsrdesk runs the binary and returns its standard output; it fails the
// test when the command fails.
func dsrdesk(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	out, err := runCmd(stdin, args...)
	if err != nil {
		t.Fatalf("dsrdesk %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func runCmd(stdin string, args ...string) (string, error) {
	cmd := exec.Command(binary, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err != nil {
		return out.String() + errb.String(), err
	}
	return out.String(), nil
}

// apiCall sends one API request with a bearer token and returns the status
// and the decoded answer.
func apiCall(base, token, method, path, body string) (int, map[string]any, error) {
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m, nil
}

// sealKey is the identity-number encryption key of cfg's data folder,
// which the binary made when it first opened the store.
func sealKey(t *testing.T, cfg config.Config) []byte {
	t.Helper()
	key, err := cfg.LoadOrCreateSealKey()
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// auditEvents reads the whole audit trail of the case store in a data
// folder.
func auditEvents(t *testing.T, data string) []dsr.AuditEvent {
	t.Helper()
	cfg := config.Defaults()
	cfg.DataDir = data
	db, err := sqlite.Open(context.Background(), cfg.CaseStorePath(), sqlite.Options{SealKey: sealKey(t, cfg)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	events, err := db.AuditEvents(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	return events
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

type demoPerson struct {
	PNR            string `json:"pnr"`
	Name           string `json:"name"`
	DigitalMailbox bool   `json:"digital_mailbox"`
	Protection     string `json:"protection"`
	Postcode       string `json:"postcode"`
	Note           string `json:"note"`
}

// TestCommandLifecycle drives the real binary as an operator would: seed
// demo data, list the demo people, add a user, issue a token, serve, use the
// API, stop, verify the audit trail — and checks the process's log carries
// no identity number.
func TestCommandLifecycle(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	dsrdesk(t, "", "demo", "seed", "--data", data)
	// Seeding again replaces the demo data cleanly.
	dsrdesk(t, "", "demo", "seed", "--data", data)

	var people []demoPerson
	if err := json.Unmarshal([]byte(dsrdesk(t, "", "demo", "persons", "--data", data, "--json")), &people); err != nil {
		t.Fatal(err)
	}
	twelve := regexp.MustCompile(`^\d{12}$`)
	kinds := map[string]bool{}
	for _, p := range people {
		if !twelve.MatchString(p.PNR) || p.Name == "" || p.Protection == "" {
			t.Errorf("demo person %+v", p)
		}
		kinds[fmt.Sprintf("mailbox=%t", p.DigitalMailbox)] = true
		kinds[p.Protection] = true
	}
	if len(people) < 8 || !kinds["mailbox=true"] || !kinds["mailbox=false"] || !kinds["skyddad_folkbokforing"] {
		t.Fatalf("demo people do not cover the required cases: %v", kinds)
	}

	dsrdesk(t, "en-lång-lösenordsfras\n", "user", "add", "--data", data, "--email", "Ny.Handlaggare@example.se", "--name", "Ny Handläggare", "--role", "officer")
	if out, err := runCmd("kort\n", "user", "add", "--data", data, "--email", "b@example.se", "--name", "B", "--role", "officer"); err == nil || !strings.Contains(out, "at least 12 characters") {
		t.Fatalf("a short password was accepted: %v %s", err, out)
	}
	if out, err := runCmd("en-lång-lösenordsfras\n", "user", "add", "--data", data, "--email", "ny.handlaggare@example.se", "--name", "X", "--role", "officer"); err == nil || !strings.Contains(out, "already exists") {
		t.Fatalf("a duplicate e-mail was accepted: %v %s", err, out)
	}
	if out, err := runCmd("en-lång-lösenordsfras\n", "user", "add", "--data", data, "--email", "c@example.se", "--name", "C", "--role", "boss"); err == nil || !strings.Contains(out, "Role must be") {
		t.Fatalf("an unknown role was accepted: %v %s", err, out)
	}
	token := strings.TrimSpace(dsrdesk(t, "", "token", "create", "--data", data, "--email", "ny.handlaggare@example.se"))
	if !strings.HasPrefix(token, "dsr_") {
		t.Fatalf("token %q", token)
	}

	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := exec.CommandContext(ctx, binary, "serve", "--addr", addr, "--data", data, "--demo")
	srv.Env = append(os.Environ(), "DSRDESK_MAILBOX_SIM_ADDR="+freeAddr(t), "DSRDESK_EID_SIM_ADDR="+freeAddr(t))
	stderr, _ := srv.StderrPipe()
	srv.Stdout = io.Discard
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	logDone := make(chan struct{})
	go func() { io.Copy(&logs, bufio.NewReader(stderr)); close(logDone) }()
	base := "http://" + addr
	up := false
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			up = resp.StatusCode == 200
			break
		}
	}
	if !up {
		t.Fatal("the server did not come up")
	}
	api := func(method, path, body string) (int, map[string]any) {
		st, m, err := apiCall(base, token, method, path, body)
		if err != nil {
			t.Fatal(err)
		}
		return st, m
	}
	var paper, digital demoPerson
	for _, p := range people {
		if p.Protection == "none" && !p.DigitalMailbox && paper.PNR == "" {
			paper = p
		}
		// Someone whose extract withholds nothing: it leaves without the
		// DPO's sign-off.
		if p.Protection == "none" && p.DigitalMailbox && digital.PNR == "" && !strings.Contains(p.Note, "withheld") {
			digital = p
		}
	}
	st, c := api("POST", "/api/v1/cases", `{"kinds":["access"],"subject":"`+digital.PNR[2:8]+"-"+digital.PNR[8:]+`","channel":"phone"}`)
	if st != 201 {
		t.Fatalf("create: %d %v", st, c)
	}
	id := c["id"].(string)
	if st, m := api("POST", "/api/v1/cases/"+id+"/extract", ""); st != 200 {
		t.Fatalf("extract: %d %v", st, m)
	}
	if st, m := api("POST", "/api/v1/cases/"+id+"/send", ""); st != 200 || m["channel"] != "digital_mailbox" || m["receipt"] == "" {
		t.Fatalf("send through the demo's mailbox simulator: %d %v", st, m)
	}

	// The person signs in with e-ID at the e-ID simulator that serve
	// --demo started as its own process, and finds the request.
	if body := eidSignIn(t, base, digital.Name); !strings.Contains(body, c["number"].(string)) {
		t.Fatal("my requests, after e-ID sign-in through the simulator process, does not list the request")
	}

	srv.Process.Signal(os.Interrupt)
	if err := srv.Wait(); err != nil {
		t.Fatalf("the server did not stop cleanly: %v", err)
	}
	<-logDone
	if !strings.Contains(logs.String(), `"route":"/api/v1/cases/:id/send"`) {
		t.Fatalf("the log has no request lines:\n%s", logs.String())
	}
	for _, p := range people {
		for _, f := range []string{p.PNR, p.PNR[2:], p.PNR[2:8] + "-" + p.PNR[8:]} {
			if strings.Contains(logs.String(), f) {
				t.Fatal("the server's log carries an identity number")
			}
		}
	}
	if out := dsrdesk(t, "", "audit", "verify", "--data", data); !strings.Contains(out, "audit trail intact") {
		t.Fatalf("audit verify: %s", out)
	}
	// A real installation: accounts can be set up before any register is.
	other := t.TempDir()
	dsrdesk(t, "", "migrate", "--data", other)
	dsrdesk(t, "ett-långt-lösenord\n", "user", "add", "--data", other, "--email", "admin@example.se", "--name", "Admin", "--role", "admin")
	if tok := dsrdesk(t, "", "token", "create", "--data", other, "--email", "admin@example.se"); !strings.HasPrefix(tok, "dsr_") {
		t.Fatalf("token on a store without registers: %q", tok)
	}
	// A non-demo store is never replaced by demo seeding.
	if out, err := runCmd("", "demo", "seed", "--data", other); err == nil || !strings.Contains(out, "not demo data") {
		t.Fatalf("demo seed replaced a real store: %v %s", err, out)
	}
}

// eidSignIn signs the demo person named name in over HTTP, as a browser
// would, through dsrdesk's e-ID button, the simulator's authorization
// endpoint and test page, and dsrdesk's callback; it returns "my requests".
func eidSignIn(t *testing.T, base, name string) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm(base+"/e-id", url.Values{"next": {"/mina-arenden"}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	// The simulator's test page: a form posting the sign-in's id and a person.
	id := regexp.MustCompile(`name="id" value="([^"]+)"`).FindSubmatch(page)
	who := regexp.MustCompile(`value="(\d+)" data-person="` + regexp.QuoteMeta(name) + `"`).FindSubmatch(page)
	if resp.StatusCode != 200 || id == nil || who == nil {
		t.Fatalf("the e-ID simulator's test page (%d) does not offer %s", resp.StatusCode, name)
	}
	resp, err = c.PostForm(resp.Request.URL.Scheme+"://"+resp.Request.URL.Host+"/login", url.Values{"id": {string(id[1])}, "person": {string(who[1])}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Request.URL.Path != "/mina-arenden" {
		t.Fatalf("after e-ID sign-in: %d at %s", resp.StatusCode, resp.Request.URL.Path)
	}
	return string(body)
}

// TestCommandErrors checks that mistakes on the command line are explained.
func TestCommandErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"frobnicate"}, {"user"}, {"serve", "--no-such-flag"}} {
		if out, err := runCmd("", args...); err == nil || out == "" {
			t.Errorf("dsrdesk %v: %v %q", args, err, out)
		}
	}
	if out, err := runCmd("", "serve", "--data", t.TempDir(), "--mailbox-url", "http://127.0.0.1:1"); err == nil || !strings.Contains(out, "demo seed") {
		t.Errorf("serve without registers: %v %q", err, out)
	}
}

// serveSays starts `serve --demo` on data and returns the line it prints
// about the demo data, then stops it.
func serveSays(t *testing.T, data string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	srv := exec.CommandContext(ctx, binary, "serve", "--addr", freeAddr(t), "--data", data, "--demo")
	srv.Env = append(os.Environ(), "DSRDESK_MAILBOX_SIM_ADDR="+freeAddr(t), "DSRDESK_EID_SIM_ADDR="+freeAddr(t))
	out, _ := srv.StdoutPipe()
	srv.Stderr = io.Discard
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = srv.Process.Kill(); _ = srv.Wait() }()
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "demo data in") {
			return sc.Text()
		}
	}
	t.Fatal("serve --demo did not say what it did with the demo data")
	return ""
}

// TestDemoDataFromAnOlderVersionIsReplaced: `make demo` keeps its demo data,
// but demo data made by an older dsrdesk (whose catalogue lacks today's
// rules) is replaced instead of stopping the server.
func TestDemoDataFromAnOlderVersionIsReplaced(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	if got := serveSays(t, data); !strings.HasSuffix(got, ": seeded") {
		t.Errorf("first start: %q", got)
	}
	if got := serveSays(t, data); !strings.HasSuffix(got, ": kept") {
		t.Errorf("second start: %q", got)
	}
	old := `demo data: ` + "`dsrdesk demo seed`" + ` may replace this folder's contents` + "\n"
	if err := os.WriteFile(filepath.Join(data, ".dsrdesk-demo"), []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "registers.json"), []byte(`{"registers": []}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := serveSays(t, data); !strings.HasSuffix(got, ": replaced") {
		t.Errorf("start on older demo data: %q", got)
	}
	if got := serveSays(t, data); !strings.HasSuffix(got, ": kept") {
		t.Errorf("start after the replacement: %q", got)
	}
}

// TestPrintExport: `dsrdesk print export` makes the batch of a route from
// the letters queued in a data folder and writes its ZIP, with a progress
// bar of the letters written on stderr: the ordinary route's and the
// protected route's (with inner sheets and the print shop's instructions),
// or a batch named by id again. Each verifies, each export is audited, and
// a route with nothing queued is explained.
func TestPrintExport(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	dsrdesk(t, "", "demo", "seed", "--data", data)
	var people []demoPerson
	if err := json.Unmarshal([]byte(dsrdesk(t, "", "demo", "persons", "--data", data, "--json")), &people); err != nil {
		t.Fatal(err)
	}
	var paper, protected demoPerson
	for _, p := range people {
		if !p.DigitalMailbox && p.Protection == "none" && paper.PNR == "" {
			paper = p
		}
		if !p.DigitalMailbox && p.Protection == "skyddad_folkbokforing" {
			protected = p
		}
	}
	officer := strings.TrimSpace(dsrdesk(t, "", "token", "create", "--data", data, "--email", "handlaggare@demo.dsrdesk.se"))
	dpo := strings.TrimSpace(dsrdesk(t, "", "token", "create", "--data", data, "--email", "dso@demo.dsrdesk.se"))

	// The server sends both people's answers to paper; then it stops.
	addr := freeAddr(t)
	srv := exec.Command(binary, "serve", "--addr", addr, "--data", data, "--demo")
	srv.Env = append(os.Environ(), "DSRDESK_MAILBOX_SIM_ADDR="+freeAddr(t), "DSRDESK_EID_SIM_ADDR="+freeAddr(t))
	srv.Stdout, srv.Stderr = io.Discard, io.Discard
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = srv.Process.Kill(); _ = srv.Wait() }()
	base := "http://" + addr
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the server did not come up")
		}
	}
	api := func(token, method, path, body string) map[string]any {
		t.Helper()
		st, m, err := apiCall(base, token, method, path, body)
		if err != nil {
			t.Fatal(err)
		}
		if st >= 300 {
			t.Fatalf("%s %s: %d %v", method, path, st, m)
		}
		return m
	}
	for _, p := range []demoPerson{paper, protected} {
		id := api(officer, "POST", "/api/v1/cases", `{"kinds":["access"],"subject":"`+p.PNR+`","channel":"letter"}`)["id"].(string)
		api(officer, "POST", "/api/v1/cases/"+id+"/extract", "")
		if c := api(officer, "GET", "/api/v1/cases/"+id, ""); c["signoff"].(map[string]any)["required"] == true {
			api(dpo, "POST", "/api/v1/cases/"+id+"/signoff", `{"decision":"approve"}`)
		}
		api(officer, "POST", "/api/v1/cases/"+id+"/send", "")
	}
	srv.Process.Signal(os.Interrupt)
	srv.Wait()

	export := func(args ...string) (string, string, error) {
		cmd := exec.Command(binary, append([]string{"print", "export", "--data", data}, args...)...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		return out.String(), errb.String(), err
	}
	dir := t.TempDir()
	verify := func(file string, letters int, protectedRoute bool) []byte {
		t.Helper()
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := printzip.Verify(bytes.NewReader(b), int64(len(b))); err != nil {
			t.Fatalf("%s does not verify: %v", file, err)
		}
		zr, _ := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		rc, _ := zr.Open(printzip.ManifestName)
		rows, err := printzip.ReadManifest(rc)
		rc.Close()
		if err != nil || len(rows) != letters || rows[0].Protected() != protectedRoute {
			t.Fatalf("%s: %d rows (protected %t), %v", file, len(rows), rows[0].Protected(), err)
		}
		if _, err := zr.Open(printzip.InstructionName); (err == nil) != protectedRoute {
			t.Fatalf("%s: instructions present %t, want %t", file, err == nil, protectedRoute)
		}
		return b
	}
	ordinary := filepath.Join(dir, "vanlig.zip")
	stdout, stderr, err := export("--out", ordinary)
	id := regexp.MustCompile(`made batch ([0-9a-f-]{36}) of the ordinary route: 1 letters`).FindStringSubmatch(stdout)
	if err != nil || id == nil || !strings.Contains(stdout, "wrote batch "+id[1]+" to "+ordinary) {
		t.Fatalf("print export: %v\n%s\n%s", err, stdout, stderr)
	}
	if !strings.Contains(stderr, "letters") || !strings.Contains(stderr, "(1/1") {
		t.Errorf("no progress bar on stderr: %q", stderr)
	}
	first := verify(ordinary, 1, false)
	if _, err := os.Stat(ordinary + ".part"); err == nil {
		t.Error("the part file is left behind")
	}

	prot := filepath.Join(dir, "skyddad.zip")
	if stdout, stderr, err := export("--route", "protected", "--out", prot); err != nil || !strings.Contains(stdout, "of the protected route: 1 letters") {
		t.Fatalf("print export --route protected: %v\n%s\n%s", err, stdout, stderr)
	}
	verify(prot, 1, true)

	// The same batch again, by id: the same archive.
	again := filepath.Join(dir, "igen.zip")
	if stdout, stderr, err := export("--batch", id[1], "--out", again); err != nil {
		t.Fatalf("print export --batch: %v\n%s\n%s", err, stdout, stderr)
	}
	if !bytes.Equal(verify(again, 1, false), first) {
		t.Error("exporting the batch again gives another archive")
	}
	// Nothing queued, an unknown route, no file named: explained, no file written.
	for _, args := range [][]string{{"--out", filepath.Join(dir, "tom.zip")}, {"--route", "elsewhere", "--out", filepath.Join(dir, "x.zip")}, {}} {
		if _, stderr, err := export(args...); err == nil || !regexp.MustCompile(`No letters are queued|ordinary or protected|--out`).MatchString(stderr) {
			t.Errorf("print export %v: %v %q", args, err, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "tom.zip")); err == nil {
		t.Error("an empty batch was written")
	}

	// Every export is in the audit trail, as the command line's.
	exports := 0
	for _, ev := range auditEvents(t, data) {
		if ev.Action == dsr.ActionBatchExported && ev.Actor == "system:cli" {
			exports++
		}
	}
	if exports != 3 {
		t.Errorf("%d exports audited, want 3", exports)
	}
	if out := dsrdesk(t, "", "audit", "verify", "--data", data); !strings.Contains(out, "audit trail intact") {
		t.Fatalf("audit verify: %s", out)
	}
}
