package casework

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"dsrdesk/internal/deadline"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
)

// Store is what casework needs from the case store.
type Store interface {
	CreateCase(ctx context.Context, c *dsr.Case, subjectHMAC, requestKey string, actor dsr.Actor) (bool, error)
	FindCase(ctx context.Context, id string, actor dsr.Actor) (*dsr.Case, error)
	ListCases(ctx context.Context, f dsr.CaseFilter, actor dsr.Actor) ([]*dsr.Case, int, error)
	ExtendCase(ctx context.Context, id string, check func(*dsr.Case) (time.Time, error), reason string, actor dsr.Actor) (*dsr.Case, error)
	ExtractSummary(ctx context.Context, caseID string) (*dsr.ExtractSummary, error)
	CaseLetter(ctx context.Context, caseID string) (*dsr.Letter, error)
	AuditEvents(ctx context.Context, caseID string) ([]dsr.AuditEvent, error)
}

// Service registers and manages cases.
type Service struct {
	store    Store
	calendar deadline.Calendar
	hasher   *pnr.Hasher
	now      func() time.Time
}

// NewService returns a casework service.
func NewService(store Store, cal deadline.Calendar, hasher *pnr.Hasher, now func() time.Time) *Service {
	return &Service{store: store, calendar: cal, hasher: hasher, now: now}
}

// Request is a data-subject request as it arrives from any channel.
type Request struct {
	Kinds          []dsr.Kind
	Subject        string // the identity number in any accepted form
	SubjectName    string
	Channel        dsr.Channel
	ReceivedOn     string // YYYY-MM-DD; today when empty
	Language       string
	Representative *dsr.Representative
	Details        map[string]string
	// Key, when set, identifies this submission: submitting it again
	// returns the case it created instead of a second one.
	Key string
}

// Maximum sizes of free text, so that one request cannot fill the store.
const (
	maxDetail     = 4000
	maxDetails    = 20
	maxNameLength = 200
)

// Create validates a request, computes its deadlines (RULES §2) and
// registers it as a new case. created is false when r.Key had already
// registered the returned case.
func (s *Service) Create(ctx context.Context, r Request, actor dsr.Actor) (c *dsr.Case, created bool, err error) {
	if !actor.Any(dsr.RoleOfficer, dsr.RoleDPO) && actor.Kind != "individual" {
		return nil, false, dsr.Errorf(dsr.EFORBIDDEN, "Only case officers and the data protection officer may register requests.")
	}
	if len(r.Key) > 100 {
		return nil, false, dsr.FieldError("idempotency_key", "The idempotency key is too long (at most 100 characters).")
	}
	c, err = s.validate(r)
	if err != nil {
		return nil, false, err
	}
	key := ""
	if r.Key != "" {
		key = actor.String() + ":" + r.Key // one person's key never finds another's case
	}
	subject := pnr.PNR(c.SubjectPNR)
	created, err = s.store.CreateCase(ctx, c, s.hasher.Sum(subject), key, actor)
	if err != nil {
		return nil, false, err
	}
	return c, created, nil
}

// validate checks a request and builds the case it would register.
func (s *Service) validate(r Request) (*dsr.Case, error) {
	today := dsr.Day(s.now())
	if len(r.Kinds) == 0 {
		return nil, dsr.FieldError("kinds", "Choose at least one kind of request.")
	}
	seen := map[dsr.Kind]bool{}
	var kinds []dsr.Kind
	for _, k := range r.Kinds {
		if !k.Valid() {
			return nil, dsr.FieldError("kinds", "Unknown kind of request; use access, rectification, completion, erasure or restriction.")
		}
		if !seen[k] {
			seen[k] = true
			kinds = append(kinds, k)
		}
	}
	if !r.Channel.Valid() {
		return nil, dsr.FieldError("channel", "Channel must be eservice, letter, phone or desk.")
	}
	subject, err := pnr.Parse(r.Subject, today)
	if err != nil {
		return nil, &dsr.Error{Code: dsr.EINVALID, Field: "subject", Message: dsr.ErrorMessage(err)}
	}
	received := today
	if r.ReceivedOn != "" {
		if received, err = dsr.ParseDate("received_on", r.ReceivedOn); err != nil {
			return nil, err
		}
		if received.After(today) {
			return nil, dsr.FieldError("received_on", "received_on cannot be in the future.")
		}
	}
	lang := r.Language
	if lang == "" {
		lang = "sv"
	}
	if lang != "sv" && lang != "en" {
		return nil, dsr.FieldError("language", "Language must be sv or en.")
	}
	name := strings.TrimSpace(r.SubjectName)
	if utf8.RuneCountInString(name) > maxNameLength {
		return nil, dsr.FieldError("subject_name", "The name is too long.")
	}
	if len(r.Details) > maxDetails {
		return nil, dsr.FieldError("details", "Too many details.")
	}
	for k, v := range r.Details {
		if utf8.RuneCountInString(v) > maxDetail || len(k) > 64 {
			return nil, dsr.FieldError(k, "The text is too long (at most %d characters).", maxDetail)
		}
	}
	if rep := r.Representative; rep != nil {
		switch rep.Role {
		case "guardian", "god_man", "forvaltare", "fullmakt", "framtidsfullmakt":
		default:
			return nil, dsr.FieldError("representative", "Unknown kind of representative.")
		}
	}
	d := s.calendar.Compute(received)
	c := &dsr.Case{
		ID:             uuid.Must(uuid.NewV7()).String(),
		Kinds:          kinds,
		Status:         dsr.StatusReceived,
		Channel:        r.Channel,
		SubjectPNR:     subject.String(),
		SubjectName:    name,
		Representative: r.Representative,
		Language:       lang,
		Details:        r.Details,
		ReceivedOn:     received,
		TargetOn:       d.TargetOn,
		DueOn:          d.DueOn,
	}
	return c, nil
}

