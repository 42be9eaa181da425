package dsr

import (
	"time"

	"dsrdesk/internal/pnr"
)

// Role is a staff member's job. What a role may do is not decided by the
// role itself but by the permissions the table in permission.go gives it.
type Role string

// The staff roles.
const (
	RoleOfficer        Role = "officer"         // case officer (handläggare)
	RoleDPO            Role = "dpo"             // data-protection officer (dataskyddsombud)
	RolePrint          Role = "print"           // print operator, ordinary route
	RolePrintProtected Role = "print_protected" // print operator cleared for protected identities (RULES §7)
	RoleAdmin          Role = "admin"           // administrator of accounts
)

// Roles lists every staff role.
var Roles = []Role{RoleOfficer, RoleDPO, RolePrint, RolePrintProtected, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// User is a staff account.
type User struct {
	ID           string
	Email        string
	Name         string
	Role         Role
	PasswordHash string
	// DisabledAt is when an administrator disabled the account; nil while
	// it may sign in. A disabled account's sessions and API tokens do not
	// work.
	DisabledAt *time.Time
}

// Disabled reports whether an administrator has disabled the account.
func (u *User) Disabled() bool { return u != nil && u.DisabledAt != nil }

// APIToken is an API bearer token as an administrator sees it: an opaque
// id (never the token), whose it is, when it was made and when it was
// revoked. The token itself is shown once when it is made; only its hash
// is kept.
type APIToken struct {
	ID        string
	UserID    string
	CreatedAt time.Time
	RevokedAt *time.Time
}

// ActorKind says who an actor is: staff, a signed-in individual or dsrdesk
// itself.
type ActorKind string

// The kinds of actor.
const (
	ActorStaff      ActorKind = "staff"
	ActorIndividual ActorKind = "individual"
	ActorSystem     ActorKind = "system"
)

// Actor is who does something, as written to the audit trail: a staff user,
// a signed-in individual (identified by an opaque id, never the identity
// number) or the system itself.
type Actor struct {
	Kind ActorKind
	ID   string
	Role Role // staff only
}

// SystemActor is the actor for work dsrdesk does by itself.
var SystemActor = Actor{Kind: ActorSystem, ID: "dsrdesk"}

// StaffActor is the actor for a signed-in staff member; the zero Actor,
// which may do nothing, for nil.
func StaffActor(u *User) Actor {
	if u == nil {
		return Actor{}
	}
	return Actor{Kind: ActorStaff, ID: u.ID, Role: u.Role}
}

// String renders the actor for the audit trail.
func (a Actor) String() string { return string(a.Kind) + ":" + a.ID }

// Session is a signed-in browser session: a staff member's, or an
// individual's after e-ID sign-in. Only a hash of the cookie is stored.
type Session struct {
	TokenHash   string
	Kind        ActorKind // ActorStaff or ActorIndividual
	UserID      string
	SubjectPNR  pnr.PNR // the individual's identity number, from e-ID
	SubjectName string
	SubjectRef  string // opaque id of the individual for the audit trail
	ExpiresAt   time.Time
}
