package casework

import (
	"context"
	"strings"
	"testing"
	"time"

	"dsrdesk/internal/catalogue"
	"dsrdesk/internal/deadline"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
)

// memStore keeps cases in memory, as casework sees the case store.
type memStore struct {
	cases  map[string]*dsr.Case
	keys   map[string]string
	hmacs  map[string]string // case id → subject HMAC
	events []dsr.AuditEvent
	notes  []dsr.Note
	files  []dsr.Attachment
}

func (m *memStore) AddAttachment(ctx context.Context, a *dsr.Attachment, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) error {
	if _, err := m.UpdateCase(ctx, a.CaseID, decide); err != nil {
		return err
	}
	m.files = append(m.files, *a)
	return nil
}
func (m *memStore) Attachments(context.Context, string) ([]dsr.Attachment, error) {
	return m.files, nil
}
func (m *memStore) ReadAttachment(_ context.Context, _, id string, ev dsr.AuditEvent) (*dsr.Attachment, error) {
	m.events = append(m.events, ev)
	for _, a := range m.files {
		if a.ID == id {
			return &a, nil
		}
	}
	return nil, dsr.Errorf(dsr.ENOTFOUND, "attachment.not_found", "No such document in this case.")
}

func newStore() *memStore {
	return &memStore{cases: map[string]*dsr.Case{}, keys: map[string]string{}, hmacs: map[string]string{}}
}

func (m *memStore) CreateCase(_ context.Context, c *dsr.Case, hmac, repHMAC, key string, ev dsr.AuditEvent, files ...*dsr.Attachment) (bool, error) {
	for _, f := range files {
		m.files = append(m.files, *f)
	}
	if id, ok := m.keys[key]; ok && key != "" {
		*c = *m.cases[id]
		return false, nil
	}
	c.Number = "DSR-2026-000001"
	stored := *c
	m.cases[c.ID], m.keys[key], m.hmacs[c.ID], m.hmacs["rep:"+c.ID] = &stored, c.ID, hmac, repHMAC
	m.events = append(m.events, ev)
	return true, nil
}

func (m *memStore) Case(_ context.Context, id string) (*dsr.Case, error) {
	c, ok := m.cases[id]
	if !ok {
		return nil, errNoCase()
	}
	out := *c
	return &out, nil
}

// population is the population register of the tests: Åsa Öberg (an
// adult, 811218-9876), her children Nils (born 2015) and Ebba (born 2009),
// and nobody else.
type population struct{}

func (population) Person(_ context.Context, p pnr.PNR) (dsr.Person, error) {
	born := func(s string) *time.Time { t, _ := time.Parse(dsr.DateLayout, s); return &t }
	switch p {
	case "198112189876":
		return dsr.Person{PNR: p, Name: "Åsa Öberg", BornOn: born("1981-12-18")}, nil
	case "201502142381":
		return dsr.Person{PNR: p, Name: "Nils Öberg", BornOn: born("2015-02-14"), Guardians: []pnr.PNR{"198112189876"}}, nil
	case "200905172383":
		return dsr.Person{PNR: p, Name: "Ebba Öberg", BornOn: born("2009-05-17"), Guardians: []pnr.PNR{"198112189876"}}, nil
	}
	return dsr.Person{}, dsr.Errorf(dsr.ENOTFOUND, "registers.person_not_found", "The person is not in the population register.")
}

func (population) Wards(_ context.Context, g pnr.PNR) ([]dsr.Person, error) {
	if g != "198112189876" {
		return nil, nil
	}
	var out []dsr.Person
	for _, c := range []pnr.PNR{"201502142381", "200905172383"} {
		p, _ := population{}.Person(context.Background(), c)
		out = append(out, p)
	}
	return out, nil
}

func (m *memStore) ReadCase(_ context.Context, id string, ev dsr.AuditEvent) (*dsr.Case, error) {
	c, ok := m.cases[id]
	if !ok {
		return nil, errNoCase()
	}
	m.events = append(m.events, ev)
	out := *c
	return &out, nil
}

