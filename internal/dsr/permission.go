package dsr

// Permission is one thing an actor may do. Routes and services name the
// permission they need; Can decides, from the one table below.
type Permission string

// The permissions.
const (
	PermReadCases      Permission = "read_cases"      // read and list cases and their extracts
	PermRegister       Permission = "register"        // register a request from any channel
	PermHandle         Permission = "handle"          // assemble, evaluate, extend and send
	PermDecide         Permission = "decide"          // record outcomes and decisions
	PermOverride       Permission = "override"        // override a proposed outcome, with reasons
	PermSignOff        Permission = "sign_off"        // approve a letter before it leaves
	PermPrintOrdinary  Permission = "print_ordinary"  // batch and export the ordinary print route
	PermPrintProtected Permission = "print_protected" // batch and export the protected print route
	PermManageUsers    Permission = "manage_users"    // create staff accounts and tokens, change settings
	PermStats          Permission = "stats"           // the DPO's dashboard and yearly statistics
	PermOwnRequests    Permission = "own_requests"    // file and follow one's own requests (individuals)
)

// rolePermissions is the one table of who may do what. The data-protection
// officer has every power of a case officer, plus override, sign-off and
// the statistics.
var rolePermissions = map[Role][]Permission{
	RoleOfficer:        {PermReadCases, PermRegister, PermHandle, PermDecide},
	RoleDPO:            {PermReadCases, PermRegister, PermHandle, PermDecide, PermOverride, PermSignOff, PermStats},
	RolePrint:          {PermPrintOrdinary},
	RolePrintProtected: {PermPrintOrdinary, PermPrintProtected},
	RoleAdmin:          {PermManageUsers},
}

// individualPermissions are what a person signed in with e-ID may do.
var individualPermissions = []Permission{PermOwnRequests}

// Can reports whether the actor holds permission p. dsrdesk itself, doing
// its own work, holds every permission; an unknown actor holds none.
func Can(a Actor, p Permission) bool {
	var held []Permission
	switch a.Kind {
	case ActorSystem:
		return true
	case ActorStaff:
		held = rolePermissions[a.Role]
	case ActorIndividual:
		held = individualPermissions
	}
	for _, x := range held {
		if x == p {
			return true
		}
	}
	return false
}

// Require returns nil when the actor holds permission p, and otherwise the
// forbidden error every refusal shares.
func Require(a Actor, p Permission) error {
	if Can(a, p) {
		return nil
	}
	return Errorf(EFORBIDDEN, "auth.forbidden", "Your role may not do this.")
}

// Can reports whether the staff member holds permission p; pages ask it to
// show only the links a person may follow.
func (u *User) Can(p Permission) bool { return u != nil && Can(StaffActor(u), p) }
