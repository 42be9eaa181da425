package printbatch

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
	"dsrdesk/internal/printzip"
)

// memStore holds batches and their letters in memory, in sort order.
type memStore struct {
	mu      sync.Mutex
	batches map[string]*dsr.PrintBatch
	letters map[string][]dsr.Letter
	cases   map[string]*dsr.Case
	events  []dsr.AuditEvent
	created []dsr.PrintRoute
}

var (
	subjectPNR = pnr.Complete("19790721984")
	guardian   = pnr.Complete("19700101987")
)

// newStore holds two batches of one letter each: an ordinary one and a
// protected one.
func newStore() (*memStore, string, string) {
	ord, prot := uuid.NewString(), uuid.NewString()
	m := &memStore{batches: map[string]*dsr.PrintBatch{}, letters: map[string][]dsr.Letter{}, cases: map[string]*dsr.Case{
		"c1": {ID: "c1", SubjectPNR: subjectPNR, SubjectName: "Cecilia Skyddsdotter"},
	}}
	m.add(ord, dsr.RouteOrdinary, dsr.Letter{ID: uuid.NewString(), CaseID: "c1", Channel: dsr.DeliveryPostal, Pages: 1,
		AddressLines: []string{"Åsa Öberg", "Storgatan 1", "113 46  STOCKHOLM"}, Postcode: "11346", Country: "SE"})
	m.add(prot, dsr.RouteProtected, protectedLetter("c1", dsr.AddresseeSubject, "Cecilia Skyddsdotter"))
	return m, ord, prot
}

func protectedLetter(caseID string, kind dsr.AddresseeKind, name string) dsr.Letter {
	return dsr.Letter{ID: uuid.NewString(), CaseID: caseID, Channel: dsr.DeliveryProtected, Pages: 2, Addressee: dsr.Addressee{Kind: kind, Name: name},
		AddressLines: []string{name}, Country: "SE"}
}

func (m *memStore) add(id string, route dsr.PrintRoute, letters ...dsr.Letter) {
	b := m.batches[id]
	if b == nil {
		b = &dsr.PrintBatch{ID: id, Route: route, File: dsr.BatchFilePending, CreatedAt: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
		m.batches[id] = b
	}
	b.Count += len(letters)
	m.letters[id] = append(m.letters[id], letters...)
}

func (m *memStore) CreateBatch(_ context.Context, id string, route dsr.PrintRoute, _ dsr.Actor, record func(int) dsr.AuditEvent) (*dsr.PrintBatch, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.created = append(m.created, route)
	m.events = append(m.events, record(0))
	return &dsr.PrintBatch{ID: id, Route: route}, nil
}

func (m *memStore) Batch(_ context.Context, id string) (*dsr.PrintBatch, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if b, ok := m.batches[id]; ok {
		c := *b
		return &c, nil
	}
	return nil, errNoBatch()
}

func (m *memStore) Batches(context.Context, int) ([]dsr.PrintBatch, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []dsr.PrintBatch
	for _, b := range m.batches {
		out = append(out, *b)
	}
	return out, nil
}

func (m *memStore) BatchLetters(_ context.Context, id string, fn func(*dsr.Letter, []byte) error) error {
	for _, l := range m.letters[id] {
		if err := fn(&l, []byte("%PDF-1.4 letter "+l.ID)); err != nil {
			return err
		}
	}
	return nil
}

func (m *memStore) PendingBatchFile(context.Context) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, b := range m.batches {
		if b.File == dsr.BatchFilePending {
			return id, nil
		}
	}
	return "", nil
}

func (m *memStore) SetBatchFile(_ context.Context, id string, f dsr.BatchFile) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.batches[id].File = f
	return nil
}

func (m *memStore) file(id string) dsr.BatchFile {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.batches[id].File
}

func (m *memStore) QueuedLetters(context.Context) (map[dsr.DeliveryChannel]int, error) {
	return map[dsr.DeliveryChannel]int{dsr.DeliveryPostal: 3, dsr.DeliveryProtected: 1}, nil
}

func (m *memStore) Case(_ context.Context, id string) (*dsr.Case, error) {
	if c, ok := m.cases[id]; ok {
		return c, nil
	}
	return nil, dsr.Errorf(dsr.ENOTFOUND, "case.not_found", "No case with that id.")
}

