package main

import (
	"context"
	"database/sql"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"dsrdesk/internal/config"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/sqlite"
)

// storeFigures are what an operator would check after weeding, read from
// the case store file itself.
type storeFigures struct {
	cases, open, closed, closedBeforeCutoff, audit int
	countedClosed, countedOpen                     int // the totals the queues and dashboard read
}

func figures(t *testing.T, path, cutoff string) storeFigures {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var f storeFigures
	err = db.QueryRow(`SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM cases WHERE open = 1), (SELECT count(*) FROM cases WHERE open = 0),
		(SELECT count(*) FROM cases WHERE open = 0 AND coalesce(answered_on, decided_on) < ?),
		(SELECT count(*) FROM audit_events),
		(SELECT coalesce(sum(n), 0) FROM case_counts WHERE dim = 'closed'),
		(SELECT coalesce(sum(n), 0) FROM case_counts WHERE dim = 'open_status')`, cutoff).
		Scan(&f.cases, &f.open, &f.closed, &f.closedBeforeCutoff, &f.audit, &f.countedClosed, &f.countedOpen)
	if err != nil {
		t.Fatal(err)
	}
	var check string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q %v", check, err)
	}
	return f
}

var weededCases = regexp.MustCompile(`cases (\d+), letters`)

// TestWeedCommand is an operator weeding a data folder with real
// processes: synthetic cases answered over the last two years, retention
// set to one year; `weed --dry-run` counts the cases answered more than a
// year ago and changes nothing; `weed` deletes exactly those, keeps every
// open case, leaves the queue totals equal to the cases left, and the
// audit trail verifies with the run's summary in it; a second run finds
// nothing.
func TestWeedCommand(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	dsrdesk(t, "", "demo", "seed", "--data", data)
	dsrdesk(t, "", "demo", "bulk", "--data", data, "--cases", "3000")
	cfg := config.Defaults()
	cfg.DataDir = data
	db, err := sqlite.Open(context.Background(), cfg.CaseStorePath(), sqlite.Options{SealKey: sealKey(t, cfg)})
	if err != nil {
		t.Fatal(err)
	}
	admin := dsr.Actor{Kind: dsr.ActorStaff, ID: "a", Role: dsr.RoleAdmin}
	set := dsr.DefaultSettings()
	set.RetentionYears = 1
	if err := db.SaveSettings(context.Background(), set, admin.String(), dsr.Event(admin, dsr.ActionSettingsChanged, "", "retention_years=1")); err != nil {
		t.Fatal(err)
	}
	db.Close()
	cutoff := dsr.WeedCutoff(time.Now(), 1).Format(dsr.DateLayout)
	path := cfg.CaseStorePath()

	before := figures(t, path, cutoff)
	if before.closedBeforeCutoff == 0 || before.open == 0 {
		t.Fatalf("the synthetic cases give nothing to test: %+v", before)
	}
	out := dsrdesk(t, "", "weed", "--data", data, "--dry-run")
	m := weededCases.FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "dry run") || !strings.Contains(out, "closed before "+cutoff) || !strings.Contains(out, "retention 1 years") {
		t.Fatalf("dry run said:\n%s", out)
	}
	if n, _ := strconv.Atoi(m[1]); n != before.closedBeforeCutoff {
		t.Fatalf("the dry run counts %d cases, the store has %d closed before %s", n, before.closedBeforeCutoff, cutoff)
	}
	if got := figures(t, path, cutoff); got != before {
		t.Fatalf("the dry run changed the store: %+v, was %+v", got, before)
	}

	out = dsrdesk(t, "", "weed", "--data", data)
	m = weededCases.FindStringSubmatch(out)
	if m == nil || strings.Contains(out, "dry run") {
		t.Fatalf("weed said:\n%s", out)
	}
	after := figures(t, path, cutoff)
	if n, _ := strconv.Atoi(m[1]); n != before.closedBeforeCutoff || after.cases != before.cases-n {
		t.Fatalf("weeded %d cases; the store went from %d to %d", n, before.cases, after.cases)
	}
	if after.closedBeforeCutoff != 0 || after.open != before.open || after.closed != before.closed-before.closedBeforeCutoff {
		t.Fatalf("after weeding %+v, before %+v", after, before)
	}
	if after.countedClosed != after.closed || after.countedOpen != after.open {
		t.Fatalf("queue totals %d closed and %d open, the store has %d and %d", after.countedClosed, after.countedOpen, after.closed, after.open)
	}
	if after.audit <= before.audit {
		t.Fatal("the run left no audit entry")
	}
	if v := dsrdesk(t, "", "audit", "verify", "--data", data); !strings.Contains(v, "audit trail intact") {
		t.Fatalf("audit verify: %s", v)
	}
	if out := dsrdesk(t, "", "weed", "--data", data); !strings.Contains(out, "cases 0,") {
		t.Fatalf("a second run:\n%s", out)
	}
	empty := filepath.Join(data, "nothing-here")
	if out, err := runCmd("", "weed", "--data", empty); err == nil || !strings.Contains(out, "no case store in") {
		t.Fatalf("weeding a folder without a store: %v\n%s", err, out)
	}
}
