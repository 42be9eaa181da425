package sqlitesource

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3" // the "sqlite3" driver

	"dsrdesk/internal/catalogue"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
)

// noSuchPNR is a well-formed number that is never in the population register
// (the serial 000 is never issued); Open runs every query with it to check
// the query against the database without touching anyone's data.
const noSuchPNR = "190001010000"

// register is one catalogue entry with its queries prepared.
type register struct {
	entry      catalogue.Entry
	named      bool // Query names the person :pnr rather than ?
	rows       *sql.Stmt
	recNamed   bool                 // RecipientsQuery names the person :pnr
	recipients *sql.Stmt            // nil when the register is not a disclosure log
	changes    map[string]*sql.Stmt // the rules' statements, on the writing connection
	sources    map[string]string    // and their SQL, to see which parameters each takes
}

// Source reads the agency's source registers from a SQLite database: the
// population-register copy and every register in the catalogue it was
// opened with. It only ever reads, and it returns what the database holds:
// hiding a protected person's address is the job of the layer above. It is
// safe for concurrent use.
type Source struct {
	db           *sql.DB // read-only
	w            *sql.DB // one connection that carries decisions out
	person       *sql.Stmt
	restrictions *sql.Stmt
	statements   *sql.Stmt
	registers    []register
	byID         map[string]int // index into registers
}

// Open opens the source database at path read-only and prepares the
// catalogue's queries. It fails, naming the register, when a query does not
// compile, does not return as many columns as the register declares, or
// tries to write.
func Open(path string, cat *catalogue.Catalogue) (*Source, error) {
	if cat == nil {
		return nil, errors.New("open source registers: no register catalogue")
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open source registers: %w", err)
	}
	db, err := sql.Open("sqlite3", readOnlyDSN(path))
	if err != nil {
		return nil, fmt.Errorf("open source registers: %w", err)
	}
	w, err := sql.Open("sqlite3", writeDSN(path))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open source registers: %w", err)
	}
	w.SetMaxOpenConns(1)
	// A change cut off by a crash leaves a hot rollback journal, which only
	// a connection that may write can roll back: read once through the
	// writing connection before the read-only ones touch the file.
	var tables int
	if err := w.QueryRow(`SELECT count(*) FROM sqlite_master`).Scan(&tables); err != nil {
		db.Close()
		w.Close()
		return nil, fmt.Errorf("open source registers: %w", err)
	}
	s := &Source{db: db, w: w, byID: make(map[string]int, len(cat.Registers))}
	if err := s.prepare(cat); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("open source registers: %w", err)
	}
	return s, nil
}

// readOnlyDSN is the DSN of a read-only, query-only connection. The path is
// escaped because SQLite reads the DSN as a URI.
func readOnlyDSN(path string) string {
	esc := strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(path)
	return "file:" + esc + "?mode=ro&_query_only=true&_busy_timeout=5000"
}

