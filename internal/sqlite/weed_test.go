package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dsrdesk/internal/dsr"
)

// weedTables are the tables that hold a case and what is filed with it.
var weedTables = []struct{ table, byCase string }{
	{"cases", "id = ?"},
	{"letters", "case_id = ?"},
	{"letter_events", "letter_id IN (SELECT id FROM letters WHERE case_id = ?)"},
	{"notes", "case_id = ?"},
	{"attachments", "case_id = ?"},
	{"extracts", "case_id = ?"},
}

func rowsOf(t *testing.T, db *DB, caseID string) int {
	t.Helper()
	n := 0
	for _, tb := range weedTables {
		var k int
		if err := db.r.QueryRow(`SELECT count(*) FROM `+tb.table+` WHERE `+tb.byCase, caseID).Scan(&k); err != nil {
			t.Fatal(err)
		}
		n += k
	}
	return n
}

func tableSizes(t *testing.T, db *DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, tb := range append(weedTables, struct{ table, byCase string }{"print_batches", ""}, struct{ table, byCase string }{"audit_events", ""}) {
		var k int
		if err := db.r.QueryRow(`SELECT count(*) FROM ` + tb.table).Scan(&k); err != nil {
			t.Fatal(err)
		}
		out[tb.table] = k
	}
	return out
}

