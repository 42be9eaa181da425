package app

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"dsrdesk/internal/config"
	"dsrdesk/internal/demodata"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/web"
)

// authzKind is how an identity of the matrix presents itself.
type authzKind int

const (
	authzAnonymous  authzKind = iota // no cookie, no token
	authzIndividual                  // an e-ID session cookie
	authzStaff                       // a staff session cookie
	authzToken                       // a bearer token and no cookie
)

// authzIdentity is one column of the authorization matrix.
type authzIdentity struct {
	name    string
	kind    authzKind
	role    dsr.Role     // staff sessions and tokens
	owns    authzVariant // the individual whose case and letter a variant names; 0 for none
	revoked bool         // a token an administrator revoked
	client  *http.Client
	token   string
}

// authzObjects are the real objects the path templates are filled with.
type authzObjects struct {
	caseID, letterID, attachmentID string // individual A's case, its sent letter, a file on it
	repCaseID, repLetterID         string // a request the representative filed for their ward, its answer to them
	recordID, batchID              string // a paper letter and its print batch
	protRecordID, protBatchID      string // the same on the protected print route
	userID, tokenID                string // a staff account and token the administrator may change
}

// authzVariant is which objects fill a path: individual A's and the
// ordinary print route's, the representative's, or the protected print
// route's.
type authzVariant int

const (
	variantA authzVariant = iota + 1
	variantRep
	variantProtected
)

// fill puts the objects of variant v into a gin path template.
func (o authzObjects) fill(path string, v authzVariant) string {
	batch, record, caseID, letter := o.batchID, o.recordID, o.caseID, o.letterID
	switch v {
	case variantProtected:
		batch, record = o.protBatchID, o.protRecordID
	case variantRep:
		caseID, letter = o.repCaseID, o.repLetterID
	}
	segs := strings.Split(path, "/")
	for i, s := range segs {
		switch {
		case s == "*filepath":
			segs[i] = "style.css"
		case s == ":lang":
			segs[i] = "en"
		case s == ":form":
			segs[i] = "9352"
		case s == ":letter":
			segs[i] = letter
		case s == ":aid":
			segs[i] = o.attachmentID
		case s == ":record_id":
			segs[i] = record
		case s == ":purpose":
			segs[i] = "access"
		case s == ":wid", s == ":item":
			segs[i] = "00000000-0000-0000-0000-000000000000"
		case s == ":id" && strings.HasPrefix(path, "/admin/users/"):
			segs[i] = o.userID
		case s == ":id" && strings.HasPrefix(path, "/admin/tokens/"):
			segs[i] = o.tokenID
		case s == ":id" && strings.Contains(path, "/print/batches/"):
			segs[i] = batch
		case s == ":id":
			segs[i] = caseID
		case strings.HasPrefix(s, ":"):
			panic("authz: no object for " + s + " in " + path)
		}
	}
	return strings.Join(segs, "/")
}

// authzVerdict is what one identity should get from one route: let
// through (any answer but a refusal), or refused with status and, for a
// redirect, a target starting with login.
type authzVerdict struct {
	allowed bool
	any     bool // the route checks credentials itself: any answer
	status  int
	login   string
}

func (v authzVerdict) String() string {
	switch {
	case v.any:
		return "any answer"
	case v.allowed && v.status != 0:
		return fmt.Sprintf("let through with %d", v.status)
	case v.allowed:
		return "let through"
	case v.login != "":
		return fmt.Sprintf("%d to %s", v.status, v.login)
	}
	return fmt.Sprint(v.status)
}

// expectAccess is the declared answer of a route to an identity, for the
// objects of variant v. metricsOpen says the test's own address may read
// /metrics untokened.
func expectAccess(a web.Access, id authzIdentity, v authzVariant, metricsOpen bool) authzVerdict {
	let := authzVerdict{allowed: true}
	if v == variantProtected && !a.Sees(id.role) {
		let = authzVerdict{status: http.StatusNotFound}
	}
	switch a.Audience {
	case web.Public:
		if a.OwnCheck {
			return authzVerdict{allowed: true, any: true}
		}
		return let
	case web.Operator:
		if metricsOpen || id.kind == authzToken && !id.revoked && a.Allows(id.role) {
			return let
		}
		return authzVerdict{status: http.StatusForbidden}
	case web.Individual:
		if id.kind != authzIndividual {
			return authzVerdict{status: http.StatusSeeOther, login: "/e-id"}
		}
		if a.Own && id.owns != v {
			return authzVerdict{status: http.StatusNotFound}
		}
		if a.Own {
			return authzVerdict{allowed: true, status: http.StatusOK} // their own, really there
		}
		return let
	case web.Staff:
		if id.kind != authzStaff {
			return authzVerdict{status: http.StatusSeeOther, login: "/staff/login"}
		}
		if !a.Allows(id.role) {
			return authzVerdict{status: http.StatusForbidden}
		}
		return let
	case web.API:
		if id.kind != authzToken || id.revoked {
			return authzVerdict{status: http.StatusUnauthorized}
		}
		if !a.Allows(id.role) {
			return authzVerdict{status: http.StatusForbidden}
		}
		return let
	}
	panic("authz: unknown audience " + a.Audience)
}

