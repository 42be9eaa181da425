package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestFromEnvAndValidate(t *testing.T) {
	key := strings.Repeat("ab", 32)
	c, err := Defaults().FromEnv(env(map[string]string{
		"DSRDESK_ADDR": "0.0.0.0:9000", "DSRDESK_TREAT_EVES_AS_HOLIDAYS": "true", "DSRDESK_PNR_KEY": key,
		"DSRDESK_MAILBOX_URL": "https://mailbox.example",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "0.0.0.0:9000" || !c.TreatEvesAsHolidays || len(c.PNRKey) != 32 || c.Synchronous != "FULL" {
		t.Fatalf("config %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if s := c.String(); strings.Contains(s, key) || !strings.Contains(s, "[redacted]") {
		t.Fatalf("String() shows the key: %s", s)
	}
	for name, vars := range map[string]map[string]string{
		"bad bool":     {"DSRDESK_SECURE_COOKIES": "yes please"},
		"bad key":      {"DSRDESK_PNR_KEY": "not hex"},
		"bad seal key": {"DSRDESK_PNR_SEAL_KEY": "not hex"},
		"missing file": {"DSRDESK_PNR_KEY_FILE": "/no/such/file"},
		"bad proxy":    {"DSRDESK_TRUSTED_PROXIES": "10.0.0.1, proxy.internal"},
	} {
		if _, err := Defaults().FromEnv(env(vars)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	for name, c := range map[string]Config{
		"short key":       func() Config { c := Defaults(); c.MailboxURL = "x"; c.PNRKey = []byte("short"); return c }(),
		"long seal key":   func() Config { c := Defaults(); c.MailboxURL = "x"; c.SealKey = make([]byte, 48); return c }(),
		"no mailbox":      Defaults(),
		"bad synchronous": func() Config { c := Defaults(); c.Demo = true; c.Synchronous = "OFF"; return c }(),
	} {
		if err := c.Validate(); err == nil {
			t.Errorf("%s: Validate accepted it", name)
		}
	}
}

// TestTrustedProxies: no proxy is trusted unless DSRDESK_TRUSTED_PROXIES
// names it, by address or prefix.
func TestTrustedProxies(t *testing.T) {
	if p := Defaults().TrustedProxies; len(p) != 0 {
		t.Fatalf("trusted by default: %v", p)
	}
	c, err := Defaults().FromEnv(env(map[string]string{"DSRDESK_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7,::1"}))
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(c.TrustedProxies); got != "[10.0.0.0/8 192.0.2.7/32 ::1/128]" {
		t.Fatalf("DSRDESK_TRUSTED_PROXIES read as %s", got)
	}
	if _, err := Defaults().FromEnv(env(map[string]string{"DSRDESK_TRUSTED_PROXIES": "proxy.internal"})); err == nil ||
		!strings.Contains(err.Error(), "DSRDESK_TRUSTED_PROXIES") {
		t.Fatalf("a host name: %v, want an error naming the variable", err)
	}
}

func TestKeyIsCreatedOnceAndKept(t *testing.T) {
	c := Defaults()
	c.DataDir = filepath.Join(t.TempDir(), "data")
	k1, err := c.LoadOrCreateKey()
	if err != nil || len(k1) != 32 {
		t.Fatalf("key %d bytes, %v", len(k1), err)
	}
	k2, err := c.LoadOrCreateKey()
	if err != nil || string(k1) != string(k2) {
		t.Fatal("a second start made a different key: every look-up hash would change")
	}
	if fi, err := os.Stat(c.KeyPath()); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v", fi.Mode(), err)
	}
	// The sealing key is a key of its own, kept the same way.
	s1, err := c.LoadOrCreateSealKey()
	if err != nil || len(s1) != 32 || string(s1) == string(k1) {
		t.Fatalf("sealing key %d bytes, the same as the HMAC key: %t, %v", len(s1), string(s1) == string(k1), err)
	}
	if s2, err := c.LoadOrCreateSealKey(); err != nil || string(s2) != string(s1) {
		t.Fatal("a second start made a different sealing key: no identity number in the store would open")
	}
	if fi, err := os.Stat(c.SealKeyPath()); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("sealing key file mode %v, %v", fi.Mode(), err)
	}
	if left, _ := filepath.Glob(filepath.Join(c.DataDir, "*.new-*")); len(left) != 0 {
		t.Fatalf("key making left %v behind", left)
	}
	file := filepath.Join(t.TempDir(), "key")
	os.WriteFile(file, []byte(strings.Repeat("cd", 32)+"\n"), 0o600)
	c3, err := Defaults().FromEnv(env(map[string]string{"DSRDESK_PNR_SEAL_KEY_FILE": file}))
	if err != nil || len(c3.SealKey) != 32 || c3.SealKey[0] != 0xcd {
		t.Fatalf("sealing key from file: %v", err)
	}
	if k, err := c3.LoadOrCreateSealKey(); err != nil || k[0] != 0xcd {
		t.Fatal("the configured sealing key is not the one used")
	}
	c2, err := Defaults().FromEnv(env(map[string]string{"DSRDESK_PNR_KEY_FILE": file}))
	if err != nil || len(c2.PNRKey) != 32 || c2.PNRKey[0] != 0xcd {
		t.Fatalf("key from file: %v", err)
	}
}

// TestSettingDefaults: the defaults of what an administrator may change
// come from the environment, and a value the settings page would refuse
// stops start-up naming its variable.
func TestSettingDefaults(t *testing.T) {
	c, err := Defaults().FromEnv(env(map[string]string{
		"DSRDESK_REQUIRE_SIGNOFF": "all", "DSRDESK_PAUSE_CLOCK_FOR_IDENTITY": "true", "DSRDESK_IDENTITY_WAIT_DAYS": "14",
		"DSRDESK_MAILBOX_URL": "https://mailbox.example",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if s := c.Settings; s.RequireSignOff != "all" || !s.PauseClockForIdentity || s.IdentityWaitDays != 14 {
		t.Fatalf("settings %+v", s)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if d := Defaults().Settings; d.RequireSignOff != "default" || d.PauseClockForIdentity || d.IdentityWaitDays != 30 {
		t.Fatalf("embedded defaults %+v, want the rulebook's", d)
	}
	for name, tc := range map[string]struct {
		vars map[string]string
		want string // in the error of FromEnv or Validate
	}{
		"unknown policy": {map[string]string{"DSRDESK_REQUIRE_SIGNOFF": "sometimes"}, "DSRDESK_REQUIRE_SIGNOFF"},
		"not a bool":     {map[string]string{"DSRDESK_PAUSE_CLOCK_FOR_IDENTITY": "maybe"}, "DSRDESK_PAUSE_CLOCK_FOR_IDENTITY"},
		"not a number":   {map[string]string{"DSRDESK_IDENTITY_WAIT_DAYS": "a month"}, "DSRDESK_IDENTITY_WAIT_DAYS"},
		"too short":      {map[string]string{"DSRDESK_IDENTITY_WAIT_DAYS": "6"}, "DSRDESK_IDENTITY_WAIT_DAYS"},
		"too long":       {map[string]string{"DSRDESK_IDENTITY_WAIT_DAYS": "91"}, "DSRDESK_IDENTITY_WAIT_DAYS"},
	} {
		tc.vars["DSRDESK_MAILBOX_URL"] = "https://mailbox.example"
		c, err := Defaults().FromEnv(env(tc.vars))
		if err == nil {
			err = c.Validate()
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error naming %s", name, err, tc.want)
		}
	}
}
