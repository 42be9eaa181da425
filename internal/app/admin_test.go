package app

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"dsrdesk/internal/demodata"
	"dsrdesk/internal/dsr"
)

// adminEnv is a running dsrdesk with the demo administrator signed in.
type adminEnv struct {
	*env
	admin   *http.Client
	adminID string
}

func newAdminEnv(t *testing.T) *adminEnv {
	t.Helper()
	e := newEnv(t)
	u := DemoUsers()[3]
	if u.Role != dsr.RoleAdmin {
		t.Fatalf("demo user 3 is %s, want the administrator", u.Role)
	}
	c := e.browserClient()
	resp, _ := e.form(c, "/staff/login", url.Values{"email": {u.Email}, "password": {u.Password}}, e.srv.URL)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/users" {
		t.Fatalf("the administrator's sign-in: %d to %q, want /admin/users", resp.StatusCode, resp.Header.Get("Location"))
	}
	return &adminEnv{env: e, admin: c, adminID: e.userID(u.Email)}
}

func (e *env) userID(email string) string {
	e.t.Helper()
	u, err := e.app.Store.UserByEmail(context.Background(), email)
	if err != nil {
		e.t.Fatalf("user %s: %v", email, err)
	}
	return u.ID
}

func (e *env) auditCount() int {
	e.t.Helper()
	events, err := e.app.Store.AuditEvents(context.Background(), "")
	if err != nil {
		e.t.Fatal(err)
	}
	return len(events)
}

