package extract

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"dsrdesk/internal/catalogue"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
)

type memStore struct {
	c        *dsr.Case
	pdf      []byte
	staffPDF []byte
	saved    dsr.SavedExtract
	withheld []dsr.Withholding
	events   []dsr.AuditEvent
}

func (m *memStore) Case(_ context.Context, id string) (*dsr.Case, error) {
	if id != m.c.ID {
		return nil, errNoCase()
	}
	c := *m.c
	return &c, nil
}

func (m *memStore) SaveExtract(_ context.Context, _ string, x dsr.SavedExtract, _ dsr.Actor, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) error {
	c := *m.c
	events, err := decide(&c)
	if err != nil {
		return err
	}
	*m.c, m.pdf, m.staffPDF, m.saved = c, x.PDF, x.StaffPDF, x
	m.events = append(m.events, events...)
	return nil
}

func (m *memStore) UpdateCase(_ context.Context, _ string, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) (*dsr.Case, error) {
	c := *m.c
	events, err := decide(&c)
	if err != nil {
		return nil, err
	}
	*m.c = c
	m.events = append(m.events, events...)
	return &c, nil
}

func (m *memStore) StaffExtractPDF(_ context.Context, _ string, events ...dsr.AuditEvent) ([]byte, dsr.ExtractSummary, error) {
	m.events = append(m.events, events...)
	if m.staffPDF != nil {
		return m.staffPDF, dsr.ExtractSummary{}, nil
	}
	return m.pdf, dsr.ExtractSummary{}, nil
}

func (m *memStore) Withholdings(context.Context, string) ([]dsr.Withholding, error) {
	return m.withheld, nil
}

func (m *memStore) Withhold(_ context.Context, w dsr.Withholding, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) error {
	if _, err := m.UpdateCase(context.Background(), w.CaseID, decide); err != nil {
		return err
	}
	m.withheld = append(m.withheld, w)
	return nil
}

func (m *memStore) Disclose(_ context.Context, _, id string, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) error {
	if _, err := m.UpdateCase(context.Background(), m.c.ID, decide); err != nil {
		return err
	}
	for i, w := range m.withheld {
		if w.ID == id {
			m.withheld = append(m.withheld[:i], m.withheld[i+1:]...)
			return nil
		}
	}
	return dsr.Errorf(dsr.ENOTFOUND, "withholding.not_found", "No withholding with that id in this case.")
}

func (m *memStore) ToAssemble(context.Context, int) ([]string, error) {
	if m.c.AutoAssembles() {
		return []string{m.c.ID}, nil
	}
	return nil, nil
}

func (m *memStore) Assembled(context.Context, string) error { return nil }

func (m *memStore) Record(_ context.Context, events ...dsr.AuditEvent) error {
	m.events = append(m.events, events...)
	return nil
}

type registers struct{ err error }

func (r registers) Person(context.Context, pnr.PNR) (dsr.Person, error) {
	return dsr.Person{Name: "Åsa Öberg"}, r.err
}

func (r registers) Sections(context.Context, pnr.PNR) ([]dsr.Section, error) {
	return []dsr.Section{
		{Register: dsr.Register{ID: "payments", Name: dsr.Text{SV: "Utbetalningar", EN: "Payments"}},
			Rows: [][]dsr.Value{{dsr.AmountValue(100)}, {dsr.AmountValue(200)}}, RecordIDs: []string{"p1", "p2"}},
		{Register: dsr.Register{ID: "contacts", Name: dsr.Text{SV: "Kontakter", EN: "Contacts"}}},
	}, r.err
}

func (r registers) SubjectSections(ctx context.Context, p pnr.PNR) ([]dsr.Section, error) {
	return r.Sections(ctx, p)
}

func settings(context.Context) (dsr.Settings, error) { return dsr.DefaultSettings(), nil }

