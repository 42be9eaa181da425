package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"dsrdesk/internal/dsr"
)

// Config is every setting of a dsrdesk process.
type Config struct {
	Addr                string // HTTP listen address
	DataDir             string // folder of the case store, registers and keys
	Demo                bool   // demo e-ID sign-in and the mailbox simulator
	MailboxURL          string // digital-mailbox service; the simulator in the demo
	MailboxSimAddr      string // where the demo starts its mailbox simulator
	SenderOrgNo         string // the agency's organisation number, as mail sender
	TreatEvesAsHolidays bool   // RULES §2 setting treat_eves_as_holidays
	SecureCookies       bool
	// OIDC is the e-ID broker dsrdesk signs individuals in with (OpenID
	// Connect); without an issuer, e-ID is not connected. In the demo,
	// when no issuer is set, it is the e-ID simulator at EIDSimAddr.
	OIDC OIDC
	// EIDSimAddr is where the demo starts its e-ID simulator (dsrdesk eid-sim).
	EIDSimAddr  string
	Synchronous string // SQLite synchronous: FULL (durable) or NORMAL
	LogLevel    string
	PNRKey      []byte // key of the identity-number HMAC (secret)
	// SealKey is the AES-256 key the case store seals identity numbers
	// with (secret; DSRDESK_PNR_SEAL_KEY, or pnr-seal.key in the data
	// folder). Losing it loses every identity number in the store.
	SealKey []byte
	// Settings are the defaults of the rules an administrator may change
	// while dsrdesk runs (require_signoff, pause_clock_for_identity,
	// identity_wait_days); what an administrator saves overrides them.
	Settings dsr.Settings

	// OutboxBackoff is how long the outbox waits after a letter's first
	// failed digital delivery (or look-up) before it tries again; the wait
	// doubles after each further failed try, up to 30 minutes.
	OutboxBackoff time.Duration

	// MetricsAllow are the addresses that may read /metrics without a
	// token (DSRDESK_METRICS_ALLOW: IPs or CIDRs separated by commas, or
	// "none"); loopback by default. An administrator's or a DPO's bearer
	// token reads it from anywhere.
	MetricsAllow []netip.Prefix

	// TrustedProxies are the reverse proxies whose X-Forwarded-For header
	// names the client (DSRDESK_TRUSTED_PROXIES: IPs or CIDRs separated by
	// commas); none by default, so the connection's peer is the client and
	// a made-up header cannot dodge the sign-in limit.
	TrustedProxies []netip.Prefix

	// SessionTTL is how long a sign-in (staff or e-ID) lasts at most
	// (DSRDESK_SESSION_TTL, 8h); SessionIdle signs a session out after
	// that long without a request (DSRDESK_SESSION_IDLE, 30m).
	SessionTTL  time.Duration
	SessionIdle time.Duration
	// APIRate is how many API requests a second one bearer token (or, when
	// unauthenticated, one client address) may make on average
	// (DSRDESK_API_RATE), and APIBurst how many at once (DSRDESK_API_BURST).
	APIRate  float64
	APIBurst int
}

// Defaults are the embedded defaults: a local demo on loopback.
func Defaults() Config {
	return Config{
		Addr:           "127.0.0.1:8080",
		DataDir:        "data",
		MailboxSimAddr: "127.0.0.1:8081",
		EIDSimAddr:     "127.0.0.1:8082",
		SenderOrgNo:    "202100-5521",
		OutboxBackoff:  30 * time.Second,
		Synchronous:    "FULL",
		LogLevel:       "info",
		Settings:       dsr.DefaultSettings(),
		MetricsAllow:   []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128")},
		SessionTTL:     8 * time.Hour,
		SessionIdle:    30 * time.Minute,
		APIRate:        10,
		APIBurst:       50,
	}
}