func (m *memStore) ListCases(context.Context, dsr.CaseFilter) (dsr.CasePage, error) {
	var out []*dsr.Case
	for _, c := range m.cases {
		out = append(out, c)
	}
	return dsr.CasePage{Cases: out, Total: len(out)}, nil
}

func (m *memStore) UserByID(_ context.Context, id string) (*dsr.User, error) {
	if id == officer.ID {
		return &dsr.User{ID: id, Role: dsr.RoleOfficer}, nil
	}
	if id == printer.ID {
		return &dsr.User{ID: id, Role: dsr.RolePrint}, nil
	}
	if id == "gone" {
		at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		return &dsr.User{ID: id, Role: dsr.RoleOfficer, DisabledAt: &at}, nil
	}
	return nil, dsr.Errorf(dsr.ENOTFOUND, "user.not_found", "No such user.")
}

func (m *memStore) UpdateCase(_ context.Context, id string, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) (*dsr.Case, error) {
	c, ok := m.cases[id]
	if !ok {
		return nil, errNoCase()
	}
	changed := *c
	events, err := decide(&changed)
	if err != nil {
		return nil, err
	}
	*c = changed
	m.events = append(m.events, events...)
	return &changed, nil
}

func (m *memStore) ExtractSummary(context.Context, string) (*dsr.ExtractSummary, error) {
	return nil, dsr.Errorf(dsr.ENOTFOUND, "extract.not_assembled", "none")
}
func (m *memStore) CaseLetters(context.Context, string) ([]dsr.Letter, error) { return nil, nil }
func (m *memStore) Items(context.Context, string) ([]dsr.Item, error)         { return nil, nil }
func (m *memStore) Notifications(context.Context, string) ([]dsr.Notification, error) {
	return nil, nil
}
func (m *memStore) AuditEvents(context.Context, string) ([]dsr.AuditEvent, error) {
	return m.events, nil
}
func (m *memStore) Record(_ context.Context, events ...dsr.AuditEvent) error {
	m.events = append(m.events, events...)
	return nil
}
func (m *memStore) AddNote(ctx context.Context, n *dsr.Note, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) error {
	if _, err := m.UpdateCase(ctx, n.CaseID, decide); err != nil {
		return err
	}
	m.notes = append(m.notes, *n)
	return nil
}
func (m *memStore) Notes(context.Context, string) ([]dsr.Note, error) { return m.notes, nil }
func (m *memStore) WaitingSince(_ context.Context, w dsr.Waiting, since time.Time) ([]string, error) {
	var out []string
	for id, c := range m.cases {
		if c.Waiting == w && c.WaitingSince != nil && !c.WaitingSince.After(since) {
			out = append(out, id)
		}
	}
	return out, nil
}
func (m *memStore) StaffNames(context.Context, []string) (map[string]string, error) {
	return map[string]string{"staff:" + officer.ID: "Olle Officer"}, nil
}
func (m *memStore) CaseByNumber(_ context.Context, number string) (*dsr.Case, error) {
	for _, c := range m.cases {
		if c.Number == number {
			return c, nil
		}
	}
	return nil, errNoCase()
}
func (m *memStore) CasesOf(_ context.Context, h string) ([]*dsr.Case, error) {
	var out []*dsr.Case
	for id, c := range m.cases {
		if m.hmacs[id] == h || m.hmacs["rep:"+id] == h {
			out = append(out, c)
		}
	}
	return out, nil
}
func (m *memStore) ReadLetterPDF(_ context.Context, id string, ev dsr.AuditEvent) ([]byte, error) {
	m.events = append(m.events, ev)
	return []byte("%PDF " + id), nil
}
func (m *memStore) CasesBySubject(_ context.Context, h string) ([]*dsr.Case, error) {
	var out []*dsr.Case
	for id, c := range m.cases {
		if m.hmacs[id] == h {
			out = append(out, c)
		}
	}
	return out, nil
}

var (
	officer = dsr.Actor{Kind: dsr.ActorStaff, ID: "u1", Role: dsr.RoleOfficer}
	printer = dsr.Actor{Kind: dsr.ActorStaff, ID: "u2", Role: dsr.RolePrint}
	person  = dsr.Actor{Kind: dsr.ActorIndividual, ID: "p-1"}
)

