package app

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"dsrdesk/internal/demodata"
	"dsrdesk/internal/dsr"
)

// deskIdentity is who asks, on the pages (a cookie client) and through the
// API (a bearer token; the individual and the anonymous have none).
type deskIdentity struct {
	name   string
	role   dsr.Role // "" for the individual and the anonymous
	client *http.Client
	token  string
}

// deskRoute is a page or API call of the case desk and the roles it lets
// through.
type deskRoute struct {
	method, path string // {id}, {aid} and {wid} are filled in
	api          bool
	allowed      []dsr.Role
}

var (
	caseReaders  = []dsr.Role{dsr.RoleOfficer, dsr.RoleDPO} // read_cases, register, handle, decide
	deskSignOffs = []dsr.Role{dsr.RoleDPO}                  // sign_off
)

// deskRoutes are the routes the case desk added, with who may use them.
var deskRoutes = []deskRoute{
	{"GET", "/staff/intake", false, caseReaders},
	{"POST", "/staff/intake", false, caseReaders},
	{"POST", "/staff/cases/{id}/outcome", false, caseReaders},
	{"POST", "/staff/cases/{id}/signoff", false, deskSignOffs},
	{"POST", "/staff/cases/{id}/signoff/resubmit", false, caseReaders},
	{"POST", "/staff/cases/{id}/identity", false, caseReaders},
	{"POST", "/staff/cases/{id}/identity/proof", false, caseReaders},
	{"POST", "/staff/cases/{id}/scope", false, caseReaders},
	{"GET", "/staff/cases/{id}/review", false, caseReaders},
	{"POST", "/staff/cases/{id}/withholdings", false, caseReaders},
	{"POST", "/staff/cases/{id}/withholdings/{wid}/disclose", false, caseReaders},
	{"POST", "/staff/cases/{id}/notes", false, caseReaders},
	{"POST", "/staff/cases/{id}/attachments", false, caseReaders},
	{"GET", "/staff/cases/{id}/attachments/{aid}", false, caseReaders},
	{"POST", "/staff/cases/search", false, caseReaders},
	{"GET", "/staff/cases/search", false, caseReaders},
	{"POST", "/api/v1/cases/{id}/outcome", true, caseReaders},
	{"POST", "/api/v1/cases/{id}/signoff", true, deskSignOffs},
	{"POST", "/api/v1/cases/{id}/signoff/resubmit", true, caseReaders},
	{"POST", "/api/v1/cases/{id}/identity", true, caseReaders},
	{"POST", "/api/v1/cases/{id}/identity/proof", true, caseReaders},
	{"PUT", "/api/v1/cases/{id}/scope", true, caseReaders},
	{"GET", "/api/v1/cases/{id}/withholdings", true, caseReaders},
	{"POST", "/api/v1/cases/{id}/withholdings", true, caseReaders},
	{"DELETE", "/api/v1/cases/{id}/withholdings/{wid}", true, caseReaders},
	{"POST", "/api/v1/cases/{id}/notes", true, caseReaders},
	{"POST", "/api/v1/cases/search", true, caseReaders},
	{"GET", "/api/v1/cases/{id}/letter.pdf", true, caseReaders},
}

