package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"golang.org/x/time/rate"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
)

// Store is what auth needs from the case store.
type Store interface {
	CreateUser(ctx context.Context, u *dsr.User, ev dsr.AuditEvent) error
	UserByEmail(ctx context.Context, email string) (*dsr.User, error)
	UserByID(ctx context.Context, id string) (*dsr.User, error)
	UserByToken(ctx context.Context, tokenHash string) (*dsr.User, error)
	Users(ctx context.Context) ([]dsr.User, error)
	UpdateUser(ctx context.Context, id string, decide func(u *dsr.User, admins int) ([]dsr.AuditEvent, error)) (*dsr.User, error)
	CreateToken(ctx context.Context, t dsr.APIToken, tokenHash string, ev dsr.AuditEvent) error
	Tokens(ctx context.Context, userID string) ([]dsr.APIToken, error)
	RevokeToken(ctx context.Context, id string, decide func(t *dsr.APIToken) ([]dsr.AuditEvent, error)) (*dsr.APIToken, error)
	CreateSession(ctx context.Context, s *dsr.Session, ev dsr.AuditEvent) error
	ActiveSession(ctx context.Context, tokenHash string, idle, touchEvery time.Duration) (*dsr.Session, error)
	DeleteSession(ctx context.Context, tokenHash string) error
}

// Config tunes the auth service.
type Config struct {
	SessionTTL time.Duration // how long a sign-in lasts at most; 8 hours when zero
	// SessionIdle signs a session (staff or e-ID) out after this long
	// without a request; 30 minutes when zero, none when negative.
	SessionIdle time.Duration
	// LoginRate and LoginBurst limit sign-in attempts per e-mail address
	// and per client address.
	LoginRate  rate.Limit
	LoginBurst int
	// MaxHashing bounds concurrent argon2id computations (64 MiB each).
	MaxHashing int
}

// DefaultSessionIdle is the idle timeout of a session when none is set.
const DefaultSessionIdle = 30 * time.Minute

// touchEvery is how stale a session's recorded last use may get before a
// request writes it again: the idle timeout is thus kept to within a
// minute without a write on every request.
const touchEvery = time.Minute

// Service signs people in and tells who they are.
type Service struct {
	store   Store
	now     func() time.Time
	cfg     Config
	hashing chan struct{}

	mu       sync.Mutex
	limiters map[string]*rate.Limiter

	dummyOnce sync.Once
	dummy     string // a hash to check against when the e-mail is unknown
}

// NewService returns an auth service over store.
func NewService(store Store, now func() time.Time, cfg Config) *Service {
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 8 * time.Hour
	}
	if cfg.SessionIdle == 0 {
		cfg.SessionIdle = DefaultSessionIdle
	}
	if cfg.LoginRate == 0 {
		cfg.LoginRate = rate.Every(6 * time.Second)
	}
	if cfg.LoginBurst == 0 {
		cfg.LoginBurst = 10
	}
	if cfg.MaxHashing == 0 {
		cfg.MaxHashing = 4
	}
	return &Service{store: store, now: now, cfg: cfg, hashing: make(chan struct{}, cfg.MaxHashing), limiters: map[string]*rate.Limiter{}}
}

// AddUser creates a staff account with a password.
func (s *Service) AddUser(ctx context.Context, email, name string, role dsr.Role, password string, actor dsr.Actor) (*dsr.User, error) {
	if err := dsr.Require(actor, dsr.PermManageUsers); err != nil {
		return nil, err
	}
	email = strings.ToLower(strings.TrimSpace(email))
	name = strings.TrimSpace(name)
	switch {
	case !strings.Contains(email, "@") || len(email) > 254:
		return nil, dsr.FieldError("email", "user.email_invalid", "Give a valid e-mail address.")
	case name == "":
		return nil, dsr.FieldError("name", "user.name_missing", "Give the user's name.")
	case utf8.RuneCountInString(name) > 200:
		return nil, dsr.FieldError("name", "user.name_long", "The name is too long (at most 200 characters).")
	case !role.Valid():
		return nil, errRoleUnknown()
	}
	if err := CheckNewPassword(password, email, name); err != nil {
		return nil, err
	}
	hash, err := s.hash(ctx, password)
	if err != nil {
		return nil, err
	}
	u := &dsr.User{ID: uuid.Must(uuid.NewV7()).String(), Email: email, Name: name, Role: role, PasswordHash: hash}
	if err := s.store.CreateUser(ctx, u, dsr.Event(actor, dsr.ActionUserCreated, "", "user="+u.ID+" role="+string(u.Role))); err != nil {
		return nil, err
	}
	return u, nil
}

func (s *Service) hash(ctx context.Context, password string) (string, error) {
	select {
	case s.hashing <- struct{}{}:
		defer func() { <-s.hashing }()
	case <-ctx.Done():
		return "", ctx.Err()
	}
	return HashPassword(password)
}

func (s *Service) check(ctx context.Context, hash, password string) (bool, error) {
	select {
	case s.hashing <- struct{}{}:
		defer func() { <-s.hashing }()
	case <-ctx.Done():
		return false, ctx.Err()
	}
	return CheckPassword(hash, password)
}

func (s *Service) allow(keys ...string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	ok := true
	for _, k := range keys {
		l, found := s.limiters[k]
		if !found {
			if len(s.limiters) > 100000 { // bound memory under a spray of addresses
				s.limiters = map[string]*rate.Limiter{}
			}
			l = rate.NewLimiter(s.cfg.LoginRate, s.cfg.LoginBurst)
			s.limiters[k] = l
		}
		if !l.AllowN(s.now(), 1) {
			ok = false
		}
	}
	return ok
}

