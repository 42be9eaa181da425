package metrics

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"dsrdesk/internal/dsr"
)

// fakeStore is a Store of function fields.
type fakeStore struct {
	open    func() (dsr.OpenCounts, error)
	closed  func() (int, error)
	depth   func() (map[dsr.LetterStatus]map[dsr.DeliveryChannel]int, error)
	batches func() (map[dsr.PrintRoute]int, map[dsr.PrintRoute]int, error)
}

func (f fakeStore) OpenCounts(context.Context, time.Time) (dsr.OpenCounts, error) { return f.open() }
func (f fakeStore) ClosedCases(context.Context) (int, error)                      { return f.closed() }
func (f fakeStore) OutboxDepth(context.Context) (map[dsr.LetterStatus]map[dsr.DeliveryChannel]int, error) {
	return f.depth()
}
func (f fakeStore) BatchFigures(context.Context) (map[dsr.PrintRoute]int, map[dsr.PrintRoute]int, error) {
	return f.batches()
}

func serve(t *testing.T, m *Metrics) (int, string) {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// TestStoreFailureLeavesTheRestServed: when the case store cannot give
// the outbox's depth, a scrape still gets the cases, the print figures
// and the request counts, and the failure is logged, not hidden.
func TestStoreFailureLeavesTheRestServed(t *testing.T) {
	var logs strings.Builder
	store := fakeStore{
		open: func() (dsr.OpenCounts, error) {
			return dsr.OpenCounts{Total: 3, ByStatus: map[dsr.Status]int{dsr.StatusReceived: 2, dsr.StatusSent: 1}, Overdue: 1}, nil
		},
		closed: func() (int, error) { return 7, nil },
		depth: func() (map[dsr.LetterStatus]map[dsr.DeliveryChannel]int, error) {
			return nil, errors.New("database is locked")
		},
		batches: func() (map[dsr.PrintRoute]int, map[dsr.PrintRoute]int, error) {
			return map[dsr.PrintRoute]int{dsr.RouteOrdinary: 4}, map[dsr.PrintRoute]int{dsr.RouteOrdinary: 120}, nil
		},
	}
	m := New(store, func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) }, zerolog.New(&logs))
	m.ObserveRequest("GET", "/api/v1/cases/:id", 200, 3*time.Millisecond)
	st, body := serve(t, m)
	if st != http.StatusOK {
		t.Fatalf("scrape with a failing figure: %d", st)
	}
	for _, want := range []string{
		`dsrdesk_cases_open{status="received"} 2`,
		`dsrdesk_cases_open{status="assembled"} 0`,
		`dsrdesk_cases_overdue 1`,
		`dsrdesk_cases_closed 7`,
		`dsrdesk_print_batches{route="ordinary"} 4`,
		`dsrdesk_print_latest_batch_letters{route="ordinary"} 120`,
		`dsrdesk_http_requests_total{method="GET",route="/api/v1/cases/:id",status="200"} 1`,
		`dsrdesk_http_request_duration_seconds_bucket{method="GET",route="/api/v1/cases/:id",le="0.005"} 1`,
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("the scrape lacks %s", want)
		}
	}
	if strings.Contains(body, "dsrdesk_outbox_") || strings.Contains(body, "dsrdesk_print_queued_letters") {
		t.Error("the outbox's figures were served although the store failed")
	}
	if !strings.Contains(logs.String(), "database is locked") {
		t.Errorf("the failure was not logged: %s", logs.String())
	}
}
