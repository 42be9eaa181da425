// Command loadbare is the yardstick of `make load`: a bare gin server that
// stores each POST /api/v1/cases body as one row in SQLite, with the case
// store's durability settings (WAL, synchronous=FULL, one writer
// connection) and nothing else — no validation, authorization, case
// numbers or audit trail. dsrdesk's intake is measured against it.
//
// It imports gin and runs SQL itself, which the layering of the product
// forbids outside internal/web and internal/sqlite (TestLayering), so it is
// built only with the build tag loadbare:
//
//	go build -tags loadbare -o bin/loadbare ./cmd/loadbare
//	bin/loadbare --addr 127.0.0.1:8090 --db /tmp/bare.db
package main
