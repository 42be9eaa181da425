package metrics

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/zerolog"

	"dsrdesk/internal/dsr"
)

// Store is what the collector reads from the case store at scrape time.
type Store interface {
	OpenCounts(ctx context.Context, today time.Time) (dsr.OpenCounts, error)
	ClosedCases(ctx context.Context) (int, error)
	OutboxDepth(ctx context.Context) (map[dsr.LetterStatus]map[dsr.DeliveryChannel]int, error)
	BatchFigures(ctx context.Context) (batches, latest map[dsr.PrintRoute]int, err error)
}

// scrapeTimeout bounds the store's reads of one scrape.
const scrapeTimeout = 5 * time.Second

// LatencyBuckets are the request-latency histogram's upper bounds in
// seconds: fine below the 60 ms p99 the intake aims at, coarse above.
var LatencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// Metrics is dsrdesk's registry with the HTTP metrics, the Go runtime's
// and the case store's.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	log      zerolog.Logger
}

// New builds the registry. now is the clock by which overdue is judged.
func New(store Store, now func() time.Time, log zerolog.Logger) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), log: log}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "dsrdesk_http_requests_total",
		Help: "HTTP requests answered, by method, route template and status.",
	}, []string{"method", "route", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "dsrdesk_http_request_duration_seconds",
		Help:    "Time to answer an HTTP request, by method and route template.",
		Buckets: LatencyBuckets,
	}, []string{"method", "route"})
	m.reg.MustRegister(m.requests, m.latency,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&storeCollector{store: store, now: now, log: log})
	return m
}

// ObserveRequest counts one answered request. route must be a route
// template (gin's FullPath), never the request's URL.
func (m *Metrics) ObserveRequest(method, route string, status int, took time.Duration) {
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(method, route).Observe(took.Seconds())
}

// Handler serves the registry in the Prometheus text format. A figure the
// store cannot give is left out and logged; the others are still served.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorHandling: promhttp.ContinueOnError,
		ErrorLog:      errorLog{m.log},
	})
}

// errorLog passes promhttp's errors to the logger.
type errorLog struct{ log zerolog.Logger }

func (l errorLog) Println(v ...any) { l.log.Warn().Msgf("metrics: %v", v) }
