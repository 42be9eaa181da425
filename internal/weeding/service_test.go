package weeding_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dsrdesk/internal/audit"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/settings"
	"dsrdesk/internal/sqlite"
	"dsrdesk/internal/weeding"
)

var system = dsr.Actor{Kind: dsr.ActorSystem, ID: "test"}

func day(s string) time.Time {
	d, err := time.Parse(dsr.DateLayout, s)
	if err != nil {
		panic(err)
	}
	return d
}

func none(*dsr.Case, *dsr.Letter) ([]dsr.AuditEvent, error) { return nil, nil }

// fixture is a real case store in a data folder, on a clock the test moves.
type fixture struct {
	db       *sqlite.DB
	clock    time.Time
	printDir string
	svc      *weeding.Service
	set      *settings.Service
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{clock: day("2022-01-03")}
	dir := t.TempDir()
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "dsrdesk.db"), sqlite.Options{SealKey: testSealKey, Now: func() time.Time { return f.clock }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f.db, f.printDir = db, filepath.Join(dir, "print")
	if err := os.MkdirAll(f.printDir, 0o700); err != nil {
		t.Fatal(err)
	}
	f.set = settings.NewService(db, dsr.DefaultSettings())
	f.svc = weeding.NewService(weeding.Deps{Store: db, Settings: f.set.Settings, PrintDir: f.printDir, Now: func() time.Time { return f.clock }, Chunk: 2})
	return f
}

