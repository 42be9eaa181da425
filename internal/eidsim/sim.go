package eidsim

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/zitadel/oidc/v3/pkg/op"

	"dsrdesk/internal/eid"
	"dsrdesk/internal/pnr"
)

// Person is a fictional person the test page offers.
type Person struct {
	PNR        pnr.PNR
	Name       string
	GivenName  string
	FamilyName string
	Note       string
	Subject    string // the token's sub: opaque, set by New
}

// Config is the simulator's registration of its one client, dsrdesk.
type Config struct {
	Issuer       string // the simulator's own URL, e.g. http://127.0.0.1:8082
	ClientID     string
	ClientSecret string
	RedirectURIs []string // exact redirect URIs; loopback …/e-id/callback is always accepted
	People       []Person
	// Log receives the provider library's own messages; discarded when nil.
	Log io.Writer
}

//go:embed login.html
var loginHTML string

// loginPage is the clearly labelled test page where a tester picks a
// fictional person, a level of assurance and, for tests, a fault.
var loginPage = template.Must(template.New("login").Parse(loginHTML))

// Simulator is an OpenID provider standing in for the e-ID broker in the
// demo and the tests, built on zitadel/oidc's op package: discovery, JWKS,
// the authorization endpoint, the code exchange with PKCE and signed ID
// tokens are the library's. What is the simulator's own is the test page
// and the faults it can produce on purpose.
type Simulator struct {
	store    *storage
	provider *op.Provider
	issuer   string
	mux      *http.ServeMux
}

// New builds the simulator.
func New(cfg Config) (*Simulator, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	rogue, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("rogue key: %w", err)
	}
	kid := uuid.NewString()
	people := make([]Person, len(cfg.People))
	for i, p := range cfg.People {
		p.Subject = "sim-person-" + strconv.Itoa(i+1)
		people[i] = p
	}
	st := &storage{
		client: &client{id: cfg.ClientID, secret: cfg.ClientSecret, redirects: cfg.RedirectURIs, lifetime: 5 * time.Minute},
		people: people, key: signingKey{kid, key}, rogue: signingKey{kid, rogue}, now: time.Now,
		requests: map[string]*authRequest{}, codes: map[string]string{},
	}
	var crypto [32]byte
	if _, err := rand.Read(crypto[:]); err != nil {
		return nil, err
	}
	logOut := cfg.Log
	if logOut == nil {
		logOut = io.Discard
	}
	provider, err := op.NewProvider(&op.Config{
		CryptoKey:       crypto,
		CodeMethodS256:  true,
		AuthMethodPost:  true,
		SupportedScopes: []string{"openid", eid.ScopeNaturalPersonName, eid.ScopeNaturalPersonNumber},
		SupportedClaims: []string{"sub", "aud", "exp", "iat", "iss", "auth_time", "nonce", "acr", "amr", "name", "given_name", "family_name", eid.ClaimPersonalNumber},
	}, st, op.StaticIssuer(cfg.Issuer), op.WithAllowInsecure(),
		op.WithLogger(slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	if err != nil {
		return nil, fmt.Errorf("openid provider: %w", err)
	}
	s := &Simulator{store: st, provider: provider, issuer: cfg.Issuer, mux: http.NewServeMux()}
	s.mux.HandleFunc("GET /login", s.showLogin)
	s.mux.HandleFunc("POST /login", s.doLogin)
	s.mux.Handle("/", s.faults(provider))
	return s, nil
}

// ServeHTTP serves the provider and its test page.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// faults marks a token request with the fault chosen for its sign-in, so
// that the storage signs with the rogue key or sets a lifetime in the past.
func (s *Simulator) faults(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/oauth/token" {
			if err := r.ParseForm(); err == nil {
				if a, ok := s.store.byCode(r.PostForm.Get("code")); ok && a.fault != FaultNone {
					r = r.WithContext(withFault(r.Context(), a.fault))
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// The levels of assurance the test page offers.
var loas = []struct{ ACR, Label string }{
	{eid.LoA3, "Tillitsnivå 3 (som BankID och Freja+)"},
	{eid.LoA2, "Tillitsnivå 2 (räcker inte för tjänsten)"},
}

// The faults the test page offers.
var faults = []struct {
	Fault Fault
	Label string
}{
	{FaultNone, "Inget fel: en giltig inloggning"},
	{FaultTampered, "Manipulerad token (fel signatur)"},
	{FaultNonce, "Fel nonce"},
	{FaultAudience, "Token utfärdad för en annan tjänst (fel audience)"},
	{FaultExpired, "Token som redan har gått ut"},
}

type loginData struct {
	ID     string
	People []Person
	LoAs   any
	Faults any
	Error  string
}

func (s *Simulator) showLogin(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("authRequestID")
	if _, ok := s.store.request(id); !ok {
		http.Error(w, "Okänd eller för gammal inloggning. Börja om från tjänsten.", http.StatusBadRequest)
		return
	}
	s.render(w, http.StatusOK, loginData{ID: id})
}

func (s *Simulator) render(w http.ResponseWriter, status int, d loginData) {
	d.People, d.LoAs, d.Faults = s.store.people, loas, faults
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = loginPage.Execute(w, d)
}

func (s *Simulator) doLogin(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "Formuläret kunde inte läsas.", http.StatusBadRequest)
		return
	}
	id := r.PostForm.Get("id")
	a, ok := s.store.request(id)
	if !ok {
		http.Error(w, "Okänd eller för gammal inloggning. Börja om från tjänsten.", http.StatusBadRequest)
		return
	}
	if r.PostForm.Has("cancel") {
		// The person cancelled: the relying party hears access_denied.
		u, err := url.Parse(a.req.RedirectURI)
		if err != nil {
			http.Error(w, "Ogiltig återadress.", http.StatusBadRequest)
			return
		}
		q := u.Query()
		q.Set("error", "access_denied")
		q.Set("state", a.req.State)
		u.RawQuery = q.Encode()
		_ = s.store.DeleteAuthRequest(r.Context(), id)
		http.Redirect(w, r, u.String(), http.StatusSeeOther)
		return
	}
	i, err := strconv.Atoi(r.PostForm.Get("person"))
	if err != nil || i < 0 || i >= len(s.store.people) {
		s.render(w, http.StatusBadRequest, loginData{ID: id, Error: "Välj en testperson."})
		return
	}
	acr := r.PostForm.Get("loa")
	if eid.Level(acr) == 0 {
		acr = eid.LoA3
	}
	f := FaultNone
	for _, known := range faults {
		if string(known.Fault) == r.PostForm.Get("fault") {
			f = known.Fault
		}
	}
	if !s.store.complete(id, &s.store.people[i], acr, f) {
		http.Error(w, "Inloggningen är redan gjord. Börja om från tjänsten.", http.StatusConflict)
		return
	}
	ctx := op.ContextWithIssuer(context.WithoutCancel(r.Context()), s.issuer)
	http.Redirect(w, r, op.AuthCallbackURL(s.provider)(ctx, id), http.StatusSeeOther)
}