func (s *Source) prepare(cat *catalogue.Catalogue) error {
	ctx := context.Background()
	// A copy of the population register made before it kept a särskild
	// postadress has no columns for it: read it as having none.
	special := `special_care_of, special_street, special_postcode, special_town, special_country`
	var hasSpecial bool
	if err := s.db.QueryRowContext(ctx,
		`SELECT count(*) = 5 FROM pragma_table_info('population') WHERE name IN ('special_care_of', 'special_street', 'special_postcode', 'special_town', 'special_country')`,
	).Scan(&hasSpecial); err != nil {
		return fmt.Errorf("population register: %w", err)
	}
	if !hasSpecial {
		special = `'', '', '', '', ''`
	}
	var err error
	s.person, err = s.db.PrepareContext(ctx,
		`SELECT name, care_of, street, postcode, town, country, protection, born_on,
			coalesce((SELECT group_concat(guardian_pnr) FROM guardians WHERE child_pnr = population.pnr), ''),
			`+special+`
		 FROM population WHERE pnr = ?`)
	if err != nil {
		return fmt.Errorf("population register: %w", err)
	}
	if s.restrictions, err = s.db.PrepareContext(ctx, cat.RestrictionsQuery); err != nil {
		return fmt.Errorf("restrictions_query: %w", err)
	}
	if err := s.check(ctx, s.restrictions, true, "restrictions_query", 2, "2 (register and record id)"); err != nil {
		return err
	}
	if s.statements, err = s.db.PrepareContext(ctx, cat.StatementsQuery); err != nil {
		return fmt.Errorf("statements_query: %w", err)
	}
	if err := s.check(ctx, s.statements, true, "statements_query", 4, "4 (register, record id, text and date)"); err != nil {
		return err
	}
	for _, e := range cat.Registers {
		r := register{entry: e, named: catalogue.NamesPNR(e.Query)}
		if r.rows, err = s.db.PrepareContext(ctx, e.Query); err != nil {
			return fmt.Errorf("register %q: query: %w", e.ID, err)
		}
		s.registers = append(s.registers, r) // appended now so that Close closes it
		s.byID[e.ID] = len(s.registers) - 1
		if err := s.check(ctx, r.rows, r.named, "query", 1+len(e.Columns), fmt.Sprintf("%d (the record id, then the register's %d columns)", 1+len(e.Columns), len(e.Columns))); err != nil {
			return fmt.Errorf("register %q: %w", e.ID, err)
		}
		changes, sources, err := s.prepareChanges(ctx, e)
		s.registers[len(s.registers)-1].changes, s.registers[len(s.registers)-1].sources = changes, sources
		if err != nil {
			return fmt.Errorf("register %q: %w", e.ID, err)
		}
		if e.RecipientsQuery != "" {
			named := catalogue.NamesPNR(e.RecipientsQuery)
			st, err := s.db.PrepareContext(ctx, e.RecipientsQuery)
			if err != nil {
				return fmt.Errorf("register %q: recipients_query: %w", e.ID, err)
			}
			s.registers[len(s.registers)-1].recipients = st
			s.registers[len(s.registers)-1].recNamed = named
			if err := s.check(ctx, st, named, "recipients_query", 5, "5 (organisation, organisation number, benefit, date and legal basis)"); err != nil {
				return fmt.Errorf("register %q: %w", e.ID, err)
			}
		}
	}
	return nil
}