func testCatalogue(t *testing.T) *catalogue.Catalogue {
	t.Helper()
	cat, err := catalogue.Parse("catalogue.json", catalogue.Default())
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

type renderer struct{ got *dsr.Extract }

func (r *renderer) ExtractBytes(e *dsr.Extract) ([]byte, int, error) {
	r.got = e
	return []byte("%PDF-1.4 extract"), 3, nil
}

var officer = dsr.Actor{Kind: dsr.ActorStaff, ID: "u1", Role: dsr.RoleOfficer}

func TestAssemble(t *testing.T) {
	now := time.Date(2026, 11, 23, 23, 30, 0, 0, time.UTC) // 24 November in Stockholm
	tests := []struct {
		name   string
		kinds  []dsr.Kind
		status dsr.Status
		actor  dsr.Actor
		regErr error
		code   string
	}{
		{"a new access request", []dsr.Kind{dsr.KindAccess}, dsr.StatusReceived, officer, nil, ""},
		{"again before sending", []dsr.Kind{dsr.KindAccess}, dsr.StatusAssembled, officer, nil, ""},
		{"after sending", []dsr.Kind{dsr.KindAccess}, dsr.StatusSent, officer, nil, dsr.ECONFLICT},
		{"an erasure request has no extract", []dsr.Kind{dsr.KindErasure}, dsr.StatusReceived, officer, nil, dsr.ECONFLICT},
		{"the print operator", []dsr.Kind{dsr.KindAccess}, dsr.StatusReceived, dsr.Actor{Kind: dsr.ActorStaff, Role: dsr.RolePrint}, nil, dsr.EFORBIDDEN},
		{"a register fails", []dsr.Kind{dsr.KindAccess}, dsr.StatusReceived, officer, errors.New("disk I/O error"), dsr.EINTERNAL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &dsr.Case{ID: uuid.NewString(), Number: "DSR-2026-000007", Kinds: tt.kinds, Status: tt.status, Language: "en"}
			store := &memStore{c: c}
			r := &renderer{}
			s := NewService(store, registers{err: tt.regErr}, r, testCatalogue(t), settings, func() time.Time { return now })
			info, err := s.Assemble(context.Background(), c.ID, tt.actor)
			if dsr.ErrorCode(err) != tt.code {
				t.Fatalf("Assemble error = %v, want %q", err, tt.code)
			}
			if tt.code != "" {
				if store.pdf != nil || len(store.events) != 0 || c.Status != tt.status {
					t.Error("a refused assembly changed the store")
				}
				return
			}
			if c.Status != dsr.StatusAssembled || string(store.pdf) != "%PDF-1.4 extract" || info.Pages != 3 {
				t.Errorf("case %s, pdf %q, info %+v", c.Status, store.pdf, info)
			}
			if len(info.Registers) != 2 || info.Registers[0] != (dsr.RegisterCount{Name: "Payments", Items: 2}) || info.Registers[1].Items != 0 {
				t.Errorf("summary = %+v, want every register in the case's language with its count", info.Registers)
			}
			if dsr.FormatDate(r.got.GeneratedOn) != "2026-11-24" {
				t.Errorf("generated on %s, want the Stockholm date", dsr.FormatDate(r.got.GeneratedOn))
			}
			if len(store.events) != 1 || store.events[0].Action != dsr.ActionExtractAssembled {
				t.Errorf("events = %+v", store.events)
			}
		})
	}
}

func TestPDFReadIsAudited(t *testing.T) {
	c := &dsr.Case{ID: uuid.NewString(), Kinds: []dsr.Kind{dsr.KindAccess}, Status: dsr.StatusAssembled}
	store := &memStore{c: c, pdf: []byte("%PDF")}
	s := NewService(store, registers{}, &renderer{}, testCatalogue(t), settings, time.Now)
	if _, _, err := s.PDF(context.Background(), c.ID, officer); err != nil {
		t.Fatal(err)
	}
	if len(store.events) != 1 || store.events[0].Action != dsr.ActionExtractRead || store.events[0].Actor != "staff:u1" {
		t.Errorf("events = %+v, want one read by the officer", store.events)
	}
	if _, _, err := s.PDF(context.Background(), "not-a-uuid", officer); dsr.ErrorCode(err) != dsr.ENOTFOUND {
		t.Errorf("PDF of a malformed id = %v", err)
	}
}
