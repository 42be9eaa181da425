package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"dsrdesk/internal/dsr"
)

// countsFromRows computes, directly from the rows of cases, what the
// triggers keep in case_counts and stats_month: the rules written once
// more, in Go, to check the SQL against.
func countsFromRows(t *testing.T, db *DB) (counts, months map[string]int) {
	t.Helper()
	rows, err := db.r.Query(`SELECT open, status, due_effective, assigned_to, stage, received_on, channel, kinds,
		extended_due_on, answered_on, outcome, decided_on FROM cases`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	counts, months = map[string]int{}, map[string]int{}
	for rows.Next() {
		var open bool
		var status, due, assignee, stage, received, channel, kinds, outcome string
		var extended, answered, decided sql.NullString
		if err := rows.Scan(&open, &status, &due, &assignee, &stage, &received, &channel, &kinds, &extended, &answered, &outcome, &decided); err != nil {
			t.Fatal(err)
		}
		if open {
			counts["open_status|"+status]++
			counts["open_due|"+due]++
			counts["open_assignee|"+assignee]++
			counts["open_stage|"+stage]++
		} else {
			counts["closed|"]++
		}
		rm := received[:7]
		months[rm+"|received|"]++
		months[rm+"|channel|"+channel]++
		var ks []string
		if err := json.Unmarshal([]byte(kinds), &ks); err != nil {
			t.Fatal(err)
		}
		access := false
		for _, k := range ks {
			months[rm+"|kind|"+k]++
			access = access || k == "access"
		}
		if extended.Valid {
			months[rm+"|extended|"]++
		}
		if answered.Valid {
			am := answered.String[:7]
			a, _ := time.Parse(dsr.DateLayout, answered.String)
			r, _ := time.Parse(dsr.DateLayout, received)
			months[fmt.Sprintf("%s|days|%d", am, int(a.Sub(r).Hours()/24))]++
			if answered.String <= due {
				months[am+"|on_time|"]++
			}
			if access {
				months[am+"|access_answered|"]++
				if answered.String == received {
					months[am+"|access_same_day|"]++
				}
			}
		}
		if outcome != "" && decided.Valid {
			months[decided.String[:7]+"|outcome|"+outcome]++
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return counts, months
}

// keptCounts reads what the triggers keep, leaving out counts of zero.
func keptCounts(t *testing.T, db *DB) (counts, months map[string]int) {
	t.Helper()
	counts, months = map[string]int{}, map[string]int{}
	for _, q := range []struct {
		sql string
		out map[string]int
	}{
		{`SELECT dim || '|' || key, n FROM case_counts WHERE n <> 0`, counts},
		{`SELECT month || '|' || metric || '|' || key, n FROM stats_month WHERE n <> 0`, months},
	} {
		rows, err := db.r.Query(q.sql)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var k string
			var n int
			if err := rows.Scan(&k, &n); err != nil {
				t.Fatal(err)
			}
			q.out[k] = n
		}
		rows.Close()
	}
	return counts, months
}

func sameCounts(t *testing.T, db *DB, when string) {
	t.Helper()
	wantCounts, wantMonths := countsFromRows(t, db)
	gotCounts, gotMonths := keptCounts(t, db)
	for _, c := range []struct {
		name      string
		got, want map[string]int
	}{{"queue counts", gotCounts, wantCounts}, {"monthly statistics", gotMonths, wantMonths}} {
		var diff []string
		for k, n := range c.want {
			if c.got[k] != n {
				diff = append(diff, fmt.Sprintf("%s: kept %d, rows say %d", k, c.got[k], n))
			}
		}
		for k, n := range c.got {
			if _, ok := c.want[k]; !ok {
				diff = append(diff, fmt.Sprintf("%s: kept %d, rows say 0", k, n))
			}
		}
		sort.Strings(diff)
		if len(diff) > 0 {
			t.Errorf("%s, %s differ from the rows:\n%s", when, c.name, strings.Join(diff, "\n"))
		}
	}
}

// TestStatsCountsFollowTheCases: the counts the triggers keep equal a
// direct computation over the rows after cases are created, changed in
// every column the counts read (answered, extended, decided, assigned,
// closed, reopened), bulk-added and deleted; and every queue's total is its
// count of rows.
func TestStatsCountsFollowTheCases(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	today := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(7, 7))
	kinds := [][]dsr.Kind{{dsr.KindAccess}, {dsr.KindErasure}, {dsr.KindAccess, dsr.KindRestriction}, {dsr.KindRectify}}
	for i := range 200 {
		c := newCase(fmt.Sprintf("c%03d", i), today.AddDate(0, 0, -rng.IntN(500)))
		c.Kinds = kinds[i%len(kinds)]
		c.Channel = []dsr.Channel{dsr.ChannelLetter, dsr.ChannelEService, dsr.ChannelPhone, dsr.ChannelDesk}[i%4]
		if _, err := db.CreateCase(ctx, c, "hmac", "", "", received(c)); err != nil {
			t.Fatal(err)
		}
	}
	sameCounts(t, db, "after creating cases")

	change := func(id string, fn func(c *dsr.Case)) {
		t.Helper()
		if _, err := db.UpdateCase(ctx, id, func(c *dsr.Case) ([]dsr.AuditEvent, error) {
			fn(c)
			return []dsr.AuditEvent{dsr.Event(officer, dsr.ActionCaseRead, id, "")}, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 200 {
		id := fmt.Sprintf("c%03d", i)
		switch i % 7 {
		case 0: // answered, some the same day, some on the due date, some late
			change(id, func(c *dsr.Case) {
				on := []time.Time{c.ReceivedOn, c.DueOn, c.DueOn.AddDate(0, 0, 1), c.ReceivedOn.AddDate(0, 0, 5)}[i%4]
				c.Status, c.AnsweredOn, c.Outcome, c.DecidedOn = dsr.StatusSent, &on, dsr.CaseAnswered, &on
			})
		case 1: // extended
			change(id, func(c *dsr.Case) {
				due := c.ReceivedOn.AddDate(0, 3, 0)
				c.ExtendedDueOn = &due
			})
		case 2: // refused, decided
			change(id, func(c *dsr.Case) {
				on := c.ReceivedOn.AddDate(0, 0, 10)
				c.Status, c.Outcome, c.DecidedOn = dsr.StatusDecided, dsr.CaseRefused, &on
			})
		case 3: // assigned, then reassigned
			change(id, func(c *dsr.Case) { c.AssignedTo = "u1" })
			change(id, func(c *dsr.Case) { c.AssignedTo = "u2" })
		case 4: // waits for proof of identity
			change(id, func(c *dsr.Case) { c.Waiting, c.WaitingSince = dsr.WaitingIdentity, &c.ReceivedOn })
		case 5: // answered, then the answer date corrected and the outcome changed
			change(id, func(c *dsr.Case) {
				on := c.ReceivedOn.AddDate(0, 0, 3)
				c.Status, c.AnsweredOn, c.Outcome, c.DecidedOn = dsr.StatusClosed, &on, dsr.CasePartlyRefused, &on
			})
			change(id, func(c *dsr.Case) {
				on := c.ReceivedOn.AddDate(0, 1, 3)
				c.AnsweredOn, c.Outcome = &on, dsr.CaseIdentityNotEstablished
			})
		case 6: // withdrawn
			change(id, func(c *dsr.Case) {
				c.Status, c.Outcome, c.DecidedOn = dsr.StatusClosed, dsr.CaseWithdrawn, &c.ReceivedOn
			})
		}
	}
	sameCounts(t, db, "after changing cases")

	var bulk []BulkCase
	for i := range 50 {
		c := newCase(fmt.Sprintf("b%03d", i), today.AddDate(0, 0, -i*7))
		if i%2 == 0 {
			on := c.ReceivedOn.AddDate(0, 0, i%30)
			c.Status, c.AnsweredOn, c.Outcome, c.DecidedOn = dsr.StatusSent, &on, dsr.CaseAnswered, &on
		}
		bulk = append(bulk, BulkCase{Case: c, SubjectHMAC: "hmac"})
	}
	n, err := db.BulkCases(ctx, func(yield func(BulkCase) bool) {
		for _, b := range bulk {
			if !yield(b) {
				return
			}
		}
	}, dsr.Event(officer, dsr.ActionCasesBulk, "", ""))
	if err != nil || n != 50 {
		t.Fatalf("bulk: %d %v", n, err)
	}
	sameCounts(t, db, "after a bulk addition")
	// The insert trigger is back: a case created after the bulk counts.
	after := newCase("d001", today)
	if _, err := db.CreateCase(ctx, after, "hmac", "", "", received(after)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.Exec(`DELETE FROM cases WHERE id IN ('c007', 'c008', 'b001')`); err != nil {
		t.Fatal(err)
	}
	sameCounts(t, db, "after creating and deleting cases")

	for _, q := range dsr.Queues {
		f := dsr.CaseFilter{Queue: q, Today: today, Assignee: "u2", Limit: 500}
		page, err := db.ListCases(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		sqlText, args := queueQuery(f)
		where := sqlText[strings.Index(sqlText, " WHERE ")+7 : strings.Index(sqlText, " ORDER BY ")]
		var rows int
		if err := db.r.QueryRow(`SELECT count(*) FROM cases WHERE `+where, args[:len(args)-1]...).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if page.Total != rows || len(page.Cases) != rows {
			t.Errorf("queue %s: total %d, %d listed, %d rows", q, page.Total, len(page.Cases), rows)
		}
	}
}

func TestBulkCasesNumberAfterTheLast(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	first := newCase("a1", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	if _, err := db.CreateCase(ctx, first, "hmac", "", "", received(first)); err != nil {
		t.Fatal(err)
	}
	cases := []*dsr.Case{newCase("b1", time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)), newCase("b2", time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC))}
	n, err := db.BulkCases(ctx, func(yield func(BulkCase) bool) {
		for _, c := range cases {
			yield(BulkCase{Case: c, SubjectHMAC: "hmac"})
		}
	}, dsr.Event(officer, dsr.ActionCasesBulk, "", "test"))
	if err != nil || n != 2 || cases[0].Number != "DSR-2026-000002" || cases[1].Number != "DSR-2025-000001" {
		t.Fatalf("bulk numbered %s and %s (%d, %v)", cases[0].Number, cases[1].Number, n, err)
	}
	next := newCase("a2", time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
	if _, err := db.CreateCase(ctx, next, "hmac", "", "", received(next)); err != nil || next.Number != "DSR-2026-000003" {
		t.Fatalf("the case after the bulk is %s: %v", next.Number, err)
	}
	got, err := db.Case(ctx, "b1")
	if err != nil || got.SubjectPNR != "198112189876" || got.Status != dsr.StatusReceived || !got.DueOn.Equal(cases[0].DueOn) {
		t.Fatalf("bulk case read back: %+v, %v", got, err)
	}
	events, _ := db.AuditEvents(ctx, "")
	if bulk := events[len(events)-2]; bulk.Action != dsr.ActionCasesBulk || !strings.Contains(bulk.Detail, "count=2") {
		t.Errorf("the bulk addition is audited as %s %q", bulk.Action, bulk.Detail)
	}
}

// TestStatsQueryPlans: every queue's page (first and later) and total,
// and every query of the dashboard, is read from an index; none scans or
// sorts the cases. So are the triggers' look-ups of one case.
func TestStatsQueryPlans(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	for i := range 50 {
		c := newCase(fmt.Sprintf("c%03d", i), time.Date(2026, 10, 1+i%28, 0, 0, 0, 0, time.UTC))
		if _, err := db.CreateCase(ctx, c, "hmac", "", "", received(c)); err != nil {
			t.Fatal(err)
		}
	}
	var queries []query
	today := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	for _, q := range dsr.Queues {
		for _, cur := range []dsr.Cursor{{}, {Due: "2026-11-01", Number: "DSR-2026-000010"}} {
			f := dsr.CaseFilter{Queue: q, Today: today, Assignee: "u1", Cursor: cur, Limit: 100}
			sqlText, args := queueQuery(f)
			index := "cases_queue"
			switch q {
			case dsr.QueueMine, dsr.QueueUnassigned:
				index = "cases_assigned"
			case dsr.QueueReady, dsr.QueueSignOff, dsr.QueueWaiting, dsr.QueueReturned:
				index = "cases_stage"
			}
			queries = append(queries, query{fmt.Sprintf("%s page (cursor %q)", q, cur.Number), sqlText, args, index})
		}
	}
	day := dsr.FormatDate(today)
	queries = append(queries,
		query{"total by dimension", qCountDim, []any{"open_status"}, ""},
		query{"total by key", qCountKey, []any{"open_assignee", "u1"}, ""},
		query{"due soon total", qCountDueRange, []any{day, day}, ""},
		query{"overdue total", qCountOverdue, []any{day}, ""},
		query{"open by status", qOpenByStatus, nil, ""},
		query{"months", qStatsMonths, []any{"2026-01", "2026-12"}, ""},
		query{"cases due on a day", qCasesDueOn, []any{day, 10}, "cases_queue"},
		query{"a case's counts (trigger)", `SELECT dim, key FROM case_count_facts WHERE id = ?`, []any{"c001"}, ""},
		query{"a case's statistics (trigger)", `SELECT month, metric, key FROM stats_facts WHERE id = ?`, []any{"c001"}, ""},
	)
	// As a store is (never analysed) and once SQLite has statistics.
	for _, analyze := range []bool{false, true} {
		if analyze {
			if _, err := db.w.Exec(`ANALYZE`); err != nil {
				t.Fatal(err)
			}
		}
		checkPlans(t, db, queries)
	}
}

type query struct {
	name  string
	sql   string
	args  []any
	index string // the index the query must read, when it matters which
}

func checkPlans(t *testing.T, db *DB, queries []query) {
	t.Helper()
	for _, q := range queries {
		rows, err := db.r.QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+q.sql, q.args...)
		if err != nil {
			t.Fatalf("%s: %v", q.name, err)
		}
		var steps []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			steps = append(steps, detail)
		}
		rows.Close()
		plan := strings.Join(steps, "; ")
		for _, s := range steps {
			table := strings.HasPrefix(s, "SCAN cases") || strings.HasPrefix(s, "SCAN c ") || s == "SCAN c" ||
				strings.HasPrefix(s, "SCAN case_counts") || strings.HasPrefix(s, "SCAN stats_month")
			if table && !strings.Contains(s, "INDEX") || strings.Contains(s, "TEMP B-TREE") {
				t.Errorf("%s: the plan %q scans or sorts a table", q.name, plan)
			}
		}
		if !strings.Contains(plan, "USING INDEX") && !strings.Contains(plan, "USING PRIMARY KEY") && !strings.Contains(plan, "USING COVERING INDEX") {
			t.Errorf("%s: the plan %q uses no index", q.name, plan)
		}
		if q.index != "" && !strings.Contains(plan, "INDEX "+q.index+" ") {
			t.Errorf("%s: the plan %q does not read %s", q.name, plan, q.index)
		}
	}
}
