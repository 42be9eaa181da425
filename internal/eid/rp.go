package eid

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
)

// The Sweden Connect OIDC profile's names (id.oidc.se): the scopes that
// ask for the person's name and personal identity number, and the claim
// that carries the number.
const (
	ScopeNaturalPersonName   = "https://id.oidc.se/scope/naturalPersonName"
	ScopeNaturalPersonNumber = "https://id.oidc.se/scope/naturalPersonNumber"
	ClaimPersonalNumber      = "https://id.oidc.se/claim/personalIdentityNumber"
)

// The levels of assurance of the Swedish e-ID framework (Digg,
// "Tillitsramverk för Svensk e-legitimation"), as the acr claim names them.
const (
	LoA2 = "http://id.elegnamnden.se/loa/1.0/loa2"
	LoA3 = "http://id.elegnamnden.se/loa/1.0/loa3"
	LoA4 = "http://id.elegnamnden.se/loa/1.0/loa4"
)

// levels ranks the acr values dsrdesk knows. An acr that is not here is
// refused: the relying party cannot tell what it is worth.
var levels = map[string]int{
	LoA2: 2, "http://id.elegnamnden.se/loa/1.0/uncertified-loa2": 2,
	LoA3: 3, "http://id.elegnamnden.se/loa/1.0/uncertified-loa3": 3,
	LoA4: 4,
}

// Level is the rank of an acr value, 0 when unknown.
func Level(acr string) int { return levels[acr] }

// Config is the relying party's registration with the e-ID broker.
type Config struct {
	Issuer       string // the provider's issuer URL; discovery is read from it
	ClientID     string
	ClientSecret string
	RedirectURL  string // where the provider sends the browser back: …/e-id/callback
	RequiredLoA  string // the least acr accepted; LoA3 when empty (RULES §3)
}

// Enabled reports whether e-ID is connected: a provider is configured.
func (c Config) Enabled() bool { return c.Issuer != "" && c.ClientID != "" }

// Person is who signed in: the identity number from the Sweden Connect
// claim, the name, and the level of assurance the provider vouched for.
type Person struct {
	PNR  pnr.PNR
	Name string
	LoA  string
}

// How long a sign-in may take, and how many may be under way at once.
const (
	loginTTL  = 10 * time.Minute
	maxLogins = 10000
)

// login is a sign-in under way: what the callback must find again. It is
// kept here, in memory, under a random id the browser holds in a cookie;
// nothing about it travels in the URL but the state, which is random too.
type login struct {
	state, nonce, verifier string
	next                   string
	expires                time.Time
}

// RP is dsrdesk's OpenID Connect relying party: the authorization code flow
// with PKCE, state and nonce, the ID token's signature and claims verified
// by go-oidc against the provider's JWKS, and the level of assurance
// checked. It discovers the provider on first use, so that dsrdesk starts
// even while the broker is down.
type RP struct {
	cfg    Config
	client *http.Client
	now    func() time.Time

	mu       sync.Mutex
	provider *oidc.Provider
	logins   map[string]login
}

// New returns a relying party; client is the HTTP client used to reach the
// provider (discovery, JWKS, token endpoint).
func New(cfg Config, client *http.Client, now func() time.Time) *RP {
	if cfg.RequiredLoA == "" {
		cfg.RequiredLoA = LoA3
	}
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	return &RP{cfg: cfg, client: client, now: now, logins: map[string]login{}}
}

// Enabled reports whether e-ID is connected.
func (rp *RP) Enabled() bool { return rp != nil && rp.cfg.Enabled() }

func notConnected() error {
	return dsr.Errorf(dsr.EUNAVAILABLE, "eid.not_connected", "e-ID is not connected in this installation.")
}