func service(t *testing.T, today string) (*Service, *memStore) {
	t.Helper()
	return serviceWith(t, today, dsr.DefaultSettings())
}

func serviceWith(t *testing.T, today string, set dsr.Settings) (*Service, *memStore) {
	t.Helper()
	now, err := time.Parse(dsr.DateLayout, today)
	if err != nil {
		t.Fatal(err)
	}
	h, err := pnr.NewHasher([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	store := newStore()
	cat, err := catalogue.Parse("catalogue.json", catalogue.Default())
	if err != nil {
		t.Fatal(err)
	}
	settings := func(context.Context) (dsr.Settings, error) { return set, nil }
	return NewService(store, deadline.Calendar{}, h, cat, population{}, settings, func() time.Time { return now.Add(10 * time.Hour) }), store
}

func TestCreate(t *testing.T) {
	tests := []struct {
		name  string
		req   Request
		actor dsr.Actor
		code  string
		field string
	}{
		{"an officer registers a letter", Request{Kinds: []dsr.Kind{dsr.KindAccess}, Subject: "811218-9876", Channel: dsr.ChannelLetter, ReceivedOn: "2025-03-05"}, officer, "", ""},
		{"a person files in the e-service", Request{Kinds: []dsr.Kind{dsr.KindAccess}, Subject: "198112189876", Channel: dsr.ChannelEService}, person, "", ""},
		{"the print operator may not register", Request{Kinds: []dsr.Kind{dsr.KindAccess}, Subject: "811218-9876", Channel: dsr.ChannelLetter}, printer, dsr.EFORBIDDEN, ""},
		{"no kind", Request{Subject: "811218-9876", Channel: dsr.ChannelLetter}, officer, dsr.EINVALID, "kinds"},
		{"unknown kind", Request{Kinds: []dsr.Kind{"gossip"}, Subject: "811218-9876", Channel: dsr.ChannelLetter}, officer, dsr.EINVALID, "kinds"},
		{"wrong check digit", Request{Kinds: []dsr.Kind{dsr.KindAccess}, Subject: "811218-9875", Channel: dsr.ChannelLetter}, officer, dsr.EINVALID, "subject"},
		{"malformed date", Request{Kinds: []dsr.Kind{dsr.KindAccess}, Subject: "811218-9876", Channel: dsr.ChannelLetter, ReceivedOn: "2025-02-30"}, officer, dsr.EINVALID, "received_on"},
		{"a date in the future", Request{Kinds: []dsr.Kind{dsr.KindAccess}, Subject: "811218-9876", Channel: dsr.ChannelLetter, ReceivedOn: "2026-12-31"}, officer, dsr.EINVALID, "received_on"},
		{"unknown channel", Request{Kinds: []dsr.Kind{dsr.KindAccess}, Subject: "811218-9876", Channel: "fax"}, officer, dsr.EINVALID, "channel"},
		{"an erasure of chosen registers", Request{Kinds: []dsr.Kind{dsr.KindErasure}, Subject: "811218-9876", Channel: dsr.ChannelLetter, Change: dsr.ChangeRequest{Scope: []string{"kontakter", "paminnelser"}, Grounds: []string{dsr.GroundConsentWithdrawn}}}, officer, "", ""},
		{"a rectification of a contact note", Request{Kinds: []dsr.Kind{dsr.KindRectify}, Subject: "811218-9876", Channel: dsr.ChannelLetter, Change: dsr.ChangeRequest{Changes: []dsr.Change{{Register: "kontakter", Field: "subject", Value: "Sjukanmälan"}}}}, officer, "", ""},
		{"a change to a field that is not rectifiable", Request{Kinds: []dsr.Kind{dsr.KindRectify}, Subject: "811218-9876", Channel: dsr.ChannelLetter, Change: dsr.ChangeRequest{Changes: []dsr.Change{{Register: "utbetalningar", Field: "amount", Value: "1 kr"}}}}, officer, dsr.EINVALID, "changes"},
		{"an unknown register in scope", Request{Kinds: []dsr.Kind{dsr.KindErasure}, Subject: "811218-9876", Channel: dsr.ChannelLetter, Change: dsr.ChangeRequest{Scope: []string{"bilstod"}}}, officer, dsr.EINVALID, "scope"},
		{"unknown representative", Request{Kinds: []dsr.Kind{dsr.KindAccess}, Subject: "811218-9876", Channel: dsr.ChannelLetter, Representative: &dsr.Representative{Role: "friend"}}, officer, dsr.EINVALID, "representative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, store := service(t, "2026-11-23")
			c, created, err := s.Create(context.Background(), tt.req, tt.actor)
			if tt.code != "" {
				if dsr.ErrorCode(err) != tt.code || dsr.ErrorField(err) != tt.field {
					t.Fatalf("error = %v, want %s on field %q", err, tt.code, tt.field)
				}
				if len(store.cases) != 0 || len(store.events) != 0 {
					t.Error("a refused request left a case or an event behind")
				}
				if strings.Contains(dsr.ErrorMessage(err), "9876") || strings.Contains(dsr.ErrorMessage(err), "9875") {
					t.Error("the error message repeats the identity number")
				}
				return
			}
			if err != nil || !created {
				t.Fatalf("Create = %v, %t", err, created)
			}
			if c.SubjectPNR != "198112189876" || c.Status != dsr.StatusReceived {
				t.Errorf("case = %+v", c)
			}
			if len(store.events) != 1 || store.events[0].Action != dsr.ActionCaseReceived || strings.Contains(store.events[0].Detail, "9876") {
				t.Errorf("events = %+v, want one receipt without the identity number", store.events)
			}
		})
	}
}

func TestCreateDeadlines(t *testing.T) {
	s, _ := service(t, "2026-11-23")
	c, _, err := s.Create(context.Background(), Request{Kinds: []dsr.Kind{dsr.KindAccess}, Subject: "811218-9876", Channel: dsr.ChannelLetter, ReceivedOn: "2025-03-05"}, officer)
	if err != nil {
		t.Fatal(err)
	}
	if got := dsr.FormatDate(c.DueOn); got != "2025-04-07" {
		t.Errorf("due_on = %s, want 2025-04-07 (IMY's example: 5 April is a Saturday)", got)
	}
}

func TestCreateTwiceWithAKey(t *testing.T) {
	s, store := service(t, "2026-11-23")
	r := Request{Kinds: []dsr.Kind{dsr.KindAccess}, Subject: "811218-9876", Channel: dsr.ChannelLetter, Key: "k1"}
	first, _, err := s.Create(context.Background(), r, officer)
	if err != nil {
		t.Fatal(err)
	}
	second, created, err := s.Create(context.Background(), r, officer)
	if err != nil || created || second.ID != first.ID || len(store.cases) != 1 {
		t.Errorf("second Create = %v, created %t, %d cases", err, created, len(store.cases))
	}
}

func TestReadsByPeopleAreAudited(t *testing.T) {
	s, store := service(t, "2026-11-23")
	c, _, err := s.Create(context.Background(), Request{Kinds: []dsr.Kind{dsr.KindAccess}, Subject: "811218-9876", Channel: dsr.ChannelEService}, person)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(context.Background(), c.ID, officer); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(context.Background(), c.ID, person); dsr.ErrorCode(err) != dsr.EFORBIDDEN {
		t.Errorf("a person reads any case through Get: %v", err)
	}
	if _, err := s.Receipt(context.Background(), c.ID, "197010632391", person); dsr.ErrorCode(err) != dsr.ENOTFOUND {
		t.Errorf("another person's receipt = %v, want not found", err)
	}
	reads := 0
	for _, e := range store.events {
		if e.Action == dsr.ActionCaseRead && e.CaseID == c.ID {
			reads++
		}
	}
	if reads != 2 {
		t.Errorf("%d audited reads, want 2 (the officer and the person asking for a receipt)", reads)
	}
}
