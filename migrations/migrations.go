// Package migrations holds the numbered, forward-only SQL migrations of the
// case store. Each file runs once, in name order, in its own transaction.
package migrations

import "embed"

// FS contains every *.sql migration.
//
//go:embed *.sql
var FS embed.FS
