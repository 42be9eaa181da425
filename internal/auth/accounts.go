package auth

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"dsrdesk/internal/dsr"
)

// What an administrator does with accounts and API tokens. Every method
// needs dsr.PermManageUsers, and every change is recorded in the audit
// trail in the transaction that makes it.

// Users lists every staff account, disabled ones too, without their
// password hashes.
func (s *Service) Users(ctx context.Context, actor dsr.Actor) ([]dsr.User, error) {
	if err := dsr.Require(actor, dsr.PermManageUsers); err != nil {
		return nil, err
	}
	users, err := s.store.Users(ctx)
	if err != nil {
		return nil, err
	}
	for i := range users {
		users[i].PasswordHash = ""
	}
	return users, nil
}

// User returns one staff account, without its password hash.
func (s *Service) User(ctx context.Context, id string, actor dsr.Actor) (*dsr.User, error) {
	if err := dsr.Require(actor, dsr.PermManageUsers); err != nil {
		return nil, err
	}
	u, err := s.store.UserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	u.PasswordHash = ""
	return u, nil
}

func errRoleUnknown() error {
	return dsr.FieldError("role", "user.role_unknown", "Role must be %s.", dsr.JoinOr(dsr.Roles))
}

// errLastAdmin refuses a change that would leave no enabled administrator,
// and so no one who can manage accounts from the pages.
func errLastAdmin() error {
	return dsr.Errorf(dsr.ECONFLICT, "user.last_admin", "dsrdesk must keep at least one enabled administrator.")
}

// leavesNoAdmin reports whether taking u out of the administrators (by a
// new role or by disabling it) leaves none, given the number of enabled
// administrators now.
func leavesNoAdmin(u *dsr.User, admins int) bool {
	return u.Role == dsr.RoleAdmin && !u.Disabled() && admins <= 1
}

// ChangeRole gives a staff account another role. An administrator cannot
// change their own role, and the last enabled administrator keeps theirs.
// The new role holds from the account's next request: sessions resolve the
// account every time.
func (s *Service) ChangeRole(ctx context.Context, id string, role dsr.Role, actor dsr.Actor) (*dsr.User, error) {
	if err := dsr.Require(actor, dsr.PermManageUsers); err != nil {
		return nil, err
	}
	if !role.Valid() {
		return nil, errRoleUnknown()
	}
	if actor.Kind == dsr.ActorStaff && actor.ID == id {
		e := dsr.Errorf(dsr.ECONFLICT, "user.role_self", "You cannot change your own role. Ask another administrator.")
		e.Field = "role"
		return nil, e
	}
	u, err := s.store.UpdateUser(ctx, id, func(u *dsr.User, admins int) ([]dsr.AuditEvent, error) {
		if u.Role == role {
			return nil, nil
		}
		if role != dsr.RoleAdmin && leavesNoAdmin(u, admins) {
			return nil, errLastAdmin()
		}
		from := u.Role
		u.Role = role
		return []dsr.AuditEvent{dsr.Event(actor, dsr.ActionUserRoleChanged, "", "user="+u.ID+" from="+string(from)+" to="+string(role))}, nil
	})
	if err != nil {
		return nil, err
	}
	u.PasswordHash = ""
	return u, nil
}

// Disable stops an account at once: it can no longer sign in, its sessions
// end and its API tokens stop working (they work again if the account is
// enabled, unless revoked). An administrator cannot disable their own
// account, nor the last enabled administrator. Disabling a disabled
// account changes nothing.
func (s *Service) Disable(ctx context.Context, id string, actor dsr.Actor) (*dsr.User, error) {
	if err := dsr.Require(actor, dsr.PermManageUsers); err != nil {
		return nil, err
	}
	if actor.Kind == dsr.ActorStaff && actor.ID == id {
		return nil, dsr.Errorf(dsr.ECONFLICT, "user.disable_self", "You cannot disable your own account.")
	}
	u, err := s.store.UpdateUser(ctx, id, func(u *dsr.User, admins int) ([]dsr.AuditEvent, error) {
		if u.Disabled() {
			return nil, nil
		}
		if leavesNoAdmin(u, admins) {
			return nil, errLastAdmin()
		}
		now := s.now().UTC()
		u.DisabledAt = &now
		return []dsr.AuditEvent{dsr.Event(actor, dsr.ActionUserDisabled, "", "user="+u.ID)}, nil
	})
	if err != nil {
		return nil, err
	}
	u.PasswordHash = ""
	return u, nil
}