// sendAuthz makes one request as an identity: API bodies are an empty JSON
// object, page forms a same-origin form post. It returns the status and
// the redirect target.
func (e *env) sendAuthz(id authzIdentity, method, path string) (int, string, error) {
	api := strings.HasPrefix(path, "/api/")
	var body io.Reader
	switch {
	case method == "GET" || method == "HEAD" || method == "DELETE":
	case api:
		body = strings.NewReader("{}")
	default:
		body = strings.NewReader(url.Values{"note": {"x"}}.Encode())
	}
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		return 0, "", err
	}
	switch {
	case body != nil && api:
		req.Header.Set("Content-Type", "application/json")
	case body != nil:
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", e.srv.URL)
	}
	if id.token != "" {
		req.Header.Set("Authorization", "Bearer "+id.token)
	}
	resp, err := id.client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), nil
}

// authzObjects makes the objects the paths name: individual A's case with a
// letter delivered to their digital mailbox and a file on it, a paper
// letter in a print batch, and an account and token for the administrator
// to change.
func (e *env) makeAuthzObjects(t *testing.T, a, protPrinter string, admin *http.Client) authzObjects {
	ctx := context.Background()
	var o authzObjects
	c, _ := e.sendToPaper(a) // A has a digital mailbox: the outbox delivers it there
	o.caseID = c.ID
	if _, err := e.app.Delivery.RunOutbox(ctx, 100); err != nil {
		t.Fatal(err)
	}
	letters, err := e.app.Store.CaseLetters(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range letters {
		if l.Sent() && l.Addressee.Kind == dsr.AddresseeSubject {
			o.letterID = l.ID
		}
	}
	if o.letterID == "" {
		t.Fatalf("individual A's answer was not delivered: %+v", letters)
	}
	users := DemoUsers()
	officer := e.staffClient(users[0].Email, users[0].Password)
	resp, _ := e.postMultipart(officer, "/staff/cases/"+c.ID+"/attachments", map[string][]string{"purpose": {"identity"}},
		map[string][]byte{"file": []byte("%PDF-1.4\n1 0 obj << >> endobj\n% ID-handling\n")})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("attach a file: %d", resp.StatusCode)
	}
	_, page := e.get(officer, "/staff/cases/"+c.ID)
	m := regexp.MustCompile(`/attachments/([0-9a-f-]{36})"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the case page links no attachment")
	}
	o.attachmentID = m[1]

	paperCase, _, _ := e.realLetter()
	paper, err := e.app.Store.CaseLetters(ctx, paperCase)
	if err != nil || len(paper) == 0 {
		t.Fatalf("the paper letter: %v", err)
	}
	o.recordID = paper[0].ID
	var batch struct {
		ID string `json:"id"`
	}
	if st, raw := e.call("POST", "/api/v1/print/batches", e.printer, nil, &batch); st != http.StatusCreated {
		t.Fatalf("print batch: %d %s", st, raw)
	}
	o.batchID = batch.ID

	protected := person(t, func(p demodata.DemoPerson) bool { return p.Protection == dsr.ProtectionProtected && !p.DigitalMailbox })
	protCase, _ := e.sendToPaper(string(protected.PNR))
	protLetters, err := e.app.Store.CaseLetters(ctx, protCase.ID)
	if err != nil || len(protLetters) == 0 || protLetters[0].Channel != dsr.DeliveryProtected {
		t.Fatalf("the protected letter: %v %+v", err, protLetters)
	}
	o.protRecordID = protLetters[0].ID
	protTok, err := e.app.Auth.CreateToken(ctx, protPrinter, dsr.SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	if st, raw := e.call("POST", "/api/v1/print/batches", protTok, map[string]string{"route": "protected"}, &batch); st != http.StatusCreated {
		t.Fatalf("protected print batch: %d %s", st, raw)
	}
	o.protBatchID = batch.ID

	const spare = "reserv@demo.dsrdesk.se"
	u, err := e.app.Auth.AddUser(ctx, spare, "Rita Reserv", dsr.RoleOfficer, "ett-långt-lösenord", dsr.SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	o.userID = u.ID
	_, o.tokenID = e.pageToken(t, admin, u.ID)
	return o
}

// fileAsGuardian files form 9352 as the signed-in guardian for their ward,
// has the answer sent to the guardian's digital mailbox, and returns the
// case and the letter.
func (e *env) fileAsGuardian(t *testing.T, guardian *http.Client) (caseID, letterID string) {
	ctx := context.Background()
	_, form := e.get(guardian, "/request/9352")
	ward := regexp.MustCompile(`<option value="(p[0-9a-f]+)"`).FindStringSubmatch(form)
	if ward == nil {
		t.Fatal("the guardian's form offers no one to act for")
	}
	resp, _ := e.form(guardian, "/request/9352", url.Values{"scope": {"all"}, "language": {"sv"},
		"request_key": {formKeyOf(form)}, "acting_for": {ward[1]}}, e.srv.URL)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/request/receipt/") {
		t.Fatalf("file for the ward: %d %s", resp.StatusCode, loc)
	}
	caseID = strings.TrimPrefix(loc, "/request/receipt/")
	if st, raw := e.call("POST", "/api/v1/cases/"+caseID+"/extract", e.officer, nil, nil); st != http.StatusOK {
		t.Fatalf("extract: %d %s", st, raw)
	}
	var got caseResp
	e.call("GET", "/api/v1/cases/"+caseID, e.officer, nil, &got)
	if got.SignOff.Required {
		if st, raw := e.call("POST", "/api/v1/cases/"+caseID+"/signoff", e.dpo, map[string]string{"decision": "approve"}, nil); st != http.StatusOK {
			t.Fatalf("sign-off: %d %s", st, raw)
		}
	}
	if st, raw := e.call("POST", "/api/v1/cases/"+caseID+"/send", e.officer, nil, nil); st != http.StatusOK {
		t.Fatalf("send: %d %s", st, raw)
	}
	if _, err := e.app.Delivery.RunOutbox(ctx, 100); err != nil {
		t.Fatal(err)
	}
	letters, err := e.app.Store.CaseLetters(ctx, caseID)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range letters {
		if l.Sent() && l.Addressee.Kind == dsr.AddresseeRepresentative {
			letterID = l.ID
		}
	}
	if letterID == "" {
		t.Fatalf("the answer to the guardian was not delivered: %+v", letters)
	}
	return caseID, letterID
}

// pageToken makes a token for user on the administrator's page and returns
// it and its id.
func (e *env) pageToken(t *testing.T, admin *http.Client, userID string) (token, id string) {
	resp, page := e.form(admin, "/admin/users/"+userID+"/tokens", nil, e.srv.URL)
	tok := regexp.MustCompile(`<code id="new-token" class="secret">(dsr_[A-Za-z0-9_-]+)</code>`).FindStringSubmatch(page)
	row := regexp.MustCompile(`<tr id="token-([0-9a-f]+)" data-revoked="false" class="new">`).FindStringSubmatch(page)
	if resp.StatusCode != http.StatusOK || tok == nil || row == nil {
		t.Fatalf("create a token on the page: %d", resp.StatusCode)
	}
	return tok[1], row[1]
}

// TestAuthorizationMatrix sends every route the server serves, filled with
// real objects, as every kind of caller — anonymous, two individuals and a
// guardian signed in with e-ID, each staff role signed in and by bearer
// token, and a revoked token — and checks the answer against the access
// declared next to the route table (internal/web/access.go): whoever may
// is let through, anyone else gets exactly the declared refusal. A route
// served without a declaration fails the test.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()

	routes, undeclared, unused := web.DeclaredRoutes(e.app.Handler)
	if len(undeclared) > 0 {
		t.Errorf("routes served with no declared access (add them to internal/web/access.go):\n  %s", strings.Join(undeclared, "\n  "))
	}
	if len(unused) > 0 {
		t.Errorf("access declared for routes that are not served:\n  %s", strings.Join(unused, "\n  "))
	}
	// Read-only requests first, then the changes, signing out last, so no
	// identity's own request ends its session before its other cells.
	weight := func(r web.DeclaredRoute) int {
		switch {
		case r.Path == "/logout":
			return 2
		case r.Method == "GET" || r.Method == "HEAD":
			return 0
		}
		return 1
	}
	slices.SortStableFunc(routes, func(a, b web.DeclaredRoute) int { return weight(a) - weight(b) })

	users := DemoUsers()
	adminUser := users[3]
	if adminUser.Role != dsr.RoleAdmin {
		t.Fatalf("demo user 3 is %s, want the administrator", adminUser.Role)
	}
	admin := e.staffClient(adminUser.Email, adminUser.Password)
	personA := demoPerson(t, "Elin Lefiström")
	representative := e.individualClient(demoPerson(t, "Åsa Testsson"))

	ids := []authzIdentity{
		{name: "anonymous", kind: authzAnonymous, client: e.browserClient()},
		{name: "individual A", kind: authzIndividual, owns: variantA, client: e.individualClient(personA)},
		{name: "individual B", kind: authzIndividual, client: e.individualClient(demoPerson(t, "Bertil Pappersson"))},
		// Åsa, Filip's guardian, files for him; she is nobody to A.
		{name: "representative", kind: authzIndividual, owns: variantRep, client: representative},
	}
	staffEmails := map[dsr.Role]string{}
	staffPasswords := map[dsr.Role]string{}
	for _, u := range users {
		staffEmails[u.Role], staffPasswords[u.Role] = u.Email, u.Password
	}
	staffEmails[dsr.RolePrintProtected] = protectedPrinter(t, e)
	staffPasswords[dsr.RolePrintProtected] = "ett-långt-lösenord"
	objects := e.makeAuthzObjects(t, string(personA.PNR), staffEmails[dsr.RolePrintProtected], admin)
	objects.repCaseID, objects.repLetterID = e.fileAsGuardian(t, representative)
	for _, r := range dsr.Roles {
		c := admin
		if r != dsr.RoleAdmin {
			c = e.staffClient(staffEmails[r], staffPasswords[r])
		}
		ids = append(ids, authzIdentity{name: "staff " + string(r), kind: authzStaff, role: r, client: c})
	}
	for _, r := range dsr.Roles {
		tok, err := e.app.Auth.CreateToken(ctx, staffEmails[r], dsr.SystemActor)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, authzIdentity{name: "token " + string(r), kind: authzToken, role: r, client: e.browserClient(), token: tok})
	}
	// A token revoked through the administrator's page.
	revoked, revokedID := e.pageToken(t, admin, e.userID(users[0].Email))
	if resp, _ := e.form(admin, "/admin/tokens/"+revokedID+"/revoke", nil, e.srv.URL); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke a token: %d", resp.StatusCode)
	}
	ids = append(ids, authzIdentity{name: "revoked token", kind: authzToken, role: dsr.RoleOfficer, revoked: true, client: e.browserClient(), token: revoked})

	// The test connects from 127.0.0.1, an address the default
	// configuration lets read /metrics.
	metricsOpen := slices.ContainsFunc(config.Defaults().MetricsAllow, func(p netip.Prefix) bool {
		return p.Contains(netip.MustParseAddr("127.0.0.1"))
	})

	// A route that names a print batch or letter runs once with an ordinary
	// one and once with one of the protected route; an individual's route
	// to one case or letter once with A's and once with the
	// representative's.
	type cell struct {
		route   web.DeclaredRoute
		variant authzVariant
	}
	var cells []cell
	for _, r := range routes {
		cells = append(cells, cell{route: r, variant: variantA})
		if len(r.Access.Protected) > 0 {
			cells = append(cells, cell{route: r, variant: variantProtected})
		}
		if r.Access.Own {
			cells = append(cells, cell{route: r, variant: variantRep})
		}
	}
	t.Logf("authorization matrix: %d routes (%d paths with their objects) × %d identities = %d cells",
		len(routes), len(cells), len(ids), len(cells)*len(ids))
	for _, id := range ids {
		t.Run(id.name, func(t *testing.T) {
			t.Parallel()
			for _, c := range cells {
				r := c.route
				want := expectAccess(r.Access, id, c.variant, metricsOpen)
				st, loc, err := e.sendAuthz(id, r.Method, objects.fill(r.Path, c.variant))
				if err != nil {
					t.Errorf("%s %s: %v", r.Method, r.Path, err)
					continue
				}
				what := r.Method + " " + r.Path
				switch c.variant {
				case variantProtected:
					what += " (protected route)"
				case variantRep:
					what += " (the representative's)"
				}
				toLogin := st >= 300 && st < 400 && (strings.HasPrefix(loc, "/staff/login") || strings.HasPrefix(loc, "/e-id"))
				switch {
				case want.any:
				case want.allowed && want.status != 0 && st != want.status:
					t.Errorf("%s: %d %s, want %d", what, st, loc, want.status)
				case want.allowed && (st == http.StatusUnauthorized || st == http.StatusForbidden || toLogin):
					t.Errorf("%s: %d %s, want %s", what, st, loc, want)
				case want.allowed && st >= 500:
					t.Errorf("%s: %d, an internal error", what, st)
				case !want.allowed && (st != want.status || !strings.HasPrefix(loc, want.login)):
					t.Errorf("%s: %d %s, want %s", what, st, loc, want)
				}
			}
		})
	}
}