// FromEnv overlays DSRDESK_* environment variables on c. getenv is
// os.Getenv in production and a map look-up in tests.
func (c Config) FromEnv(getenv func(string) string) (Config, error) {
	str := func(name string, dst *string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	var errs []error
	boolean := func(name string, dst *bool) {
		if v := getenv(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s must be true or false", name))
				return
			}
			*dst = b
		}
	}
	str("DSRDESK_ADDR", &c.Addr)
	str("DSRDESK_DATA", &c.DataDir)
	str("DSRDESK_MAILBOX_URL", &c.MailboxURL)
	str("DSRDESK_MAILBOX_SIM_ADDR", &c.MailboxSimAddr)
	str("DSRDESK_SENDER_ORG_NO", &c.SenderOrgNo)
	if v := getenv("DSRDESK_OUTBOX_BACKOFF"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			errs = append(errs, errors.New("DSRDESK_OUTBOX_BACKOFF must be a duration such as 30s"))
		}
		c.OutboxBackoff = d
	}
	duration := func(name string, dst *time.Duration) {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s must be a duration such as 30m", name))
				return
			}
			*dst = d
		}
	}
	duration("DSRDESK_SESSION_TTL", &c.SessionTTL)
	duration("DSRDESK_SESSION_IDLE", &c.SessionIdle)
	if v := getenv("DSRDESK_API_RATE"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			errs = append(errs, errors.New("DSRDESK_API_RATE must be a number of requests a second such as 10"))
		}
		c.APIRate = f
	}
	if v := getenv("DSRDESK_API_BURST"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, errors.New("DSRDESK_API_BURST must be a whole number of requests"))
		}
		c.APIBurst = n
	}
	str("DSRDESK_EID_SIM_ADDR", &c.EIDSimAddr)
	if v := getenv("DSRDESK_METRICS_ALLOW"); v != "" {
		allow, err := ParseAllow(v)
		if err != nil {
			errs = append(errs, err)
		}
		c.MetricsAllow = allow
	}
	if v := getenv("DSRDESK_TRUSTED_PROXIES"); v != "" {
		proxies, err := parsePrefixes("DSRDESK_TRUSTED_PROXIES", v)
		if err != nil {
			errs = append(errs, err)
		}
		c.TrustedProxies = proxies
	}
	str("DSRDESK_OIDC_ISSUER", &c.OIDC.Issuer)
	str("DSRDESK_OIDC_CLIENT_ID", &c.OIDC.ClientID)
	str("DSRDESK_OIDC_CLIENT_SECRET", &c.OIDC.ClientSecret)
	if f := getenv("DSRDESK_OIDC_CLIENT_SECRET_FILE"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			errs = append(errs, fmt.Errorf("DSRDESK_OIDC_CLIENT_SECRET_FILE: %w", err))
		}
		c.OIDC.ClientSecret = strings.TrimSpace(string(b))
	}
	str("DSRDESK_OIDC_REDIRECT_URL", &c.OIDC.RedirectURL)
	str("DSRDESK_OIDC_LOA", &c.OIDC.RequiredLoA)
	str("DSRDESK_SYNCHRONOUS", &c.Synchronous)
	str("DSRDESK_LOG_LEVEL", &c.LogLevel)
	boolean("DSRDESK_TREAT_EVES_AS_HOLIDAYS", &c.TreatEvesAsHolidays)
	boolean("DSRDESK_SECURE_COOKIES", &c.SecureCookies)
	boolean("DSRDESK_DEMO", &c.Demo)
	if v := getenv("DSRDESK_REQUIRE_SIGNOFF"); v != "" {
		c.Settings.RequireSignOff = dsr.SignOffPolicy(v)
	}
	boolean("DSRDESK_PAUSE_CLOCK_FOR_IDENTITY", &c.Settings.PauseClockForIdentity)
	if v := getenv("DSRDESK_IDENTITY_WAIT_DAYS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, errors.New("DSRDESK_IDENTITY_WAIT_DAYS must be a whole number of days"))
		}
		c.Settings.IdentityWaitDays = n
	}
	c.PNRKey = hexKey(getenv, "DSRDESK_PNR_KEY", &errs)
	c.SealKey = hexKey(getenv, "DSRDESK_PNR_SEAL_KEY", &errs)
	return c, errors.Join(errs...)
}

// hexKey reads a secret key in hex from the environment variable name, or
// from the file named by name_FILE; nil when neither is set.
func hexKey(getenv func(string) string, name string, errs *[]error) []byte {
	key := getenv(name)
	if f := getenv(name + "_FILE"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			*errs = append(*errs, fmt.Errorf("%s_FILE: %w", name, err))
		}
		key = strings.TrimSpace(string(b))
	}
	if key == "" {
		return nil
	}
	b, err := hex.DecodeString(key)
	if err != nil {
		*errs = append(*errs, fmt.Errorf("%s must be hex", name))
	}
	return b
}

