package metrics

import (
	"context"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"dsrdesk/internal/dsr"
)

// The figures read from the case store at scrape time.
var (
	descOpen = prometheus.NewDesc("dsrdesk_cases_open",
		"Cases not yet answered, by status.", []string{"status"}, nil)
	descClosed = prometheus.NewDesc("dsrdesk_cases_closed",
		"Cases closed.", nil, nil)
	descOverdue = prometheus.NewDesc("dsrdesk_cases_overdue",
		"Open cases past the deadline in force (RULES §2).", nil, nil)
	descDueSoon = prometheus.NewDesc("dsrdesk_cases_due_soon",
		"Open cases due today or within the next days the dashboard warns of.", nil, nil)
	descPending = prometheus.NewDesc("dsrdesk_outbox_pending_letters",
		"Letters written whose route (digital mailbox or paper) is not decided yet.", nil, nil)
	descSending = prometheus.NewDesc("dsrdesk_outbox_sending_letters",
		"Letters routed to the digital mailbox and not yet delivered (being sent or waiting for a retry).", nil, nil)
	descQueued = prometheus.NewDesc("dsrdesk_print_queued_letters",
		"Letters queued for a print batch, by print route.", []string{"route"}, nil)
	descBatches = prometheus.NewDesc("dsrdesk_print_batches",
		"Print batches made, by print route.", []string{"route"}, nil)
	descLatest = prometheus.NewDesc("dsrdesk_print_latest_batch_letters",
		"Letters in the newest print batch of the route (0 before the first).", []string{"route"}, nil)
)

// storeCollector reads the case store's figures at each scrape, so that
// every process serving /metrics tells the same figures, including work
// other processes did (dsrdesk print export).
type storeCollector struct {
	store Store
	now   func() time.Time
	log   zerolog.Logger
}

// Describe sends every figure's description.
func (s *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descOpen, descClosed, descOverdue, descDueSoon, descPending, descSending, descQueued, descBatches, descLatest} {
		ch <- d
	}
}

// Collect reads the figures. A read that fails leaves its figures out as
// invalid metrics (promhttp logs them) and the others are still sent.
func (s *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	gauge := func(d *prometheus.Desc, n int, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, float64(n), labels...)
	}
	if open, err := s.store.OpenCounts(ctx, s.now()); err != nil {
		ch <- prometheus.NewInvalidMetric(descOpen, err)
	} else {
		// Every status an open case may have, zeros included, so that a
		// series does not vanish when its last case moves on.
		for _, st := range dsr.Statuses {
			if n, ok := open.ByStatus[st]; ok || st != dsr.StatusClosed {
				gauge(descOpen, n, string(st))
			}
		}
		for st, n := range open.ByStatus {
			if !slices.Contains(dsr.Statuses, st) {
				gauge(descOpen, n, string(st))
			}
		}
		gauge(descOverdue, open.Overdue)
		gauge(descDueSoon, open.DueSoon)
	}
	if n, err := s.store.ClosedCases(ctx); err != nil {
		ch <- prometheus.NewInvalidMetric(descClosed, err)
	} else {
		gauge(descClosed, n)
	}
	if depth, err := s.store.OutboxDepth(ctx); err != nil {
		ch <- prometheus.NewInvalidMetric(descPending, err)
	} else {
		gauge(descPending, sum(depth[dsr.LetterPending]))
		gauge(descSending, sum(depth[dsr.LetterSending]))
		queued := depth[dsr.LetterQueued]
		for _, r := range []dsr.PrintRoute{dsr.RouteOrdinary, dsr.RouteProtected} {
			gauge(descQueued, queued[r.Channel()], string(r))
		}
	}
	if batches, latest, err := s.store.BatchFigures(ctx); err != nil {
		ch <- prometheus.NewInvalidMetric(descBatches, err)
	} else {
		for r, n := range batches {
			gauge(descBatches, n, string(r))
		}
		for r, n := range latest {
			gauge(descLatest, n, string(r))
		}
	}
}

func sum(m map[dsr.DeliveryChannel]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
