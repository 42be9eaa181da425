package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/rs/zerolog"

	"dsrdesk/internal/casework"
	"dsrdesk/internal/changes"
	"dsrdesk/internal/delivery"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/eid"
	"dsrdesk/internal/extract"
	"dsrdesk/internal/forms"
	"dsrdesk/internal/pnr"
	"dsrdesk/internal/printbatch"
	assets "dsrdesk/web"
)

// Auth is the sign-in service the handlers use.
type Auth interface {
	Login(ctx context.Context, email, password, clientAddr string) (string, *dsr.User, error)
	SignInIndividual(ctx context.Context, p pnr.PNR, name, ref string) (string, error)
	Session(ctx context.Context, token string) (*dsr.Session, *dsr.User, error)
	Logout(ctx context.Context, token string) error
	Bearer(ctx context.Context, token string) (*dsr.User, error)
}

// Cases is the casework service.
type Cases interface {
	Create(ctx context.Context, r casework.Request, actor dsr.Actor) (*dsr.Case, bool, error)
	Get(ctx context.Context, id string, actor dsr.Actor) (*dsr.Case, error)
	List(ctx context.Context, q casework.ListQuery, actor dsr.Actor) (dsr.CasePage, error)
	Assign(ctx context.Context, id, officer string, actor dsr.Actor) (*dsr.Case, error)
	Outcome(ctx context.Context, id string, o dsr.CaseOutcome, reasons string, actor dsr.Actor) (*dsr.Case, error)
	SignOff(ctx context.Context, id, decision, comment string, actor dsr.Actor) (*dsr.Case, error)
	Resubmit(ctx context.Context, id string, actor dsr.Actor) (*dsr.Case, error)
	Resume(ctx context.Context, id, note string, actor dsr.Actor) (*dsr.Case, error)
	SetScope(ctx context.Context, id string, sc casework.Scope, actor dsr.Actor) (*dsr.Case, error)
	Search(ctx context.Context, query string, actor dsr.Actor) ([]*dsr.Case, error)
	VerifyMandate(ctx context.Context, id string, m casework.MandateCheck, actor dsr.Actor) (*dsr.Case, error)
	Attach(ctx context.Context, id string, f casework.File, actor dsr.Actor) (*dsr.Attachment, error)
	Attachment(ctx context.Context, id, attachmentID string, actor dsr.Actor) (*dsr.Attachment, error)
	AddNote(ctx context.Context, id, body string, actor dsr.Actor) (*dsr.Note, error)
	Receipt(ctx context.Context, id string, subject pnr.PNR, actor dsr.Actor) (*dsr.Case, error)
	Mine(ctx context.Context, me pnr.PNR, actor dsr.Actor) ([]casework.MyCase, error)
	MyLetter(ctx context.Context, caseID, letterID string, me pnr.PNR, actor dsr.Actor) (*dsr.Letter, []byte, error)
	Principals(ctx context.Context, me pnr.PNR, actor dsr.Actor) ([]casework.Principal, error)
	Overview(ctx context.Context, id string, actor dsr.Actor) (*casework.Overview, error)
}

// Extracts assembles and serves register extracts.
type Extracts interface {
	Assemble(ctx context.Context, caseID string, actor dsr.Actor) (dsr.ExtractSummary, error)
	PDF(ctx context.Context, caseID string, actor dsr.Actor) ([]byte, dsr.ExtractSummary, error)
	Review(ctx context.Context, caseID string, actor dsr.Actor) (*extract.Review, error)
	Withhold(ctx context.Context, caseID string, w extract.Withholding, actor dsr.Actor) (dsr.ExtractSummary, error)
	Disclose(ctx context.Context, caseID, id string, actor dsr.Actor) (dsr.ExtractSummary, error)
}

// Changes evaluates, decides and executes requests to change data.
type Changes interface {
	Evaluate(ctx context.Context, caseID string, actor dsr.Actor) ([]dsr.Item, error)
	Items(ctx context.Context, caseID string, actor dsr.Actor) ([]dsr.Item, error)
	Override(ctx context.Context, caseID, itemID string, outcome dsr.Outcome, reason string, actor dsr.Actor) (*dsr.Item, error)
	AddItem(ctx context.Context, caseID string, n changes.NewItem, actor dsr.Actor) (*dsr.Item, error)
	Execute(ctx context.Context, caseID string, actor dsr.Actor) (changes.Execution, error)
	AnnounceLift(ctx context.Context, caseID, reason string, actor dsr.Actor) (*dsr.Letter, error)
	Lift(ctx context.Context, caseID string, actor dsr.Actor) ([]dsr.Item, error)
	Own(ctx context.Context, p pnr.PNR, actor dsr.Actor) ([]changes.OwnRegister, error)
}

