package auth_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"dsrdesk/internal/auth"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/sqlite"
)

// accountsEnv is the auth service over a real store, with the store kept
// for reading the audit trail, and a few accounts made by dsrdesk itself.
type accountsEnv struct {
	s       *auth.Service
	db      *sqlite.DB
	admin   *dsr.User
	officer *dsr.User
}

const pw = "ett långt lösenord"

func newAccounts(t *testing.T) *accountsEnv {
	t.Helper()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "dsrdesk.db"), sqlite.Options{SealKey: testSealKey, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := &accountsEnv{db: db, s: auth.NewService(db, clock, auth.Config{LoginRate: rate.Inf})}
	e.admin = e.add(t, "arne@example.se", "Arne", dsr.RoleAdmin)
	e.officer = e.add(t, "hanna@example.se", "Hanna", dsr.RoleOfficer)
	return e
}

func (e *accountsEnv) add(t *testing.T, email, name string, role dsr.Role) *dsr.User {
	t.Helper()
	u, err := e.s.AddUser(context.Background(), email, name, role, pw, dsr.SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// audited returns the actions of the audit trail in order.
func (e *accountsEnv) audited(t *testing.T) []dsr.AuditAction {
	t.Helper()
	events, err := e.db.AuditEvents(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	var out []dsr.AuditAction
	for _, ev := range events {
		out = append(out, ev.Action)
	}
	return out
}

// TestAccountsNeedTheAdministrator: only an actor holding manage_users may
// list, create, change, disable or enable accounts, or see, make or revoke
// tokens; every other role is refused and nothing changes.
func TestAccountsNeedTheAdministrator(t *testing.T) {
	e := newAccounts(t)
	ctx := context.Background()
	_, tok, err := e.s.IssueToken(ctx, e.officer.ID, dsr.StaffActor(e.admin))
	if err != nil {
		t.Fatal(err)
	}
	before := len(e.audited(t))
	calls := map[string]func(a dsr.Actor) error{
		"list": func(a dsr.Actor) error { _, err := e.s.Users(ctx, a); return err },
		"read": func(a dsr.Actor) error { _, err := e.s.User(ctx, e.officer.ID, a); return err },
		"create": func(a dsr.Actor) error {
			_, err := e.s.AddUser(ctx, "ny@example.se", "Ny", dsr.RoleOfficer, pw, a)
			return err
		},
		"role": func(a dsr.Actor) error { _, err := e.s.ChangeRole(ctx, e.officer.ID, dsr.RoleDPO, a); return err },
		"disable": func(a dsr.Actor) error {
			_, err := e.s.Disable(ctx, e.officer.ID, a)
			return err
		},
		"enable": func(a dsr.Actor) error { _, err := e.s.Enable(ctx, e.officer.ID, a); return err },
		"tokens": func(a dsr.Actor) error { _, err := e.s.Tokens(ctx, e.officer.ID, a); return err },
		"issue":  func(a dsr.Actor) error { _, _, err := e.s.IssueToken(ctx, e.officer.ID, a); return err },
		"revoke": func(a dsr.Actor) error { _, err := e.s.RevokeToken(ctx, tok.ID, a); return err },
	}
	for _, role := range []dsr.Role{dsr.RoleOfficer, dsr.RoleDPO, dsr.RolePrint, dsr.RolePrintProtected} {
		for name, call := range calls {
			if err := call(dsr.Actor{Kind: dsr.ActorStaff, ID: e.officer.ID, Role: role}); dsr.ErrorCode(err) != dsr.EFORBIDDEN {
				t.Errorf("%s may %s: %v", role, name, err)
			}
		}
	}
	for name, call := range calls {
		if err := call(dsr.Actor{Kind: dsr.ActorIndividual, ID: "p-1"}); dsr.ErrorCode(err) != dsr.EFORBIDDEN {
			t.Errorf("an individual may %s: %v", name, err)
		}
		if err := call(dsr.Actor{}); dsr.ErrorCode(err) != dsr.EFORBIDDEN {
			t.Errorf("no one may %s: %v", name, err)
		}
	}
	if after := len(e.audited(t)); after != before {
		t.Fatalf("refused calls wrote %d audit entries", after-before)
	}
	if users, err := e.s.Users(ctx, dsr.StaffActor(e.admin)); err != nil || len(users) != 2 || users[0].PasswordHash != "" {
		t.Fatalf("the administrator's list: %d users, %v (password hashes must not leave the service)", len(users), err)
	}
}

// TestAccountRules: the rules an administrator meets, one row per edge. A
// refused change leaves the accounts and the audit trail as they were.
func TestAccountRules(t *testing.T) {
	ctx := context.Background()
	secondAdmin := func(t *testing.T, e *accountsEnv) string { return e.add(t, "bo@example.se", "Bo", dsr.RoleAdmin).ID }
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, e *accountsEnv) string // returns an id for do
		do    func(e *accountsEnv, id string) error
		code  string
		key   string
	}{
		{"disable oneself", nil, func(e *accountsEnv, _ string) error {
			_, err := e.s.Disable(ctx, e.admin.ID, dsr.StaffActor(e.admin))
			return err
		}, dsr.ECONFLICT, "user.disable_self"},
		{"change one's own role", secondAdmin, func(e *accountsEnv, _ string) error {
			_, err := e.s.ChangeRole(ctx, e.admin.ID, dsr.RoleOfficer, dsr.StaffActor(e.admin))
			return err
		}, dsr.ECONFLICT, "user.role_self"},
		{"disable the last administrator", nil, func(e *accountsEnv, _ string) error {
			_, err := e.s.Disable(ctx, e.admin.ID, dsr.SystemActor)
			return err
		}, dsr.ECONFLICT, "user.last_admin"},
		{"demote the last administrator", nil, func(e *accountsEnv, _ string) error {
			_, err := e.s.ChangeRole(ctx, e.admin.ID, dsr.RoleOfficer, dsr.SystemActor)
			return err
		}, dsr.ECONFLICT, "user.last_admin"},
		{"a disabled administrator does not count", func(t *testing.T, e *accountsEnv) string {
			id := secondAdmin(t, e)
			if _, err := e.s.Disable(ctx, id, dsr.StaffActor(e.admin)); err != nil {
				t.Fatal(err)
			}
			return id
		}, func(e *accountsEnv, _ string) error {
			_, err := e.s.ChangeRole(ctx, e.admin.ID, dsr.RoleDPO, dsr.SystemActor)
			return err
		}, dsr.ECONFLICT, "user.last_admin"},
		{"demote one of two administrators", secondAdmin, func(e *accountsEnv, id string) error {
			u, err := e.s.ChangeRole(ctx, id, dsr.RoleOfficer, dsr.StaffActor(e.admin))
			if err == nil && u.Role != dsr.RoleOfficer {
				return fmt.Errorf("role after the change: %s", u.Role)
			}
			return err
		}, "", ""},
		{"disable one of two administrators", secondAdmin, func(e *accountsEnv, id string) error {
			_, err := e.s.Disable(ctx, id, dsr.StaffActor(e.admin))
			return err
		}, "", ""},
		{"an unknown role", nil, func(e *accountsEnv, _ string) error {
			_, err := e.s.ChangeRole(ctx, e.officer.ID, "boss", dsr.StaffActor(e.admin))
			return err
		}, dsr.EINVALID, "user.role_unknown"},
		{"an unknown role for a new account", nil, func(e *accountsEnv, _ string) error {
			_, err := e.s.AddUser(ctx, "ny@example.se", "Ny", "boss", pw, dsr.StaffActor(e.admin))
			return err
		}, dsr.EINVALID, "user.role_unknown"},
		{"an unknown account", nil, func(e *accountsEnv, _ string) error {
			_, err := e.s.ChangeRole(ctx, "0198a3f2-0000-7000-8000-000000000000", dsr.RoleDPO, dsr.StaffActor(e.admin))
			return err
		}, dsr.ENOTFOUND, "user.not_found"},
		{"a token for a disabled account", func(t *testing.T, e *accountsEnv) string {
			if _, err := e.s.Disable(ctx, e.officer.ID, dsr.StaffActor(e.admin)); err != nil {
				t.Fatal(err)
			}
			return ""
		}, func(e *accountsEnv, _ string) error {
			_, _, err := e.s.IssueToken(ctx, e.officer.ID, dsr.StaffActor(e.admin))
			return err
		}, dsr.ECONFLICT, "user.disabled_token"},
		{"revoke an unknown token", nil, func(e *accountsEnv, _ string) error {
			_, err := e.s.RevokeToken(ctx, "nosuchtoken", dsr.StaffActor(e.admin))
			return err
		}, dsr.ENOTFOUND, "token.not_found"},
		{"a taken e-mail address", nil, func(e *accountsEnv, _ string) error {
			_, err := e.s.AddUser(ctx, "HANNA@example.se", "Hanna två", dsr.RoleOfficer, pw, dsr.StaffActor(e.admin))
			return err
		}, dsr.ECONFLICT, "user.email_taken"},
		{"a weak initial password", nil, func(e *accountsEnv, _ string) error {
			_, err := e.s.AddUser(ctx, "ny@example.se", "Ny", dsr.RoleOfficer, "Sommar2026!!", dsr.StaffActor(e.admin))
			return err
		}, dsr.EINVALID, "user.password_common"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newAccounts(t)
			var id string
			if tc.setup != nil {
				id = tc.setup(t, e)
			}
			usersBefore, _ := e.s.Users(ctx, dsr.SystemActor)
			trailBefore := len(e.audited(t))
			err := tc.do(e, id)
			if dsr.ErrorCode(err) != tc.code || tc.key != "" && dsr.AsError(err).Key != tc.key {
				t.Fatalf("%v, want code %q key %q", err, tc.code, tc.key)
			}
			usersAfter, _ := e.s.Users(ctx, dsr.SystemActor)
			trailAfter := len(e.audited(t))
			if err == nil {
				if trailAfter != trailBefore+1 {
					t.Errorf("the change wrote %d audit entries, want 1", trailAfter-trailBefore)
				}
				return
			}
			if trailAfter != trailBefore || fmt.Sprint(usersAfter) != fmt.Sprint(usersBefore) {
				t.Errorf("the refusal changed something: %d audit entries; accounts %v, were %v", trailAfter-trailBefore, usersAfter, usersBefore)
			}
		})
	}
}

