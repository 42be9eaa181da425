package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"dsrdesk/internal/config"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/sqlite"
)

// startServer starts `dsrdesk serve --demo` on data and waits until it
// answers; the server is killed when the test ends.
func startServer(t *testing.T, data string) (base string, srv *exec.Cmd) {
	t.Helper()
	addr := freeAddr(t)
	srv = exec.Command(binary, "serve", "--addr", addr, "--data", data, "--demo")
	// The backup test's calls come as fast as they go, from one token: the
	// API's rate limit is lifted so that none is answered 429.
	srv.Env = append(os.Environ(), "DSRDESK_MAILBOX_SIM_ADDR="+freeAddr(t), "DSRDESK_EID_SIM_ADDR="+freeAddr(t),
		"DSRDESK_API_RATE=1000000", "DSRDESK_API_BURST=1000000")
	srv.Stdout, srv.Stderr = io.Discard, io.Discard
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Process.Kill(); _ = srv.Wait() })
	base = "http://" + addr
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			return base, srv
		}
		if time.Now().After(deadline) {
			t.Fatal("the server did not come up")
		}
	}
}

// TestBackupWhileServingAndRestore is an operator's backup and restore with
// real processes: a backup taken while requests keep arriving, restored
// into a fresh folder, holds every request the server had acknowledged
// before the backup began, verifies, and serves them; a restore refuses to
// replace a store a server has open or one it was not told to replace.
func TestBackupWhileServingAndRestore(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	dsrdesk(t, "", "demo", "seed", "--data", data)
	// A store of some size, so that the copy takes a while.
	dsrdesk(t, "", "demo", "bulk", "--data", data, "--cases", "10000")
	var people []demoPerson
	if err := json.Unmarshal([]byte(dsrdesk(t, "", "demo", "persons", "--data", data, "--json")), &people); err != nil {
		t.Fatal(err)
	}
	var subjects []string
	for _, p := range people {
		if p.Protection == "none" {
			subjects = append(subjects, p.PNR)
		}
	}
	token := strings.TrimSpace(dsrdesk(t, "", "token", "create", "--data", data, "--email", "handlaggare@demo.dsrdesk.se"))
	base, srv := startServer(t, data)

	// Requests keep arriving from a goroutine for the whole backup.
	var mu sync.Mutex
	var acked, failures []string
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			body := fmt.Sprintf(`{"kinds":["access"],"subject":"%s","channel":"letter"}`, subjects[i%len(subjects)])
			st, m, err := apiCall(base, token, "POST", "/api/v1/cases", body)
			mu.Lock()
			if id, _ := m["id"].(string); err == nil && st == http.StatusCreated && id != "" {
				acked = append(acked, id)
			} else {
				failures = append(failures, fmt.Sprintf("%d %v %v", st, m, err))
			}
			mu.Unlock()
		}
	}()
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(acked) }
	for deadline := time.Now().Add(30 * time.Second); count() < 20; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			close(stop)
			<-done
			t.Fatalf("the server acknowledged only %d requests: %v", count(), failures)
		}
	}
	mu.Lock()
	before := append([]string(nil), acked...)
	mu.Unlock()

	file := filepath.Join(t.TempDir(), "dsrdesk-backup.db")
	out, err := runCmd("", "backup", "--data", data, "--to", file)
	during := count() - len(before)
	if err != nil || !strings.Contains(out, "backed up the case store of "+data+" to "+file) || !strings.Contains(out, "pnr.key") {
		close(stop)
		<-done
		t.Fatalf("dsrdesk backup: %v\n%s", err, out)
	}
	// A restore is refused while the server has the store open, and the
	// server carries on.
	if out, err := runCmd("", "restore", "--data", data, "--from", file, "--force"); err == nil || !strings.Contains(out, "open in another process") {
		t.Errorf("restore over a running server's store: %v %s", err, out)
	}
	// A few more after the backup, to show the server still takes them.
	for target, deadline := count()+5, time.Now().Add(30*time.Second); count() < target && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
	}
	close(stop)
	<-done
	if len(failures) > 0 {
		t.Fatalf("%d requests failed while the backup ran, e.g. %s", len(failures), failures[0])
	}
	t.Logf("%d requests acknowledged before the backup, %d while it ran, %d in all", len(before), during, count())
	if out, err := runCmd("", "backup", "--data", data, "--to", file); err == nil || !strings.Contains(out, "--force") {
		t.Errorf("a backup over an existing file: %v %s", err, out)
	}
	srv.Process.Signal(os.Interrupt)
	srv.Wait()

	// A fresh folder: the rest of the data folder (the key, the registers)
	// copied as the README says, the case store from the backup.
	fresh := t.TempDir()
	entries, err := os.ReadDir(data)
	if err != nil {
		t.Fatal(err)
	}
	copyFile := func(name string) {
		b, err := os.ReadFile(filepath.Join(data, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(fresh, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), "dsrdesk.db") || e.Name() == "pnr-seal.key" {
			continue
		}
		copyFile(e.Name())
	}
	// Without the key the identity numbers were sealed with, nothing is
	// restored, and the message says which file to put back.
	if out, err := runCmd("", "restore", "--data", fresh, "--from", file); err == nil || !strings.Contains(out, "nothing was restored") || !strings.Contains(out, "pnr-seal.key") {
		t.Errorf("a restore without the sealing key: %v %s", err, out)
	}
	if _, err := os.Stat(filepath.Join(fresh, "dsrdesk.db")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a refused restore left a case store behind: %v", err)
	}
	copyFile("pnr-seal.key")
	if out := dsrdesk(t, "", "restore", "--data", fresh, "--from", file); !strings.Contains(out, "restored "+file+" into "+fresh) {
		t.Fatalf("dsrdesk restore says %q", out)
	}
	if out, err := runCmd("", "restore", "--data", fresh, "--from", file); err == nil || !strings.Contains(out, "--force") {
		t.Errorf("a second restore without --force: %v %s", err, out)
	}
	if out := dsrdesk(t, "", "audit", "verify", "--data", fresh); !strings.Contains(out, "audit trail intact") {
		t.Fatalf("audit verify on the restored store: %s", out)
	}
	cfg := config.Defaults()
	cfg.DataDir = fresh
	info, err := sqlite.InspectBackup(context.Background(), cfg.CaseStorePath())
	if err != nil {
		t.Fatalf("the restored store (integrity_check): %v", err)
	}
	if info.Cases < 10000+len(before) {
		t.Errorf("the restored store holds %d cases, want at least %d", info.Cases, 10000+len(before))
	}

	// A server on the restored folder serves every acknowledged request.
	base, srv = startServer(t, fresh)
	for _, id := range before {
		if st, m, err := apiCall(base, token, "GET", "/api/v1/cases/"+id, ""); err != nil || st != http.StatusOK || m["id"] != id {
			t.Fatalf("case %s, acknowledged before the backup, from the restored store: %d %v", id, st, err)
		}
	}
	srv.Process.Signal(os.Interrupt)
	srv.Wait()
	if out := dsrdesk(t, "", "audit", "verify", "--data", fresh); !strings.Contains(out, "audit trail intact") {
		t.Fatalf("audit verify after serving the restored store: %s", out)
	}

	// Both are in the audit trail, as the command line's: the backup in the
	// store it copied, the restore in the store it put in place.
	for dir, action := range map[string]dsr.AuditAction{data: dsr.ActionStoreBackedUp, fresh: dsr.ActionStoreRestored} {
		n := 0
		for _, ev := range auditEvents(t, dir) {
			if ev.Action == action && ev.Actor == "system:cli" && strings.Contains(ev.Detail, "file="+file) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s: %d %s entries, want 1", dir, n, action)
		}
	}

	// Putting the backup back over the stopped original keeps the store it
	// replaces beside it.
	if out := dsrdesk(t, "", "restore", "--data", data, "--from", file, "--force"); !strings.Contains(out, "restored") {
		t.Fatalf("restore --force: %s", out)
	}
	cfg.DataDir = data
	if kept, err := sqlite.InspectBackup(context.Background(), cfg.CaseStorePath()+".before-restore"); err != nil || kept.Cases < count() {
		t.Fatalf("the replaced store is not kept whole: %+v %v", kept, err)
	}
	if out := dsrdesk(t, "", "audit", "verify", "--data", data); !strings.Contains(out, "audit trail intact") {
		t.Fatalf("audit verify after restore --force: %s", out)
	}
}
