package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"dsrdesk/internal/dsr"
	"dsrdesk/migrations"
)

var officer = dsr.Actor{Kind: dsr.ActorStaff, ID: "u1", Role: dsr.RoleOfficer}

func received(c *dsr.Case) dsr.AuditEvent {
	return dsr.Event(officer, dsr.ActionCaseReceived, c.ID, "channel=letter")
}

// allow is a decision that lets a change through and records it.
func allow(action dsr.AuditAction) func(*dsr.Case) ([]dsr.AuditEvent, error) {
	return func(c *dsr.Case) ([]dsr.AuditEvent, error) {
		return []dsr.AuditEvent{dsr.Event(officer, action, c.ID, "")}, nil
	}
}

// mustOpen opens a store in a temporary file with a fixed clock.
func mustOpen(tb testing.TB) (*DB, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "dsrdesk.db")
	db, err := Open(context.Background(), path, Options{SealKey: testSealKey, Now: func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) }})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db, path
}

func newCase(id string, received time.Time) *dsr.Case {
	return &dsr.Case{ID: id, Kinds: []dsr.Kind{dsr.KindAccess}, Status: dsr.StatusReceived, Channel: dsr.ChannelLetter,
		SubjectPNR: "198112189876", Language: "sv", ReceivedOn: received, TargetOn: received.AddDate(0, 1, 0), DueOn: received.AddDate(0, 1, 0)}
}

func TestMigrationsRunOnceAndReopen(t *testing.T) {
	db, path := mustOpen(t)
	v, err := db.SchemaVersion(context.Background())
	if err != nil || v < 1 {
		t.Fatalf("schema version %d, %v", v, err)
	}
	db.Close()
	again, err := Open(context.Background(), path, Options{SealKey: testSealKey})
	if err != nil {
		t.Fatalf("reopening a migrated store: %v", err)
	}
	defer again.Close()
	if v2, _ := again.SchemaVersion(context.Background()); v2 != v {
		t.Fatalf("version changed on reopen: %d → %d", v, v2)
	}
}

func TestCaseNumbersAreUniquePerYearUnderConcurrency(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[string]bool{}
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c := newCase(strings.Repeat("0", 7)+string(rune('a'+i%26))+string(rune('a'+i/26)), time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC))
			if _, err := db.CreateCase(ctx, c, "hmac", "", "", received(c)); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			seen[c.Number] = true
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	if len(seen) != 40 || !seen["DSR-2026-000001"] || !seen["DSR-2026-000040"] {
		t.Fatalf("numbers %v", seen)
	}
	c := newCase("next-year", time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC))
	if _, err := db.CreateCase(ctx, c, "hmac", "", "", received(c)); err != nil || c.Number != "DSR-2027-000001" {
		t.Fatalf("first case of 2027 numbered %q, %v", c.Number, err)
	}
}