// TestInitialPasswordRule: an administrator's initial password must be
// long, varied and not guessable from the person or a common word.
func TestInitialPasswordRule(t *testing.T) {
	const email, name = "hanna.handlaggare@example.se", "Hanna Handläggare"
	for pw, key := range map[string]string{
		"kort":                         "user.password_short",
		"elva tecken":                  "user.password_short",
		strings.Repeat("å", 1100):      "user.password_long",
		"aaaaaaaaaaaaaaaa":             "user.password_simple",
		"abcabcabcabc":                 "user.password_simple",
		"121212121212ab":               "user.password_simple",
		"hanna.handlaggare@example.se": "user.password_personal",
		"Hanna.Handlaggare2026":        "user.password_personal",
		"hanna handläggare 1":          "user.password_personal",
		"Password1234!":                "user.password_common",
		"Lösenord2026!":                "user.password_common",
		"Sommar2026!!":                 "user.password_common",
		"123456789012":                 "user.password_common",
		"Försäkringskassan1":           "user.password_common",
		"qwertyqwertyqwerty":           "user.password_common",
		"ett långt lösenord":           "",
		"korrekt häst batteri":         "",
		"demo-handlaggare":             "",
		"x7#Pq!r2Lm0z":                 "",
	} {
		err := auth.CheckNewPassword(pw, email, name)
		if key == "" && err != nil || key != "" && (err == nil || dsr.AsError(err).Key != key || dsr.ErrorField(err) != "password") {
			t.Errorf("%.30q: %v, want %q", pw, err, key)
		}
	}
}

