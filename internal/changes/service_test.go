package changes

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"dsrdesk/internal/catalogue"
	"dsrdesk/internal/dsr"
)

// memStore is the case store as this service sees it: one case and its items.
type memStore struct {
	Store  // the methods a test does not reach panic
	c      *dsr.Case
	items  []dsr.Item
	events []dsr.AuditEvent
}

func (m *memStore) Case(context.Context, string) (*dsr.Case, error) { c := *m.c; return &c, nil }

func (m *memStore) UpdateItem(_ context.Context, _, itemID string, decide func(*dsr.Case, *dsr.Item) ([]dsr.AuditEvent, error)) (*dsr.Item, error) {
	for i := range m.items {
		if m.items[i].ID == itemID {
			it := m.items[i]
			events, err := decide(m.c, &it)
			if err != nil {
				return nil, err
			}
			m.items[i], m.events = it, append(m.events, events...)
			return &it, nil
		}
	}
	return nil, dsr.Errorf(dsr.ENOTFOUND, "item.not_found", "No item with that id in this case.")
}

type noRegisters struct{ Registers }

func cat(t *testing.T) *catalogue.Catalogue {
	t.Helper()
	c, err := catalogue.Parse("catalogue.json", catalogue.Default())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestOverride(t *testing.T) {
	dpo := dsr.Actor{Kind: dsr.ActorStaff, ID: "d1", Role: dsr.RoleDPO}
	officer := dsr.Actor{Kind: dsr.ActorStaff, ID: "o1", Role: dsr.RoleOfficer}
	kept := dsr.Item{ID: uuid.NewString(), Register: "formansbeslut", Record: "1", Proposed: dsr.OutcomeKeep, Outcome: dsr.OutcomeKeep}
	referred := dsr.Item{ID: uuid.NewString(), Register: "folkbokforing", Record: "1", Proposed: dsr.OutcomeRefer, Outcome: dsr.OutcomeRefer}
	tests := []struct {
		name    string
		actor   dsr.Actor
		status  dsr.Status
		item    string
		outcome dsr.Outcome
		reason  string
		code    string
		field   string
	}{
		{"the DPO erases a kept decision, with reasons", dpo, dsr.StatusEvaluated, kept.ID, dsr.OutcomeErase, "Beslutet gäller en annan person.", "", ""},
		{"an officer may not override", officer, dsr.StatusEvaluated, kept.ID, dsr.OutcomeErase, "x", dsr.EFORBIDDEN, ""},
		{"no reason", dpo, dsr.StatusEvaluated, kept.ID, dsr.OutcomeErase, "  ", dsr.EINVALID, "reason"},
		{"an unknown outcome", dpo, dsr.StatusEvaluated, kept.ID, "shred", "x", dsr.EINVALID, "outcome"},
		{"the population copy cannot be erased here", dpo, dsr.StatusEvaluated, referred.ID, dsr.OutcomeErase, "x", dsr.EINVALID, "outcome"},
		{"before an evaluation", dpo, dsr.StatusReceived, kept.ID, dsr.OutcomeErase, "x", dsr.ECONFLICT, ""},
		{"after execution", dpo, dsr.StatusExecuted, kept.ID, dsr.OutcomeErase, "x", dsr.ECONFLICT, ""},
		{"an unknown item", dpo, dsr.StatusEvaluated, uuid.NewString(), dsr.OutcomeErase, "x", dsr.ENOTFOUND, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := &memStore{c: &dsr.Case{ID: uuid.NewString(), Kinds: []dsr.Kind{dsr.KindErasure}, Status: tt.status,
				DueOn: time.Date(2026, 12, 23, 0, 0, 0, 0, time.UTC)}, items: []dsr.Item{kept, referred}}
			s := NewService(store, noRegisters{}, cat(t), nil, defaultSettings, func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) })
			it, err := s.Override(context.Background(), store.c.ID, tt.item, tt.outcome, tt.reason, tt.actor)
			if dsr.ErrorCode(err) != tt.code || dsr.ErrorField(err) != tt.field {
				t.Fatalf("error = %v, want %q on %q", err, tt.code, tt.field)
			}
			if tt.code != "" {
				if store.items[0].Outcome != dsr.OutcomeKeep || len(store.events) != 0 {
					t.Error("a refused override changed the item or wrote an event")
				}
				return
			}
			if it.Outcome != dsr.OutcomeErase || it.Proposed != dsr.OutcomeKeep || it.Reason != tt.reason || it.OverriddenBy != "staff:d1" {
				t.Errorf("item = %+v", it)
			}
			if len(store.events) != 1 || !strings.Contains(store.events[0].Detail, "proposed=keep") || !strings.Contains(store.events[0].Detail, tt.reason) {
				t.Errorf("events = %+v, want one with the proposal and the reason", store.events)
			}
		})
	}
}

func TestOpFor(t *testing.T) {
	today := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		it   dsr.Item
		want dsr.Op
		ok   bool
	}{
		{dsr.Item{Record: "7", Outcome: dsr.OutcomeErase}, dsr.Op{Kind: dsr.OpErase, Record: "7", Today: "2026-11-23"}, true},
		{dsr.Item{Record: "7", Field: "subject", Requested: "Ny", Outcome: dsr.OutcomeRectify}, dsr.Op{Kind: dsr.OpCorrect, Record: "7", Field: "subject", Value: "Ny", Today: "2026-11-23"}, true},
		{dsr.Item{Record: "7", Outcome: dsr.OutcomeStop, Ground: dsr.Ground{Cite: "GDPR Art. 21(1)"}}, dsr.Op{Kind: dsr.OpRestrict, Record: "7", Ground: "GDPR Art. 21(1)", Today: "2026-11-23"}, true},
		{dsr.Item{ID: "i1", Kind: dsr.KindComplete, Record: "7", Requested: "Mitt yttrande", Outcome: dsr.OutcomeSupplement}, dsr.Op{Kind: dsr.OpAnnotate, Record: "7", Text: "Mitt yttrande", Key: "i1", Today: "2026-11-23"}, true},
		{dsr.Item{ID: "i2", Kind: dsr.KindRectify, Record: "7", Field: "decision", Requested: "Beviljad", Outcome: dsr.OutcomeSupplement},
			dsr.Op{Kind: dsr.OpAnnotate, Record: "7", Text: "Den registrerade anser att uppgiften (decision) ska vara: Beviljad", Key: "i2", Today: "2026-11-23"}, true},
		{dsr.Item{Record: "7", Outcome: dsr.OutcomeKeep}, dsr.Op{}, false},
		{dsr.Item{Record: "7", Outcome: dsr.OutcomeRefer}, dsr.Op{}, false},
	}
	for _, tt := range tests {
		got, ok := opFor(tt.it, today)
		if got != tt.want || ok != tt.ok {
			t.Errorf("opFor(%s) = %+v, %t; want %+v, %t", tt.it.Outcome, got, ok, tt.want, tt.ok)
		}
	}
}

func defaultSettings(context.Context) (dsr.Settings, error) { return dsr.DefaultSettings(), nil }