// Delivery writes and sends letters.
type Delivery interface {
	SendAnswer(ctx context.Context, caseID string, actor dsr.Actor) (delivery.Result, error)
	SendNotice(ctx context.Context, caseID string, p dsr.Purpose, actor dsr.Actor) (delivery.Result, error)
	Extend(ctx context.Context, caseID, reason string, actor dsr.Actor) (*dsr.Case, error)
	AskIdentity(ctx context.Context, caseID, reason string, actor dsr.Actor) (*dsr.Case, error)
	SendReceipt(ctx context.Context, caseID string, actor dsr.Actor) (delivery.Result, error)
	Preview(ctx context.Context, caseID string, actor dsr.Actor) ([]byte, error)
	Letters(ctx context.Context, caseID string, actor dsr.Actor) ([]dsr.Letter, error)
}

// Print makes and exports print batches.
type Print interface {
	Create(ctx context.Context, route dsr.PrintRoute, actor dsr.Actor) (*dsr.PrintBatch, error)
	Download(ctx context.Context, id string, actor dsr.Actor) (*printbatch.Download, error)
	Status(ctx context.Context, id string, actor dsr.Actor) (printbatch.BatchStatus, error)
	Overview(ctx context.Context, actor dsr.Actor) (printbatch.Overview, error)
	ImportStatus(ctx context.Context, r io.Reader, actor dsr.Actor) (printbatch.Import, error)
	Reprint(ctx context.Context, recordID string, actor dsr.Actor) (*dsr.Letter, error)
}

// Accounts is what the administration pages do with staff accounts and
// their API tokens.
type Accounts interface {
	Users(ctx context.Context, actor dsr.Actor) ([]dsr.User, error)
	User(ctx context.Context, id string, actor dsr.Actor) (*dsr.User, error)
	AddUser(ctx context.Context, email, name string, role dsr.Role, password string, actor dsr.Actor) (*dsr.User, error)
	ChangeRole(ctx context.Context, id string, role dsr.Role, actor dsr.Actor) (*dsr.User, error)
	Disable(ctx context.Context, id string, actor dsr.Actor) (*dsr.User, error)
	Enable(ctx context.Context, id string, actor dsr.Actor) (*dsr.User, error)
	Tokens(ctx context.Context, userID string, actor dsr.Actor) ([]dsr.APIToken, error)
	IssueToken(ctx context.Context, userID string, actor dsr.Actor) (string, *dsr.APIToken, error)
	RevokeToken(ctx context.Context, id string, actor dsr.Actor) (*dsr.APIToken, error)
}

// AdminSettings reads and changes the settings in force, for the
// administrator's settings page.
type AdminSettings interface {
	Read(ctx context.Context, actor dsr.Actor) (dsr.Settings, error)
	Save(ctx context.Context, s dsr.Settings, actor dsr.Actor) (dsr.Settings, error)
}

// EID is the e-ID sign-in for individuals (OpenID Connect).
type EID interface {
	Enabled() bool
	Begin(ctx context.Context, next string) (id, authURL string, err error)
	Finish(ctx context.Context, id string, cb eid.Callback) (eid.Person, string, error)
}

// Config is what the HTTP layer needs to know about its deployment.
type Config struct {
	// SecureCookies marks cookies Secure; on whenever served over TLS.
	SecureCookies bool
	// DemoEID says that e-ID is the demo's simulator, so that the sign-in
	// page says so.
	DemoEID bool
	// EIDOrigin is the e-ID broker's origin (scheme://host:port): the
	// sign-in form's redirect goes there, so the CSP's form-action allows it.
	EIDOrigin string
	// SubjectRef turns an identity number into an opaque id for the audit
	// trail of an individual's actions.
	SubjectRef func(p pnr.PNR) string
	// MaxBody bounds request bodies; 1 MiB when zero.
	MaxBody int64
	// MetricsAllow are the addresses that may read /metrics without a
	// token (the connection's peer address is checked).
	MetricsAllow []netip.Prefix
	// TrustedProxies are the reverse proxies whose X-Forwarded-For (or
	// X-Real-IP) header gin believes when it names the client, as the
	// sign-in limit keys on; none when empty, so the peer is the client.
	// /metrics and the API's limit never read the header.
	TrustedProxies []netip.Prefix
	// APIRate and APIBurst limit API requests per bearer token (and per
	// client address without a valid token): requests a second on average
	// and at once; 10 and 50 when zero.
	APIRate  float64
	APIBurst int
}

// Server holds the services and templates behind the handlers.
type Server struct {
	cfg      Config
	log      zerolog.Logger
	now      func() time.Time
	auth     Auth
	cases    Cases
	extracts Extracts
	changes  Changes
	delivery Delivery
	print    Print
	forms    map[string]*forms.Form
	texts    map[string]dsr.Text
	pages    map[string]map[string]*template.Template // language → page → template

	// accounts and adminSettings serve the administration pages.
	accounts      Accounts
	adminSettings AdminSettings

	// stats serves the dashboard, the statistics and the due-date warnings.
	stats Stats

	// eid signs individuals in.
	eid EID

	// metrics counts requests and serves /metrics; none when nil.
	metrics Metrics

	csp string // the Content-Security-Policy of every response

	apiLimits *apiLimiter // the API's rate limit
}