// Get returns a case; the read is audited.
func (s *Service) Get(ctx context.Context, id string, actor dsr.Actor) (*dsr.Case, error) {
	if !actor.Any(dsr.RoleOfficer, dsr.RoleDPO) {
		return nil, dsr.Errorf(dsr.EFORBIDDEN, "Only case officers and the data protection officer may read cases.")
	}
	if _, err := uuid.Parse(id); err != nil {
		return nil, dsr.Errorf(dsr.ENOTFOUND, "No case with that id.")
	}
	return s.store.FindCase(ctx, id, actor)
}

// List returns cases, the most urgent first.
func (s *Service) List(ctx context.Context, status string, limit, offset int, actor dsr.Actor) ([]*dsr.Case, int, error) {
	if !actor.Any(dsr.RoleOfficer, dsr.RoleDPO) {
		return nil, 0, dsr.Errorf(dsr.EFORBIDDEN, "Only case officers and the data protection officer may list cases.")
	}
	st := dsr.Status(status)
	if status != "" && !st.Valid() {
		return nil, 0, dsr.FieldError("status", "Unknown status; use received, assembled, sent or closed.")
	}
	return s.store.ListCases(ctx, dsr.CaseFilter{Status: st, Limit: limit, Offset: offset}, actor)
}

// Extend records an extension notice with reasons. It is refused after the
// ordinary deadline has passed, or when the case is already extended.
func (s *Service) Extend(ctx context.Context, id, reason string, actor dsr.Actor) (*dsr.Case, error) {
	if !actor.Any(dsr.RoleOfficer, dsr.RoleDPO) {
		return nil, dsr.Errorf(dsr.EFORBIDDEN, "Only case officers and the data protection officer may extend cases.")
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, dsr.FieldError("reason", "An extension needs reasons (GDPR Art. 12(3)).")
	}
	if utf8.RuneCountInString(reason) > maxDetail {
		return nil, dsr.FieldError("reason", "The reason is too long (at most %d characters).", maxDetail)
	}
	if _, err := uuid.Parse(id); err != nil {
		return nil, dsr.Errorf(dsr.ENOTFOUND, "No case with that id.")
	}
	today := dsr.Day(s.now())
	return s.store.ExtendCase(ctx, id, func(c *dsr.Case) (time.Time, error) {
		if c.ExtendedDueOn != nil {
			return time.Time{}, dsr.Errorf(dsr.ECONFLICT, "The case is already extended.")
		}
		d := s.calendar.Compute(c.ReceivedOn)
		if !s.calendar.CanExtend(d, today) {
			return time.Time{}, dsr.Errorf(dsr.ECONFLICT, "The deadline %s has passed; the time limit can no longer be extended.", dsr.FormatDate(c.DueOn))
		}
		if c.Status == dsr.StatusSent || c.Status == dsr.StatusClosed {
			return time.Time{}, dsr.Errorf(dsr.ECONFLICT, "The case has already been answered.")
		}
		return d.ExtendedDueOn, nil
	}, reason, actor)
}

// Receipt returns a case to the individual who submitted it, and to no one
// else: another person's case is reported as not found.
func (s *Service) Receipt(ctx context.Context, id, subjectPNR string, actor dsr.Actor) (*dsr.Case, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, dsr.Errorf(dsr.ENOTFOUND, "No case with that id.")
	}
	c, err := s.store.FindCase(ctx, id, actor)
	if err != nil {
		return nil, err
	}
	if c.SubjectPNR != subjectPNR {
		return nil, dsr.Errorf(dsr.ENOTFOUND, "No case with that id.")
	}
	return c, nil
}

// Overview is a case with what has been done in it so far.
type Overview struct {
	Case    *dsr.Case
	Extract *dsr.ExtractSummary // nil until assembled
	Letter  *dsr.Letter         // nil until sent
	Audit   []dsr.AuditEvent
}

// Overview returns a case for the case page: its extract summary, its
// letter and its audit trail. The read is audited.
func (s *Service) Overview(ctx context.Context, id string, actor dsr.Actor) (*Overview, error) {
	c, err := s.Get(ctx, id, actor)
	if err != nil {
		return nil, err
	}
	o := &Overview{Case: c}
	if o.Extract, err = s.store.ExtractSummary(ctx, id); err != nil && dsr.ErrorCode(err) != dsr.ENOTFOUND {
		return nil, err
	}
	if o.Letter, err = s.store.CaseLetter(ctx, id); err != nil && dsr.ErrorCode(err) != dsr.ENOTFOUND {
		return nil, err
	}
	if o.Audit, err = s.store.AuditEvents(ctx, id); err != nil {
		return nil, err
	}
	return o, nil
}
