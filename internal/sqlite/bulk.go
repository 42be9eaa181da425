package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"iter"

	"dsrdesk/internal/dsr"
)

// BulkCase is one case for BulkCases, with the keyed look-up hash of its
// subject (pnr.Hasher), as CreateCase stores it.
type BulkCase struct {
	Case        *dsr.Case
	SubjectHMAC string
}

// bulkCacheKiB is the page cache the bulk insert works with: a million
// cases touch every page of several indexes, and the default 2 MiB cache
// would write and re-read them many times over.
const bulkCacheKiB = 256 << 10

// BulkCases stores many cases as they are, in one transaction, for demo and
// benchmark data (dsrdesk demo bulk). Each case is numbered after the last
// number handed out for the year it was received, and stored with
// everything its workflow columns hold; the triggers keep the queue totals
// and the statistics as for any case. One audit event, ev, records the
// whole addition. It returns how many cases it stored.
func (db *DB) BulkCases(ctx context.Context, cases iter.Seq[BulkCase], ev dsr.AuditEvent) (int, error) {
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("bulk cases: %w", err)
	}
	defer conn.Close()
	// The cache size is set on the one pinned write connection for this
	// call only, and set back before the connection returns to the pool.
	var cache int
	if err := conn.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cache); err != nil {
		return 0, fmt.Errorf("bulk cases: %w", err)
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = -%d`, bulkCacheKiB)); err != nil {
		return 0, fmt.Errorf("bulk cases: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA cache_size = %d`, cache))

	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("bulk cases: begin: %w", err)
	}
	defer tx.Rollback()
	// Counting each case as it goes in would cost more than inserting it:
	// the insert trigger is set aside for this transaction and the counts
	// are made again from every case at the end (recount).
	var trigger string
	if err := tx.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'cases_counts_insert'`).Scan(&trigger); err != nil {
		return 0, fmt.Errorf("bulk cases: read the insert trigger: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DROP TRIGGER cases_counts_insert`); err != nil {
		return 0, fmt.Errorf("bulk cases: %w", err)
	}
	last := map[int]int{}
	rows, err := tx.QueryContext(ctx, `SELECT year, last FROM case_numbers`)
	if err != nil {
		return 0, fmt.Errorf("bulk cases: case numbers: %w", err)
	}
	for rows.Next() {
		var y, n int
		if err := rows.Scan(&y, &n); err != nil {
			rows.Close()
			return 0, fmt.Errorf("bulk cases: case numbers: %w", err)
		}
		last[y] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("bulk cases: case numbers: %w", err)
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO cases (id, number, kinds, status, channel, subject_pnr, subject_hmac, subject_name,
		representative, language, details, received_on, target_on, due_on, extended_due_on, extension_reason, created_at, updated_at,
		change_request, assigned_to, open, due_effective, outcome, outcome_reasons, decided_on, signoff, signoff_state, waiting,
		waiting_since, paused_days, flags, answered_on, stage)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return 0, fmt.Errorf("bulk cases: %w", err)
	}
	defer stmt.Close()
	now := db.now()
	stamp := fmtTime(now)
	n := 0
	for bc := range cases {
		if n%10000 == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		c := bc.Case
		year := c.ReceivedOn.Year()
		last[year]++
		c.Number = fmt.Sprintf("DSR-%d-%06d", year, last[year])
		c.CreatedAt, c.UpdatedAt = now, now
		row, err := bulkRow(c)
		if err != nil {
			return 0, err
		}
		if _, err := stmt.ExecContext(ctx, c.ID, c.Number, row.kinds, c.Status, c.Channel, db.seal.seal(string(c.SubjectPNR), subjectAD(c.ID)), bc.SubjectHMAC, c.SubjectName,
			db.seal.sealNullable(row.rep, repAD(c.ID)), c.Language, row.details, dsr.FormatDate(c.ReceivedOn), dsr.FormatDate(c.TargetOn), dsr.FormatDate(c.DueOn),
			dateOrNull(c.ExtendedDueOn), c.ExtensionReason, stamp, stamp, row.change, c.AssignedTo, c.Open(),
			dsr.FormatDate(c.EffectiveDue()), c.Outcome, c.OutcomeReasons, dateOrNull(c.DecidedOn), row.signoff, c.SignOff.State,
			c.Waiting, dateOrNull(c.WaitingSince), c.PausedDays, row.flags, dateOrNull(c.AnsweredOn), c.Stage(now)); err != nil {
			return 0, fmt.Errorf("bulk case %s: %w", c.Number, err)
		}
		n++
	}
	for y, l := range last {
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_numbers (year, last) VALUES (?, ?)
			ON CONFLICT (year) DO UPDATE SET last = excluded.last`, y, l); err != nil {
			return 0, fmt.Errorf("bulk cases: case numbers: %w", err)
		}
	}
	if err := recount(ctx, tx); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, trigger); err != nil {
		return 0, fmt.Errorf("bulk cases: restore the insert trigger: %w", err)
	}
	ev.Detail = fmt.Sprintf("count=%d %s", n, ev.Detail)
	if err := db.appendAudit(ctx, tx, ev); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("bulk cases: commit: %w", err)
	}
	return n, nil
}

// recount makes the queue totals and the monthly statistics again from
// every case, through the views that say what a case contributes
// (migration 0009_stats.sql).
func recount(ctx context.Context, tx *sql.Tx) error {
	for _, q := range []string{
		`DELETE FROM case_counts`,
		`INSERT INTO case_counts (dim, key, n) SELECT dim, key, count(*) FROM case_count_facts GROUP BY dim, key`,
		`DELETE FROM stats_month`,
		`INSERT INTO stats_month (month, metric, key, n) SELECT month, metric, key, count(*) FROM stats_facts GROUP BY month, metric, key`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("recount: %w", err)
		}
	}
	return nil
}

// bulkColumns are a case's JSON columns, encoded.
type bulkColumns struct {
	kinds, details, change, signoff, flags string
	rep                                    sql.NullString
}

func bulkRow(c *dsr.Case) (bulkColumns, error) {
	var out bulkColumns
	enc := func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	}
	var err error
	if out.kinds, err = enc(c.Kinds); err != nil {
		return out, fmt.Errorf("encode kinds: %w", err)
	}
	if c.Details == nil {
		c.Details = map[string]string{}
	}
	if out.details, err = enc(c.Details); err != nil {
		return out, fmt.Errorf("encode details: %w", err)
	}
	if out.change, err = enc(c.Change); err != nil {
		return out, fmt.Errorf("encode change request: %w", err)
	}
	if out.signoff, err = enc(c.SignOff); err != nil {
		return out, fmt.Errorf("encode sign-off: %w", err)
	}
	out.flags = "[]"
	if len(c.Flags) > 0 {
		if out.flags, err = enc(c.Flags); err != nil {
			return out, fmt.Errorf("encode flags: %w", err)
		}
	}
	if c.Representative != nil {
		s, err := enc(c.Representative)
		if err != nil {
			return out, fmt.Errorf("encode representative: %w", err)
		}
		out.rep = sql.NullString{String: s, Valid: true}
	}
	return out, nil
}
