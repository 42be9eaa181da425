package sqlite

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"dsrdesk/internal/dsr"
	"dsrdesk/migrations"
)

// TestDisablingEndsSessionsInTheSameTransaction: UpdateUser hands decide
// the enabled administrators counted inside the write, and a disabled
// account's sessions are gone when it commits.
func TestDisablingEndsSessionsInTheSameTransaction(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	ev := dsr.Event(dsr.SystemActor, dsr.ActionUserCreated, "", "")
	for _, u := range []dsr.User{{ID: "a1", Email: "a1@x.se", Name: "A", Role: dsr.RoleAdmin, PasswordHash: "h"},
		{ID: "a2", Email: "a2@x.se", Name: "B", Role: dsr.RoleAdmin, PasswordHash: "h"},
		{ID: "o1", Email: "o1@x.se", Name: "O", Role: dsr.RoleOfficer, PasswordHash: "h"}} {
		if err := db.CreateUser(ctx, &u, ev); err != nil {
			t.Fatal(err)
		}
	}
	expires := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	for _, s := range []dsr.Session{{TokenHash: "s-o1", Kind: dsr.ActorStaff, UserID: "o1", ExpiresAt: expires},
		{TokenHash: "s-a1", Kind: dsr.ActorStaff, UserID: "a1", ExpiresAt: expires}} {
		if err := db.CreateSession(ctx, &s, ev); err != nil {
			t.Fatal(err)
		}
	}
	var seen int
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	u, err := db.UpdateUser(ctx, "o1", func(u *dsr.User, admins int) ([]dsr.AuditEvent, error) {
		seen = admins
		u.DisabledAt = &at
		return []dsr.AuditEvent{dsr.Event(dsr.SystemActor, dsr.ActionUserDisabled, "", "user=o1")}, nil
	})
	if err != nil || seen != 2 || !u.Disabled() {
		t.Fatalf("disable: %+v admins=%d %v", u, seen, err)
	}
	if _, err := db.Session(ctx, "s-o1"); dsr.ErrorCode(err) != dsr.EUNAUTHORIZED {
		t.Fatalf("the disabled account's session survived: %v", err)
	}
	if _, err := db.Session(ctx, "s-a1"); err != nil {
		t.Fatalf("another account's session ended: %v", err)
	}
	if got, _ := db.UserByID(ctx, "o1"); got.DisabledAt == nil || !got.DisabledAt.Equal(at) {
		t.Fatalf("disabled_at read back as %v", got.DisabledAt)
	}
	// A disabled administrator is not counted; no events means no write.
	db.UpdateUser(ctx, "a2", func(u *dsr.User, _ int) ([]dsr.AuditEvent, error) {
		u.DisabledAt = &at
		return []dsr.AuditEvent{dsr.Event(dsr.SystemActor, dsr.ActionUserDisabled, "", "user=a2")}, nil
	})
	db.UpdateUser(ctx, "a1", func(u *dsr.User, admins int) ([]dsr.AuditEvent, error) {
		seen = admins
		u.Role = dsr.RoleOfficer
		return nil, nil
	})
	if got, _ := db.UserByID(ctx, "a1"); seen != 1 || got.Role != dsr.RoleAdmin {
		t.Fatalf("admins=%d, role %s: a decision without events must change nothing", seen, got.Role)
	}
	users, err := db.Users(ctx)
	if err != nil || len(users) != 3 || users[0].ID != "a1" || !users[1].Disabled() {
		t.Fatalf("users %+v %v", users, err)
	}
}

// TestTokensByOpaqueID: tokens are listed and revoked by their id, and a
// revoked token no longer finds its user.
func TestTokensByOpaqueID(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	ev := dsr.Event(dsr.SystemActor, dsr.ActionTokenCreated, "", "")
	if err := db.CreateUser(ctx, &dsr.User{ID: "o1", Email: "o1@x.se", Name: "O", Role: dsr.RoleOfficer, PasswordHash: "h"}, ev); err != nil {
		t.Fatal(err)
	}
	created := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for i, id := range []string{"t-old", "t-new"} {
		if err := db.CreateToken(ctx, dsr.APIToken{ID: id, UserID: "o1", CreatedAt: created.Add(time.Duration(i) * time.Hour)}, "hash-"+id, ev); err != nil {
			t.Fatal(err)
		}
	}
	list, err := db.Tokens(ctx, "o1")
	if err != nil || len(list) != 2 || list[0].ID != "t-new" || !list[1].CreatedAt.Equal(created) {
		t.Fatalf("tokens %+v %v", list, err)
	}
	at := created.Add(2 * time.Hour)
	tok, err := db.RevokeToken(ctx, "t-old", func(t *dsr.APIToken) ([]dsr.AuditEvent, error) {
		t.RevokedAt = &at
		return []dsr.AuditEvent{dsr.Event(dsr.SystemActor, dsr.ActionTokenRevoked, "", "")}, nil
	})
	if err != nil || tok.UserID != "o1" {
		t.Fatalf("revoke: %+v %v", tok, err)
	}
	if _, err := db.UserByToken(ctx, "hash-t-old"); dsr.ErrorCode(err) != dsr.ENOTFOUND {
		t.Fatalf("a revoked token still finds its user: %v", err)
	}
	if u, err := db.UserByToken(ctx, "hash-t-new"); err != nil || u.ID != "o1" {
		t.Fatalf("the other token: %v", err)
	}
	if _, err := db.RevokeToken(ctx, "t-none", func(*dsr.APIToken) ([]dsr.AuditEvent, error) { return nil, nil }); dsr.ErrorCode(err) != dsr.ENOTFOUND {
		t.Fatalf("an unknown token: %v", err)
	}
}

// TestTokensMadeBeforeIDsGetOne: migration 0008 gives every token made
// before it an id, so that an administrator can revoke it too.
func TestTokensMadeBeforeIDsGetOne(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dsrdesk.db")
	before := fstest.MapFS{}
	names, _ := fs.Glob(migrations.FS, "*.sql")
	for _, n := range names {
		if n < "0008" {
			b, _ := fs.ReadFile(migrations.FS, n)
			before[n] = &fstest.MapFile{Data: b}
		}
	}
	w, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	old := &DB{w: w, now: time.Now}
	if err := old.migrate(ctx, before); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO users (id, email, name, role, password_hash, created_at) VALUES ('u1', 'a@b.se', 'A', 'officer', 'h', '2026-01-01')`,
		`INSERT INTO api_tokens (token_hash, user_id, created_at) VALUES ('t1', 'u1', '2026-01-01')`,
		`INSERT INTO api_tokens (token_hash, user_id, created_at) VALUES ('t2', 'u1', '2026-01-02')`,
	} {
		if _, err := w.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	db, err := Open(ctx, path, Options{SealKey: testSealKey})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	list, err := db.Tokens(ctx, "u1")
	if err != nil || len(list) != 2 || list[0].ID == "" || list[1].ID == "" || list[0].ID == list[1].ID {
		t.Fatalf("tokens after the upgrade: %+v %v", list, err)
	}
}
