// Package sqlite is the case store: the only package that runs SQL against
// dsrdesk's own database. It opens one writer connection and a read-only
// pool, runs the embedded migrations, and writes an audit entry in the same
// transaction as every change (and every read of a case) it records.
package sqlite