// Validate checks the settings that a process cannot run without.
func (c Config) Validate() error {
	var errs []error
	if c.DataDir == "" {
		errs = append(errs, errors.New("the data folder is not set"))
	}
	if c.Synchronous != "FULL" && c.Synchronous != "NORMAL" {
		errs = append(errs, errors.New("DSRDESK_SYNCHRONOUS must be FULL or NORMAL"))
	}
	if c.PNRKey != nil && len(c.PNRKey) < 32 {
		errs = append(errs, errors.New("the identity-number key must be at least 32 bytes (64 hex digits)"))
	}
	if c.SealKey != nil && len(c.SealKey) != 32 {
		errs = append(errs, errors.New("the identity-number encryption key (DSRDESK_PNR_SEAL_KEY) must be 32 bytes (64 hex digits)"))
	}
	if err := c.Settings.Check(); err != nil {
		errs = append(errs, fmt.Errorf("%s: %s", settingVars[dsr.ErrorField(err)], dsr.ErrorMessage(err)))
	}
	if c.OIDC.Issuer != "" && (c.OIDC.ClientID == "" || c.OIDC.RedirectURL == "") {
		errs = append(errs, errors.New("with DSRDESK_OIDC_ISSUER set, DSRDESK_OIDC_CLIENT_ID and DSRDESK_OIDC_REDIRECT_URL are needed too"))
	}
	if c.OutboxBackoff <= 0 || c.OutboxBackoff > 30*time.Minute {
		errs = append(errs, errors.New("DSRDESK_OUTBOX_BACKOFF must be more than 0 and at most 30m"))
	}
	if c.SessionTTL <= 0 {
		errs = append(errs, errors.New("DSRDESK_SESSION_TTL must be more than 0"))
	}
	if c.SessionIdle <= 0 || c.SessionIdle > c.SessionTTL {
		errs = append(errs, errors.New("DSRDESK_SESSION_IDLE must be more than 0 and at most DSRDESK_SESSION_TTL"))
	}
	if !(c.APIRate > 0) || c.APIBurst < 1 {
		errs = append(errs, errors.New("DSRDESK_API_RATE must be more than 0 and DSRDESK_API_BURST at least 1"))
	}
	if c.MailboxURL == "" && !c.Demo {
		errs = append(errs, errors.New("DSRDESK_MAILBOX_URL is not set (only the demo starts a mailbox simulator)"))
	}
	return errors.Join(errs...)
}

// ParseAllow reads DSRDESK_METRICS_ALLOW: IP addresses or CIDR prefixes
// separated by commas, or "none" for no address (tokens only).
func ParseAllow(v string) ([]netip.Prefix, error) {
	return parsePrefixes("DSRDESK_METRICS_ALLOW", v)
}

// parsePrefixes reads the variable name's addresses: IPs or CIDR prefixes
// separated by commas, or "none".
func parsePrefixes(name, v string) ([]netip.Prefix, error) {
	out := []netip.Prefix{}
	if strings.TrimSpace(v) == "none" {
		return out, nil
	}
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
		} else if a, err := netip.ParseAddr(f); err == nil {
			a = a.Unmap()
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
		} else {
			return nil, fmt.Errorf("%s: %q is neither an IP address nor a CIDR prefix", name, f)
		}
	}
	return out, nil
}

// settingVars names the environment variable of each setting's default.
var settingVars = map[string]string{
	"require_signoff":          "DSRDESK_REQUIRE_SIGNOFF",
	"pause_clock_for_identity": "DSRDESK_PAUSE_CLOCK_FOR_IDENTITY",
	"identity_wait_days":       "DSRDESK_IDENTITY_WAIT_DAYS",
}

// String prints the settings with secrets redacted.
func (c Config) String() string {
	key, sealKey := "(from data folder)", "(from data folder)"
	if c.PNRKey != nil {
		key = "[redacted]"
	}
	if c.SealKey != nil {
		sealKey = "[redacted]"
	}
	secret := ""
	if c.OIDC.ClientSecret != "" {
		secret = "[redacted]"
	}
	return fmt.Sprintf("addr=%s data=%s demo=%t mailbox=%s sender=%s outbox_backoff=%s eves_as_holidays=%t secure_cookies=%t synchronous=%s log=%s pnr_key=%s pnr_seal_key=%s"+
		" require_signoff=%s pause_clock_for_identity=%t identity_wait_days=%d oidc_issuer=%s oidc_client_id=%s oidc_client_secret=%s oidc_redirect_url=%s oidc_loa=%s metrics_allow=%v"+
		" session_ttl=%s session_idle=%s api_rate=%g api_burst=%d trusted_proxies=%v",
		c.Addr, c.DataDir, c.Demo, c.MailboxURL, c.SenderOrgNo, c.OutboxBackoff, c.TreatEvesAsHolidays, c.SecureCookies, c.Synchronous, c.LogLevel, key, sealKey,
		c.Settings.RequireSignOff, c.Settings.PauseClockForIdentity, c.Settings.IdentityWaitDays,
		c.OIDC.Issuer, c.OIDC.ClientID, secret, c.OIDC.RedirectURL, c.OIDC.RequiredLoA, c.MetricsAllow,
		c.SessionTTL, c.SessionIdle, c.APIRate, c.APIBurst, c.TrustedProxies)
}