// TestAdminPagesAreTheAdministratorsOnly: every administration page opens
// for the administrator, is refused to every other role and sends the
// anonymous to the sign-in; the administrator does no casework, on the
// pages or through the API; only the administrator's menu has the links.
func TestAdminPagesAreTheAdministratorsOnly(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t)
	users := DemoUsers()
	officerID := e.userID(users[0].Email)
	pages := []string{"/admin/users", "/admin/users/" + officerID + "/tokens", "/admin/settings"}
	for _, p := range pages {
		resp, body := e.get(e.admin, p)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="nav-admin-users"`) || !strings.Contains(body, `id="nav-admin-settings"`) {
			t.Errorf("administrator on %s: %d, or no administration links", p, resp.StatusCode)
		}
	}
	posts := map[string]url.Values{
		"/admin/users":                           {"email": {"ny@example.se"}, "name": {"Ny"}, "role": {"officer"}, "password": {"ett långt lösenord"}},
		"/admin/users/" + officerID + "/role":    {"role": {"admin"}},
		"/admin/users/" + e.adminID + "/disable": nil,
		"/admin/users/" + officerID + "/tokens":  nil,
		"/admin/settings":                        {"require_signoff": {"off"}, "identity_wait_days": {"30"}},
	}
	before := e.auditCount()
	for _, u := range users[:3] {
		c := e.staffClient(u.Email, u.Password)
		for _, p := range pages {
			if resp, _ := e.get(c, p); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s on %s: %d, want 403", u.Role, p, resp.StatusCode)
			}
		}
		for p, v := range posts {
			if resp, _ := e.form(c, p, v, e.srv.URL); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s posting %s: %d, want 403", u.Role, p, resp.StatusCode)
			}
		}
		home := "/staff/cases"
		if u.Role == dsr.RolePrint {
			home = "/staff/print"
		}
		if _, body := e.get(c, home); strings.Contains(body, "/admin/") {
			t.Errorf("the %s's menu links to the administration pages", u.Role)
		}
	}
	anon := e.browserClient()
	for _, p := range pages {
		if resp, _ := e.get(anon, p); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/staff/login" {
			t.Errorf("anonymous on %s: %d to %q", p, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	for p, v := range posts {
		if resp, _ := e.form(anon, p, v, e.srv.URL); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/staff/login" {
			t.Errorf("anonymous posting %s: %d", p, resp.StatusCode)
		}
	}
	// A form posted to an administration page from another site is refused.
	if resp, _ := e.form(e.admin, "/admin/users", posts["/admin/users"], "https://evil.example"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin create: %d, want 403", resp.StatusCode)
	}
	events, _ := e.app.Store.AuditEvents(context.Background(), "")
	for _, ev := range events[before:] {
		switch ev.Action {
		case dsr.ActionUserCreated, dsr.ActionUserRoleChanged, dsr.ActionUserDisabled, dsr.ActionUserEnabled,
			dsr.ActionTokenCreated, dsr.ActionTokenRevoked, dsr.ActionSettingsChanged:
			t.Errorf("a refused post was carried out: %s", ev.Action)
		}
	}
	if _, err := e.app.Store.UserByEmail(context.Background(), "ny@example.se"); dsr.ErrorCode(err) != dsr.ENOTFOUND {
		t.Fatalf("a refused post created an account: %v", err)
	}

	// No casework for the administrator: not on the pages...
	for _, p := range []string{"/staff/cases", "/staff/print"} {
		if resp, _ := e.get(e.admin, p); resp.StatusCode != http.StatusForbidden {
			t.Errorf("administrator on %s: %d, want 403", p, resp.StatusCode)
		}
	}
	// ...nor through the API with a token of their own.
	tok, err := e.app.Auth.CreateToken(context.Background(), users[3].Email, dsr.SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	subject := string(demodata.DemoPeople()[1].PNR)
	fresh := e.createCase(subject, "letter", "2026-11-20")
	for _, call := range []struct{ method, path string }{
		{"GET", "/api/v1/cases"}, {"GET", "/api/v1/cases/" + fresh.ID}, {"POST", "/api/v1/cases/" + fresh.ID + "/extract"},
	} {
		if st, _ := e.call(call.method, call.path, tok, nil, nil); st != http.StatusForbidden {
			t.Errorf("administrator's token on %s %s: %d, want 403", call.method, call.path, st)
		}
	}
	if st, _ := e.call("POST", "/api/v1/cases", tok, map[string]any{"kinds": []string{"access"}, "subject": subject, "channel": "letter"}, nil); st != http.StatusForbidden {
		t.Errorf("administrator registering a case through the API: %d, want 403", st)
	}
}

// TestAdminCreatesAnAccount: an account the administrator creates can sign
// in; bad input shows the form again with the reason in the page's
// language, keeps what was typed but the password, and creates nothing.
func TestAdminCreatesAnAccount(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t)
	before := e.auditCount()
	for _, tc := range []struct {
		name   string
		form   url.Values
		status int
		text   string
	}{
		{"weak password", url.Values{"email": {"vera@example.se"}, "name": {"Vera Växel"}, "role": {"dpo"}, "password": {"Sommar2026!!"}},
			http.StatusBadRequest, "Lösenordet är för lätt att gissa. Använd några orelaterade ord."},
		{"short password", url.Values{"email": {"vera@example.se"}, "name": {"Vera Växel"}, "role": {"dpo"}, "password": {"kort"}},
			http.StatusBadRequest, "Lösenordet måste ha minst 12 tecken."},
		{"password is the name", url.Values{"email": {"vera@example.se"}, "name": {"Vera Växel"}, "role": {"dpo"}, "password": {"Vera Växel 2026"}},
			http.StatusBadRequest, "Lösenordet får inte vara användarens e-postadress eller namn."},
		{"unknown role", url.Values{"email": {"vera@example.se"}, "name": {"Vera Växel"}, "role": {"boss"}, "password": {"korrekt häst batteri"}},
			http.StatusBadRequest, "Okänd roll."},
		{"no name", url.Values{"email": {"vera@example.se"}, "name": {" "}, "role": {"dpo"}, "password": {"korrekt häst batteri"}},
			http.StatusBadRequest, "Ange användarens namn."},
		{"taken address", url.Values{"email": {DemoUsers()[0].Email}, "name": {"Vera Växel"}, "role": {"dpo"}, "password": {"korrekt häst batteri"}},
			http.StatusConflict, "Det finns redan en användare med den e-postadressen."},
	} {
		resp, body := e.form(e.admin, "/admin/users", tc.form, e.srv.URL)
		if resp.StatusCode != tc.status || !strings.Contains(html.UnescapeString(body), tc.text) {
			t.Errorf("%s: %d, want %d with %q", tc.name, resp.StatusCode, tc.status, tc.text)
			continue
		}
		if !strings.Contains(body, `value="`+tc.form.Get("email")+`"`) || strings.Contains(body, tc.form.Get("password")) {
			t.Errorf("%s: the form must keep the address and drop the password", tc.name)
		}
	}
	if after := e.auditCount(); after != before {
		t.Fatalf("refused creates wrote %d audit entries", after-before)
	}
	if _, err := e.app.Store.UserByEmail(context.Background(), "vera@example.se"); dsr.ErrorCode(err) != dsr.ENOTFOUND {
		t.Fatalf("a refused create made the account: %v", err)
	}
	// In English the refusal reads in English.
	e.get(e.admin, "/lang/en?next=/admin/users")
	resp, body := e.form(e.admin, "/admin/users", url.Values{"email": {"vera@example.se"}, "name": {"Vera Växel"}, "role": {"dpo"}, "password": {"Sommar2026!!"}}, e.srv.URL)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "The password is too easy to guess: use a few unrelated words.") {
		t.Errorf("English refusal: %d", resp.StatusCode)
	}
	e.get(e.admin, "/lang/sv?next=/admin/users")

	resp, _ = e.form(e.admin, "/admin/users", url.Values{"email": {"Vera@Example.se"}, "name": {"Vera Växel"}, "role": {"dpo"}, "password": {"korrekt häst batteri"}}, e.srv.URL)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/users?done=user_created" {
		t.Fatalf("create: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, body := e.get(e.admin, "/admin/users?done=user_created"); !strings.Contains(body, "Användarkontot är skapat.") || !strings.Contains(body, `data-email="vera@example.se" data-role="dpo"`) {
		t.Fatal("the list does not show the new account")
	}
	vera := e.browserClient()
	resp, _ = e.form(vera, "/staff/login", url.Values{"email": {"vera@example.se"}, "password": {"korrekt häst batteri"}}, e.srv.URL)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/staff/cases" {
		t.Fatalf("the new account's sign-in: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := e.get(vera, "/staff/cases"); resp.StatusCode != http.StatusOK {
		t.Fatalf("the new data-protection officer's case list: %d", resp.StatusCode)
	}

	// A role change holds from the next request; a bad one changes nothing.
	veraID := e.userID("vera@example.se")
	if resp, _ := e.form(e.admin, "/admin/users/"+veraID+"/role", url.Values{"role": {"print"}}, e.srv.URL); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("change role: %d", resp.StatusCode)
	}
	if resp, _ := e.get(vera, "/staff/cases"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("after becoming a print operator, the case list: %d", resp.StatusCode)
	}
	before = e.auditCount()
	if resp, body := e.form(e.admin, "/admin/users/"+veraID+"/role", url.Values{"role": {"boss"}}, e.srv.URL); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Okänd roll.") {
		t.Errorf("unknown role: %d", resp.StatusCode)
	}
	if resp, body := e.form(e.admin, "/admin/users/"+e.adminID+"/role", url.Values{"role": {"officer"}}, e.srv.URL); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Du kan inte byta din egen roll.") {
		t.Errorf("own role: %d", resp.StatusCode)
	}
	if u, _ := e.app.Store.UserByID(context.Background(), veraID); u.Role != dsr.RolePrint || e.auditCount() != before {
		t.Errorf("refused role changes changed something: role %s", u.Role)
	}
	e.checkAuditAndLogs()
}

// TestDisablingAndRevokingStopAccessAtOnce: disabling an account ends its
// open session and stops its API token on their next use; revoking a token
// makes the API answer 401. A new token is shown once, on the page that
// answers the post, and never reaches a URL or the log.
func TestDisablingAndRevokingStopAccessAtOnce(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t)
	officerUser := DemoUsers()[0]
	officerID := e.userID(officerUser.Email)
	officer := e.staffClient(officerUser.Email, officerUser.Password)

	// A token made on the page works until it is revoked.
	resp, page := e.form(e.admin, "/admin/users/"+officerID+"/tokens", nil, e.srv.URL)
	m := regexp.MustCompile(`<code id="new-token" class="secret">(dsr_[A-Za-z0-9_-]+)</code>`).FindStringSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("create token: %d, no token shown", resp.StatusCode)
	}
	token := m[1]
	if st, _ := e.call("GET", "/api/v1/cases", token, nil, nil); st != http.StatusOK {
		t.Fatalf("the new token: %d", st)
	}
	if _, again := e.get(e.admin, "/admin/users/"+officerID+"/tokens"); strings.Contains(again, token) || !strings.Contains(again, `data-revoked="false"`) {
		t.Fatal("the token list shows the token again, or not its record")
	}
	id := regexp.MustCompile(`<tr id="token-([0-9a-f]+)" data-revoked="false" class="new">`).FindStringSubmatch(page)
	if id == nil {
		t.Fatal("the new token's row has no id")
	}
	resp, _ = e.form(e.admin, "/admin/tokens/"+id[1]+"/revoke", nil, e.srv.URL)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/users/"+officerID+"/tokens?done=token_revoked" {
		t.Fatalf("revoke: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if st, _ := e.call("GET", "/api/v1/cases", token, nil, nil); st != http.StatusUnauthorized {
		t.Fatalf("a revoked token: %d, want 401", st)
	}
	if st, _ := e.call("GET", "/api/v1/cases", e.officer, nil, nil); st != http.StatusOK {
		t.Fatalf("revoking one token stopped another: %d", st)
	}

	// The administrator cannot disable themself.
	before := e.auditCount()
	if resp, body := e.form(e.admin, "/admin/users/"+e.adminID+"/disable", nil, e.srv.URL); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Du kan inte stänga av ditt eget konto.") {
		t.Errorf("self-disable: %d", resp.StatusCode)
	}
	if resp, _ := e.get(e.admin, "/admin/users"); resp.StatusCode != http.StatusOK || e.auditCount() != before {
		t.Fatal("a refused self-disable changed something")
	}

	// Disabling the officer stops their session and their token at once.
	if resp, _ := e.get(officer, "/staff/cases"); resp.StatusCode != http.StatusOK {
		t.Fatalf("the officer before: %d", resp.StatusCode)
	}
	resp, _ = e.form(e.admin, "/admin/users/"+officerID+"/disable", nil, e.srv.URL)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/users?done=user_disabled") {
		t.Fatalf("disable: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := e.get(officer, "/staff/cases"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/staff/login" {
		t.Errorf("the disabled officer's open session: %d to %q, want the sign-in", resp.StatusCode, resp.Header.Get("Location"))
	}
	if st, _ := e.call("GET", "/api/v1/cases", e.officer, nil, nil); st != http.StatusUnauthorized {
		t.Errorf("the disabled officer's token: %d, want 401", st)
	}
	resp, body := e.form(e.browserClient(), "/staff/login", url.Values{"email": {officerUser.Email}, "password": {officerUser.Password}}, e.srv.URL)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Kontot är avstängt.") {
		t.Errorf("the disabled officer signing in: %d", resp.StatusCode)
	}
	if _, list := e.get(e.admin, "/admin/users"); !strings.Contains(list, `id="enable-`+officerID+`"`) {
		t.Error("the list does not offer to enable the disabled account")
	}
	if resp, _ := e.form(e.admin, "/admin/users/"+officerID+"/enable", nil, e.srv.URL); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("enable: %d", resp.StatusCode)
	}
	if st, _ := e.call("GET", "/api/v1/cases", e.officer, nil, nil); st != http.StatusOK {
		t.Errorf("the enabled officer's unrevoked token: %d", st)
	}
	e.staffClient(officerUser.Email, officerUser.Password)

	if strings.Contains(e.log.String(), token) {
		t.Fatal("the token reached the log")
	}
	events, _ := e.app.Store.AuditEvents(context.Background(), "")
	var actions []string
	for _, ev := range events {
		if strings.Contains(ev.Detail, token) {
			t.Fatal("the token reached the audit trail")
		}
		actions = append(actions, string(ev.Action))
	}
	trail := strings.Join(actions, " ")
	for _, a := range []dsr.AuditAction{dsr.ActionTokenCreated, dsr.ActionTokenRevoked, dsr.ActionUserDisabled, dsr.ActionUserEnabled} {
		if !strings.Contains(trail, string(a)) {
			t.Errorf("the audit trail has no %s", a)
		}
	}
	e.checkAuditAndLogs()
}

// TestSettingsPage: a change on the settings page is what every service
// reads next; bad input shows the form again with the reason and changes
// nothing.
func TestSettingsPage(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t)
	ctx := context.Background()
	if s, err := e.app.Settings.Settings(ctx); err != nil || s != dsr.DefaultSettings() {
		t.Fatalf("before: %+v %v, want the rulebook's defaults", s, err)
	}
	if _, page := e.get(e.admin, "/admin/settings"); !strings.Contains(page, `name="require_signoff" value="default" checked`) || !strings.Contains(page, `value="30"`) {
		t.Fatal("the settings page does not show the settings in force")
	}
	before := e.auditCount()
	for _, tc := range []struct {
		name string
		form url.Values
		text string
	}{
		{"unknown policy", url.Values{"require_signoff": {"sometimes"}, "identity_wait_days": {"30"}}, "Välj vilka ärenden som behöver dataskyddsombudets godkännande"},
		{"too few days", url.Values{"require_signoff": {"all"}, "identity_wait_days": {"6"}}, "Väntetiden på identitetsbevis måste vara 7–90 dagar."},
		{"not a number", url.Values{"require_signoff": {"all"}, "identity_wait_days": {"en månad"}}, "Väntetiden på identitetsbevis måste vara 7–90 dagar."},
		{"not yes or no", url.Values{"require_signoff": {"all"}, "identity_wait_days": {"30"}, "pause_clock_for_identity": {"kanske"}}, "Ange ja eller nej"},
		{"retention too long", url.Values{"require_signoff": {"all"}, "identity_wait_days": {"30"}, "retention_years": {"11"}}, "Avslutade ärenden ska sparas 1–10 år innan de gallras."},
	} {
		resp, body := e.form(e.admin, "/admin/settings", tc.form, e.srv.URL)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, tc.text) || !strings.Contains(body, `class="errorbox"`) {
			t.Errorf("%s: %d, want 400 with %q", tc.name, resp.StatusCode, tc.text)
		}
		if days := tc.form.Get("identity_wait_days"); !strings.Contains(body, `value="`+html.EscapeString(days)+`"`) {
			t.Errorf("%s: the form does not keep %q", tc.name, days)
		}
	}
	if s, _ := e.app.Settings.Settings(ctx); s != dsr.DefaultSettings() || e.auditCount() != before {
		t.Fatalf("refused settings changed something: %+v", s)
	}
	resp, _ := e.form(e.admin, "/admin/settings", url.Values{"require_signoff": {"all"}, "identity_wait_days": {"21"}, "pause_clock_for_identity": {"true"}, "retention_years": {"3"}}, e.srv.URL)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/settings?done=settings_saved" {
		t.Fatalf("save: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	want := dsr.Settings{RequireSignOff: dsr.SignOffAll, PauseClockForIdentity: true, IdentityWaitDays: 21, RetentionYears: 3}
	if s, err := e.app.Settings.Settings(ctx); err != nil || s != want {
		t.Fatalf("after saving: %+v %v, want %+v", s, err, want)
	}
	if _, page := e.get(e.admin, "/admin/settings?done=settings_saved"); !strings.Contains(page, "Inställningarna är sparade.") ||
		!strings.Contains(page, `name="require_signoff" value="all" checked`) || !strings.Contains(page, `name="pause_clock_for_identity" value="true" checked`) {
		t.Fatal("the settings page does not show what was saved")
	}
	// An unticked box turns the pause off again; a form without the
	// retention keeps it.
	e.form(e.admin, "/admin/settings", url.Values{"require_signoff": {"all"}, "identity_wait_days": {"21"}}, e.srv.URL)
	if s, _ := e.app.Settings.Settings(ctx); s.PauseClockForIdentity || s.Retention() != 3 {
		t.Fatalf("an unticked box left the pause on, or the retention changed: %+v", s)
	}
	events, _ := e.app.Store.AuditEvents(ctx, "")
	if last := events[len(events)-1]; last.Action != dsr.ActionSettingsChanged || last.Actor != "staff:"+e.adminID {
		t.Fatalf("last audit entry %+v", last)
	}
}
