package eid_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/eid"
	"dsrdesk/internal/eidsim"
	"dsrdesk/internal/pnr"
)

// provider starts the e-ID simulator on a real listener.
func provider(t *testing.T) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + srv.Listener.Addr().String()
	sim, err := eidsim.New(eidsim.Config{Issuer: issuer, ClientID: "dsrdesk", ClientSecret: "s3cret",
		People: []eidsim.Person{{PNR: "198112189876", Name: "Test Testsson", GivenName: "Test", FamilyName: "Testsson"}}})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = sim
	srv.Start()
	t.Cleanup(srv.Close)
	return issuer
}

// signIn walks the browser's part of the flow: to the provider, its test
// page, back to the relying party's callback, whose query it returns.
func signIn(t *testing.T, authURL string, form url.Values) url.Values {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	login, err := resp.Location()
	if err != nil || !strings.Contains(login.Path, "/login") {
		t.Fatalf("the provider did not send the browser to its sign-in page: %d %v", resp.StatusCode, err)
	}
	form.Set("id", login.Query().Get("authRequestID"))
	resp, err = c.PostForm(login.String(), form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for i := 0; i < 3 && resp.StatusCode/100 == 3; i++ {
		next, _ := resp.Location()
		if strings.HasSuffix(next.Path, "/e-id/callback") {
			return next.Query()
		}
		if resp, err = c.Get(next.String()); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	t.Fatalf("never back at the callback: %d", resp.StatusCode)
	return nil
}

func TestSignInOverOpenIDConnect(t *testing.T) {
	t.Parallel()
	issuer := provider(t)
	cfg := eid.Config{Issuer: issuer, ClientID: "dsrdesk", ClientSecret: "s3cret", RedirectURL: "http://127.0.0.1:9/e-id/callback"}
	ctx := context.Background()
	cases := []struct {
		name string
		form url.Values
		edit func(url.Values)
		key  string
	}{
		{"a valid sign-in", url.Values{"person": {"0"}, "loa": {eid.LoA3}}, nil, ""},
		{"a tampered token", url.Values{"person": {"0"}, "fault": {"tampered"}}, nil, "eid.signature"},
		{"a wrong nonce", url.Values{"person": {"0"}, "fault": {"nonce"}}, nil, "eid.nonce"},
		{"a wrong audience", url.Values{"person": {"0"}, "fault": {"audience"}}, nil, "eid.audience"},
		{"an expired token", url.Values{"person": {"0"}, "fault": {"expired"}}, nil, "eid.expired"},
		{"level of assurance 2", url.Values{"person": {"0"}, "loa": {eid.LoA2}}, nil, "eid.loa"},
		{"another sign-in's state", url.Values{"person": {"0"}}, func(q url.Values) { q.Set("state", "forged") }, "eid.state"},
		{"a cancelled sign-in", url.Values{"cancel": {"1"}}, nil, "eid.cancelled"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rp := eid.New(cfg, nil, time.Now)
			id, authURL, err := rp.Begin(ctx, "/mina-arenden")
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(authURL, "198112189876") || !strings.Contains(authURL, "code_challenge=") || !strings.Contains(authURL, "nonce=") {
				t.Fatalf("authorization URL: %s", authURL)
			}
			q := signIn(t, authURL, tc.form)
			if tc.edit != nil {
				tc.edit(q)
			}
			p, next, err := rp.Finish(ctx, id, eid.Callback{State: q.Get("state"), Code: q.Get("code"), Error: q.Get("error")})
			if tc.key == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if p.PNR != pnr.PNR("198112189876") || p.Name != "Test Testsson" || p.LoA != eid.LoA3 || next != "/mina-arenden" {
					t.Fatalf("signed in as %+v, next %q", p, next)
				}
				// The same sign-in cannot be finished twice.
				if _, _, err := rp.Finish(ctx, id, eid.Callback{State: q.Get("state"), Code: q.Get("code")}); dsr.AsError(err).Key != "eid.no_login" {
					t.Fatalf("a replayed callback: %v", err)
				}
				return
			}
			if e := dsr.AsError(err); e.Key != tc.key {
				t.Fatalf("got %v, want the refusal %s", err, tc.key)
			}
			if strings.Contains(err.Error(), "198112189876") {
				t.Fatalf("the refusal carries the identity number: %v", err)
			}
		})
	}
}

func TestNotConnectedAndUnreachable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	if _, _, err := eid.New(eid.Config{}, nil, time.Now).Begin(ctx, "/"); dsr.AsError(err).Key != "eid.not_connected" {
		t.Fatalf("without configuration: %v", err)
	}
	rp := eid.New(eid.Config{Issuer: "http://127.0.0.1:1", ClientID: "x"}, nil, time.Now)
	if _, _, err := rp.Begin(ctx, "/"); dsr.AsError(err).Key != "eid.unavailable" {
		t.Fatalf("provider down: %v", err)
	}
	if _, _, err := rp.Finish(ctx, "made-up", eid.Callback{State: "x", Code: "y"}); dsr.AsError(err).Key != "eid.no_login" {
		t.Fatalf("a callback no sign-in started: %v", err)
	}
}