// answered adds a case received on the clock's day whose paper answer
// reached the person the same day, its letter in a batch of its own with
// a ZIP file in the print folder. It returns the batch id.
func (f *fixture) answered(t *testing.T, id string) string {
	t.Helper()
	ctx := context.Background()
	d := dsr.Day(f.clock)
	c := &dsr.Case{ID: id, Kinds: []dsr.Kind{dsr.KindAccess}, Status: dsr.StatusReceived, Channel: dsr.ChannelLetter,
		SubjectPNR: "198112189876", Language: "sv", ReceivedOn: d, TargetOn: d.AddDate(0, 1, 0), DueOn: d.AddDate(0, 1, 0)}
	if _, err := f.db.CreateCase(ctx, c, "h-"+id, "", "", dsr.Event(system, dsr.ActionCaseReceived, id, "channel=letter")); err != nil {
		t.Fatal(err)
	}
	l := &dsr.Letter{ID: "l-" + id, CaseID: id, MessageID: "m-" + id, Purpose: dsr.PurposeAnswer, Addressee: dsr.Addressee{Kind: dsr.AddresseeSubject},
		Key: id + ":answer", Subject: "Registerutdrag", AddressLines: []string{"Åsa Öberg"}, Postcode: "11346", Country: "SE", Pages: 1}
	if _, _, err := f.db.CreateLetter(ctx, l, []byte("%PDF-1.7"), func(*dsr.Case) ([]dsr.AuditEvent, error) { return nil, nil }); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.db.MoveLetter(ctx, l.ID, []dsr.LetterStatus{dsr.LetterPending}, dsr.LetterMove{Status: dsr.LetterQueued, Channel: dsr.DeliveryPostal}, none); err != nil {
		t.Fatal(err)
	}
	batch := "b-" + id
	if _, err := f.db.CreateBatch(ctx, batch, dsr.RouteOrdinary, system, func(int) dsr.AuditEvent { return dsr.Event(system, dsr.ActionBatchCreated, "", "") }); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.printDir, batch+".zip"), []byte("PK 198112189876"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.db.MoveLetter(ctx, l.ID, []dsr.LetterStatus{dsr.LetterBatched}, dsr.LetterMove{Status: dsr.LetterHandedOver}, none); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.UpdateCase(ctx, id, func(c *dsr.Case) ([]dsr.AuditEvent, error) {
		c.Status, c.Outcome, c.DecidedOn, c.AnsweredOn = dsr.StatusSent, dsr.CaseOutcome("answered"), &d, &d
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	return batch
}

func exists(path string) bool { _, err := os.Stat(path); return err == nil }

// TestRunWeedsByTheRetentionSetting: on 2026-11-23 with the default two
// years, the cases answered in 2022 and 2023 go with their batches and
// batch ZIPs (which hold identity numbers), in transactions of two cases,
// while this year's case and batch file stay, and a stray old ZIP with no
// batch goes too. A dry run says the same and changes nothing, not even
// the audit trail; the real run leaves one summary of counts, and the
// chain verifies. With retention_years set to 4, only 2022's would go.
func TestRunWeedsByTheRetentionSetting(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	var oldBatches []string
	for i, d := range []string{"2022-03-01", "2022-09-01", "2023-05-02"} {
		f.clock = day(d).Add(9 * time.Hour)
		oldBatches = append(oldBatches, f.answered(t, "old"+string(rune('a'+i))))
	}
	f.clock = day("2026-10-01").Add(9 * time.Hour)
	newBatch := f.answered(t, "new")
	stray := filepath.Join(f.printDir, "gone.zip")
	if err := os.WriteFile(stray, []byte("PK"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(stray, day("2023-01-01"), day("2023-01-01")); err != nil {
		t.Fatal(err)
	}
	for _, b := range oldBatches {
		p := filepath.Join(f.printDir, b+".zip")
		if err := os.Chtimes(p, day("2023-06-01"), day("2023-06-01")); err != nil {
			t.Fatal(err)
		}
	}
	f.clock = time.Date(2026, 11, 23, 3, 0, 0, 0, time.UTC)

	if _, err := f.set.Save(ctx, dsr.Settings{RequireSignOff: dsr.SignOffDefault, IdentityWaitDays: 30, RetentionYears: 4}, dsr.Actor{Kind: dsr.ActorStaff, ID: "a", Role: dsr.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	if sum, err := f.svc.Run(ctx, system, true); err != nil || sum.Cases != 2 || sum.BatchFiles != 2 || sum.RetentionYears != 4 {
		t.Fatalf("four years' retention would weed %+v, %v; want the two cases of 2022 and their batch files", sum, err)
	}
	if _, err := f.set.Save(ctx, dsr.Settings{RequireSignOff: dsr.SignOffDefault, IdentityWaitDays: 30, RetentionYears: 2}, dsr.Actor{Kind: dsr.ActorStaff, ID: "a", Role: dsr.RoleAdmin}); err != nil {
		t.Fatal(err)
	}

	before, _ := f.db.AuditEvents(ctx, "")
	dry, err := f.svc.Run(ctx, system, true)
	if err != nil {
		t.Fatal(err)
	}
	if dry.Cases != 3 || dry.Letters != 3 || dry.Batches != 3 || dry.BatchFiles != 4 || !dry.DryRun || dry.Cutoff.Format(dsr.DateLayout) != "2024-11-23" {
		t.Fatalf("dry run %+v", dry)
	}
	after, _ := f.db.AuditEvents(ctx, "")
	if len(after) != len(before) {
		t.Fatalf("the dry run wrote %d audit entries", len(after)-len(before))
	}
	for _, id := range []string{"olda", "oldb", "oldc", "new"} {
		if _, err := f.db.Case(ctx, id); err != nil {
			t.Fatalf("the dry run deleted %s", id)
		}
	}
	if !exists(stray) {
		t.Fatal("the dry run removed a file")
	}

	sum, err := f.svc.Run(ctx, system, false)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Cases != 3 || sum.Letters != 3 || sum.Batches != 3 || sum.BatchFiles != 4 {
		t.Fatalf("weeded %+v", sum)
	}
	for _, id := range []string{"olda", "oldb", "oldc"} {
		if _, err := f.db.Case(ctx, id); dsr.ErrorCode(err) != dsr.ENOTFOUND {
			t.Errorf("%s is still there: %v", id, err)
		}
	}
	if _, err := f.db.Case(ctx, "new"); err != nil {
		t.Errorf("this year's case went: %v", err)
	}
	for _, b := range oldBatches {
		if exists(filepath.Join(f.printDir, b+".zip")) {
			t.Errorf("%s.zip is still in the print folder", b)
		}
	}
	if exists(stray) || !exists(filepath.Join(f.printDir, newBatch+".zip")) {
		t.Errorf("stray file kept: %t; this year's batch file kept: %t", exists(stray), exists(filepath.Join(f.printDir, newBatch+".zip")))
	}
	events, _ := f.db.AuditEvents(ctx, "")
	var chunks, runs int
	for _, e := range events[len(after):] {
		switch e.Action {
		case dsr.ActionCasesWeeded:
			chunks++
		case dsr.ActionWeedingRun:
			runs++
			want := "retention_years=2 closed_before=2024-11-23 dry_run=false cases=3 letters=3"
			if !strings.HasPrefix(e.Detail, want) || e.Actor != "system:test" {
				t.Errorf("summary %q by %s, want it to start %q", e.Detail, e.Actor, want)
			}
		default:
			t.Errorf("unexpected entry %s", e.Action)
		}
		if strings.Contains(e.Detail, "198112189876") || strings.Contains(e.Detail, "Åsa") {
			t.Errorf("personal data in the audit trail: %q", e.Detail)
		}
	}
	if chunks != 2 || runs != 1 {
		t.Errorf("%d deleting transactions and %d summaries, want 2 (of two cases each at most) and 1", chunks, runs)
	}
	if n, err := audit.Verify(ctx, f.db); err != nil || n != len(events) {
		t.Fatalf("audit verify: %d of %d, %v", n, len(events), err)
	}

	// A second run finds nothing more, and says so in the audit trail.
	again, err := f.svc.Run(ctx, system, false)
	if err != nil || again.Cases != 0 || again.BatchFiles != 0 {
		t.Fatalf("second run %+v %v", again, err)
	}
}

// TestDailyRunsOnceADay: the background job's schedule says "due" the
// first time it is asked on a day and not again until the next day.
func TestDailyRunsOnceADay(t *testing.T) {
	var d weeding.Daily
	start := time.Date(2026, 11, 23, 0, 0, 1, 0, time.UTC)
	runs := 0
	for tick := start; tick.Before(start.Add(72 * time.Hour)); tick = tick.Add(2 * time.Second) {
		if d.Due(tick) {
			runs++
		}
	}
	if runs != 3 {
		t.Fatalf("%d runs in three days of ticks, want 3", runs)
	}
}
