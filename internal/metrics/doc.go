// Package metrics owns what dsrdesk tells a Prometheus server: the HTTP
// requests by route template and status with their latency, and, read from
// the case store at every scrape, the cases by status, the overdue cases,
// the depth of the outbox and the print batches. Its registry belongs to
// the server that serves /metrics; nothing is registered globally.
//
// No label ever carries a case id, a letter id or an identity number: the
// routes are templates (/api/v1/cases/:id), and the store's figures are
// counts by status, channel or print route.
package metrics
