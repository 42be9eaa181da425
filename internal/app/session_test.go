package app

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"dsrdesk/internal/config"
)

// signedIn reports whether c's session still opens path, and fails the
// test on anything but the page or a redirect to sign in.
func (e *env) signedIn(c *http.Client, path, signIn string) bool {
	e.t.Helper()
	resp, _ := e.get(c, path)
	switch {
	case resp.StatusCode == http.StatusOK:
		return true
	case resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), signIn):
		return false
	}
	e.t.Fatalf("GET %s: %d to %q", path, resp.StatusCode, resp.Header.Get("Location"))
	return false
}

// TestIdleSessionsAreSignedOut checks that a staff member who leaves the
// desk for longer than the idle timeout must sign in again, while one who
// keeps working stays signed in until the absolute limit.
func TestIdleSessionsAreSignedOut(t *testing.T) {
	e := newEnv(t) // the defaults: 30 minutes idle, 8 hours at most
	u := DemoUsers()[0]

	idle := e.staffClient(u.Email, u.Password)
	if !e.signedIn(idle, "/staff/cases", "/staff/login") {
		t.Fatal("not signed in right after signing in")
	}
	e.advance(29 * time.Minute)
	if !e.signedIn(idle, "/staff/cases", "/staff/login") {
		t.Fatal("signed out after 29 minutes away")
	}
	e.advance(31 * time.Minute)
	if e.signedIn(idle, "/staff/cases", "/staff/login") {
		t.Fatal("still signed in after 31 minutes away")
	}
	// Signed out for good: coming back does not revive the session.
	e.advance(time.Minute)
	if e.signedIn(idle, "/staff/cases", "/staff/login") {
		t.Fatal("the idle session came back")
	}

	// Someone who makes a request every 20 minutes stays signed in well
	// past 30 minutes, until the 8 hours are up.
	active := e.staffClient(u.Email, u.Password)
	for i := range 23 { // 7 h 40 min
		e.advance(20 * time.Minute)
		if !e.signedIn(active, "/staff/cases", "/staff/login") {
			t.Fatalf("an active session was signed out after %s", time.Duration(i+1)*20*time.Minute)
		}
	}
	e.advance(20 * time.Minute)
	if e.signedIn(active, "/staff/cases", "/staff/login") {
		t.Fatal("an active session lasted past 8 hours")
	}
}

// TestIdleEIDSessionsAreSignedOut checks the same for a person signed in
// with e-ID.
func TestIdleEIDSessionsAreSignedOut(t *testing.T) {
	e := newEnv(t)
	c := e.individualClient(person(t, deskPerson))
	e.advance(25 * time.Minute)
	if !e.signedIn(c, "/mina-arenden", "/e-id") {
		t.Fatal("signed out after 25 minutes away")
	}
	e.advance(25 * time.Minute)
	if !e.signedIn(c, "/mina-arenden", "/e-id") {
		t.Fatal("signed out after 25 more minutes, with a visit in between")
	}
	e.advance(31 * time.Minute)
	if e.signedIn(c, "/mina-arenden", "/e-id") {
		t.Fatal("still signed in after 31 minutes away")
	}
}

// TestSessionAndRateSettings sets the limits the way an operator does,
// with DSRDESK_* variables, and checks that they are the ones enforced.
func TestSessionAndRateSettings(t *testing.T) {
	vars := map[string]string{
		"DSRDESK_SESSION_IDLE": "5m", "DSRDESK_SESSION_TTL": "1h",
		"DSRDESK_API_RATE": "1", "DSRDESK_API_BURST": "3",
	}
	e := newEnvWith(t, func(c *config.Config) {
		got, err := c.FromEnv(func(k string) string { return vars[k] })
		if err != nil {
			t.Fatal(err)
		}
		*c = got
	})
	for name, v := range map[string]map[string]string{
		"idle": {"DSRDESK_SESSION_IDLE": "soon"}, "rate": {"DSRDESK_API_RATE": "fast"}, "burst": {"DSRDESK_API_BURST": "1.5"},
	} {
		if _, err := config.Defaults().FromEnv(func(k string) string { return v[k] }); err == nil {
			t.Errorf("a bad %s setting was accepted", name)
		}
	}
	for name, tweak := range map[string]func(*config.Config){
		"idle longer than the limit": func(c *config.Config) { c.SessionIdle = 9 * time.Hour },
		"no rate":                    func(c *config.Config) { c.APIRate = 0 },
		"no burst":                   func(c *config.Config) { c.APIBurst = 0 },
	} {
		c := config.Defaults()
		c.Demo = true
		tweak(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: Validate accepted it", name)
		}
	}

	u := DemoUsers()[0]
	c := e.staffClient(u.Email, u.Password)
	e.advance(4 * time.Minute)
	if !e.signedIn(c, "/staff/cases", "/staff/login") {
		t.Fatal("signed out after 4 minutes with a 5-minute idle timeout")
	}
	e.advance(6 * time.Minute)
	if e.signedIn(c, "/staff/cases", "/staff/login") {
		t.Fatal("still signed in after 6 minutes with a 5-minute idle timeout")
	}

	// The API: three calls at once, then the fourth must wait a second.
	for i := range 3 {
		if st, raw := e.call("GET", "/api/v1/cases", e.officer, nil, nil); st != http.StatusOK {
			t.Fatalf("call %d: %d %s", i+1, st, raw)
		}
	}
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/cases", nil)
	req.Header.Set("Authorization", "Bearer "+e.officer)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body errResp
	jsonDecode(t, resp.Body, &body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "1" || body.Error.Code != "rate_limited" || body.Error.Message == "" {
		t.Fatalf("the fourth call: %d, Retry-After %q, %+v", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	// Another token is unaffected by the first one's calls.
	if st, raw := e.call("GET", "/api/v1/cases", e.dpo, nil, nil); st != http.StatusOK {
		t.Fatalf("another token: %d %s", st, raw)
	}
	// A second on, one more call is allowed, and then none again.
	e.advance(time.Second)
	if st, raw := e.call("GET", "/api/v1/cases", e.officer, nil, nil); st != http.StatusOK {
		t.Fatalf("a second later: %d %s", st, raw)
	}
	if st, _ := e.call("GET", "/api/v1/cases", e.officer, nil, nil); st != http.StatusTooManyRequests {
		t.Fatalf("the call after that: %d, want 429", st)
	}

	// Calls without a valid token are limited per client address, so that
	// guessing tokens is slow; they do not use up a real token's calls.
	for i := range 3 {
		if st, _ := e.call("GET", "/api/v1/cases", "dsr_made-up-"+strconv.Itoa(i), nil, nil); st != http.StatusUnauthorized {
			t.Fatalf("made-up token %d: %d, want 401", i, st)
		}
	}
	st, raw := e.call("GET", "/api/v1/cases", "", nil, nil)
	var refused errResp
	if err := json.Unmarshal(raw, &refused); st != http.StatusTooManyRequests || err != nil || refused.Error.Code != "rate_limited" {
		t.Fatalf("the fourth call without a valid token: %d %s", st, raw)
	}
	if st, raw := e.call("GET", "/api/v1/cases", e.printer, nil, nil); st == http.StatusTooManyRequests {
		t.Fatalf("a valid token from the same address: %d %s", st, raw)
	}
}
