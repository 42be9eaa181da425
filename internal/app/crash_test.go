package app

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"dsrdesk/internal/casework"
	"dsrdesk/internal/changes"
	"dsrdesk/internal/config"
	"dsrdesk/internal/demodata"
	"dsrdesk/internal/documents"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
)

// crashingRegisters ends the process as soon as a register has been
// changed: the change is in the source database, but nothing in the case
// store records it yet.
type crashingRegisters struct{ changes.Registers }

func (c crashingRegisters) Apply(ctx context.Context, register string, p pnr.PNR, ops ...dsr.Op) error {
	if err := c.Registers.Apply(ctx, register, p, ops...); err != nil {
		return err
	}
	os.Exit(3)
	return nil
}

func openDir(t testing.TB, dir string) *App {
	t.Helper()
	cfg := config.Defaults()
	cfg.DataDir, cfg.MailboxURL = dir, "http://127.0.0.1:1"
	a, err := New(context.Background(), cfg, zerolog.Nop(), func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestExecuteCrashChild is the process that dies: it runs only when the
// crash test starts it.
func TestExecuteCrashChild(t *testing.T) {
	dir, id := os.Getenv("DSRDESK_CRASH_DIR"), os.Getenv("DSRDESK_CRASH_CASE")
	if dir == "" {
		t.Skip("started by TestExecuteSurvivesACrash")
	}
	a := openDir(t, dir)
	renderer, err := documents.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	svc := changes.NewService(a.Store, crashingRegisters{a.Registers}, a.Registers.Catalogue(), renderer, a.Settings.Settings, func() time.Time { return testNow })
	_, err = svc.Execute(context.Background(), id, dsr.Actor{Kind: dsr.ActorStaff, ID: "officer", Role: dsr.RoleOfficer})
	t.Fatalf("the execution finished without crashing: %v", err)
}

// TestExecuteSurvivesACrash kills a real process between changing a
// register and recording the change, executes again, and finds every
// change made once: erased rows gone, one statement per item, every
// recipient told once, one decision letter, and an intact audit trail.
func TestExecuteSurvivesACrash(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	copySeeded(t, dir)
	a := openDir(t, dir)
	ctx := context.Background()
	officer := dsr.Actor{Kind: dsr.ActorStaff, ID: "officer", Role: dsr.RoleOfficer}
	elin := person(t, func(p demodata.DemoPerson) bool { return strings.Contains(p.Note, "LEFI") })
	c, _, err := a.Cases.Create(ctx, casework.Request{Kinds: []dsr.Kind{dsr.KindErasure, dsr.KindComplete}, Subject: string(elin.PNR),
		Channel: dsr.ChannelLetter, Change: dsr.ChangeRequest{Statement: "Uppgifterna om 2015 gäller en annan period."}}, officer)
	if err != nil {
		t.Fatal(err)
	}
	items, err := a.Changes.Evaluate(ctx, c.ID, officer)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()

	child := exec.Command(os.Args[0], "-test.run=^TestExecuteCrashChild$", "-test.count=1")
	child.Env = append(os.Environ(), "DSRDESK_CRASH_DIR="+dir, "DSRDESK_CRASH_CASE="+c.ID)
	out, err := child.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("the child did not die mid-way: %v\n%s", err, out)
	}

	a = openDir(t, dir)
	defer a.Close()
	// The crash came after the first register was changed and before any
	// change was recorded (items that change nothing may be recorded).
	half, _ := a.Store.Items(ctx, c.ID)
	unrecorded := 0
	for _, it := range half {
		if it.Outcome.Changes() {
			if it.ExecutedAt != nil {
				t.Fatalf("item %s was recorded as executed before the crash", it.ID)
			}
			unrecorded++
		}
	}
	if unrecorded == 0 {
		t.Fatal("nothing was left to repair after the crash")
	}
	if _, err := a.Changes.Execute(ctx, c.ID, officer); err != nil {
		t.Fatalf("executing again after the crash: %v", err)
	}
	secs, err := a.Registers.Sections(ctx, elin.PNR)
	if err != nil {
		t.Fatal(err)
	}
	remaining := map[string]map[string]bool{}
	statements := 0
	for _, s := range secs {
		remaining[s.Register.ID] = map[string]bool{}
		for _, id := range s.RecordIDs {
			remaining[s.Register.ID][id] = true
		}
		statements += len(s.Statements)
	}
	supplements := 0
	for _, it := range items {
		switch it.Outcome {
		case dsr.OutcomeErase:
			if remaining[it.Register][it.Record] {
				t.Errorf("%s record %s should be erased", it.Register, it.Record)
			}
		case dsr.OutcomeKeep:
			if !remaining[it.Register][it.Record] {
				t.Errorf("%s record %s should be kept", it.Register, it.Record)
			}
		case dsr.OutcomeSupplement:
			supplements++
		}
	}
	if supplements == 0 || statements != supplements {
		t.Errorf("%d statements attached for %d supplement items: a change was lost or doubled", statements, supplements)
	}
	letters, _ := a.Store.CaseLetters(ctx, c.ID)
	byPurpose := map[dsr.Purpose]int{}
	for _, l := range letters {
		byPurpose[l.Purpose]++
	}
	notes, _ := a.Store.Notifications(ctx, c.ID)
	if byPurpose[dsr.PurposeAnswer] != 1 || byPurpose[dsr.PurposeArt19Notice] != 4 || len(notes) != 4 {
		t.Errorf("letters %v and %d notifications, want one decision and four Art. 19 notices", byPurpose, len(notes))
	}
	after, _ := a.Store.Items(ctx, c.ID)
	for _, it := range after {
		if it.ExecutedAt == nil {
			t.Errorf("item %s is not recorded as executed", it.ID)
		}
	}
	if n, err := a.Store.AuditEvents(ctx, ""); err != nil || len(n) == 0 {
		t.Fatal(err)
	} else if _, err := dsr.VerifyChain(n); err != nil {
		t.Errorf("audit trail after the crash: %v", err)
	}
}
