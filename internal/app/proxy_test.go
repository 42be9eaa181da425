package app

import (
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"dsrdesk/internal/config"
)

// signIn posts the staff sign-in form with a made-up e-mail address (so
// that only the per-address limit counts) and the forwarded-for headers a
// client may send, and returns the status and the page.
func signIn(t *testing.T, e *env, n int, forwardedFor string) (int, string) {
	t.Helper()
	v := url.Values{"email": {fmt.Sprintf("nobody-%d@example.invalid", n)}, "password": {"not-the-password"}}
	req, err := http.NewRequest("POST", e.srv.URL+"/staff/login", strings.NewReader(v.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", e.srv.URL)
	if forwardedFor != "" {
		req.Header.Set("X-Forwarded-For", forwardedFor)
		req.Header.Set("X-Real-IP", forwardedFor)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

const (
	badLoginText  = "Fel e-postadress eller lösenord."
	throttledText = "För många inloggningsförsök."
)

// TestSignInLimitAndForwardedFor: the sign-in limit (a burst of 10 per
// client address) counts the connection's own address, whatever
// X-Forwarded-For says, unless DSRDESK_TRUSTED_PROXIES names the proxy the
// connection comes from: then the address the proxy forwards counts. Behind
// such a proxy, /metrics still judges the connection's own address.
func TestSignInLimitAndForwardedFor(t *testing.T) {
	t.Parallel()

	t.Run("no trusted proxy", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		for i := 1; i <= 10; i++ {
			if st, page := signIn(t, e, i, fmt.Sprintf("203.0.113.%d", i)); st != http.StatusUnauthorized || !strings.Contains(page, badLoginText) {
				t.Fatalf("failed sign-in %d: %d, want 401 with %q", i, st, badLoginText)
			}
		}
		// The eleventh, from yet another "address", is refused all the same.
		if st, page := signIn(t, e, 11, "203.0.113.11"); st != http.StatusForbidden || !strings.Contains(page, throttledText) {
			t.Fatalf("the 11th failed sign-in with a new X-Forwarded-For: %d, want 403 with %q", st, throttledText)
		}
	})

	t.Run("trusted proxy", func(t *testing.T) {
		t.Parallel()
		vars := map[string]string{"DSRDESK_TRUSTED_PROXIES": "127.0.0.1, ::1", "DSRDESK_METRICS_ALLOW": "192.0.2.7"}
		e := newEnvWith(t, func(c *config.Config) {
			got, err := c.FromEnv(func(k string) string { return vars[k] })
			if err != nil {
				t.Fatal(err)
			}
			*c = got
		})
		// Twelve clients behind the proxy, one attempt each: none is limited.
		for i := 1; i <= 12; i++ {
			if st, _ := signIn(t, e, i, fmt.Sprintf("203.0.113.%d", i)); st != http.StatusUnauthorized {
				t.Fatalf("client %d's first failed sign-in through the proxy: %d, want 401", i, st)
			}
		}
		// One client behind the proxy, ten attempts: the eleventh is refused,
		// and only that client's.
		for i := 1; i <= 10; i++ {
			if st, _ := signIn(t, e, 100+i, "198.51.100.7"); st != http.StatusUnauthorized {
				t.Fatalf("failed sign-in %d of 198.51.100.7: %d, want 401", i, st)
			}
		}
		if st, page := signIn(t, e, 111, "198.51.100.7"); st != http.StatusForbidden || !strings.Contains(page, throttledText) {
			t.Fatalf("the 11th failed sign-in of 198.51.100.7: %d, want 403 with %q", st, throttledText)
		}
		if st, _ := signIn(t, e, 112, "198.51.100.8"); st != http.StatusUnauthorized {
			t.Fatalf("another client after 198.51.100.7 was limited: %d, want 401", st)
		}

		// /metrics allows 192.0.2.7, not loopback: a trusted proxy's header
		// naming 192.0.2.7 does not let a loopback connection in.
		if !e.app.Config.MetricsAllow[0].Contains(netip.MustParseAddr("192.0.2.7")) || len(e.app.Config.MetricsAllow) != 1 {
			t.Fatalf("DSRDESK_METRICS_ALLOW read as %v", e.app.Config.MetricsAllow)
		}
		for _, h := range []map[string]string{nil, {"X-Forwarded-For": "192.0.2.7"}, {"X-Real-IP": "192.0.2.7"}} {
			if st, _, _ := scrape(t, e.srv.URL, "", h); st != http.StatusForbidden {
				t.Errorf("/metrics from loopback with %v: %d, want 403", h, st)
			}
		}
		if st, _, _ := scrape(t, e.srv.URL, e.dpo, nil); st != http.StatusOK {
			t.Errorf("/metrics with a data-protection officer's token: %d, want 200", st)
		}
	})
}
