package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"dsrdesk/internal/dsr"
)

// The statistics and the queue totals are read from case_counts and
// stats_month, which triggers on cases keep up to date (migration
// 0009_stats.sql): a few hundred rows at most, however many cases there are.

// The queries the statistics run; named so that a test can check each one's
// query plan.
const (
	qCountDim      = `SELECT coalesce(sum(n), 0) FROM case_counts WHERE dim = ?`
	qCountKey      = `SELECT coalesce(sum(n), 0) FROM case_counts WHERE dim = ? AND key = ?`
	qCountDueRange = `SELECT coalesce(sum(n), 0) FROM case_counts WHERE dim = 'open_due' AND key >= ? AND key <= ?`
	qCountOverdue  = `SELECT coalesce(sum(n), 0) FROM case_counts WHERE dim = 'open_due' AND key < ?`
	qOpenByStatus  = `SELECT key, n FROM case_counts WHERE dim = 'open_status' AND n <> 0`
	qStatsMonths   = `SELECT month, metric, key, n FROM stats_month WHERE month >= ? AND month <= ? AND n <> 0`
	qCasesDueOn    = `SELECT ` + caseColumns + ` FROM cases WHERE open = 1 AND due_effective = ? ORDER BY number LIMIT ?`
)

// queueTotal is how many cases a queue holds, read from the counts the
// triggers keep; it answers what `SELECT count(*) FROM cases WHERE …` with
// the queue's condition would, without counting rows.
func (db *DB) queueTotal(ctx context.Context, f dsr.CaseFilter) (int, error) {
	today := dsr.Day(f.Today)
	q, args := qCountDim, []any{"open_status"}
	switch f.Queue {
	case dsr.QueueDueSoon:
		q, args = qCountDueRange, []any{dsr.FormatDate(today), dsr.FormatDate(today.AddDate(0, 0, dsr.DueSoonDays))}
	case dsr.QueueOverdue:
		q, args = qCountOverdue, []any{dsr.FormatDate(today)}
	case dsr.QueueMine:
		q, args = qCountKey, []any{"open_assignee", f.Assignee}
	case dsr.QueueUnassigned:
		q, args = qCountKey, []any{"open_assignee", ""}
	case dsr.QueueReady, dsr.QueueSignOff, dsr.QueueWaiting, dsr.QueueReturned:
		q, args = qCountKey, []any{"open_stage", string(f.Queue.Stage())}
	case dsr.QueueClosed:
		q, args = qCountDim, []any{"closed"}
	}
	var n int
	if err := db.r.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count %s: %w", f.Queue, err)
	}
	return n, nil
}

// OpenCounts returns the cases not yet answered on the given day: in all,
// by status, due within dsr.DueSoonDays and overdue.
func (db *DB) OpenCounts(ctx context.Context, today time.Time) (dsr.OpenCounts, error) {
	day := dsr.Day(today)
	out := dsr.OpenCounts{ByStatus: map[dsr.Status]int{}}
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, qOpenByStatus)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var status string
			var n int
			if err := rows.Scan(&status, &n); err != nil {
				return err
			}
			out.ByStatus[dsr.Status(status)] = n
			out.Total += n
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, qCountDueRange, dsr.FormatDate(day), dsr.FormatDate(day.AddDate(0, 0, dsr.DueSoonDays))).Scan(&out.DueSoon); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, qCountOverdue, dsr.FormatDate(day)).Scan(&out.Overdue)
	})
	if err != nil {
		return dsr.OpenCounts{}, fmt.Errorf("count open cases: %w", err)
	}
	return out, nil
}

// CasesDueOn returns how many open cases have their deadline in force on
// day, and the first of them (at most limit) in case-number order.
func (db *DB) CasesDueOn(ctx context.Context, day time.Time, limit int) (int, []*dsr.Case, error) {
	date := dsr.FormatDate(dsr.Day(day))
	var total int
	var cases []*dsr.Case
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, qCountKey, "open_due", date).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, qCasesDueOn, date, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := db.scanCase(rows)
			if err != nil {
				return err
			}
			cases = append(cases, c)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, nil, fmt.Errorf("cases due on %s: %w", date, err)
	}
	return total, cases, nil
}

// StatsMonths returns the tallies of the months from and to (YYYY-MM, both
// included), one per month in order, empty months included.
func (db *DB) StatsMonths(ctx context.Context, from, to string) ([]dsr.Tally, error) {
	first, err := time.Parse("2006-01", from)
	if err != nil {
		return nil, fmt.Errorf("stats months: %w", err)
	}
	last, err := time.Parse("2006-01", to)
	if err != nil {
		return nil, fmt.Errorf("stats months: %w", err)
	}
	var out []dsr.Tally
	index := map[string]int{}
	for m := first; !m.After(last); m = m.AddDate(0, 1, 0) {
		index[m.Format("2006-01")] = len(out)
		out = append(out, dsr.NewTally(m.Format("2006-01")))
	}
	rows, err := db.r.QueryContext(ctx, qStatsMonths, from, to)
	if err != nil {
		return nil, fmt.Errorf("read statistics: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var month, metric, key string
		var n int
		if err := rows.Scan(&month, &metric, &key, &n); err != nil {
			return nil, fmt.Errorf("read statistics: %w", err)
		}
		i, ok := index[month]
		if !ok {
			continue
		}
		t := &out[i]
		switch metric {
		case "received":
			t.Received += n
		case "channel":
			t.Channels[dsr.Channel(key)] += n
		case "kind":
			t.Kinds[dsr.Kind(key)] += n
		case "extended":
			t.Extended += n
		case "days":
			days, err := strconv.Atoi(key)
			if err != nil {
				return nil, fmt.Errorf("statistics of %s: days to answer %q: %w", month, key, err)
			}
			t.AnswerDays[days] += n
		case "on_time":
			t.OnTime += n
		case "access_answered":
			t.AccessAnswered += n
		case "access_same_day":
			t.AccessSameDay += n
		case "outcome":
			t.Outcomes[dsr.CaseOutcome(key)] += n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read statistics: %w", err)
	}
	return out, nil
}

// readTx runs fn in one read transaction on the read-only pool, so that
// several counts are read from the same snapshot.
func (db *DB) readTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.r.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}
