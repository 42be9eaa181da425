package dsr

import "time"

// Role is what a staff member may do.
type Role string

// The staff roles.
const (
	RoleOfficer Role = "officer"
	RoleDPO     Role = "dpo"
	RolePrint   Role = "print"
	RoleAdmin   Role = "admin"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case RoleOfficer, RoleDPO, RolePrint, RoleAdmin:
		return true
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
}

// Actor is who does something, as written to the audit trail: a staff user,
// a signed-in individual (identified by an opaque id, never the identity
// number) or the system itself.
type Actor struct {
	Kind string // "staff", "individual", "system"
	ID   string
	Role Role
}

// SystemActor is the actor for work dsrdesk does by itself.
var SystemActor = Actor{Kind: "system", ID: "dsrdesk"}

// String renders the actor for the audit trail.
func (a Actor) String() string { return a.Kind + ":" + a.ID }

// Any reports whether the actor has one of the roles.
func (a Actor) Any(roles ...Role) bool {
	for _, r := range roles {
		if a.Kind == "staff" && a.Role == r {
			return true
		}
	}
	return false
}

// Session is a signed-in browser session: a staff member's, or an
// individual's after e-ID sign-in. Only a hash of the cookie is stored.
type Session struct {
	TokenHash   string
	Kind        string // "staff" or "individual"
	UserID      string
	SubjectPNR  string // the individual's identity number, from e-ID
	SubjectName string
	SubjectRef  string // opaque id of the individual for the audit trail
	ExpiresAt   time.Time
}
