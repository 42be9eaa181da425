package app

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"dsrdesk/internal/config"
	"dsrdesk/internal/demodata"
	"dsrdesk/internal/dsr"
)

// TestNoIdentityNumberAtRest works the demo people's requests through the
// product as its users do — an access request for each, assembled and
// sent, an erasure evaluated and carried out, a guardian's request for a
// child, an e-ID sign-in, both print batches — and then reads the case
// store's files as bytes, the way anyone holding a copy of them could: the
// database, its write-ahead log and a backup. No identity number is
// there in any written form (RULES §6: the number is encrypted at rest;
// look-ups use the keyed HMAC). The same requests still find their cases by
// identity number, and the pages and letters still show it.
func TestNoIdentityNumberAtRest(t *testing.T) {
	t.Parallel()
	var cfg config.Config
	e := newEnvWith(t, func(c *config.Config) { c.Settings.RequireSignOff = dsr.SignOffOff; cfg = *c })
	people := demodata.DemoPeople()
	for _, p := range people {
		c := e.createCase(string(p.PNR), "letter", "2026-11-16")
		if st, raw := e.call("POST", "/api/v1/cases/"+c.ID+"/extract", e.officer, nil, nil); st != http.StatusOK {
			t.Fatalf("assemble %s: %d %s", p.Name, st, raw)
		}
		if st, raw := e.call("POST", "/api/v1/cases/"+c.ID+"/send", e.officer, nil, nil); st != http.StatusOK {
			t.Fatalf("send %s: %d %s", p.Name, st, raw)
		}
	}
	elin := person(t, func(p demodata.DemoPerson) bool { return strings.Contains(p.Note, "LEFI") })
	var erase caseResp
	if st, raw := e.call("POST", "/api/v1/cases", e.officer, map[string]any{
		"kinds": []string{"erasure"}, "subject": string(elin.PNR), "channel": "letter", "received_on": "2026-11-16", "grounds": []string{dsr.GroundConsentWithdrawn},
	}, &erase); st != http.StatusCreated {
		t.Fatalf("register the erasure: %d %s", st, raw)
	}
	for _, step := range []string{"evaluation", "execute"} {
		if st, raw := e.call("POST", "/api/v1/cases/"+erase.ID+"/"+step, e.officer, nil, nil); st != http.StatusOK {
			t.Fatalf("erasure %s: %d %s", step, st, raw)
		}
	}
	child := person(t, func(p demodata.DemoPerson) bool { return p.GuardianPNR != "" })
	if st, raw := e.call("POST", "/api/v1/cases", e.officer, map[string]any{
		"kinds": []string{"access"}, "subject": string(child.PNR), "channel": "letter", "received_on": "2026-11-16",
		"representative": map[string]string{"role": "guardian", "name": "Åsa Testsson", "pnr": string(child.GuardianPNR)},
	}, nil); st != http.StatusCreated {
		t.Fatalf("register the guardian's request: %d %s", st, raw)
	}
	signedIn := e.individualClient(person(t, func(p demodata.DemoPerson) bool { return p.PNR == child.GuardianPNR }))
	if resp, body := e.get(signedIn, "/mina-arenden"); resp.StatusCode != http.StatusOK || !strings.Contains(body, child.Name) {
		t.Fatalf("the guardian's own page: %d, the child's request listed: %t", resp.StatusCode, strings.Contains(body, child.Name))
	}
	if st, raw := e.call("POST", "/api/v1/print/batches", e.printer, nil, nil); st != http.StatusCreated {
		t.Fatalf("ordinary batch: %d %s", st, raw)
	}

	// Found by number, shown with it: the look-up and the read still work.
	var found struct {
		Cases []caseResp `json:"cases"`
	}
	if st, raw := e.call("POST", "/api/v1/cases/search", e.officer, map[string]string{"q": string(elin.PNR)}, &found); st != http.StatusOK {
		t.Fatalf("look-up by identity number: %d %s", st, raw)
	}
	if !slices.ContainsFunc(found.Cases, func(c caseResp) bool { return c.ID == erase.ID }) {
		t.Fatalf("the look-up by identity number does not find the erasure among %d cases", len(found.Cases))
	}

	backup := filepath.Join(t.TempDir(), "copy.db")
	if _, err := BackupStore(context.Background(), cfg, backup, false, dsr.SystemActor, time.Now); err != nil {
		t.Fatal(err)
	}
	files := []string{cfg.CaseStorePath(), cfg.CaseStorePath() + "-wal", backup}
	var numbers []string
	for _, p := range people {
		numbers = append(numbers, string(p.PNR))
	}
	checked := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checked += len(raw)
		for _, n := range numbers {
			for _, form := range pnrForms(n) {
				if i := bytes.Index(raw, []byte(form)); i >= 0 {
					lo, hi := max(i-60, 0), min(i+len(form)+60, len(raw))
					t.Errorf("%s holds identity number %s in the form %q, around: %q", filepath.Base(f), n[:8]+"-****", form[:4]+"…", raw[lo:hi])
				}
			}
		}
	}
	t.Logf("%d people's numbers in 5 forms searched in %d bytes of %d files", len(numbers), checked, len(files))
}
