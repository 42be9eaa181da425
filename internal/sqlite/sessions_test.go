package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"dsrdesk/internal/dsr"
)

// TestActiveSessionIdleAndTouch: a session ends after idle without use,
// and its last use is written only when the stored one is touchEvery old,
// so a request within the minute neither costs a write nor extends it.
func TestActiveSessionIdleAndTouch(t *testing.T) {
	start := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	now := start
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "dsrdesk.db"), Options{SealKey: testSealKey, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	ev := dsr.Event(dsr.SystemActor, dsr.ActionSignedIn, "", "kind=individual")
	for _, h := range []string{"a", "b"} {
		s := dsr.Session{TokenHash: h, Kind: dsr.ActorIndividual, SubjectRef: "p-1", ExpiresAt: start.Add(8 * time.Hour)}
		if err := db.CreateSession(ctx, &s, ev); err != nil {
			t.Fatal(err)
		}
	}
	lastSeen := func(h string) string {
		var v string
		if err := db.r.QueryRowContext(ctx, `SELECT last_seen FROM sessions WHERE token_hash = ?`, h).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	use := func(h string) error {
		_, err := db.ActiveSession(ctx, h, 30*time.Minute, time.Minute)
		return err
	}

	now = start.Add(40 * time.Second)
	if err := use("a"); err != nil || lastSeen("a") != "" {
		t.Fatalf("40 s after sign-in: %v, last_seen %q (want no write)", err, lastSeen("a"))
	}
	now = start.Add(2 * time.Minute)
	if err := use("a"); err != nil || lastSeen("a") != fmtTime(now) {
		t.Fatalf("2 min after sign-in: %v, last_seen %q", err, lastSeen("a"))
	}
	now = start.Add(31 * time.Minute)
	if err := use("a"); err != nil {
		t.Fatalf("29 min after the last use: %v", err)
	}
	if err := use("b"); dsr.ErrorCode(err) != dsr.EUNAUTHORIZED {
		t.Fatalf("31 min without use: %v, want the session ended", err)
	}
	now = start.Add(8 * time.Hour)
	if _, err := db.ActiveSession(ctx, "a", 0, time.Minute); dsr.ErrorCode(err) != dsr.EUNAUTHORIZED {
		t.Fatalf("at the absolute expiry, without an idle limit: %v", err)
	}
}