// CaseStorePath is the case store's SQLite file.
func (c Config) CaseStorePath() string { return filepath.Join(c.DataDir, "dsrdesk.db") }

// RegistersPath is the source registers' SQLite file (the demo's stand-in
// for the agency's own systems).
func (c Config) RegistersPath() string { return filepath.Join(c.DataDir, "registers.db") }

// CataloguePath is the register catalogue the operator edits.
func (c Config) CataloguePath() string { return filepath.Join(c.DataDir, "registers.json") }

// KeyPath is where the identity-number HMAC key is kept when not configured.
func (c Config) KeyPath() string { return filepath.Join(c.DataDir, "pnr.key") }

// MailboxAccountsPath is the demo mailbox simulator's list of accounts.
func (c Config) MailboxAccountsPath() string {
	return filepath.Join(c.DataDir, "mailbox-accounts.json")
}

// SealKeyPath is where the identity-number encryption key is kept when not
// configured.
func (c Config) SealKeyPath() string { return filepath.Join(c.DataDir, "pnr-seal.key") }

// LoadOrCreateKey returns the identity-number HMAC key: the configured one,
// or the one kept in the data folder, created (0600) on first use.
func (c Config) LoadOrCreateKey() ([]byte, error) {
	if c.PNRKey != nil {
		return c.PNRKey, nil
	}
	return loadOrCreateKey(c.DataDir, c.KeyPath())
}

// LoadOrCreateSealKey returns the key the case store seals identity numbers
// with (AES-256): the configured one, or the one kept in the data folder,
// created (0600) on first use.
func (c Config) LoadOrCreateSealKey() ([]byte, error) {
	if c.SealKey != nil {
		return c.SealKey, nil
	}
	return loadOrCreateKey(c.DataDir, c.SealKeyPath())
}

// loadOrCreateKey reads the 32-byte hex key kept at path, or makes one. A
// new key is written whole to a file of its own, flushed, and only then
// linked to path, which fails when another process made the key first: a
// crash never leaves a key file half written, and two processes starting on
// a new data folder agree on one key.
func loadOrCreateKey(dir, path string) ([]byte, error) {
	if b, err := os.ReadFile(path); err == nil {
		key, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(key) != 32 {
			return nil, fmt.Errorf("%s does not hold a 32-byte hex key", path)
		}
		return key, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read key: %w", err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("make key: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	f, err := os.CreateTemp(dir, filepath.Base(path)+".new-*")
	if err != nil {
		return nil, fmt.Errorf("create key: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
		f.Close()
		return nil, fmt.Errorf("write key: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, fmt.Errorf("write key: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("write key: %w", err)
	}
	if err := os.Link(f.Name(), path); errors.Is(err, os.ErrExist) {
		return loadOrCreateKey(dir, path) // another process made it first
	} else if err != nil {
		return nil, fmt.Errorf("create key: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		err = d.Sync()
		d.Close()
		if err != nil {
			return nil, fmt.Errorf("write key: %w", err)
		}
	}
	return key, nil
}

// OIDC is dsrdesk's registration as a relying party with the e-ID broker.
type OIDC struct {
	Issuer       string // DSRDESK_OIDC_ISSUER
	ClientID     string // DSRDESK_OIDC_CLIENT_ID
	ClientSecret string // DSRDESK_OIDC_CLIENT_SECRET (or _FILE)
	RedirectURL  string // DSRDESK_OIDC_REDIRECT_URL: https://…/e-id/callback
	RequiredLoA  string // DSRDESK_OIDC_LOA: the least acr accepted; level 3 when empty
}

// The demo's registration with its e-ID simulator. The secret guards
// nothing real: the simulator's people are fictional.
const (
	DemoOIDCClientID     = "dsrdesk-demo"
	DemoOIDCClientSecret = "demo-only-secret"
)

// WithDemoEID points the relying party at the demo's e-ID simulator when
// the demo runs and no e-ID broker is configured.
func (c Config) WithDemoEID() Config {
	if !c.Demo || c.OIDC.Issuer != "" {
		return c
	}
	c.OIDC.Issuer = "http://" + c.EIDSimAddr
	c.OIDC.ClientID, c.OIDC.ClientSecret = DemoOIDCClientID, DemoOIDCClientSecret
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil || host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1" // the browser comes back to where the demo answers
	}
	c.OIDC.RedirectURL = "http://" + net.JoinHostPort(host, port) + "/e-id/callback"
	return c
}
