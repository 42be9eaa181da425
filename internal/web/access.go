package web

import (
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"dsrdesk/internal/dsr"
)

// Audience is who a route is meant for; it decides how everyone else is
// refused.
type Audience string

// The audiences of dsrdesk's routes.
const (
	// Public routes answer anyone.
	Public Audience = "public"
	// Individual routes answer a person signed in with e-ID; anyone else is
	// sent to the e-ID sign-in (303 to /e-id).
	Individual Audience = "individual"
	// Staff routes answer signed-in staff holding one of the permissions;
	// anyone not signed in as staff (an individual, a bearer token) is sent
	// to the staff sign-in (303 to /staff/login), staff without the
	// permission get 403.
	Staff Audience = "staff"
	// API routes answer a valid bearer token whose user holds one of the
	// permissions; no token, an unknown or revoked one, or a session cookie
	// alone get 401, a token without the permission 403.
	API Audience = "api"
	// Operator routes (/metrics) answer the configured addresses, or a
	// bearer token holding one of the permissions; anyone else gets 403.
	Operator Audience = "operator"
)

// Access is who may reach one route, and what everyone else gets.
type Access struct {
	Audience Audience
	// Perms are the permissions of which a staff member or token needs one
	// (Staff, API, Operator).
	Perms []dsr.Permission
	// Own marks an individual route that reaches one case or letter: only
	// the person it concerns (or their representative on it) gets it,
	// anyone else signed in with e-ID gets 404, as if it did not exist.
	Own bool
	// Protected are the permissions of which one more is needed for an
	// object of the protected print route (RULES §7): anyone else let
	// through gets 404 for it, as if it did not exist.
	Protected []dsr.Permission
	// OwnCheck is true where the handler checks credentials itself (the
	// sign-in forms and the e-ID callback): any answer is the route's own.
	OwnCheck bool
}

// Allows reports whether a staff member or token of role r holds one of the
// route's permissions.
func (a Access) Allows(r dsr.Role) bool {
	return slices.ContainsFunc(a.Perms, func(p dsr.Permission) bool {
		return dsr.Can(dsr.Actor{Kind: dsr.ActorStaff, Role: r}, p)
	})
}

// Sees reports whether a staff member or token of role r may know of an
// object of the protected print route on this route.
func (a Access) Sees(r dsr.Role) bool {
	return slices.ContainsFunc(a.Protected, func(p dsr.Permission) bool {
		return dsr.Can(dsr.Actor{Kind: dsr.ActorStaff, Role: r}, p)
	})
}

// hiding adds the permissions a protected print route object needs.
func (a Access) hiding(p ...dsr.Permission) Access { a.Protected = p; return a }

func public() Access                      { return Access{Audience: Public} }
func ownCheck() Access                    { return Access{Audience: Public, OwnCheck: true} }
func person() Access                      { return Access{Audience: Individual} }
func own() Access                         { return Access{Audience: Individual, Own: true} }
func staff(p ...dsr.Permission) Access    { return Access{Audience: Staff, Perms: p} }
func api(p ...dsr.Permission) Access      { return Access{Audience: API, Perms: p} }
func operator(p ...dsr.Permission) Access { return Access{Audience: Operator, Perms: p} }
func route(method, path string) string    { return method + " " + path }

type rule struct {
	access Access
	routes []string
}

