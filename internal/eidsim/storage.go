package eidsim

import (
	"context"
	"crypto/ecdsa"
	"crypto/subtle"
	"errors"
	"slices"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/google/uuid"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"dsrdesk/internal/eid"
)

// Fault is a failure the simulator produces on purpose, so that tests (and
// a curious demo user) can see the relying party refuse it.
type Fault string

// The faults the test page offers.
const (
	FaultNone     Fault = ""
	FaultTampered Fault = "tampered" // signed with a key the provider does not publish
	FaultNonce    Fault = "nonce"    // the ID token carries another nonce
	FaultAudience Fault = "audience" // the ID token is for another client
	FaultExpired  Fault = "expired"  // the ID token expired before it was issued
)

// authRequest is one authorization request, from the relying party's
// redirect until the code is redeemed. It implements op.AuthRequest.
type authRequest struct {
	id       string
	req      oidc.AuthRequest
	person   *Person
	acr      string
	fault    Fault
	authTime time.Time
	created  time.Time
}

func (a *authRequest) GetID() string { return a.id }
func (a *authRequest) GetACR() string {
	return a.acr
}
func (a *authRequest) GetAMR() []string       { return []string{"pwd"} }
func (a *authRequest) GetAudience() []string  { return []string{a.req.ClientID} }
func (a *authRequest) GetAuthTime() time.Time { return a.authTime }
func (a *authRequest) GetClientID() string    { return a.req.ClientID }
func (a *authRequest) GetCodeChallenge() *oidc.CodeChallenge {
	if a.req.CodeChallenge == "" {
		return nil
	}
	return &oidc.CodeChallenge{Challenge: a.req.CodeChallenge, Method: a.req.CodeChallengeMethod}
}
func (a *authRequest) GetNonce() string {
	if a.fault == FaultNonce {
		return "not-" + a.req.Nonce
	}
	return a.req.Nonce
}
func (a *authRequest) GetRedirectURI() string             { return a.req.RedirectURI }
func (a *authRequest) GetResponseType() oidc.ResponseType { return a.req.ResponseType }
func (a *authRequest) GetResponseMode() oidc.ResponseMode { return a.req.ResponseMode }
func (a *authRequest) GetScopes() []string                { return a.req.Scopes }
func (a *authRequest) GetState() string                   { return a.req.State }
func (a *authRequest) GetSubject() string                 { return a.subject() }
func (a *authRequest) Done() bool                         { return a.person != nil }
func (a *authRequest) subject() string {
	if a.person == nil {
		return ""
	}
	return a.person.Subject
}

// signingKey is an ECDSA P-256 key (ES256; quick to make for every test)
// as op.SigningKey and op.Key.
type signingKey struct {
	id  string
	key *ecdsa.PrivateKey
}

func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.ES256 }
func (k signingKey) Algorithm() jose.SignatureAlgorithm          { return jose.ES256 }
func (k signingKey) Key() any                                    { return k.key }
func (k signingKey) ID() string                                  { return k.id }
func (k signingKey) Use() string                                 { return "sig" }

// publicKey is the published half of the signing key.
type publicKey struct{ signingKey }

func (k publicKey) Key() any { return &k.key.PublicKey }

type faultKey struct{}

// withFault marks a token request with the fault of the sign-in whose code
// it redeems; the storage reads it when the token is made.
func withFault(ctx context.Context, f Fault) context.Context {
	return context.WithValue(ctx, faultKey{}, f)
}

func faultOf(ctx context.Context) Fault {
	f, _ := ctx.Value(faultKey{}).(Fault)
	return f
}

// storage keeps the simulator's state in memory: it implements op.Storage
// for the one registered client and the demo people.
type storage struct {
	client *client
	people []Person
	key    signingKey // published at /keys
	rogue  signingKey // same key id, never published: a tampered token
	now    func() time.Time

	mu       sync.Mutex
	requests map[string]*authRequest
	codes    map[string]string // code → auth request id
}

var errNotFound = errors.New("not found")

func (s *storage) CreateAuthRequest(_ context.Context, r *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	a := &authRequest{id: uuid.NewString(), req: *r, created: s.now()}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep()
	s.requests[a.id] = a
	return a, nil
}

// sweep forgets requests older than ten minutes; s.mu is held.
func (s *storage) sweep() {
	for id, a := range s.requests {
		if s.now().Sub(a.created) > 10*time.Minute {
			delete(s.requests, id)
		}
	}
	for code, id := range s.codes {
		if _, ok := s.requests[id]; !ok {
			delete(s.codes, code)
		}
	}
}

func (s *storage) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.requests[id]; ok {
		return a, nil
	}
	return nil, errNotFound
}

// request returns a copy of an auth request's fields the login page needs.
func (s *storage) request(id string) (authRequest, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.requests[id]
	if !ok {
		return authRequest{}, false
	}
	return *a, true
}

// complete records who signed in, at which level, with which fault.
func (s *storage) complete(id string, p *Person, acr string, f Fault) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.requests[id]
	if !ok || a.person != nil {
		return false
	}
	a.person, a.acr, a.fault, a.authTime = p, acr, f, s.now()
	return true
}

func (s *storage) byCode(code string) (*authRequest, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.requests[s.codes[code]]
	return a, ok
}

func (s *storage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	a, ok := s.byCode(code)
	if !ok {
		return nil, errNotFound
	}
	if faultOf(ctx) == FaultAudience {
		return otherAudience{a}, nil
	}
	return a, nil
}

