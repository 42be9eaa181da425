package casework

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"dsrdesk/internal/catalogue"
	"dsrdesk/internal/deadline"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/exemptions"
	"dsrdesk/internal/pnr"
)

// Store is what casework needs from the case store.
type Store interface {
	CreateCase(ctx context.Context, c *dsr.Case, subjectHMAC, repHMAC, requestKey string, ev dsr.AuditEvent, files ...*dsr.Attachment) (bool, error)
	CasesOf(ctx context.Context, hmac string) ([]*dsr.Case, error)
	ReadLetterPDF(ctx context.Context, letterID string, ev dsr.AuditEvent) ([]byte, error)
	AddAttachment(ctx context.Context, a *dsr.Attachment, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) error
	Attachments(ctx context.Context, caseID string) ([]dsr.Attachment, error)
	ReadAttachment(ctx context.Context, caseID, id string, ev dsr.AuditEvent) (*dsr.Attachment, error)
	ReadCase(ctx context.Context, id string, ev dsr.AuditEvent) (*dsr.Case, error)
	Case(ctx context.Context, id string) (*dsr.Case, error)
	ListCases(ctx context.Context, f dsr.CaseFilter) (dsr.CasePage, error)
	UserByID(ctx context.Context, id string) (*dsr.User, error)
	UpdateCase(ctx context.Context, id string, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) (*dsr.Case, error)
	ExtractSummary(ctx context.Context, caseID string) (*dsr.ExtractSummary, error)
	CaseLetters(ctx context.Context, caseID string) ([]dsr.Letter, error)
	Items(ctx context.Context, caseID string) ([]dsr.Item, error)
	Notifications(ctx context.Context, caseID string) ([]dsr.Notification, error)
	AuditEvents(ctx context.Context, caseID string) ([]dsr.AuditEvent, error)
	Record(ctx context.Context, events ...dsr.AuditEvent) error
	AddNote(ctx context.Context, n *dsr.Note, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) error
	Notes(ctx context.Context, caseID string) ([]dsr.Note, error)
	StaffNames(ctx context.Context, actors []string) (map[string]string, error)
	CaseByNumber(ctx context.Context, number string) (*dsr.Case, error)
	CasesBySubject(ctx context.Context, subjectHMAC string) ([]*dsr.Case, error)
	WaitingSince(ctx context.Context, w dsr.Waiting, since time.Time) ([]string, error)
}

// Population looks a person up in the population-register copy: their
// name, birth date and guardians, and the children in a guardian's custody.
type Population interface {
	Person(ctx context.Context, p pnr.PNR) (dsr.Person, error)
	Wards(ctx context.Context, guardian pnr.PNR) ([]dsr.Person, error)
}

// Service registers and manages cases.
type Service struct {
	store      Store
	calendar   deadline.Calendar
	hasher     *pnr.Hasher
	cat        *catalogue.Catalogue
	population Population
	settings   func(context.Context) (dsr.Settings, error)
	now        func() time.Time
}