// errBadLogin is the one answer to a wrong e-mail address or password, so
// that a sign-in attempt cannot tell which of them was wrong.
func errBadLogin() error {
	return dsr.Errorf(dsr.EUNAUTHORIZED, "auth.bad_login", "Wrong e-mail address or password.")
}

// Login checks a staff member's password and opens a session. It returns
// the session cookie value. A disabled account cannot sign in.
func (s *Service) Login(ctx context.Context, email, password, clientAddr string) (string, *dsr.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if !s.allow("email:"+email, "addr:"+clientAddr) {
		return "", nil, dsr.Errorf(dsr.EFORBIDDEN, "auth.throttled", "Too many sign-in attempts. Wait a minute and try again.")
	}
	u, err := s.store.UserByEmail(ctx, email)
	if dsr.ErrorCode(err) == dsr.ENOTFOUND {
		// Spend the same time as for a known address, so that the answer
		// time does not tell which addresses have accounts.
		s.dummyOnce.Do(func() { s.dummy, _ = HashPassword("dsrdesk-no-such-user") })
		s.check(ctx, s.dummy, password)
		return "", nil, errBadLogin()
	} else if err != nil {
		return "", nil, err
	}
	ok, err := s.check(ctx, u.PasswordHash, password)
	if err != nil {
		return "", nil, err
	}
	if !ok {
		return "", nil, errBadLogin()
	}
	if u.Disabled() {
		// Said only to someone who knows the password.
		return "", nil, dsr.Errorf(dsr.EUNAUTHORIZED, "auth.disabled", "This account is disabled. Ask an administrator.")
	}
	token, err := s.newSession(ctx, &dsr.Session{Kind: dsr.ActorStaff, UserID: u.ID}, dsr.StaffActor(u))
	return token, u, err
}

// SignInIndividual opens a session for a person whose identity an e-ID
// provider has established. ref is an opaque id for the audit trail.
func (s *Service) SignInIndividual(ctx context.Context, p pnr.PNR, name, ref string) (string, error) {
	return s.newSession(ctx, &dsr.Session{Kind: dsr.ActorIndividual, SubjectPNR: p, SubjectName: name, SubjectRef: ref},
		dsr.Actor{Kind: dsr.ActorIndividual, ID: ref})
}

func (s *Service) newSession(ctx context.Context, sess *dsr.Session, actor dsr.Actor) (string, error) {
	token, err := randomToken()
	if err != nil {
		return "", err
	}
	sess.TokenHash = HashToken(token)
	sess.ExpiresAt = s.now().Add(s.cfg.SessionTTL)
	if err := s.store.CreateSession(ctx, sess, dsr.Event(actor, dsr.ActionSignedIn, "", "kind="+string(sess.Kind))); err != nil {
		return "", err
	}
	return token, nil
}

// Session resolves a session cookie value and records its use. A session
// ends at its absolute expiry or after SessionIdle without a request. A
// staff session comes with its user; the session of a disabled account
// does not work.
func (s *Service) Session(ctx context.Context, token string) (*dsr.Session, *dsr.User, error) {
	if token == "" {
		return nil, nil, dsr.Errorf(dsr.EUNAUTHORIZED, "auth.sign_in", "Please sign in.")
	}
	idle, touch := max(s.cfg.SessionIdle, 0), touchEvery
	if idle > 0 && idle < 2*touch { // a short idle timeout needs fresher records
		touch = idle / 2
	}
	sess, err := s.store.ActiveSession(ctx, HashToken(token), idle, touch)
	if err != nil {
		return nil, nil, err
	}
	if sess.Kind != "staff" {
		return sess, nil, nil
	}
	u, err := s.store.UserByID(ctx, sess.UserID)
	if dsr.ErrorCode(err) == dsr.ENOTFOUND || err == nil && u.Disabled() {
		return nil, nil, dsr.Errorf(dsr.EUNAUTHORIZED, "auth.sign_in", "Please sign in.")
	} else if err != nil {
		return nil, nil, err
	}
	return sess, u, nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.store.DeleteSession(ctx, HashToken(token))
}

// CreateToken issues an API bearer token for a staff member and returns it;
// only its hash is kept.
func (s *Service) CreateToken(ctx context.Context, email string, actor dsr.Actor) (string, error) {
	if err := dsr.Require(actor, dsr.PermManageUsers); err != nil {
		return "", err
	}
	u, err := s.store.UserByEmail(ctx, strings.ToLower(strings.TrimSpace(email)))
	if err != nil {
		return "", err
	}
	token, _, err := s.issueToken(ctx, u, actor)
	return token, err
}

// Bearer resolves an API token to its staff member. A revoked token, or
// the token of a disabled account, does not work.
func (s *Service) Bearer(ctx context.Context, token string) (*dsr.User, error) {
	if token == "" {
		return nil, dsr.Errorf(dsr.EUNAUTHORIZED, "auth.bearer_missing", "A bearer token is required.")
	}
	u, err := s.store.UserByToken(ctx, HashToken(token))
	if dsr.ErrorCode(err) == dsr.ENOTFOUND || err == nil && u.Disabled() {
		return nil, dsr.Errorf(dsr.EUNAUTHORIZED, "auth.bearer_invalid", "The bearer token is not valid.")
	} else if err != nil {
		return nil, err
	}
	return u, nil
}

// HashToken is the stored form of a session cookie or API token. Tokens are
// 256 random bits, so a plain SHA-256 is enough to make a stolen database
// useless for signing in.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", errors.New("no randomness for a token")
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