// discover reads the provider's discovery document and keys once; a
// failure is retried on the next sign-in.
func (rp *RP) discover(ctx context.Context) (*oidc.Provider, error) {
	rp.mu.Lock()
	p := rp.provider
	rp.mu.Unlock()
	if p != nil {
		return p, nil
	}
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, rp.client), rp.cfg.Issuer)
	if err != nil {
		return nil, dsr.Errorf(dsr.EUNAVAILABLE, "eid.unavailable", "The e-ID service cannot be reached just now. Try again in a while.").WithCause(err)
	}
	rp.mu.Lock()
	rp.provider = p
	rp.mu.Unlock()
	return p, nil
}

func (rp *RP) oauth(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{
		ClientID: rp.cfg.ClientID, ClientSecret: rp.cfg.ClientSecret, RedirectURL: rp.cfg.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: []string{oidc.ScopeOpenID, ScopeNaturalPersonName, ScopeNaturalPersonNumber},
	}
}

// Begin starts a sign-in that returns to next (a local path). It returns
// the id the browser must hold until the callback, and the provider's
// authorization URL to send it to.
func (rp *RP) Begin(ctx context.Context, next string) (id, authURL string, err error) {
	if !rp.Enabled() {
		return "", "", notConnected()
	}
	p, err := rp.discover(ctx)
	if err != nil {
		return "", "", err
	}
	l := login{state: random(), nonce: random(), verifier: oauth2.GenerateVerifier(), next: next, expires: rp.now().Add(loginTTL)}
	id = random()
	rp.mu.Lock()
	rp.sweep()
	full := len(rp.logins) >= maxLogins
	if !full {
		rp.logins[id] = l
	}
	rp.mu.Unlock()
	if full {
		return "", "", dsr.Errorf(dsr.EUNAVAILABLE, "eid.busy", "Too many sign-ins are under way. Try again in a minute.")
	}
	authURL = rp.oauth(p).AuthCodeURL(l.state, oidc.Nonce(l.nonce), oauth2.S256ChallengeOption(l.verifier),
		oauth2.SetAuthURLParam("acr_values", rp.cfg.RequiredLoA))
	return id, authURL, nil
}

// sweep drops sign-ins that ran out of time; rp.mu is held.
func (rp *RP) sweep() {
	now := rp.now()
	for k, l := range rp.logins {
		if now.After(l.expires) {
			delete(rp.logins, k)
		}
	}
}

// Callback is what the provider sent the browser back with.
type Callback struct {
	State            string
	Code             string
	Error            string // the provider's error code, e.g. access_denied
	ErrorDescription string
}