// NewService returns a casework service; cat is the register catalogue a
// request to change data is checked against, population the register that
// says who is a minor and who their guardians are, settings the settings in
// force (sign-off, the identity clock).
func NewService(store Store, cal deadline.Calendar, hasher *pnr.Hasher, cat *catalogue.Catalogue, population Population, settings func(context.Context) (dsr.Settings, error), now func() time.Time) *Service {
	return &Service{store: store, calendar: cal, hasher: hasher, cat: cat, population: population, settings: settings, now: now}
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
	Change         dsr.ChangeRequest // for requests to rectify, complete, erase, restrict or object
	Details        map[string]string
	// Key, when set, identifies this submission: submitting it again
	// returns the case it created instead of a second one.
	Key string
	// Files came with the request: the scanned letter, a phone note, a
	// mandate. They are filed with the case as it is registered.
	Files []File
	// ActingFor, in the e-service, is the Principal.Ref of the person the
	// signed-in person (Subject, SubjectName) asks for: their child, or the
	// principal of a verified standing mandate.
	ActingFor string
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
	if !dsr.Can(actor, dsr.PermRegister) && !dsr.Can(actor, dsr.PermOwnRequests) {
		return nil, false, dsr.Require(actor, dsr.PermRegister)
	}
	if len(r.Key) > 100 {
		return nil, false, dsr.FieldError("idempotency_key", "input.key_too_long", "The idempotency key is too long (at most 100 characters).")
	}
	var verified *dsr.Mandate
	var evidence string
	if r.ActingFor != "" {
		if verified, evidence, err = s.actFor(ctx, &r, actor); err != nil {
			return nil, false, err
		}
	}
	c, err = s.validate(r)
	if err != nil {
		return nil, false, err
	}
	if err := s.checkPerson(ctx, c); err != nil {
		return nil, false, err
	}
	if verified != nil {
		c.Representative.Mandate = verified
		c.Waiting, c.WaitingSince = dsr.WaitingNone, nil
	}
	key := ""
	if r.Key != "" {
		key = actor.String() + ":" + r.Key // one person's key never finds another's case
	}
	detail := fmt.Sprintf("channel=%s kinds=%s received_on=%s due_on=%s", c.Channel, dsr.Join(c.Kinds, ","), dsr.FormatDate(c.ReceivedOn), dsr.FormatDate(c.DueOn))
	repHMAC := ""
	if c.Representative != nil {
		detail += " representative=" + c.Representative.Role
		if verified != nil {
			detail += " mandate=verified " + evidence
		}
		if c.Representative.PNR != "" {
			repHMAC = s.hasher.Sum(c.Representative.PNR)
		}
	}
	if len(r.Files) > maxAttachments {
		return nil, false, dsr.FieldError("file", "attachment.too_many", "At most %d documents with one request.", maxAttachments)
	}
	files := make([]*dsr.Attachment, 0, len(r.Files))
	for _, f := range r.Files {
		a, err := attachment(f, actor)
		if err != nil {
			return nil, false, err
		}
		files = append(files, a)
		detail += " " + attachDetail(a)
	}
	created, err = s.store.CreateCase(ctx, c, s.hasher.Sum(c.SubjectPNR), repHMAC, key, dsr.Event(actor, dsr.ActionCaseReceived, c.ID, detail), files...)
	if err != nil {
		return nil, false, err
	}
	return c, created, nil
}

// validate checks a request and builds the case it would register.
func (s *Service) validate(r Request) (*dsr.Case, error) {
	today := dsr.Day(s.now())
	if len(r.Kinds) == 0 {
		return nil, dsr.FieldError("kinds", "input.kinds_missing", "Choose at least one kind of request.")
	}
	seen := map[dsr.Kind]bool{}
	var kinds []dsr.Kind
	for _, k := range r.Kinds {
		if !k.Valid() {
			return nil, dsr.FieldError("kinds", "input.kind_unknown", "Unknown kind of request; use %s.", dsr.JoinOr(dsr.Kinds))
		}
		if !seen[k] {
			seen[k] = true
			kinds = append(kinds, k)
		}
	}
	if !r.Channel.Valid() {
		return nil, dsr.FieldError("channel", "input.channel_unknown", "Channel must be eservice, letter, phone or desk.")
	}
	subject, err := pnr.Parse(r.Subject, today)
	if err != nil {
		return nil, dsr.FieldError("subject", "pnr.invalid", "%s", err.Error())
	}
	received := today
	if r.ReceivedOn != "" {
		if received, err = dsr.ParseDate("received_on", r.ReceivedOn); err != nil {
			return nil, err
		}
		if received.After(today) {
			return nil, dsr.FieldError("received_on", "input.received_future", "received_on cannot be in the future.")
		}
	}
	lang := r.Language
	if lang == "" {
		lang = "sv"
	}
	if lang != "sv" && lang != "en" {
		return nil, dsr.FieldError("language", "input.language_unknown", "Language must be sv or en.")
	}
	name := strings.TrimSpace(r.SubjectName)
	if utf8.RuneCountInString(name) > maxNameLength {
		return nil, dsr.FieldError("subject_name", "input.name_too_long", "The name is too long.")
	}
	if len(r.Details) > maxDetails {
		return nil, dsr.FieldError("details", "input.details_too_many", "Too many details.")
	}
	for k, v := range r.Details {
		if utf8.RuneCountInString(v) > maxDetail || len(k) > 64 {
			return nil, dsr.FieldError(k, "input.text_too_long", "The text is too long (at most %d characters).", maxDetail)
		}
	}
	if err := s.checkChange(kinds, r.Change); err != nil {
		return nil, err
	}
	if rep := r.Representative; rep != nil {
		switch rep.Role {
		case dsr.RoleGuardian, "god_man", "forvaltare", "fullmakt", "framtidsfullmakt":
		default:
			return nil, dsr.FieldError("representative", "input.representative_unknown", "Unknown kind of representative.")
		}
		if rep.Name = strings.TrimSpace(rep.Name); rep.Name == "" || utf8.RuneCountInString(rep.Name) > maxNameLength {
			return nil, dsr.FieldError("representative", "representative.name_missing", "A mandate must name the representative.")
		}
		if rep.PNR != "" {
			p, err := pnr.Parse(string(rep.PNR), today)
			if err != nil {
				return nil, dsr.FieldError("representative", "representative.pnr_invalid", "The representative's identity number is not valid.")
			}
			rep.PNR = p
		}
		rep.Mandate = nil // verified by an officer, never given with the request
	}
	d := s.calendar.Compute(received)
	c := &dsr.Case{
		ID:             uuid.Must(uuid.NewV7()).String(),
		Kinds:          kinds,
		Status:         dsr.StatusReceived,
		Channel:        r.Channel,
		SubjectPNR:     subject,
		SubjectName:    name,
		Representative: r.Representative,
		Language:       lang,
		Details:        r.Details,
		Change:         r.Change,
		ReceivedOn:     received,
		TargetOn:       d.TargetOn,
		DueOn:          d.DueOn,
	}
	return c, nil
}