// TestDisablingStopsAnAccountAtOnce: a disabled account cannot sign in,
// and its open session and its API token stop working on their next use;
// enabled again, it can sign in and its unrevoked token works again.
func TestDisablingStopsAnAccountAtOnce(t *testing.T) {
	e := newAccounts(t)
	ctx := context.Background()
	admin := dsr.StaffActor(e.admin)
	session, _, err := e.s.Login(ctx, "hanna@example.se", pw, "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := e.s.IssueToken(ctx, e.officer.ID, admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.Bearer(ctx, token); err != nil {
		t.Fatal(err)
	}
	u, err := e.s.Disable(ctx, e.officer.ID, admin)
	if err != nil || !u.Disabled() {
		t.Fatalf("disable: %+v %v", u, err)
	}
	if _, _, err := e.s.Session(ctx, session); dsr.ErrorCode(err) != dsr.EUNAUTHORIZED {
		t.Errorf("the disabled account's session still works: %v", err)
	}
	if _, err := e.s.Bearer(ctx, token); dsr.ErrorCode(err) != dsr.EUNAUTHORIZED {
		t.Errorf("the disabled account's token still works: %v", err)
	}
	if _, _, err := e.s.Login(ctx, "hanna@example.se", pw, "10.0.0.1"); dsr.ErrorCode(err) != dsr.EUNAUTHORIZED || dsr.AsError(err).Key != "auth.disabled" {
		t.Errorf("a disabled account signed in: %v", err)
	}
	if _, _, err := e.s.Login(ctx, "hanna@example.se", "fel lösenord", "10.0.0.1"); dsr.AsError(err).Key != "auth.bad_login" {
		t.Errorf("a wrong password on a disabled account must not tell it is disabled: %v", err)
	}
	// Disabling again changes nothing and records nothing.
	n := len(e.audited(t))
	if _, err := e.s.Disable(ctx, e.officer.ID, admin); err != nil || len(e.audited(t)) != n {
		t.Errorf("a second disable: %v, %d new audit entries", err, len(e.audited(t))-n)
	}

	if _, err := e.s.Enable(ctx, e.officer.ID, admin); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.s.Session(ctx, session); dsr.ErrorCode(err) != dsr.EUNAUTHORIZED {
		t.Error("a session ended by disabling came back when the account was enabled")
	}
	if _, err := e.s.Bearer(ctx, token); err != nil {
		t.Errorf("the unrevoked token after enabling: %v", err)
	}
	if _, _, err := e.s.Login(ctx, "hanna@example.se", pw, "10.0.0.1"); err != nil {
		t.Errorf("sign-in after enabling: %v", err)
	}
	got := e.audited(t)
	if !containsInOrder(got, dsr.ActionUserDisabled, dsr.ActionUserEnabled) {
		t.Errorf("audit trail %v lacks the disable and the enable", got)
	}
}

