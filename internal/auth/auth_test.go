package auth_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"dsrdesk/internal/auth"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/sqlite"
)

func newService(t *testing.T, now *time.Time) *auth.Service {
	t.Helper()
	clock := func() time.Time { return *now }
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "dsrdesk.db"), sqlite.Options{SealKey: testSealKey, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return auth.NewService(db, clock, auth.Config{SessionTTL: time.Hour, LoginRate: rate.Every(time.Minute), LoginBurst: 3})
}

func TestPasswordHash(t *testing.T) {
	h, err := auth.HashPassword("rätt lösenord med åäö")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("hash %q is not argon2id in PHC format", h)
	}
	if ok, err := auth.CheckPassword(h, "rätt lösenord med åäö"); !ok || err != nil {
		t.Fatalf("the right password: %t %v", ok, err)
	}
	if ok, _ := auth.CheckPassword(h, "rätt lösenord med aao"); ok {
		t.Fatal("a wrong password matched")
	}
	if h2, _ := auth.HashPassword("rätt lösenord med åäö"); h2 == h {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	if _, err := auth.CheckPassword("$2a$10$bcrypt", "x"); err == nil {
		t.Fatal("a non-argon2id hash was accepted")
	}
}

func TestLoginSessionsAndTokens(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	s := newService(t, &now)
	ctx := context.Background()
	u, err := s.AddUser(ctx, " Hanna@Example.SE ", "Hanna", dsr.RoleOfficer, "ett långt lösenord", dsr.SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "hanna@example.se" {
		t.Fatalf("e-mail kept as %q", u.Email)
	}
	for name, bad := range map[string]struct {
		email, name, role, pw, field string
	}{
		"short password": {"a@b.se", "A", "officer", "kort", "password"},
		"no e-mail":      {"nope", "A", "officer", "ett långt lösenord", "email"},
		"no name":        {"a@b.se", " ", "officer", "ett långt lösenord", "name"},
		"unknown role":   {"a@b.se", "A", "boss", "ett långt lösenord", "role"},
	} {
		if _, err := s.AddUser(ctx, bad.email, bad.name, dsr.Role(bad.role), bad.pw, dsr.SystemActor); dsr.ErrorField(err) != bad.field {
			t.Errorf("%s: %v, want a field error on %s", name, err, bad.field)
		}
	}

	if _, _, err := s.Login(ctx, "hanna@example.se", "fel lösenord", "10.0.0.1"); dsr.ErrorCode(err) != dsr.EUNAUTHORIZED {
		t.Fatalf("wrong password: %v", err)
	}
	_, _, errUnknown := s.Login(ctx, "nobody@example.se", "fel lösenord", "10.0.0.2")
	_, _, errWrong := s.Login(ctx, "hanna@example.se", "fel lösenord", "10.0.0.2")
	if dsr.ErrorMessage(errUnknown) != dsr.ErrorMessage(errWrong) {
		t.Fatal("an unknown address and a wrong password answer differently")
	}
	token, got, err := s.Login(ctx, "HANNA@example.se", "ett långt lösenord", "10.0.0.3")
	if err != nil || got.ID != u.ID {
		t.Fatalf("login: %v", err)
	}
	sess, su, err := s.Session(ctx, token)
	if err != nil || su.ID != u.ID || sess.Kind != "staff" {
		t.Fatalf("session: %+v %v", sess, err)
	}
	now = now.Add(61 * time.Minute)
	if _, _, err := s.Session(ctx, token); dsr.ErrorCode(err) != dsr.EUNAUTHORIZED {
		t.Fatalf("an expired session still works: %v", err)
	}

	token, _, _ = s.Login(ctx, "hanna@example.se", "ett långt lösenord", "10.0.0.4")
	if err := s.Logout(ctx, token); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Session(ctx, token); dsr.ErrorCode(err) != dsr.EUNAUTHORIZED {
		t.Fatal("a signed-out session still works")
	}

	api, err := s.CreateToken(ctx, "hanna@example.se", dsr.SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	if bu, err := s.Bearer(ctx, api); err != nil || bu.ID != u.ID {
		t.Fatalf("bearer: %v", err)
	}
	if _, err := s.Bearer(ctx, api+"x"); dsr.ErrorCode(err) != dsr.EUNAUTHORIZED {
		t.Fatalf("a wrong token: %v", err)
	}
}

func TestLoginAttemptsAreLimited(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	s := newService(t, &now)
	ctx := context.Background()
	if _, err := s.AddUser(ctx, "hanna@example.se", "Hanna", dsr.RoleOfficer, "ett långt lösenord", dsr.SystemActor); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		s.Login(ctx, "hanna@example.se", "gissning", "10.0.0.9")
	}
	// The right password is refused while the burst is spent...
	if _, _, err := s.Login(ctx, "hanna@example.se", "ett långt lösenord", "10.0.0.9"); dsr.ErrorCode(err) != dsr.EFORBIDDEN {
		t.Fatalf("the fourth attempt: %v, want it refused", err)
	}
	// ...and accepted once the limit has refilled.
	now = now.Add(2 * time.Minute)
	if _, _, err := s.Login(ctx, "hanna@example.se", "ett långt lösenord", "10.0.0.9"); err != nil {
		t.Fatalf("after waiting: %v", err)
	}
}

func TestIndividualSession(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	s := newService(t, &now)
	ctx := context.Background()
	token, err := s.SignInIndividual(ctx, "198112189876", "Åsa", "p-ref")
	if err != nil {
		t.Fatal(err)
	}
	sess, u, err := s.Session(ctx, token)
	if err != nil || u != nil || sess.Kind != "individual" || sess.SubjectPNR != "198112189876" || sess.SubjectRef != "p-ref" {
		t.Fatalf("individual session %+v user %v err %v", sess, u, err)
	}
}