// errNoCase is the answer for an id that names no case the actor may see.
func errNoCase() error {
	return dsr.Errorf(dsr.ENOTFOUND, "case.not_found", "No case with that id.")
}

// Get returns a case to a person; the read is audited.
func (s *Service) Get(ctx context.Context, id string, actor dsr.Actor) (*dsr.Case, error) {
	if err := dsr.Require(actor, dsr.PermReadCases); err != nil {
		return nil, err
	}
	if _, err := uuid.Parse(id); err != nil {
		return nil, errNoCase()
	}
	return s.store.ReadCase(ctx, id, dsr.Event(actor, dsr.ActionCaseRead, id, ""))
}

// ListQuery says which cases a list shows: a queue paged by cursor, or
// (the first API) a status paged by offset.
type ListQuery struct {
	Queue  string
	Status string
	Cursor string
	Limit  int
	Offset int
}

// List returns a page of cases, the most urgent first; the listing is
// audited.
func (s *Service) List(ctx context.Context, q ListQuery, actor dsr.Actor) (dsr.CasePage, error) {
	if err := dsr.Require(actor, dsr.PermReadCases); err != nil {
		return dsr.CasePage{}, err
	}
	f := dsr.CaseFilter{Queue: dsr.Queue(q.Queue), Status: dsr.Status(q.Status), Limit: q.Limit, Offset: q.Offset,
		Today: s.now(), Assignee: actor.ID}
	if q.Queue != "" && !f.Queue.Valid() {
		return dsr.CasePage{}, dsr.FieldError("queue", "input.queue_unknown", "Unknown queue; use %s.", dsr.JoinOr(dsr.Queues))
	}
	if q.Status != "" && !f.Status.Valid() {
		return dsr.CasePage{}, dsr.FieldError("status", "input.status_unknown", "Unknown status; use %s.", dsr.JoinOr(dsr.Statuses))
	}
	if q.Cursor != "" && q.Queue == "" {
		f.Queue = dsr.QueueOpen // a cursor pages a queue
	}
	var err error
	if f.Cursor, err = dsr.ParseCursor(q.Cursor); err != nil {
		return dsr.CasePage{}, err
	}
	page, err := s.store.ListCases(ctx, f)
	if err != nil {
		return dsr.CasePage{}, err
	}
	detail := fmt.Sprintf("queue=%s status=%s shown=%d total=%d", f.Queue, f.Status, len(page.Cases), page.Total)
	if err := s.store.Record(ctx, dsr.Event(actor, dsr.ActionCaseList, "", detail)); err != nil {
		return dsr.CasePage{}, err
	}
	return page, nil
}

// Assign gives a case to an officer (or to no one, with an empty id).
func (s *Service) Assign(ctx context.Context, id, officer string, actor dsr.Actor) (*dsr.Case, error) {
	if err := dsr.Require(actor, dsr.PermHandle); err != nil {
		return nil, err
	}
	if _, err := uuid.Parse(id); err != nil {
		return nil, errNoCase()
	}
	if officer == "me" {
		officer = actor.ID
	}
	if officer != "" {
		u, err := s.store.UserByID(ctx, officer)
		if dsr.ErrorCode(err) == dsr.ENOTFOUND || err == nil && (!dsr.Can(dsr.StaffActor(u), dsr.PermHandle) || u.Disabled()) {
			return nil, dsr.FieldError("officer", "case.assignee_unknown", "Assign the case to a case officer or the data-protection officer.")
		} else if err != nil {
			return nil, err
		}
	}
	return s.store.UpdateCase(ctx, id, func(c *dsr.Case) ([]dsr.AuditEvent, error) {
		c.AssignedTo = officer
		return []dsr.AuditEvent{dsr.Event(actor, dsr.ActionCaseAssigned, id, "officer="+officer)}, nil
	})
}