func (m *memStore) ApplyPrintReports(context.Context, []dsr.PrintReport, bool, func(*dsr.Case, *dsr.Letter, dsr.PrintReport) ([]dsr.AuditEvent, error)) (int, int, []dsr.Rejection, error) {
	return 0, 0, nil, nil
}

func (m *memStore) Reprint(context.Context, string, func(*dsr.Letter) error, func(*dsr.Letter) error, func(*dsr.Letter) (dsr.AuditEvent, error)) (*dsr.Letter, error) {
	return nil, nil
}

func (m *memStore) Record(_ context.Context, events ...dsr.AuditEvent) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.events = append(m.events, events...)
	return nil
}

func (m *memStore) lastEvent() dsr.AuditEvent {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.events[len(m.events)-1]
}

// sheets renders a stand-in inner sheet naming whom it was asked for.
type sheets struct{}

func (sheets) InnerSheetBytes(p pnr.PNR, name string) ([]byte, int, error) {
	return []byte("%PDF-1.7 inner sheet " + p.Display() + " " + name), 1, nil
}

func newService(t *testing.T, store *memStore) *Service {
	s := NewService(Deps{Store: store, Sheets: sheets{}, Dir: t.TempDir(), Log: zerolog.Nop()})
	t.Cleanup(s.Close)
	return s
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
		_, err := newService(t, store).Create(context.Background(), tt.route, tt.actor)
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
	s := newService(t, store)
	ctx := context.Background()
	var buf bytes.Buffer
	if err := s.Export(ctx, prot, &buf, printer, nil); dsr.ErrorCode(err) != dsr.ENOTFOUND || buf.Len() != 0 {
		t.Fatalf("an ordinary operator exported a protected batch: %v, %d bytes", err, buf.Len())
	}
	if _, err := s.Download(ctx, prot, printer); dsr.ErrorCode(err) != dsr.ENOTFOUND {
		t.Fatalf("an ordinary operator downloaded a protected batch: %v", err)
	}
	if _, err := s.Status(ctx, prot, printer); dsr.ErrorCode(err) != dsr.ENOTFOUND {
		t.Fatalf("an ordinary operator saw a protected batch: %v", err)
	}
	o, err := s.Overview(ctx, printer)
	if err != nil || len(o.Batches) != 1 || o.Batches[0].ID != ord || o.Protected != 0 || o.CanProtected || o.Queued != 3 {
		t.Fatalf("the ordinary operator sees %+v, %v; want only the ordinary batch and queue", o, err)
	}
	if o, _ := s.Overview(ctx, protected); len(o.Batches) != 2 || o.Protected != 1 || !o.CanProtected {
		t.Fatalf("the protected operator sees %+v, want both batches and queues", o)
	}
	if err := s.Export(ctx, ord, &buf, printer, nil); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil || len(zr.File) != 2 {
		t.Fatalf("export is not a ZIP of one letter and a manifest: %v", err)
	}
	if last := store.lastEvent(); last.Action != dsr.ActionBatchExported || last.Actor != "staff:p1" || !strings.Contains(last.Detail, "route=ordinary letters=1") {
		t.Fatalf("the download was not audited: %+v", last)
	}
}

// TestProtectedLettersGoInInnerEnvelopes: each protected letter gets an
// inner sheet naming its addressee (the person, or the representative the
// answer goes to), and the manifest sends it to Skatteverket's forwarding.
func TestProtectedLettersGoInInnerEnvelopes(t *testing.T) {
	store, _, prot := newStore()
	store.cases["c2"] = &dsr.Case{ID: "c2", SubjectPNR: subjectPNR, Representative: &dsr.Representative{Role: dsr.RoleGuardian, Name: "Gustav Vårdnadshavare", PNR: guardian}}
	store.add(prot, dsr.RouteProtected, protectedLetter("c2", dsr.AddresseeRepresentative, "Gustav Vårdnadshavare"))
	// Keep the store's sort order: by record id, as every row sorts on
	// the forwarding postcode.
	ls := store.letters[prot]
	if ls[0].ID > ls[1].ID {
		ls[0], ls[1] = ls[1], ls[0]
	}
	var buf bytes.Buffer
	var progress []string
	if err := newService(t, store).Export(context.Background(), prot, &buf, protected, func(n, of int) { progress = append(progress, fmt.Sprint(n, "/", of)) }); err != nil {
		t.Fatal(err)
	}
	if err := printzip.Verify(bytes.NewReader(buf.Bytes()), int64(buf.Len())); err != nil {
		t.Fatal(err)
	}
	if strings.Join(progress, " ") != "1/2 2/2" {
		t.Errorf("progress %v", progress)
	}
	zr, _ := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	sheets := map[string]string{}
	var manifest string
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		switch {
		case strings.HasPrefix(f.Name, "sheets/"):
			sheets[f.Name] = string(b)
		case f.Name == printzip.ManifestName:
			manifest = string(b)
		}
	}
	want := map[string]bool{"inner sheet " + subjectPNR.Display() + " Cecilia Skyddsdotter": true, "inner sheet " + guardian.Display() + " Gustav Vårdnadshavare": true}
	for name, text := range sheets {
		if !want[strings.TrimPrefix(text, "%PDF-1.7 ")] {
			t.Errorf("%s: %q", name, text)
		}
	}
	if len(sheets) != 2 || strings.Count(manifest, "Skatteverket,Box 2820,403 20  GÖTEBORG") != 2 || strings.Contains(manifest, "Cecilia") {
		t.Errorf("sheets %v, manifest\n%s", sheets, manifest)
	}
}