// Finish completes the sign-in the browser's id names: the state must be
// the one sent, the code is exchanged with the PKCE verifier, the ID token
// is verified (signature against the provider's keys, issuer, audience,
// expiry) by go-oidc, its nonce must be the one sent, its level of
// assurance at least the required one, and it must carry a valid personal
// identity number. It returns the person and the local path to go on to.
// A sign-in can be finished once.
func (rp *RP) Finish(ctx context.Context, id string, cb Callback) (Person, string, error) {
	if !rp.Enabled() {
		return Person{}, "", notConnected()
	}
	rp.mu.Lock()
	l, ok := rp.logins[id]
	delete(rp.logins, id)
	rp.mu.Unlock()
	if !ok || id == "" || rp.now().After(l.expires) {
		return Person{}, "", refused(dsr.Errorf(dsr.EUNAUTHORIZED, "eid.no_login", "The sign-in was not started in this browser, or took too long. Start again."), nil)
	}
	if subtle.ConstantTimeCompare([]byte(cb.State), []byte(l.state)) != 1 {
		return Person{}, "", refused(dsr.Errorf(dsr.EUNAUTHORIZED, "eid.state", "The answer from the e-ID service does not belong to this sign-in. Start again."), nil)
	}
	if cb.Error != "" {
		if cb.Error == "access_denied" {
			return Person{}, "", refused(dsr.Errorf(dsr.EUNAUTHORIZED, "eid.cancelled", "The sign-in was cancelled."), nil)
		}
		return Person{}, "", refused(dsr.Errorf(dsr.EUNAUTHORIZED, "eid.provider_error", "The e-ID service could not sign you in. Start again."), errors.New(cb.Error+": "+cb.ErrorDescription))
	}
	p, err := rp.discover(ctx)
	if err != nil {
		return Person{}, "", err
	}
	ctx = oidc.ClientContext(ctx, rp.client)
	tok, err := rp.oauth(p).Exchange(ctx, cb.Code, oauth2.VerifierOption(l.verifier))
	if err != nil {
		return Person{}, "", refused(dsr.Errorf(dsr.EUNAUTHORIZED, "eid.exchange", "The e-ID service did not confirm the sign-in. Start again."), err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return Person{}, "", refused(dsr.Errorf(dsr.EUNAUTHORIZED, "eid.no_token", "The e-ID service sent no identity token."), nil)
	}
	idt, err := p.Verifier(&oidc.Config{ClientID: rp.cfg.ClientID}).Verify(ctx, raw)
	if err != nil {
		return Person{}, "", classify(err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(l.nonce)) != 1 {
		return Person{}, "", refused(dsr.Errorf(dsr.EUNAUTHORIZED, "eid.nonce", "The identity token was not issued for this sign-in (wrong nonce)."), nil)
	}
	var claims struct {
		ACR  string `json:"acr"`
		Name string `json:"name"`
		PNR  string `json:"https://id.oidc.se/claim/personalIdentityNumber"`
	}
	if err := idt.Claims(&claims); err != nil {
		return Person{}, "", refused(dsr.Errorf(dsr.EUNAUTHORIZED, "eid.claims", "The identity token could not be read."), err)
	}
	if Level(claims.ACR) < Level(rp.cfg.RequiredLoA) || Level(claims.ACR) == 0 {
		return Person{}, "", dsr.Errorf(dsr.EFORBIDDEN, "eid.loa", "Your e-ID does not have the level of assurance this service needs (level 3). Use BankID, Freja+ or another e-ID of level 3.")
	}
	who, err := pnr.Parse(claims.PNR, rp.now())
	if err != nil || len(claims.PNR) != 12 {
		return Person{}, "", refused(dsr.Errorf(dsr.EUNAUTHORIZED, "eid.no_pnr", "The e-ID service sent no valid personal identity number."), nil)
	}
	name := strings.TrimSpace(claims.Name)
	return Person{PNR: who, Name: name, LoA: claims.ACR}, l.next, nil
}

// classify turns go-oidc's verification failure into what the person is
// told. go-oidc types only the expiry; the others are told apart by the
// library's message, and any other failure is a token that failed checks.
func classify(err error) error {
	var expired *oidc.TokenExpiredError
	msg := err.Error()
	switch {
	case errors.As(err, &expired):
		return refused(dsr.Errorf(dsr.EUNAUTHORIZED, "eid.expired", "The identity token has expired. Sign in again."), err)
	case strings.Contains(msg, "audience"):
		return refused(dsr.Errorf(dsr.EUNAUTHORIZED, "eid.audience", "The identity token was issued for another service."), err)
	case strings.Contains(msg, "signature"):
		return refused(dsr.Errorf(dsr.EUNAUTHORIZED, "eid.signature", "The identity token's signature is not valid: it was not issued by the e-ID service or has been altered."), err)
	case strings.Contains(msg, "issuer") || strings.Contains(msg, "issued by"):
		return refused(dsr.Errorf(dsr.EUNAUTHORIZED, "eid.issuer", "The identity token was issued by another e-ID service."), err)
	}
	return refused(dsr.Errorf(dsr.EUNAUTHORIZED, "eid.invalid_token", "The identity token could not be verified."), err)
}

// refused is a refused sign-in, with the library's reason attached for the
// log (never shown).
func refused(e *dsr.Error, cause error) error {
	if cause != nil {
		e = e.WithCause(cause)
	}
	return e
}

// random is 32 random bytes, URL-safe.
func random() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}