// Receipt returns a case to the individual who submitted it, and to no one
// else: another person's case is reported as not found. The read is audited.
func (s *Service) Receipt(ctx context.Context, id string, subject pnr.PNR, actor dsr.Actor) (*dsr.Case, error) {
	if err := dsr.Require(actor, dsr.PermOwnRequests); err != nil {
		return nil, err
	}
	if _, err := uuid.Parse(id); err != nil {
		return nil, errNoCase()
	}
	c, err := s.store.ReadCase(ctx, id, dsr.Event(actor, dsr.ActionCaseRead, id, "receipt"))
	if err != nil {
		return nil, err
	}
	if relation(c, subject) == "" {
		return nil, errNoCase()
	}
	return c, nil
}

// Overview is a case with what has been done in it so far.
type Overview struct {
	Case    *dsr.Case
	Allowed []dsr.Action        // what the workflow allows today
	Extract *dsr.ExtractSummary // nil until assembled
	Letters []dsr.Letter
	Items   []dsr.Item // a request to change data: every affected item, once evaluated
	Notes   []dsr.Notification
	Audit   []dsr.AuditEvent
	// Registers are the catalogue's registers, which a request may be
	// limited to.
	Registers []dsr.Register
	Memos     []dsr.Note        // internal notes
	Files     []dsr.Attachment  // documents filed with the case, without their content
	Names     map[string]string // staff names by actor, for the audit trail and the notes
}

// Can reports whether the workflow allowed action a when the overview was made.
func (o *Overview) Can(a dsr.Action) bool {
	for _, x := range o.Allowed {
		if x == a {
			return true
		}
	}
	return false
}

// Overview returns a case for the case page: what it allows, its extract
// summary, its letters and its audit trail. The read is audited.
func (s *Service) Overview(ctx context.Context, id string, actor dsr.Actor) (*Overview, error) {
	c, err := s.Get(ctx, id, actor)
	if err != nil {
		return nil, err
	}
	o := &Overview{Case: c, Allowed: c.Allowed(dsr.Day(s.now()))}
	for _, e := range s.cat.Registers {
		o.Registers = append(o.Registers, e.Register)
	}
	if o.Extract, err = s.store.ExtractSummary(ctx, id); err != nil && dsr.ErrorCode(err) != dsr.ENOTFOUND {
		return nil, err
	}
	if o.Letters, err = s.store.CaseLetters(ctx, id); err != nil {
		return nil, err
	}
	if o.Items, err = s.store.Items(ctx, id); err != nil {
		return nil, err
	}
	if o.Notes, err = s.store.Notifications(ctx, id); err != nil {
		return nil, err
	}
	if o.Audit, err = s.store.AuditEvents(ctx, id); err != nil {
		return nil, err
	}
	if o.Memos, err = s.store.Notes(ctx, id); err != nil {
		return nil, err
	}
	if o.Files, err = s.store.Attachments(ctx, id); err != nil {
		return nil, err
	}
	actors := make([]string, 0, len(o.Audit)+len(o.Memos))
	for _, e := range o.Audit {
		actors = append(actors, e.Actor)
	}
	for _, n := range o.Memos {
		actors = append(actors, n.Actor)
	}
	if o.Names, err = s.store.StaffNames(ctx, actors); err != nil {
		return nil, err
	}
	return o, nil
}

// Limits on what a request to change data may carry.
const (
	maxChanges = 200
	maxScope   = 50
	maxValue   = 400
)

// checkChange validates what a request to change data asks for: its size
// here, its content against the register catalogue in the engine.
func (s *Service) checkChange(kinds []dsr.Kind, ch dsr.ChangeRequest) error {
	switch {
	case len(ch.Changes) > maxChanges:
		return dsr.FieldError("changes", "input.changes_too_many", "Too many changes (at most %d).", maxChanges)
	case len(ch.Scope) > maxScope:
		return dsr.FieldError("scope", "input.scope_too_many", "Too many registers (at most %d).", maxScope)
	case utf8.RuneCountInString(ch.Statement) > maxDetail:
		return dsr.FieldError("statement", "input.text_too_long", "The text is too long (at most %d characters).", maxDetail)
	}
	for _, c := range ch.Changes {
		if utf8.RuneCountInString(c.Value) > maxValue || len(c.Record) > 64 {
			return dsr.FieldError("changes", "input.text_too_long", "The text is too long (at most %d characters).", maxValue)
		}
	}
	return exemptions.Check(kinds, ch, s.cat)
}
