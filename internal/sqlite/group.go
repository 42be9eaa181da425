package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Group commit of new cases. Every new case is one durable transaction
// that must reach the disk before its request is answered, and SQLite has
// one writer: with many requests arriving at once, each waited its turn for
// a commit (and an fsync) of its own. The intake writer instead takes the
// cases that are waiting together — up to groupMax — into one transaction,
// each inside a savepoint of its own, and commits them with one fsync.
// Each request is answered only after that commit, so an acknowledged case
// is as durable as before; a case whose statements fail is rolled back to
// its savepoint and answered with its error, and the others are kept. A
// commit that fails fails every case of the group: none is acknowledged,
// and none is stored.
const groupMax = 64

// groupWrite is one new case's part of a group: its statements, and where
// its outcome goes.
type groupWrite struct {
	ctx  context.Context
	fn   func(tx *sql.Tx) error
	done chan error
}

// startGroupWriter starts the intake writer; stopGroupWriter ends it
// (once, however often the store is closed).
func (db *DB) startGroupWriter() {
	db.group = make(chan groupWrite)
	db.quit = make(chan struct{})
	db.groupDone = make(chan struct{})
	go func() {
		defer close(db.groupDone)
		for {
			var batch []groupWrite
			select {
			case w := <-db.group:
				batch = append(batch, w)
			case <-db.quit:
				return
			}
		more:
			for len(batch) < groupMax {
				select {
				case w := <-db.group:
					batch = append(batch, w)
				default:
					break more
				}
			}
			db.commitGroup(batch)
		}
	}()
}

func (db *DB) stopGroupWriter() {
	if db.quit != nil {
		db.stopOnce.Do(func() {
			close(db.quit)
			<-db.groupDone
		})
	}
}

// errClosed answers a new case that arrives while the store closes.
var errClosed = errors.New("the case store is closing")

// inGroup runs fn in the next group's transaction and returns once that
// transaction has committed (or fn failed).
func (db *DB) inGroup(ctx context.Context, fn func(tx *sql.Tx) error) error {
	w := groupWrite{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case db.group <- w:
	case <-ctx.Done():
		return ctx.Err()
	case <-db.quit:
		return errClosed
	}
	// Once handed over, the case is waited for even if the request goes
	// away: it may be committed, and the caller must not guess.
	return <-w.done
}

func (db *DB) commitGroup(batch []groupWrite) {
	errs := make([]error, len(batch))
	fail := func(err error) {
		for _, w := range batch {
			w.done <- err
		}
	}
	tx, err := db.w.BeginTx(context.Background(), nil)
	if err != nil {
		fail(fmt.Errorf("begin: %w", err))
		return
	}
	for i, w := range batch {
		if err := w.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		if _, err := tx.Exec(`SAVEPOINT intake`); err != nil {
			tx.Rollback()
			fail(fmt.Errorf("savepoint: %w", err))
			return
		}
		if errs[i] = w.fn(tx); errs[i] != nil {
			if _, err := tx.Exec(`ROLLBACK TO intake`); err != nil {
				tx.Rollback()
				fail(errors.Join(errs[i], fmt.Errorf("roll back to savepoint: %w", err)))
				return
			}
		}
		if _, err := tx.Exec(`RELEASE intake`); err != nil {
			tx.Rollback()
			fail(fmt.Errorf("release savepoint: %w", err))
			return
		}
	}
	if err := tx.Commit(); err != nil {
		fail(fmt.Errorf("commit: %w", err))
		return
	}
	for i, w := range batch {
		w.done <- errs[i]
	}
}