// TestWeedingDeletesOnlyClosedCasesPastRetention: with two years' retention
// on 2026-11-23, a case answered in 2023 and one closed without an answer
// in 2023 go with their letters, PDFs, history, notes, attachments,
// extract and their emptied print batch; a case still open since 2022, a
// case answered this year and an old case with a note of this year stay.
// A preview counts the same and changes nothing; the queue totals and
// statistics still match the cases left; the audit chain still verifies.
func TestWeedingDeletesOnlyClosedCasesPastRetention(t *testing.T) {
	ctx := context.Background()
	clock := time.Date(2023, 1, 10, 9, 0, 0, 0, time.UTC)
	db, err := Open(ctx, filepath.Join(t.TempDir(), "dsrdesk.db"), Options{SealKey: testSealKey, Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	day := func(s string) time.Time { d, _ := time.Parse(dsr.DateLayout, s); return d }
	pdf := []byte("%PDF-1.7 Registerutdrag för Åsa Öberg")
	// file files a case received on the clock's day, with a note, an
	// attachment, an extract and an answer letter sent on paper.
	file := func(id string) {
		t.Helper()
		c := newCase(id, dsr.Day(clock))
		if _, err := db.CreateCase(ctx, c, "hmac-"+id, "", "", received(c)); err != nil {
			t.Fatal(err)
		}
		if err := db.AddNote(ctx, &dsr.Note{ID: "n-" + id, CaseID: id, Actor: "staff:u1", Body: "Ringde Åsa"}, allow(dsr.ActionNoteAdded)); err != nil {
			t.Fatal(err)
		}
		a := &dsr.Attachment{ID: "a-" + id, CaseID: id, Purpose: dsr.AttachmentPurpose("request"), Filename: "begaran.pdf", ContentType: "application/pdf",
			Size: int64(len(pdf)), SHA256: "x", Content: pdf, Actor: "staff:u1", At: clock}
		if err := db.AddAttachment(ctx, a, allow(dsr.ActionAttachmentAdded)); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveExtract(ctx, id, dsr.SavedExtract{PDF: pdf}, officer, allow(dsr.ActionCaseRead)); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.CreateLetter(ctx, answer("l-"+id, id, "m-"+id), pdf, allow(dsr.ActionLetterPrepared)); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.MoveLetter(ctx, "l-"+id, []dsr.LetterStatus{dsr.LetterPending}, dsr.LetterMove{Status: dsr.LetterQueued, Channel: dsr.DeliveryPostal},
			func(*dsr.Case, *dsr.Letter) ([]dsr.AuditEvent, error) { return nil, nil }); err != nil {
			t.Fatal(err)
		}
	}
	// settle hands the case's letter to the post and records the answer.
	settle := func(id string) {
		t.Helper()
		if _, _, err := db.MoveLetter(ctx, "l-"+id, []dsr.LetterStatus{dsr.LetterQueued, dsr.LetterBatched}, dsr.LetterMove{Status: dsr.LetterHandedOver},
			func(*dsr.Case, *dsr.Letter) ([]dsr.AuditEvent, error) { return nil, nil }); err != nil {
			t.Fatal(err)
		}
		if _, err := db.UpdateCase(ctx, id, func(c *dsr.Case) ([]dsr.AuditEvent, error) {
			d := dsr.Day(clock)
			c.Status, c.Outcome, c.DecidedOn, c.AnsweredOn = dsr.StatusSent, dsr.CaseOutcome("answered"), &d, &d
			return allow(dsr.ActionLetterHandedOver)(c)
		}); err != nil {
			t.Fatal(err)
		}
	}
	printer := dsr.Actor{Kind: dsr.ActorStaff, ID: "p", Role: dsr.RolePrint}
	batch := func(id string) {
		t.Helper()
		if _, err := db.CreateBatch(ctx, id, dsr.RouteOrdinary, printer, func(int) dsr.AuditEvent { return dsr.Event(printer, dsr.ActionBatchCreated, "", "") }); err != nil {
			t.Fatal(err)
		}
	}

	file("old")
	batch("b-2023") // only the first case's letter
	file("old-noted")
	clock = day("2023-02-01").Add(10 * time.Hour)
	settle("old")
	settle("old-noted")
	c := newCase("old-refused", day("2023-02-01"))
	if _, err := db.CreateCase(ctx, c, "hmac-r", "", "", received(c)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateCase(ctx, "old-refused", func(c *dsr.Case) ([]dsr.AuditEvent, error) {
		d := day("2023-03-01")
		c.Status, c.Outcome, c.DecidedOn = dsr.StatusClosed, dsr.CaseOutcome("refused"), &d
		return allow(dsr.ActionCaseRead)(c)
	}); err != nil {
		t.Fatal(err)
	}
	clock = day("2022-05-05")
	c = newCase("old-open", day("2022-05-05"))
	if _, err := db.CreateCase(ctx, c, "hmac-o", "", "", received(c)); err != nil {
		t.Fatal(err)
	}
	clock = day("2026-06-01").Add(9 * time.Hour)
	file("new")
	batch("b-2026")
	settle("new")
	clock = day("2025-02-01").Add(9 * time.Hour)
	if err := db.AddNote(ctx, &dsr.Note{ID: "n2", CaseID: "old-noted", Actor: "staff:u1", Body: "Klagomål till IMY"}, allow(dsr.ActionNoteAdded)); err != nil {
		t.Fatal(err)
	}

	clock = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	cutoff := dsr.WeedCutoff(clock, 2)
	if cutoff.Format(dsr.DateLayout) != "2024-11-23" {
		t.Fatalf("cutoff %s", cutoff)
	}
	before := tableSizes(t, db)
	preview, _, err := db.WeedPreview(ctx, cutoff)
	if err != nil {
		t.Fatal(err)
	}
	if preview.Cases != 2 || preview.Letters != 1 || preview.Notes != 1 || preview.Attachments != 1 || preview.Extracts != 1 || preview.Batches != 1 {
		t.Fatalf("preview %+v", preview)
	}
	if got := tableSizes(t, db); !equalSizes(got, before) {
		t.Fatalf("the preview changed the store: %v, was %v", got, before)
	}

	var total dsr.WeedCounts
	var old []string
	for {
		c, batches, err := db.WeedCases(ctx, cutoff, 1, func(c dsr.WeedCounts) dsr.AuditEvent {
			return dsr.Event(dsr.SystemActor, dsr.ActionCasesWeeded, "", c.String())
		})
		if err != nil {
			t.Fatal(err)
		}
		total, old = total.Add(c), batches
		if c.Cases == 0 {
			break
		}
	}
	if total.Cases != preview.Cases || total.Letters != preview.Letters || total.LetterEvents != preview.LetterEvents ||
		total.Notes != preview.Notes || total.Attachments != preview.Attachments || total.Extracts != preview.Extracts || total.Batches != 1 {
		t.Fatalf("weeded %+v, the preview said %+v", total, preview)
	}
	if len(old) != 0 {
		t.Fatalf("batches made before the cutoff still there: %v", old)
	}
	for _, id := range []string{"old", "old-refused"} {
		if n := rowsOf(t, db, id); n != 0 {
			t.Errorf("%s: %d rows left", id, n)
		}
		if _, err := db.Case(ctx, id); dsr.ErrorCode(err) != dsr.ENOTFOUND {
			t.Errorf("%s still found: %v", id, err)
		}
	}
	for _, id := range []string{"old-open", "new", "old-noted"} {
		if _, err := db.Case(ctx, id); err != nil {
			t.Errorf("%s was weeded: %v", id, err)
		}
	}
	if n := rowsOf(t, db, "new"); n < 6 {
		t.Errorf("this year's case lost rows: %d left", n)
	}
	if _, err := db.Batch(ctx, "b-2023"); dsr.ErrorCode(err) != dsr.ENOTFOUND {
		t.Errorf("the emptied 2023 batch is still there: %v", err)
	}
	if _, err := db.Batch(ctx, "b-2026"); err != nil {
		t.Errorf("this year's batch went: %v", err)
	}
	sameCounts(t, db, "after weeding")
	events, err := db.AuditEvents(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dsr.VerifyChain(events); err != nil {
		t.Fatalf("audit chain after weeding: %v", err)
	}
	weeded := 0
	for _, e := range events {
		if e.Action == dsr.ActionCasesWeeded {
			weeded++
			if strings.Contains(e.Detail, "1981") || strings.Contains(e.Detail, "Åsa") || e.CaseID != "" {
				t.Errorf("a weeding entry names a person or case: %+v", e)
			}
		}
	}
	if weeded != 2 {
		t.Errorf("%d weeding entries, want one per transaction that deleted", weeded)
	}
	var check string
	if err := db.r.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q %v", check, err)
	}
	var fk int
	if err := db.r.QueryRow(`SELECT count(*) FROM pragma_foreign_key_check`).Scan(&fk); err != nil || fk != 0 {
		t.Fatalf("foreign keys: %d broken, %v", fk, err)
	}
	if again, _, _ := db.WeedPreview(ctx, cutoff); again != (dsr.WeedCounts{}) {
		t.Fatalf("a second run would weed %+v", again)
	}
}

func equalSizes(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
