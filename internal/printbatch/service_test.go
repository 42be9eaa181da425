package printbatch

import (
	"archive/zip"
	"bytes"
	"context"
	"testing"

	"github.com/google/uuid"

	"dsrdesk/internal/dsr"
)

// memStore holds two batches: one ordinary, one protected.
type memStore struct {
	batches map[string]*dsr.PrintBatch
	events  []dsr.AuditEvent
	created []dsr.PrintRoute
}

func newStore() (*memStore, string, string) {
	ord, prot := uuid.NewString(), uuid.NewString()
	letter := dsr.Letter{ID: uuid.NewString(), Pages: 1, AddressLines: []string{"Åsa Öberg", "Storgatan 1", "113 46  STOCKHOLM"}, Postcode: "11346", Country: "SE"}
	return &memStore{batches: map[string]*dsr.PrintBatch{
		ord:  {ID: ord, Route: dsr.RouteOrdinary, Count: 1, Letters: []dsr.Letter{letter}},
		prot: {ID: prot, Route: dsr.RouteProtected, Count: 1, Letters: []dsr.Letter{letter}},
	}}, ord, prot
}

func (m *memStore) CreateBatch(_ context.Context, id string, route dsr.PrintRoute, _ dsr.Actor, record func(int) dsr.AuditEvent) (*dsr.PrintBatch, error) {
	m.created = append(m.created, route)
	m.events = append(m.events, record(0))
	return &dsr.PrintBatch{ID: id, Route: route}, nil
}

func (m *memStore) Batch(_ context.Context, id string) (*dsr.PrintBatch, error) {
	if b, ok := m.batches[id]; ok {
		return b, nil
	}
	return nil, errNoBatch()
}

func (m *memStore) Batches(context.Context, int) ([]dsr.PrintBatch, error) {
	var out []dsr.PrintBatch
	for _, b := range m.batches {
		out = append(out, *b)
	}
	return out, nil
}

func (m *memStore) QueuedLetters(context.Context) (map[dsr.DeliveryChannel]int, error) {
	return map[dsr.DeliveryChannel]int{dsr.DeliveryPostal: 3, dsr.DeliveryProtected: 1}, nil
}

func (m *memStore) LetterPDF(context.Context, string) ([]byte, error) {
	return []byte("%PDF-1.4 letter"), nil
}

func (m *memStore) ApplyPrintReports(context.Context, []dsr.PrintReport, bool, func(*dsr.Case, *dsr.Letter, dsr.PrintReport) ([]dsr.AuditEvent, error)) (int, int, []dsr.Rejection, error) {
	return 0, 0, nil, nil
}

func (m *memStore) Reprint(context.Context, string, func(*dsr.Letter) error, func(*dsr.Letter) (dsr.AuditEvent, error)) (*dsr.Letter, error) {
	return nil, nil
}

func (m *memStore) Record(_ context.Context, events ...dsr.AuditEvent) error {
	m.events = append(m.events, events...)
	return nil
}

var (
	printer   = dsr.Actor{Kind: dsr.ActorStaff, ID: "p1", Role: dsr.RolePrint}
	protected = dsr.Actor{Kind: dsr.ActorStaff, ID: "p2", Role: dsr.RolePrintProtected}
	officer   = dsr.Actor{Kind: dsr.ActorStaff, ID: "u1", Role: dsr.RoleOfficer}
)

func TestRoutesNeedTheirPermission(t *testing.T) {
	tests := []struct {
		actor dsr.Actor
		route dsr.PrintRoute
		code  string
	}{
		{printer, dsr.RouteOrdinary, ""},
		{printer, dsr.RouteProtected, dsr.EFORBIDDEN},
		{protected, dsr.RouteProtected, ""},
		{protected, dsr.RouteOrdinary, ""},
		{officer, dsr.RouteOrdinary, dsr.EFORBIDDEN},
	}
	for _, tt := range tests {
		store, _, _ := newStore()
		_, err := NewService(store).Create(context.Background(), tt.route, tt.actor)
		if dsr.ErrorCode(err) != tt.code {
			t.Errorf("%s creating a %s batch: %v, want %q", tt.actor.Role, tt.route, err, tt.code)
		}
		if tt.code != "" && len(store.created) != 0 {
			t.Errorf("%s creating a %s batch reached the store", tt.actor.Role, tt.route)
		}
	}
}

func TestProtectedBatchesAreHiddenFromOrdinaryOperators(t *testing.T) {
	store, ord, prot := newStore()
	s := NewService(store)
	var buf bytes.Buffer
	if err := s.Export(context.Background(), prot, &buf, printer); dsr.ErrorCode(err) != dsr.ENOTFOUND || buf.Len() != 0 {
		t.Fatalf("an ordinary operator exported a protected batch: %v, %d bytes", err, buf.Len())
	}
	_, _, batches, err := s.Overview(context.Background(), printer)
	if err != nil || len(batches) != 1 || batches[0].ID != ord {
		t.Fatalf("the ordinary operator sees %+v, %v; want only the ordinary batch", batches, err)
	}
	if _, _, batches, _ := s.Overview(context.Background(), protected); len(batches) != 2 {
		t.Fatalf("the protected operator sees %d batches, want both", len(batches))
	}
	if err := s.Export(context.Background(), ord, &buf, printer); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil || len(zr.File) != 2 {
		t.Fatalf("export is not a ZIP of one letter and a manifest: %v", err)
	}
	last := store.events[len(store.events)-1]
	if last.Action != dsr.ActionBatchExported || last.Actor != "staff:p1" {
		t.Fatalf("the download was not audited: %+v", store.events)
	}
}