func TestEveryCaseReadIsAuditedAndTheChainHolds(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	c := newCase("c1", time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
	if _, err := db.CreateCase(ctx, c, "hmac", "", "", received(c)); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, err := db.ReadCase(ctx, "c1", dsr.Event(officer, dsr.ActionCaseRead, "c1", "")); err != nil {
			t.Fatal(err)
		}
	}
	// A service's own read is not a person reading the case.
	if _, err := db.Case(ctx, "c1"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ReadCase(ctx, "nope", dsr.Event(officer, dsr.ActionCaseRead, "nope", "")); dsr.ErrorCode(err) != dsr.ENOTFOUND {
		t.Fatalf("unknown case: %v", err)
	}
	events, err := db.AuditEvents(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	reads := 0
	for _, e := range events {
		if e.Action == dsr.ActionCaseRead && e.Actor == "staff:u1" {
			reads++
		}
	}
	if reads != 3 || events[0].Action != dsr.ActionCaseReceived || !strings.HasPrefix(events[0].Detail, "number=DSR-2026-") {
		t.Fatalf("audit for c1: %+v", events)
	}
	all, _ := db.AuditEvents(ctx, "")
	if _, err := dsr.VerifyChain(all); err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.ExecContext(ctx, `UPDATE audit_events SET detail = 'x' WHERE seq = 1`); err == nil {
		t.Fatal("an audit entry could be changed")
	}
	if _, err := db.w.ExecContext(ctx, `DELETE FROM audit_events`); err == nil {
		t.Fatal("audit entries could be deleted")
	}
}

func answer(id, caseID, messageID string) *dsr.Letter {
	return &dsr.Letter{ID: id, CaseID: caseID, MessageID: messageID, Purpose: dsr.PurposeAnswer,
		Addressee: dsr.Addressee{Kind: dsr.AddresseeSubject}, Key: caseID + ":answer", Subject: "Registerutdrag",
		AddressLines: []string{"Åsa"}, Postcode: "11346", Country: "SE", Pages: 2}
}

func TestLettersAreNeverWrittenOrSettledTwice(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	c := newCase("c1", time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
	if _, err := db.CreateCase(ctx, c, "hmac", "", "", received(c)); err != nil {
		t.Fatal(err)
	}
	refuse := func(*dsr.Case) ([]dsr.AuditEvent, error) {
		return nil, dsr.Errorf(dsr.ECONFLICT, "case.not_assembled", "no")
	}
	if _, _, err := db.CreateLetter(ctx, answer("l0", "c1", "m0"), []byte("%PDF"), refuse); dsr.ErrorCode(err) != dsr.ECONFLICT {
		t.Fatalf("a refused letter: %v", err)
	}
	first, created, err := db.CreateLetter(ctx, answer("l1", "c1", "m1"), []byte("%PDF-1.7 x"), allow(dsr.ActionLetterPrepared))
	if err != nil || !created || first.Status != dsr.LetterPending || first.CaseNumber != c.Number {
		t.Fatalf("first letter = %+v, %t, %v", first, created, err)
	}
	// A retry after a crash makes a new draft with new ids: it must get the first letter back.
	second, created, err := db.CreateLetter(ctx, answer("l2", "c1", "m2"), []byte("%PDF"), allow(dsr.ActionLetterPrepared))
	if err != nil || created || second.ID != "l1" || second.MessageID != "m1" {
		t.Fatalf("second letter = %+v, %t, %v", second, created, err)
	}
	// A notice has a key of its own and may sit beside the answer.
	notice := answer("l3", "c1", "m3")
	notice.Purpose, notice.Key = dsr.PurposeExtensionNotice, "c1:extension_notice"
	if _, created, err := db.CreateLetter(ctx, notice, []byte("%PDF"), allow(dsr.ActionLetterPrepared)); err != nil || !created {
		t.Fatalf("a notice beside the answer: %t, %v", created, err)
	}
	sent := func(c *dsr.Case, l *dsr.Letter) ([]dsr.AuditEvent, error) {
		c.Status = dsr.StatusSent
		return []dsr.AuditEvent{dsr.Event(officer, dsr.ActionLetterQueued, c.ID, "")}, nil
	}
	pendingOrSending := []dsr.LetterStatus{dsr.LetterPending, dsr.LetterSending}
	l, moved, err := db.MoveLetter(ctx, "l1", pendingOrSending, dsr.LetterMove{Status: dsr.LetterQueued, Channel: dsr.DeliveryPostal, Detail: "not reachable"}, sent)
	if err != nil || !moved || l.Status != dsr.LetterQueued || l.Receipt != "l1" {
		t.Fatalf("settle = %+v, %v", l, err)
	}
	if got, _ := db.Case(ctx, "c1"); got.Status != dsr.StatusSent {
		t.Fatalf("the decision did not move the case: %s", got.Status)
	}
	again, moved, err := db.MoveLetter(ctx, "l1", pendingOrSending, dsr.LetterMove{Status: dsr.LetterDelivered, Channel: dsr.DeliveryDigital, Receipt: "tx"}, sent)
	if err != nil || moved || again.Channel != dsr.DeliveryPostal {
		t.Fatalf("a settled letter changed: %+v, %v", again, err)
	}
	if h, _ := db.LetterHistories(ctx, "c1"); len(h["l1"]) != 2 || h["l1"][0].Status != dsr.LetterPending || h["l1"][1].Detail != "not reachable" {
		t.Fatalf("the letter's history: %+v", h["l1"])
	}
	if letters, _ := db.CaseLetters(ctx, "c1"); len(letters) != 2 {
		t.Fatalf("%d letters, want the answer and the notice", len(letters))
	}
	printer := dsr.Actor{Kind: dsr.ActorStaff, ID: "p", Role: dsr.RolePrint}
	record := func(n int) dsr.AuditEvent { return dsr.Event(printer, dsr.ActionBatchCreated, "", "") }
	b, err := db.CreateBatch(ctx, "b1", dsr.RouteOrdinary, printer, record)
	if err != nil || b.Count != 1 {
		t.Fatalf("batch = %+v, %v", b, err)
	}
	if _, err := db.CreateBatch(ctx, "b2", dsr.RouteOrdinary, printer, record); dsr.ErrorCode(err) != dsr.ECONFLICT {
		t.Fatalf("an empty batch: %v", err)
	}
	if bs, _ := db.Batches(ctx, 10); len(bs) != 1 || bs[0].Count != 1 || bs[0].Route != dsr.RouteOrdinary {
		t.Fatalf("batches = %+v, want only the first, with its letter", bs)
	}
}

func TestUpdateCaseSavesTheDecisionOrNothing(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	c := newCase("c1", time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
	if _, err := db.CreateCase(ctx, c, "hmac", "", "", received(c)); err != nil {
		t.Fatal(err)
	}
	before, _ := db.AuditEvents(ctx, "c1")
	_, err := db.UpdateCase(ctx, "c1", func(c *dsr.Case) ([]dsr.AuditEvent, error) {
		c.Status = dsr.StatusClosed
		return nil, dsr.Errorf(dsr.ECONFLICT, "x", "refused")
	})
	after, _ := db.AuditEvents(ctx, "c1")
	if got, _ := db.Case(ctx, "c1"); dsr.ErrorCode(err) != dsr.ECONFLICT || got.Status != dsr.StatusReceived || len(after) != len(before) {
		t.Fatalf("a refused change was saved: %v, status %s", err, got.Status)
	}
	ext := time.Date(2027, 2, 22, 0, 0, 0, 0, time.UTC)
	got, err := db.UpdateCase(ctx, "c1", func(c *dsr.Case) ([]dsr.AuditEvent, error) {
		c.ExtendedDueOn, c.ExtensionReason = &ext, "Många register"
		return []dsr.AuditEvent{dsr.Event(officer, dsr.ActionCaseExtended, c.ID, "")}, nil
	})
	if err != nil || got.ExtendedDueOn == nil {
		t.Fatal(err)
	}
	if read, _ := db.Case(ctx, "c1"); read.ExtendedDueOn == nil || !read.ExtendedDueOn.Equal(ext) || read.ExtensionReason != "Många register" {
		t.Fatalf("extension not saved: %+v", read)
	}
}

// TestVocabularyIsData: the statuses, purposes and roles the program knows
// are rows the columns reference, so that an unknown one is refused by the
// database and a new one needs no table rebuild.
func TestVocabularyIsData(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	c := newCase("c1", time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
	if _, err := db.CreateCase(ctx, c, "hmac", "", "", received(c)); err != nil {
		t.Fatal(err)
	}
	for _, st := range dsr.Statuses {
		if _, err := db.w.ExecContext(ctx, `UPDATE cases SET status = ? WHERE id = 'c1'`, st); err != nil {
			t.Errorf("status %s refused: %v", st, err)
		}
	}
	if _, err := db.w.ExecContext(ctx, `UPDATE cases SET status = 'lost' WHERE id = 'c1'`); err == nil {
		t.Error("an unknown status was accepted")
	}
	var roles int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM roles`).Scan(&roles); err != nil || roles != len(dsr.Roles) {
		t.Errorf("%d roles in the store, the program knows %d (%v)", roles, len(dsr.Roles), err)
	}
}

// TestUpgradeFromTheSkeleton opens a store made by the first two migrations,
// with a sent answer in it, and checks that the reshaped letters keep it.
func TestUpgradeFromTheSkeleton(t *testing.T) {
	ctx := context.Background()
	var stmts []string
	for _, name := range []string{"0001_init.sql", "0002_request_key.sql"} {
		b, err := migrations.FS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		stmts = append(stmts, string(b))
	}
	fresh := filepath.Join(t.TempDir(), "skeleton.db")
	sk, err := sqlOpenForTest(fresh)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range stmts {
		if _, err := sk.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{
		`PRAGMA user_version = 2`,
		`INSERT INTO users (id, email, name, role, password_hash, created_at) VALUES ('u1', 'a@b.se', 'A', 'officer', 'h', '2026-01-01')`,
		`INSERT INTO api_tokens (token_hash, user_id, created_at) VALUES ('t1', 'u1', '2026-01-01')`,
		`INSERT INTO cases (id, number, kinds, status, channel, subject_pnr, subject_hmac, language, received_on, target_on, due_on, created_at, updated_at)
			VALUES ('c1', 'DSR-2026-000001', '["access"]', 'sent', 'letter', '198112189876', 'h', 'sv', '2026-11-01', '2026-12-01', '2026-12-01', 'x', 'x')`,
		`INSERT INTO extracts (case_id, pdf, pages, sha256, summary, assembled_at, assembled_by) VALUES ('c1', x'25', 1, 's', '[]', 'x', 'u1')`,
		`INSERT INTO letters (id, case_id, channel, status, message_id, pdf, pages, sha256, created_at, updated_at)
			VALUES ('l1', 'c1', 'postal', 'queued', 'm1', x'25', 1, 's', 'x', 'x')`,
	} {
		if _, err := sk.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	sk.Close()
	db, err := Open(ctx, fresh, Options{SealKey: testSealKey})
	if err != nil {
		t.Fatalf("upgrading the skeleton's store: %v", err)
	}
	defer db.Close()
	l, err := db.LetterByKey(ctx, "c1:answer")
	if err != nil || l.ID != "l1" || l.Purpose != dsr.PurposeAnswer || l.Subject != "Registerutdrag från Försäkringskassan, DSR-2026-000001" || l.Status != dsr.LetterQueued {
		t.Fatalf("the old answer after the upgrade: %+v, %v", l, err)
	}
	if u, err := db.UserByToken(ctx, "t1"); err != nil || u.ID != "u1" {
		t.Fatalf("the API token did not survive the rebuild of users: %v", err)
	}
}

func TestRequestKeyMakesCreateIdempotent(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	first := newCase("c1", time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
	if created, err := db.CreateCase(ctx, first, "hmac", "", "individual:p1:k1", received(first)); err != nil || !created {
		t.Fatalf("first: %t %v", created, err)
	}
	again := newCase("c2", time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
	created, err := db.CreateCase(ctx, again, "hmac", "", "individual:p1:k1", received(again))
	if err != nil || created || again.ID != "c1" || again.Number != first.Number {
		t.Fatalf("repeat: created=%t case %s %s, %v", created, again.ID, again.Number, err)
	}
	other := newCase("c3", time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
	if created, err := db.CreateCase(ctx, other, "hmac", "", "individual:p1:k2", received(other)); err != nil || !created || other.Number == first.Number {
		t.Fatalf("another key: %t %v", created, err)
	}
	if page, _ := db.ListCases(ctx, dsr.CaseFilter{}); page.Total != 2 {
		t.Fatalf("%d cases, want 2", page.Total)
	}
}

func sqlOpenForTest(path string) (*sql.DB, error) {
	return sql.Open("sqlite3", "file:"+path)
}

// TestQueuesPageByPosition: every queue lists its cases in deadline order
// and pages through all of them by cursor, each case once; and each
// queue's query is read from an index in that order, never a scan or sort
// of the table.
func TestQueuesPageByPosition(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	today := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	statuses := []dsr.Status{dsr.StatusReceived, dsr.StatusAssembled, dsr.StatusSent, dsr.StatusClosed}
	for i := range 250 {
		c := newCase(fmt.Sprintf("c%03d", i), today.AddDate(0, 0, -60+i%90))
		c.Status = statuses[i%4]
		if i%5 == 0 {
			c.AssignedTo = "u1"
		}
		// A sent case is answered when its letter reached the person; one
		// whose letter came back is open again, in the returned queue.
		if c.Status == dsr.StatusSent && i%3 != 0 {
			on := c.ReceivedOn.AddDate(0, 0, 3)
			c.AnsweredOn = &on
			if i%7 == 0 {
				c.SetFlag(dsr.FlagReturnedMail, true)
			}
		}
		if _, err := db.CreateCase(ctx, c, "hmac", "", "", received(c)); err != nil {
			t.Fatal(err)
		}
	}
	count := func(q dsr.Queue, assignee string) (seen []string) {
		var cur dsr.Cursor
		for range 100 {
			page, err := db.ListCases(ctx, dsr.CaseFilter{Queue: q, Assignee: assignee, Today: today, Cursor: cur, Limit: 17})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page.Cases {
				seen = append(seen, dsr.FormatDate(c.EffectiveDue())+" "+c.Number)
			}
			if page.Next.IsZero() {
				if len(seen) != page.Total {
					t.Errorf("%s: paged through %d cases, the total says %d", q, len(seen), page.Total)
				}
				return seen
			}
			cur = page.Next
		}
		t.Fatalf("%s: more than 100 pages", q)
		return nil
	}
	want := map[dsr.Queue]func(c *dsr.Case) bool{
		dsr.QueueOpen: func(c *dsr.Case) bool {
			return c.Status != dsr.StatusClosed && (c.AnsweredOn == nil || c.HasFlag(dsr.FlagReturnedMail))
		},
		dsr.QueueOverdue: func(c *dsr.Case) bool { return c.Open() && c.EffectiveDue().Before(today) },
		dsr.QueueDueSoon: func(c *dsr.Case) bool {
			return c.Open() && !c.EffectiveDue().Before(today) && !c.EffectiveDue().After(today.AddDate(0, 0, 7))
		},
		dsr.QueueMine:       func(c *dsr.Case) bool { return c.Open() && c.AssignedTo == "u1" },
		dsr.QueueUnassigned: func(c *dsr.Case) bool { return c.Open() && c.AssignedTo == "" },
		dsr.QueueReturned:   func(c *dsr.Case) bool { return c.Status != dsr.StatusClosed && c.HasFlag(dsr.FlagReturnedMail) },
		dsr.QueueClosed:     func(c *dsr.Case) bool { return !c.Open() },
	}
	all, err := db.ListCases(ctx, dsr.CaseFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for q, in := range want {
		seen := count(q, "u1")
		var expect []string
		for _, c := range all.Cases {
			if in(c) {
				expect = append(expect, dsr.FormatDate(c.EffectiveDue())+" "+c.Number)
			}
		}
		sort.Strings(expect)
		if q == dsr.QueueClosed {
			sort.Sort(sort.Reverse(sort.StringSlice(expect)))
		}
		if strings.Join(seen, ",") != strings.Join(expect, ",") || len(expect) == 0 {
			t.Errorf("%s: %d cases in the wrong order or set, want %d", q, len(seen), len(expect))
		}
	}
	for _, plan := range []struct{ name, q string }{
		{"open", `SELECT id FROM cases WHERE open = 1 AND (due_effective, number) > ('2026-01-01', 'DSR') ORDER BY due_effective, number LIMIT 101`},
		{"overdue", `SELECT id FROM cases WHERE open = 1 AND due_effective < '2026-11-23' ORDER BY due_effective, number LIMIT 101`},
		{"mine", `SELECT id FROM cases WHERE assigned_to = 'u1' AND open = 1 ORDER BY due_effective, number LIMIT 101`},
		{"closed", `SELECT id FROM cases WHERE open = 0 ORDER BY due_effective DESC, number DESC LIMIT 101`},
	} {
		rows, err := db.r.QueryContext(ctx, `EXPLAIN QUERY PLAN `+plan.q)
		if err != nil {
			t.Fatal(err)
		}
		var steps []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			rows.Scan(&id, &parent, &notused, &detail)
			steps = append(steps, detail)
		}
		rows.Close()
		p := strings.Join(steps, "; ")
		if !strings.Contains(p, "USING INDEX cases_") || strings.Contains(p, "TEMP B-TREE") || strings.Contains(p, "SCAN cases") && !strings.Contains(p, "USING INDEX") {
			t.Errorf("%s: query plan %q does not read the queue from its index", plan.name, p)
		}
	}
}

func TestSettings(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	def := dsr.DefaultSettings()
	got, err := db.Settings(ctx, def)
	if err != nil || got != def {
		t.Fatalf("settings of a new store = %+v, %v; want the defaults", got, err)
	}
	set := dsr.Settings{RequireSignOff: dsr.SignOffAll, PauseClockForIdentity: true, IdentityWaitDays: 14}
	if err := db.SaveSettings(ctx, set, "staff:a1", dsr.AuditEvent{Actor: "staff:a1", Action: "settings.changed"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Settings(ctx, def); got != set {
		t.Errorf("settings = %+v, want %+v", got, set)
	}
}