// TestTokensAreListedWithoutSecretsAndRevokedAtOnce.
func TestTokensAreListedWithoutSecretsAndRevokedAtOnce(t *testing.T) {
	e := newAccounts(t)
	ctx := context.Background()
	admin := dsr.StaffActor(e.admin)
	first, t1, err := e.s.IssueToken(ctx, e.officer.ID, admin)
	if err != nil {
		t.Fatal(err)
	}
	second, _, err := e.s.IssueToken(ctx, e.officer.ID, admin)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(first, "dsr_") || first == second || strings.Contains(first, t1.ID) {
		t.Fatalf("tokens %q %q, id %q", first, second, t1.ID)
	}
	list, err := e.s.Tokens(ctx, e.officer.ID, admin)
	if err != nil || len(list) != 2 {
		t.Fatalf("tokens: %d, %v", len(list), err)
	}
	for _, tok := range list {
		if tok.ID == "" || tok.UserID != e.officer.ID || tok.RevokedAt != nil || strings.Contains(first, tok.ID) || strings.Contains(second, tok.ID) {
			t.Errorf("listed token %+v", tok)
		}
	}
	revoked, err := e.s.RevokeToken(ctx, t1.ID, admin)
	if err != nil || revoked.RevokedAt == nil || revoked.UserID != e.officer.ID {
		t.Fatalf("revoke: %+v %v", revoked, err)
	}
	if _, err := e.s.Bearer(ctx, first); dsr.ErrorCode(err) != dsr.EUNAUTHORIZED {
		t.Errorf("a revoked token still works: %v", err)
	}
	if _, err := e.s.Bearer(ctx, second); err != nil {
		t.Errorf("revoking one token stopped another: %v", err)
	}
	n := len(e.audited(t))
	if _, err := e.s.RevokeToken(ctx, t1.ID, admin); err != nil || len(e.audited(t)) != n {
		t.Errorf("revoking again: %v, %d new audit entries", err, len(e.audited(t))-n)
	}
	if got := e.audited(t); !containsInOrder(got, dsr.ActionTokenCreated, dsr.ActionTokenCreated, dsr.ActionTokenRevoked) {
		t.Errorf("audit trail %v", got)
	}
	// The trail names the token by its id, never the token.
	events, _ := e.db.AuditEvents(ctx, "")
	for _, ev := range events {
		if strings.Contains(ev.Detail, first) || strings.Contains(ev.Detail, auth.HashToken(first)) {
			t.Fatalf("audit entry %s carries the token or its hash", ev.Action)
		}
	}
}

func containsInOrder(got []dsr.AuditAction, want ...dsr.AuditAction) bool {
	i := 0
	for _, a := range got {
		if i < len(want) && a == want[i] {
			i++
		}
	}
	return i == len(want)
}