// sendAs makes one request as an identity: a page with the identity's
// cookies (a form post from the site's own origin), or an API call with
// its bearer token and, for the individual, their session cookie too. It
// returns the status, the redirect target and the body.
func (e *env) sendAs(who deskIdentity, method, path string, api bool) (int, string, string) {
	e.t.Helper()
	var body io.Reader
	switch {
	case api && method != "GET" && method != "DELETE":
		body = strings.NewReader("{}")
	case !api && method == "POST":
		body = strings.NewReader(url.Values{"note": {"x"}}.Encode())
	}
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	switch {
	case api && body != nil:
		req.Header.Set("Content-Type", "application/json")
	case body != nil:
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", e.srv.URL)
	}
	if api && who.token != "" {
		req.Header.Set("Authorization", "Bearer "+who.token)
	}
	resp, err := who.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

// TestDeskRoutesEnforceRoles: every page and API call the case desk added
// answers each identity by its role alone — the officer and the DPO are let
// through (the DPO alone to sign off), the print operator and the
// administrator get 403, and an individual signed in with e-ID is treated
// like someone not signed in: sent to the staff sign-in on a page, 401 in
// the API. An individual never reaches a case, not even their own.
func TestDeskRoutesEnforceRoles(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	users := DemoUsers()
	if users[3].Role != dsr.RoleAdmin {
		t.Fatalf("demo user 3 is %s, want the administrator", users[3].Role)
	}
	adminToken, err := e.app.Auth.CreateToken(ctx, users[3].Email, dsr.SystemActor)
	if err != nil {
		t.Fatal(err)
	}

	// The case is the individual's own: the strongest case for letting
	// them in, and they must still be kept out.
	people := demodata.DemoPeople()
	self := -1
	for i, p := range people {
		if deskPerson(p) {
			self = i
			break
		}
	}
	if self < 0 {
		t.Fatal("no demo person fits")
	}
	c := e.createCase(string(people[self].PNR), "letter", "2026-11-20")
	individual := e.individualClient(people[self])

	ids := []deskIdentity{
		{"officer", dsr.RoleOfficer, e.staffClient(users[0].Email, users[0].Password), e.officer},
		{"dpo", dsr.RoleDPO, e.staffClient(users[1].Email, users[1].Password), e.dpo},
		{"print", dsr.RolePrint, e.staffClient(users[2].Email, users[2].Password), e.printer},
		{"admin", dsr.RoleAdmin, e.staffClient(users[3].Email, users[3].Password), adminToken},
		{"individual", "", individual, ""},
		{"anonymous", "", e.browserClient(), ""},
	}
	fill := strings.NewReplacer("{id}", c.ID, "{aid}", "0198a3f2-0000-7000-8000-00000000a1d0", "{wid}", "0198a3f2-0000-7000-8000-00000000b1d0")
	checked := 0
	for _, r := range deskRoutes {
		path := fill.Replace(r.path)
		for _, who := range ids {
			st, loc, body := e.sendAs(who, r.method, path, r.api)
			checked++
			what := who.name + " " + r.method + " " + r.path
			allowed := who.role != "" && hasRole(r.allowed, who.role)
			switch {
			case allowed:
				// Let through: whatever the handler answers (a 4xx for an
				// empty body is fine), it is not a refusal, not the
				// sign-in, and not "no such page".
				if st == http.StatusUnauthorized || st == http.StatusForbidden || loc == "/staff/login" || st >= 500 ||
					strings.Contains(body, "No such page.") || strings.Contains(body, "Sidan finns inte.") {
					t.Errorf("%s: %d %s, want it let through", what, st, loc)
				}
			case who.role != "":
				if st != http.StatusForbidden {
					t.Errorf("%s: %d %s, want 403", what, st, loc)
				}
			case r.api:
				if st != http.StatusUnauthorized {
					t.Errorf("%s: %d, want 401", what, st)
				}
			default:
				if st != http.StatusSeeOther || loc != "/staff/login" {
					t.Errorf("%s: %d to %q, want the staff sign-in", what, st, loc)
				}
			}
			if !allowed && strings.Contains(body, c.Number) {
				t.Errorf("%s: the answer shows the case number", what)
			}
		}
	}
	if want := len(deskRoutes) * len(ids); checked != want {
		t.Fatalf("checked %d route × identity pairs, want %d", checked, want)
	}
	t.Logf("%d routes × %d identities = %d checks", len(deskRoutes), len(ids), checked)

	// An individual reaches no case page and no case call, with their
	// session cookie or with its value presented as a bearer token.
	var session string
	u, _ := url.Parse(e.srv.URL)
	for _, ck := range individual.Jar.Cookies(u) {
		if ck.Name == "dsr_session" {
			session = ck.Value
		}
	}
	if session == "" {
		t.Fatal("the e-ID sign-in set no session cookie")
	}
	for _, p := range []struct{ method, path string }{
		{"GET", "/staff/cases"}, {"GET", "/staff/cases/{id}"}, {"GET", "/staff/cases/{id}/extract.pdf"},
		{"GET", "/staff/cases/{id}/letter.pdf"}, {"POST", "/staff/cases/{id}/assemble"}, {"POST", "/staff/cases/{id}/send"},
		{"POST", "/staff/cases/{id}/assign"}, {"POST", "/staff/cases/{id}/extend"},
	} {
		st, loc, body := e.sendAs(ids[4], p.method, fill.Replace(p.path), false)
		if st != http.StatusSeeOther || loc != "/staff/login" || strings.Contains(body, c.Number) {
			t.Errorf("individual %s %s: %d to %q, want the staff sign-in", p.method, p.path, st, loc)
		}
	}
	withSession := ids[4]
	withSession.token = session
	for _, p := range []struct{ method, path string }{
		{"GET", "/api/v1/cases"}, {"GET", "/api/v1/cases/{id}"}, {"GET", "/api/v1/cases/{id}/extract.pdf"},
		{"POST", "/api/v1/cases/{id}/extract"}, {"POST", "/api/v1/cases/{id}/send"}, {"GET", "/api/v1/cases/{id}/items"},
		{"GET", "/api/v1/cases/{id}/letter.pdf"}, {"GET", "/api/v1/cases/{id}/withholdings"}, {"POST", "/api/v1/cases/search"},
	} {
		for _, who := range []deskIdentity{ids[4], withSession} {
			st, _, body := e.sendAs(who, p.method, fill.Replace(p.path), true)
			if st != http.StatusUnauthorized || strings.Contains(body, c.Number) {
				t.Errorf("individual (token %t) %s %s: %d, want 401", who.token != "", p.method, p.path, st)
			}
		}
	}
	// Nothing the refused calls asked for happened to the case.
	var got caseResp
	e.call("GET", "/api/v1/cases/"+c.ID, e.officer, nil, &got)
	if got.Outcome != "" || got.SignOff.State != "" || got.Status != "received" {
		t.Errorf("the case changed: %+v", got)
	}
	e.checkAuditAndLogs()
}

func hasRole(roles []dsr.Role, r dsr.Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}