// TestTheOrdinaryBatchNeverHoldsAProtectedLetter: should the store ever
// put a protected letter in an ordinary batch, the export stops.
func TestTheOrdinaryBatchNeverHoldsAProtectedLetter(t *testing.T) {
	store, ord, _ := newStore()
	store.add(ord, dsr.RouteOrdinary, protectedLetter("c1", dsr.AddresseeSubject, "Cecilia Skyddsdotter"))
	var buf bytes.Buffer
	err := newService(t, store).Export(context.Background(), ord, &buf, printer, nil)
	if err == nil || printzip.Verify(bytes.NewReader(buf.Bytes()), int64(buf.Len())) == nil {
		t.Fatalf("a protected letter went into an ordinary batch: %v", err)
	}
}

// TestBatchFilesSurviveACrash: at start the service removes what a crash
// left (a file cut short, a manifest spool), builds every due batch into a
// whole file, and marks it ready; a build that fails leaves no file and is
// marked failed.
func TestBatchFilesSurviveACrash(t *testing.T) {
	store, ord, prot := newStore()
	bad := uuid.NewString()
	store.add(bad, dsr.RouteOrdinary, dsr.Letter{ID: uuid.NewString(), CaseID: "c1", Channel: dsr.DeliveryPostal, Pages: 1,
		AddressLines: []string{"Eva Ek 811218-9876"}, Postcode: "11122", Country: "SE"})
	dir := t.TempDir()
	leftovers := []string{ord + ".zip.part", printzip.SpoolPrefix + "123"}
	for _, n := range leftovers {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("PK half a file"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s := NewService(Deps{Store: store, Sheets: sheets{}, Dir: dir, Log: zerolog.Nop()})
	defer s.Close()
	if err := s.StartBuilding(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); store.file(ord) != dsr.BatchFileReady || store.file(prot) != dsr.BatchFileReady || store.file(bad) != dsr.BatchFileFailed; {
		if time.Now().After(deadline) {
			t.Fatalf("files: ordinary %q, protected %q, bad %q", store.file(ord), store.file(prot), store.file(bad))
		}
		time.Sleep(10 * time.Millisecond)
	}
	names, _ := os.ReadDir(dir)
	var got []string
	for _, n := range names {
		got = append(got, n.Name())
	}
	if strings.Join(got, " ") != strings.Join(sortedStrings(ord+".zip", prot+".zip"), " ") {
		t.Fatalf("the folder holds %v, want the two whole files", got)
	}
	d, err := s.Download(context.Background(), ord, printer)
	if err != nil {
		t.Fatal(err)
	}
	defer d.File.Close()
	if err := printzip.Verify(d.File, d.Size); err != nil || d.Name != "batch-"+ord+".zip" {
		t.Fatalf("the built file %s: %v", d.Name, err)
	}
	if last := store.lastEvent(); last.Action != dsr.ActionBatchExported || last.Actor != "staff:p1" {
		t.Fatalf("the download was not audited: %+v", last)
	}
	// The failed batch is built again when downloaded, and says why not.
	if _, err := s.Download(context.Background(), bad, printer); dsr.ErrorCode(err) != dsr.EINVALID || strings.Contains(err.Error(), "9876") {
		t.Fatalf("downloading a batch that cannot be built: %v", err)
	}
}

func sortedStrings(s ...string) []string {
	if s[0] > s[1] {
		s[0], s[1] = s[1], s[0]
	}
	return s
}