// otherService is the client a token with the audience fault is issued for.
const otherService = "another-service"

// otherAudience is an auth request as the token endpoint sees it under the
// audience fault: the library always adds the request's client to the
// token's audience, so the request claims to be another client's, and
// GetClientByClientID answers with that client (the same secret).
type otherAudience struct{ *authRequest }

func (otherAudience) GetClientID() string   { return otherService }
func (otherAudience) GetAudience() []string { return []string{otherService} }

func (s *storage) SaveAuthCode(_ context.Context, id, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes[code] = id
	return nil
}

func (s *storage) DeleteAuthRequest(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.requests, id)
	for code, rid := range s.codes {
		if rid == id {
			delete(s.codes, code)
		}
	}
	return nil
}

func (s *storage) CreateAccessToken(context.Context, op.TokenRequest) (string, time.Time, error) {
	return uuid.NewString(), s.now().Add(5 * time.Minute), nil
}

func (s *storage) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, errors.New("refresh tokens are not offered")
}

func (s *storage) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, op.ErrInvalidRefreshToken
}

func (s *storage) TerminateSession(context.Context, string, string) error { return nil }

func (s *storage) RevokeToken(context.Context, string, string, string) *oidc.Error { return nil }

func (s *storage) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}

func (s *storage) SigningKey(ctx context.Context) (op.SigningKey, error) {
	if faultOf(ctx) == FaultTampered {
		return s.rogue, nil
	}
	return s.key, nil
}

func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.ES256}, nil
}

func (s *storage) KeySet(context.Context) ([]op.Key, error) {
	return []op.Key{publicKey{s.key}}, nil
}

func (s *storage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	if id != s.client.id {
		return nil, errNotFound
	}
	c := *s.client
	switch faultOf(ctx) {
	case FaultExpired:
		c.lifetime = -10 * time.Minute
	case FaultAudience:
		c.id = otherService
	}
	return &c, nil
}

func (s *storage) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	if id != s.client.id || subtle.ConstantTimeCompare([]byte(secret), []byte(s.client.secret)) != 1 {
		return errors.New("invalid client")
	}
	return nil
}

func (s *storage) person(subject string) *Person {
	for i := range s.people {
		if s.people[i].Subject == subject {
			return &s.people[i]
		}
	}
	return nil
}

// SetUserinfoFromScopes puts the Sweden Connect claims the scopes ask for
// into the ID token and the userinfo answer.
func (s *storage) SetUserinfoFromScopes(_ context.Context, u *oidc.UserInfo, subject, _ string, scopes []string) error {
	p := s.person(subject)
	if p == nil {
		return errNotFound
	}
	u.Subject = subject
	if slices.Contains(scopes, eid.ScopeNaturalPersonName) {
		u.Name, u.GivenName, u.FamilyName = p.Name, p.GivenName, p.FamilyName
	}
	if slices.Contains(scopes, eid.ScopeNaturalPersonNumber) {
		u.AppendClaims(eid.ClaimPersonalNumber, string(p.PNR))
	}
	return nil
}

func (s *storage) SetUserinfoFromToken(ctx context.Context, u *oidc.UserInfo, _, subject, _ string) error {
	return s.SetUserinfoFromScopes(ctx, u, subject, s.client.id, []string{eid.ScopeNaturalPersonName, eid.ScopeNaturalPersonNumber})
}

func (s *storage) SetIntrospectionFromToken(_ context.Context, r *oidc.IntrospectionResponse, _, subject, clientID string) error {
	r.Active, r.Subject, r.ClientID = true, subject, clientID
	return nil
}

func (s *storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errNotFound
}

func (s *storage) ValidateJWTProfileScopes(_ context.Context, _ string, scopes []string) ([]string, error) {
	return scopes, nil
}

func (s *storage) Health(context.Context) error { return nil }

// client is the one relying party registered with the simulator: dsrdesk.
type client struct {
	id, secret string
	redirects  []string
	lifetime   time.Duration
}

func (c *client) GetID() string                       { return c.id }
func (c *client) RedirectURIs() []string              { return c.redirects }
func (c *client) PostLogoutRedirectURIs() []string    { return nil }
func (c *client) ApplicationType() op.ApplicationType { return op.ApplicationTypeWeb }
func (c *client) AuthMethod() oidc.AuthMethod         { return oidc.AuthMethodBasic }
func (c *client) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c *client) GrantTypes() []oidc.GrantType {
	return []oidc.GrantType{oidc.GrantTypeCode}
}
func (c *client) LoginURL(id string) string            { return "/login?authRequestID=" + id }
func (c *client) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeBearer }
func (c *client) IDTokenLifetime() time.Duration       { return c.lifetime }
func (c *client) DevMode() bool                        { return true } // plain-HTTP redirects on loopback
func (c *client) IsScopeAllowed(string) bool           { return true }
func (c *client) IDTokenUserinfoClaimsAssertion() bool { return true }
func (c *client) ClockSkew() time.Duration             { return 0 }
func (c *client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

// RedirectURIGlobs lets the relying party run on any loopback port, as it
// does in tests.
func (c *client) RedirectURIGlobs() []string {
	return []string{"http://127.0.0.1:*/e-id/callback", "http://localhost:*/e-id/callback"}
}

// PostLogoutRedirectURIGlobs: no logout redirects are registered.
func (c *client) PostLogoutRedirectURIGlobs() []string { return nil }