// Services bundles what the server calls.
type Services struct {
	Auth     Auth
	Cases    Cases
	Extracts Extracts
	Changes  Changes
	Delivery Delivery
	Print    Print
	Forms    map[string]*forms.Form

	// Accounts and AdminSettings serve the administration pages.
	Accounts      Accounts
	AdminSettings AdminSettings

	// Stats serves the dashboard, the statistics and the due-date warnings.
	Stats Stats

	// EID signs individuals in.
	EID EID

	// Metrics counts requests and serves /metrics; without it there is no
	// /metrics.
	Metrics Metrics
}

// pageNames lists every page; a page whose template is missing or broken
// fails start-up rather than the first request.
var pageNames = []string{"start", "eid", "form", "receipt", "mine", "login", "cases", "case", "review", "intake", "print", "error",
	"admin_users", "admin_tokens", "admin_settings", "dashboard", "stats", "info_privacy", "info_cookies"}

// New builds the server, parsing every page template once.
func New(cfg Config, svc Services, log zerolog.Logger, now func() time.Time) (*Server, error) {
	if cfg.MaxBody == 0 {
		cfg.MaxBody = 1 << 20
	}
	s := &Server{cfg: cfg, log: log, now: now, auth: svc.Auth, cases: svc.Cases, extracts: svc.Extracts, changes: svc.Changes,
		delivery: svc.Delivery, print: svc.Print, forms: svc.Forms, pages: map[string]map[string]*template.Template{}}
	s.accounts, s.adminSettings = svc.Accounts, svc.AdminSettings
	s.stats = svc.Stats
	s.eid = svc.EID
	s.metrics = svc.Metrics
	s.apiLimits = newAPILimiter(cfg.APIRate, cfg.APIBurst, now)
	s.csp = "default-src 'self'; frame-ancestors 'none'; form-action 'self'"
	if cfg.EIDOrigin != "" {
		s.csp += " " + cfg.EIDOrigin
	}
	b, err := fs.ReadFile(assets.FS, "i18n.json")
	if err != nil {
		return nil, fmt.Errorf("read texts: %w", err)
	}
	if err := json.Unmarshal(b, &s.texts); err != nil {
		return nil, fmt.Errorf("parse texts: %w", err)
	}
	for _, lang := range []string{"sv", "en"} {
		s.pages[lang] = map[string]*template.Template{}
		for _, name := range pageNames {
			t, err := template.New(name).Funcs(s.funcs(lang)).ParseFS(assets.FS, "templates/layout.html", "templates/"+name+".html")
			if err != nil {
				return nil, fmt.Errorf("parse page %s: %w", name, err)
			}
			s.pages[lang][name] = t
		}
	}
	return s, nil
}

// funcs are the template functions for one language; each language has its
// own parsed set, so nothing is re-bound per request.
func (s *Server) funcs(lang string) template.FuncMap {
	return template.FuncMap{
		"t": func(key string) string {
			if t, ok := s.texts[key]; ok {
				return t.In(lang)
			}
			return key
		},
		// chosen reports whether a register field's value (ids separated
		// by spaces) holds id.
		"chosen": func(value, id string) bool { return slices.Contains(strings.Fields(value), id) },
		// clock shows an instant as Swedish local time.
		"clock": func(t time.Time) string { return t.In(dsr.Stockholm()).Format("2006-01-02 15:04") },
		"date": func(t any) string {
			switch v := t.(type) {
			case time.Time:
				return dsr.FormatDate(v)
			case *time.Time:
				if v != nil {
					return dsr.FormatDate(*v)
				}
			}
			return ""
		},
	}
}

// text returns an interface text in a language.
func (s *Server) text(key, lang string) string {
	return s.texts[key].In(lang)
}

// errorText is an error's message in a language: the text catalogue's
// entry for the error's key, formatted with its arguments, or the English
// message when the catalogue has no text for that language.
func (s *Server) errorText(e *dsr.Error, lang string) string {
	t, ok := s.texts[e.Key]
	if !ok {
		return e.Message
	}
	text := t.In(lang)
	if lang == "en" && t.EN == "" || text == "" {
		return e.Message
	}
	if !strings.Contains(text, "%") {
		return text // a translation that leaves the arguments out
	}
	return fmt.Sprintf(text, e.Args...)
}

// Handler returns the HTTP handler with every route.
func (s *Server) Handler() http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.ContextWithFallback = true
	// gin trusts every proxy unless told otherwise, which would let anyone
	// name their own address in X-Forwarded-For.
	proxies := make([]string, 0, len(s.cfg.TrustedProxies))
	for _, p := range s.cfg.TrustedProxies {
		proxies = append(proxies, p.String())
	}
	if err := r.SetTrustedProxies(proxies); err != nil {
		panic(fmt.Sprintf("trusted proxies %v: %v", proxies, err)) // a netip.Prefix always parses
	}
	s.routes(r)
	return r
}