// check runs a query for a person who does not exist, to prove that it
// binds the person, runs on a read-only connection and returns want columns.
func (s *Source) check(ctx context.Context, st *sql.Stmt, named bool, field string, want int, wantText string) error {
	rows, err := st.QueryContext(ctx, pnrArg(named, noSuchPNR))
	if err != nil {
		return fmt.Errorf("%s: %w", field, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return fmt.Errorf("%s: %w", field, err)
	}
	if len(cols) != want {
		return fmt.Errorf("%s returns %d columns, but must return %s", field, len(cols), wantText)
	}
	for rows.Next() {
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", field, err)
	}
	return nil
}

func pnrArg(named bool, p string) any {
	if named {
		return sql.Named("pnr", p)
	}
	return p
}

// Close releases the prepared queries and the database.
func (s *Source) Close() error {
	for _, r := range s.registers {
		if r.rows != nil {
			_ = r.rows.Close()
		}
		if r.recipients != nil {
			_ = r.recipients.Close()
		}
		for _, st := range r.changes {
			_ = st.Close()
		}
	}
	for _, st := range []*sql.Stmt{s.person, s.restrictions, s.statements} {
		if st != nil {
			_ = st.Close()
		}
	}
	return errors.Join(s.db.Close(), s.w.Close())
}

// Person returns what the population-register copy holds about p: name,
// registered address, särskild postadress (nil when it has none),
// protection level, birth date and guardians, as stored. It returns an ENOTFOUND error,
// whose message never contains the number, for anyone not in the register.
// The address of a protected person is returned too, because the print route
// needs to know that it exists; callers must use dsr.Person.AddressLines,
// which drops it.
func (s *Source) Person(ctx context.Context, p pnr.PNR) (dsr.Person, error) {
	out := dsr.Person{PNR: p}
	var prot, born, guardians string
	var sp dsr.Address
	err := s.person.QueryRowContext(ctx, string(p)).Scan(&out.Name, &out.CareOf, &out.Street, &out.Postcode, &out.Town, &out.Country, &prot, &born, &guardians,
		&sp.CareOf, &sp.Street, &sp.Postcode, &sp.Town, &sp.Country)
	if errors.Is(err, sql.ErrNoRows) {
		return dsr.Person{}, dsr.Errorf(dsr.ENOTFOUND, "registers.person_not_found", "The person is not in the population register.")
	} else if err != nil {
		return dsr.Person{}, fmt.Errorf("population register: %w", err)
	}
	out.Protection = dsr.Protection(prot)
	if !sp.IsZero() {
		out.Special = &sp
	}
	if born != "" {
		d, err := time.Parse(dsr.DateLayout, born)
		if err != nil {
			return dsr.Person{}, fmt.Errorf("population register: malformed birth date")
		}
		out.BornOn = &d
	}
	for _, g := range strings.Split(guardians, ",") {
		if g != "" {
			out.Guardians = append(out.Guardians, pnr.PNR(g))
		}
	}
	return out, nil
}

// Wards returns the identity numbers of the children the population
// register names guardian as having custody of (vårdnadshavare).
func (s *Source) Wards(ctx context.Context, guardian pnr.PNR) ([]pnr.PNR, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT child_pnr FROM guardians WHERE guardian_pnr = ? ORDER BY child_pnr`, string(guardian))
	if err != nil {
		return nil, fmt.Errorf("population register: %w", err)
	}
	var children []pnr.PNR
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return nil, fmt.Errorf("population register: %w", err)
		}
		children = append(children, pnr.PNR(c))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("population register: %w", err)
	}
	return children, nil
}

// lookup returns the prepared register for e, which must be the entry of
// that id in the catalogue the source was opened with.
func (s *Source) lookup(e catalogue.Entry) (register, error) {
	i, ok := s.byID[e.ID]
	if !ok {
		return register{}, fmt.Errorf("register %q is not in the catalogue the source was opened with", e.ID)
	}
	r := s.registers[i]
	if e.Query != r.entry.Query || e.RecipientsQuery != r.entry.RecipientsQuery || len(e.Columns) != len(r.entry.Columns) {
		return register{}, fmt.Errorf("register %q differs from the entry the source was opened with", e.ID)
	}
	return r, nil
}

// Rows runs e's query for p and returns the person's rows, in the order the
// query gives them, each value typed by its column's format, with the id of
// each row's record; empty lists when the register holds nothing on the
// person.
func (s *Source) Rows(ctx context.Context, e catalogue.Entry, p pnr.PNR) ([]string, [][]dsr.Value, error) {
	r, err := s.lookup(e)
	if err != nil {
		return nil, nil, err
	}
	rows, err := r.rows.QueryContext(ctx, pnrArg(r.named, string(p)))
	if err != nil {
		return nil, nil, fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	vals := make([]any, 1+len(e.Columns))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	ids, out := []string{}, [][]dsr.Value{}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, fmt.Errorf("query: %w", err)
		}
		row := make([]dsr.Value, len(e.Columns))
		for i, v := range vals[1:] {
			row[i] = toValue(v, e.Columns[i].Format)
		}
		ids = append(ids, plain(vals[0]))
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("query: %w", err)
	}
	return ids, out, nil
}

// Recipients runs e's recipients query for p and returns each specific
// disclosure of the person's data; an empty list when there is none. It is
// an error to ask a register that has no recipients query.
func (s *Source) Recipients(ctx context.Context, e catalogue.Entry, p pnr.PNR) ([]dsr.Recipient, error) {
	r, err := s.lookup(e)
	if err != nil {
		return nil, err
	}
	if r.recipients == nil {
		return nil, fmt.Errorf("register %q has no recipients_query", e.ID)
	}
	rows, err := r.recipients.QueryContext(ctx, pnrArg(r.recNamed, string(p)))
	if err != nil {
		return nil, fmt.Errorf("recipients_query: %w", err)
	}
	defer rows.Close()
	out := []dsr.Recipient{}
	var org, orgNo, benefit, date, basis any
	for rows.Next() {
		if err := rows.Scan(&org, &orgNo, &benefit, &date, &basis); err != nil {
			return nil, fmt.Errorf("recipients_query: %w", err)
		}
		out = append(out, dsr.Recipient{
			Organisation: plain(org),
			OrgNumber:    plain(orgNo),
			Benefit:      plain(benefit),
			Date:         toValue(date, catalogue.FormatDate).Display("sv"),
			LegalBasis:   plain(basis),
		})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("recipients_query: %w", err)
	}
	return out, nil
}