// routeAccess declares, for every route routes.go registers (method and
// path template as gin holds them), who may reach it. A route registered
// without a line here fails TestAuthorizationMatrix.
var routeAccess = func() map[string]Access {
	const (
		read      = dsr.PermReadCases
		register  = dsr.PermRegister
		handle    = dsr.PermHandle
		decide    = dsr.PermDecide
		override  = dsr.PermOverride
		signOff   = dsr.PermSignOff
		printing  = dsr.PermPrintOrdinary
		protected = dsr.PermPrintProtected
		manage    = dsr.PermManageUsers
		stats     = dsr.PermStats
	)
	var rules []rule
	add := func(a Access, rs ...string) { rules = append(rules, rule{a, rs}) }

	add(public(),
		"GET /static/*filepath", "HEAD /static/*filepath", "GET /healthz",
		"GET /", "GET /lang/:lang", "GET /om/personuppgifter", "GET /om/kakor",
		"POST /logout", "GET /e-id", "POST /e-id", "GET /staff/login")
	add(ownCheck(), "GET /e-id/callback", "POST /staff/login")
	add(operator(stats, manage), "GET /metrics")

	add(person(), "GET /request/:form", "POST /request/:form", "GET /mina-arenden")
	add(own(), "GET /request/receipt/:id", "GET /mina-arenden/:id/brev/:letter")

	add(staff(read),
		"GET /staff/cases", "GET /staff/cases/:id", "GET /staff/cases/search", "POST /staff/cases/search",
		"GET /staff/cases/:id/attachments/:aid", "GET /staff/cases/:id/extract.pdf",
		"GET /staff/cases/:id/letter.pdf", "GET /staff/cases/:id/review")
	add(staff(register), "GET /staff/intake", "POST /staff/intake")
	add(staff(handle),
		"POST /staff/cases/:id/attachments", "POST /staff/cases/:id/notes", "POST /staff/cases/:id/assemble",
		"POST /staff/cases/:id/send", "POST /staff/cases/:id/extend", "POST /staff/cases/:id/assign",
		"POST /staff/cases/:id/evaluate", "POST /staff/cases/:id/execute", "POST /staff/cases/:id/items",
		"POST /staff/cases/:id/letters/:purpose/send", "POST /staff/cases/:id/reprint",
		"POST /staff/cases/:id/signoff/resubmit", "POST /staff/cases/:id/identity",
		"POST /staff/cases/:id/identity/proof", "POST /staff/cases/:id/scope")
	add(staff(override), "POST /staff/cases/:id/items/:item/outcome")
	add(staff(decide),
		"POST /staff/cases/:id/restrictions/notice", "POST /staff/cases/:id/restrictions/lift",
		"POST /staff/cases/:id/outcome", "POST /staff/cases/:id/mandate",
		"POST /staff/cases/:id/withholdings", "POST /staff/cases/:id/withholdings/:wid/disclose")
	add(staff(signOff), "POST /staff/cases/:id/signoff")
	add(staff(printing), "GET /staff/print", "POST /staff/print/batches")
	add(staff(printing).hiding(protected), "GET /staff/print/batches/:id/export")
	add(staff(manage),
		"GET /admin/users", "POST /admin/users", "POST /admin/users/:id/role", "POST /admin/users/:id/disable",
		"POST /admin/users/:id/enable", "GET /admin/users/:id/tokens", "POST /admin/users/:id/tokens",
		"POST /admin/tokens/:id/revoke", "GET /admin/settings", "POST /admin/settings")
	add(staff(stats), "GET /staff/dashboard", "GET /staff/stats", "GET /staff/stats.csv")

	add(public(), "GET /api/v1/openapi.json")
	add(api(register), "POST /api/v1/cases")
	add(api(read),
		"GET /api/v1/cases", "GET /api/v1/cases/:id", "POST /api/v1/cases/search",
		"GET /api/v1/cases/:id/extract.pdf", "GET /api/v1/cases/:id/items", "GET /api/v1/cases/:id/letter.pdf",
		"GET /api/v1/cases/:id/letters", "GET /api/v1/cases/:id/withholdings")
	add(api(handle),
		"POST /api/v1/cases/:id/notes", "POST /api/v1/cases/:id/extension", "POST /api/v1/cases/:id/assign",
		"POST /api/v1/cases/:id/extract", "POST /api/v1/cases/:id/send", "POST /api/v1/cases/:id/evaluation",
		"POST /api/v1/cases/:id/items", "POST /api/v1/cases/:id/execute",
		"POST /api/v1/cases/:id/letters/:purpose/send", "POST /api/v1/cases/:id/signoff/resubmit",
		"POST /api/v1/cases/:id/identity", "POST /api/v1/cases/:id/identity/proof", "PUT /api/v1/cases/:id/scope")
	add(api(override), "POST /api/v1/cases/:id/items/:item/outcome")
	add(api(decide),
		"POST /api/v1/cases/:id/restrictions/notice", "POST /api/v1/cases/:id/restrictions/lift",
		"POST /api/v1/cases/:id/outcome", "POST /api/v1/cases/:id/mandate",
		"POST /api/v1/cases/:id/withholdings", "DELETE /api/v1/cases/:id/withholdings/:wid")
	add(api(signOff), "POST /api/v1/cases/:id/signoff")
	add(api(printing), "POST /api/v1/print/batches", "POST /api/v1/print/status")
	add(api(printing).hiding(protected), "GET /api/v1/print/batches/:id", "GET /api/v1/print/batches/:id/export")
	// Reprint: the print operator or the case officer; a protected letter
	// the protected-print operator or the officer.
	add(api(printing, handle).hiding(protected, handle), "POST /api/v1/print/letters/:record_id/reprint")
	add(api(stats), "GET /api/v1/stats")

	m := make(map[string]Access)
	for _, r := range rules {
		for _, k := range r.routes {
			if _, dup := m[k]; dup {
				panic("web: route declared twice: " + k)
			}
			m[k] = r.access
		}
	}
	return m
}()

// DeclaredRoute is one route a handler serves and its declared access.
type DeclaredRoute struct {
	Method, Path string
	Access       Access
}

// DeclaredRoutes lists the routes h serves (h as Server.Handler returns it)
// with their declared access, and the routes it serves that have no
// declaration ("METHOD /path"), and the declarations of routes it does not
// serve.
func DeclaredRoutes(h http.Handler) (declared []DeclaredRoute, undeclared, unused []string) {
	eng, ok := h.(*gin.Engine)
	if !ok {
		return nil, []string{"the handler is not the route table"}, nil
	}
	served := make(map[string]bool)
	for _, r := range eng.Routes() {
		k := route(r.Method, r.Path)
		served[k] = true
		a, ok := routeAccess[k]
		if !ok {
			undeclared = append(undeclared, k)
			continue
		}
		declared = append(declared, DeclaredRoute{Method: r.Method, Path: r.Path, Access: a})
	}
	for k := range routeAccess {
		if !served[k] {
			unused = append(unused, k)
		}
	}
	slices.Sort(undeclared)
	slices.Sort(unused)
	return declared, undeclared, unused
}