// Enable lets a disabled account sign in again. Enabling an enabled
// account changes nothing.
func (s *Service) Enable(ctx context.Context, id string, actor dsr.Actor) (*dsr.User, error) {
	if err := dsr.Require(actor, dsr.PermManageUsers); err != nil {
		return nil, err
	}
	u, err := s.store.UpdateUser(ctx, id, func(u *dsr.User, _ int) ([]dsr.AuditEvent, error) {
		if !u.Disabled() {
			return nil, nil
		}
		u.DisabledAt = nil
		return []dsr.AuditEvent{dsr.Event(actor, dsr.ActionUserEnabled, "", "user="+u.ID)}, nil
	})
	if err != nil {
		return nil, err
	}
	u.PasswordHash = ""
	return u, nil
}

// Tokens lists a staff account's API tokens, newest first: their ids and
// dates, never the tokens.
func (s *Service) Tokens(ctx context.Context, userID string, actor dsr.Actor) ([]dsr.APIToken, error) {
	if err := dsr.Require(actor, dsr.PermManageUsers); err != nil {
		return nil, err
	}
	if _, err := s.store.UserByID(ctx, userID); err != nil {
		return nil, err
	}
	return s.store.Tokens(ctx, userID)
}

// IssueToken makes a new API token for a staff account. It returns the
// token, which is shown once and never again (only its hash is kept), and
// the token's record with its opaque id. A disabled account gets none.
func (s *Service) IssueToken(ctx context.Context, userID string, actor dsr.Actor) (string, *dsr.APIToken, error) {
	if err := dsr.Require(actor, dsr.PermManageUsers); err != nil {
		return "", nil, err
	}
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	return s.issueToken(ctx, u, actor)
}

func (s *Service) issueToken(ctx context.Context, u *dsr.User, actor dsr.Actor) (string, *dsr.APIToken, error) {
	if u.Disabled() {
		return "", nil, dsr.Errorf(dsr.ECONFLICT, "user.disabled_token", "A disabled account cannot get an API token.")
	}
	token, err := randomToken()
	if err != nil {
		return "", nil, err
	}
	token = "dsr_" + token
	t := dsr.APIToken{ID: strings.ReplaceAll(uuid.Must(uuid.NewV7()).String(), "-", ""), UserID: u.ID, CreatedAt: s.now().UTC()}
	ev := dsr.Event(actor, dsr.ActionTokenCreated, "", "user="+u.ID+" token="+t.ID)
	if err := s.store.CreateToken(ctx, t, HashToken(token), ev); err != nil {
		return "", nil, err
	}
	return token, &t, nil
}

// RevokeToken stops an API token at once, by its opaque id. Revoking a
// revoked token changes nothing.
func (s *Service) RevokeToken(ctx context.Context, id string, actor dsr.Actor) (*dsr.APIToken, error) {
	if err := dsr.Require(actor, dsr.PermManageUsers); err != nil {
		return nil, err
	}
	return s.store.RevokeToken(ctx, id, func(t *dsr.APIToken) ([]dsr.AuditEvent, error) {
		if t.RevokedAt != nil {
			return nil, nil
		}
		now := s.now().UTC()
		t.RevokedAt = &now
		return []dsr.AuditEvent{dsr.Event(actor, dsr.ActionTokenRevoked, "", "user="+t.UserID+" token="+t.ID)}, nil
	})
}
