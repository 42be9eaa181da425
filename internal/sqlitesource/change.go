package sqlitesource

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"dsrdesk/internal/catalogue"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
)

// writeDSN is the DSN of the connection that carries decisions out.
func writeDSN(path string) string {
	esc := strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(path)
	return "file:" + esc + "?_busy_timeout=5000&_txlock=immediate&_synchronous=FULL&_foreign_keys=on"
}

// prepareChanges compiles every statement of every register's rules on the
// writing connection, so that a statement naming a table or column that
// does not exist stops start-up with the register's name. It returns the
// prepared statements and their SQL, by name (an Op kind, or
// "correct.<field>").
func (s *Source) prepareChanges(ctx context.Context, e catalogue.Entry) (map[string]*sql.Stmt, map[string]string, error) {
	out, sources := map[string]*sql.Stmt{}, map[string]string{}
	add := func(name, q string) error {
		if q == "" {
			return nil
		}
		st, err := s.w.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("rules.statements.%s: %w", name, err)
		}
		out[name], sources[name] = st, q
		return nil
	}
	if e.Rules == nil {
		return out, sources, nil // a catalogue built without rules changes nothing
	}
	st := e.Rules.Statements
	for _, c := range []struct{ name, q string }{{dsr.OpErase, st.Erase}, {dsr.OpRestrict, st.Restrict}, {dsr.OpUnrestrict, st.Unrestrict}, {dsr.OpAnnotate, st.Annotate}} {
		if err := add(c.name, c.q); err != nil {
			return out, sources, err
		}
	}
	for f, q := range st.Correct {
		if err := add(dsr.OpCorrect+"."+f, q); err != nil {
			return out, sources, err
		}
	}
	return out, sources, nil
}

// Apply carries changes out in the register e for the person p, all in one
// transaction. Every statement is safe to run again (the catalogue requires
// it), so changes that were made before a crash, but not recorded, are made
// once more with the same result.
func (s *Source) Apply(ctx context.Context, e catalogue.Entry, p pnr.PNR, ops ...dsr.Op) error {
	r, err := s.lookup(e)
	if err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("register %q: %w", e.ID, err)
	}
	defer tx.Rollback()
	stmts := map[string]*sql.Stmt{}
	for _, op := range ops {
		name := op.Kind
		if op.Kind == dsr.OpCorrect {
			name += "." + op.Field
		}
		st, ok := stmts[name]
		if !ok {
			prepared, found := r.changes[name]
			if !found {
				return fmt.Errorf("register %q has no statement to %s", e.ID, name)
			}
			st = tx.StmtContext(ctx, prepared)
			stmts[name] = st
		}
		args := []any{sql.Named("pnr", string(p)), sql.Named("record", op.Record)}
		for _, a := range []struct{ name, v string }{{"value", op.Value}, {"ground", op.Ground}, {"text", op.Text}, {"key", op.Key}, {"today", op.Today}} {
			if strings.Contains(r.sources[name], ":"+a.name) {
				args = append(args, sql.Named(a.name, a.v))
			}
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("register %q: %s: %w", e.ID, name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("register %q: %w", e.ID, err)
	}
	return nil
}

// Marks returns the person's restricted records (the catalogue's
// restrictions_query) and the statements attached to their records (its
// statements_query).
func (s *Source) Marks(ctx context.Context, p pnr.PNR) (restricted, statements []dsr.Mark, err error) {
	rows, err := s.restrictions.QueryContext(ctx, sql.Named("pnr", string(p)))
	if err != nil {
		return nil, nil, fmt.Errorf("restrictions_query: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var reg, rec any
		if err := rows.Scan(&reg, &rec); err != nil {
			return nil, nil, fmt.Errorf("restrictions_query: %w", err)
		}
		restricted = append(restricted, dsr.Mark{Register: plain(reg), Statement: dsr.Statement{RecordID: plain(rec)}})
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("restrictions_query: %w", err)
	}
	srows, err := s.statements.QueryContext(ctx, sql.Named("pnr", string(p)))
	if err != nil {
		return nil, nil, fmt.Errorf("statements_query: %w", err)
	}
	defer srows.Close()
	for srows.Next() {
		var reg, rec, text, on any
		if err := srows.Scan(&reg, &rec, &text, &on); err != nil {
			return nil, nil, fmt.Errorf("statements_query: %w", err)
		}
		statements = append(statements, dsr.Mark{Register: plain(reg), Statement: dsr.Statement{
			RecordID: plain(rec), Text: plain(text), On: toValue(on, catalogue.FormatDate).Display("sv")}})
	}
	return restricted, statements, srows.Err()
}
