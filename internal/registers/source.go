package registers

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"

	_ "github.com/mattn/go-sqlite3" // the "sqlite3" driver

	"dsrdesk/internal/dsr"
)

// noSuchPNR is a well-formed number that is never in the population register
// (the serial 000 is never issued); Open runs every query with it to check
// the query against the database without touching anyone's data.
const noSuchPNR = "190001010000"

// register is one catalogue entry with its queries prepared.
type register struct {
	entry      Entry
	named      bool // Query names the person :pnr rather than ?
	rows       *sql.Stmt
	recNamed   bool      // RecipientsQuery names the person :pnr
	recipients *sql.Stmt // nil when the register is not a disclosure log
}

// Source reads the agency's source registers: the population-register copy
// and every register in the catalogue. It only ever reads; it is safe for
// concurrent use.
type Source struct {
	db        *sql.DB
	person    *sql.Stmt
	registers []register
}

// Open opens the source database at dbPath read-only and prepares the
// catalogue's queries. It fails, naming the register, when a query does not
// compile, does not return as many columns as the register declares, or
// tries to write.
func Open(dbPath string, cat *Catalogue) (*Source, error) {
	if cat == nil {
		return nil, errors.New("open source registers: no register catalogue")
	}
	if _, err := os.Stat(dbPath); err != nil {
		return nil, fmt.Errorf("open source registers: %w", err)
	}
	db, err := sql.Open("sqlite3", readOnlyDSN(dbPath))
	if err != nil {
		return nil, fmt.Errorf("open source registers: %w", err)
	}
	s := &Source{db: db}
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

func (s *Source) prepare(cat *Catalogue) error {
	ctx := context.Background()
	var err error
	s.person, err = s.db.PrepareContext(ctx,
		`SELECT name, care_of, street, postcode, town, country, protection FROM population WHERE pnr = ?`)
	if err != nil {
		return fmt.Errorf("population register: %w", err)
	}
	for _, e := range cat.Registers {
		r := register{entry: e, named: usesNamedPNR(e.Query)}
		if r.rows, err = s.db.PrepareContext(ctx, e.Query); err != nil {
			return fmt.Errorf("register %q: query: %w", e.ID, err)
		}
		s.registers = append(s.registers, r) // appended now so that Close closes it
		if err := s.check(ctx, r.rows, r.named, "query", len(e.Columns)); err != nil {
			return fmt.Errorf("register %q: %w", e.ID, err)
		}
		if e.RecipientsQuery != "" {
			named := usesNamedPNR(e.RecipientsQuery)
			st, err := s.db.PrepareContext(ctx, e.RecipientsQuery)
			if err != nil {
				return fmt.Errorf("register %q: recipients_query: %w", e.ID, err)
			}
			s.registers[len(s.registers)-1].recipients = st
			s.registers[len(s.registers)-1].recNamed = named
			if err := s.check(ctx, st, named, "recipients_query", 5); err != nil {
				return fmt.Errorf("register %q: %w", e.ID, err)
			}
		}
	}
	return nil
}

// check runs a query for a person who does not exist, to prove that it
// binds the person, runs on a read-only connection and returns want columns.
func (s *Source) check(ctx context.Context, st *sql.Stmt, named bool, field string, want int) error {
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
		return fmt.Errorf("%s returns %d columns, but the register declares %d", field, len(cols), want)
	}
	for rows.Next() {
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", field, err)
	}
	return nil
}

func pnrArg(named bool, pnr string) any {
	if named {
		return sql.Named("pnr", pnr)
	}
	return pnr
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
	}
	if s.person != nil {
		_ = s.person.Close()
	}
	return s.db.Close()
}

// errNotFound is returned for anyone not in the population register. Its
// message never contains the number asked for.
func errNotFound() error {
	return &dsr.Error{Code: dsr.ENOTFOUND, Message: "The person is not in the population register."}
}

// checkPNR rejects anything but the 12-digit form every caller must
// normalise to first.
func checkPNR(pnr string) error {
	if len(pnr) != 12 || strings.Trim(pnr, "0123456789") != "" {
		return &dsr.Error{Code: dsr.EINVALID, Field: "pnr", Message: "A personal identity number must be given as 12 digits."}
	}
	return nil
}

// Person returns what the population-register copy holds about pnr (12
// digits): name, address and protection level. The address of a protected
// person is returned too, because the print route needs to know that it
// exists; callers must use dsr.Person.AddressLines, which drops it.
func (s *Source) Person(ctx context.Context, pnr string) (dsr.Person, error) {
	if err := checkPNR(pnr); err != nil {
		return dsr.Person{}, err
	}
	p := dsr.Person{PNR: pnr}
	var prot string
	err := s.person.QueryRowContext(ctx, pnr).Scan(&p.Name, &p.CareOf, &p.Street, &p.Postcode, &p.Town, &p.Country, &prot)
	if errors.Is(err, sql.ErrNoRows) {
		return dsr.Person{}, errNotFound()
	} else if err != nil {
		return dsr.Person{}, fmt.Errorf("population register: %w", err)
	}
	p.Protection = dsr.Protection(prot)
	switch p.Protection {
	case dsr.ProtectionNone, dsr.ProtectionMarking, dsr.ProtectionProtected, dsr.ProtectionFictitious:
	default:
		// Never read an unknown level as "none": that would expose an address.
		return dsr.Person{}, fmt.Errorf("population register: unknown protection level %q", prot)
	}
	if p.Country == "" {
		p.Country = "SE"
	}
	return p, nil
}

// Sections runs every catalogue register's queries for pnr, in catalogue
// order, and returns one section per register, including registers that
// hold nothing on the person: Art. 15 asks the agency to confirm which
// registers process data, and an empty section says "none here".
//
// For a protected person any cell that shows their address is replaced by
// "Skyddad adress", whatever the catalogue's query selects.
func (s *Source) Sections(ctx context.Context, pnr string) ([]dsr.Section, error) {
	p, err := s.Person(ctx, pnr)
	if err != nil {
		return nil, err
	}
	mask := newAddressMask(p)
	out := make([]dsr.Section, 0, len(s.registers))
	for _, r := range s.registers {
		sec, err := s.section(ctx, r, pnr, mask)
		if err != nil {
			return nil, fmt.Errorf("register %q: %w", r.entry.ID, err)
		}
		out = append(out, sec)
	}
	return out, nil
}

func (s *Source) section(ctx context.Context, r register, pnr string, mask *addressMask) (dsr.Section, error) {
	cols := make([]dsr.Text, len(r.entry.Columns))
	formats := make([]string, len(r.entry.Columns))
	for i, c := range r.entry.Columns {
		cols[i], formats[i] = c.Text, c.Format
	}
	sec := dsr.Section{Register: r.entry.Register, Columns: cols, Rows: [][]string{}}

	rows, err := r.rows.QueryContext(ctx, pnrArg(r.named, pnr))
	if err != nil {
		return sec, fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return sec, fmt.Errorf("query: %w", err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = mask.apply(formatValue(v, formats[i]))
		}
		sec.Rows = append(sec.Rows, row)
	}
	if err := rows.Err(); err != nil {
		return sec, fmt.Errorf("query: %w", err)
	}

	if r.recipients != nil {
		if sec.Recipients, err = s.recipients(ctx, r, pnr, mask); err != nil {
			return sec, err
		}
	}
	return sec, nil
}

func (s *Source) recipients(ctx context.Context, r register, pnr string, mask *addressMask) ([]dsr.Recipient, error) {
	rows, err := r.recipients.QueryContext(ctx, pnrArg(r.recNamed, pnr))
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
			Organisation: mask.apply(formatPlain(org)),
			OrgNumber:    mask.apply(formatPlain(orgNo)),
			Benefit:      mask.apply(formatPlain(benefit)),
			Date:         formatDate(date),
			LegalBasis:   mask.apply(formatPlain(basis)),
		})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("recipients_query: %w", err)
	}
	return out, nil
}

// protectedAddress replaces any cell that would reveal a protected address.
const protectedAddress = "Skyddad adress"

// addressMask hides a protected person's address in register data (RULES
// §7). The catalogue's queries should never select it, but the catalogue is
// operator-edited data, so this is the guarantee.
type addressMask struct {
	contains []string // a cell containing any of these is masked
	equals   []string // a cell equal to any of these is masked
}

// newAddressMask returns nil (mask nothing) for an unprotected person.
func newAddressMask(p dsr.Person) *addressMask {
	if !p.Protection.Protected() {
		return nil
	}
	m := &addressMask{}
	for _, s := range []string{p.Street, p.CareOf} {
		if s = strings.TrimSpace(s); len([]rune(s)) >= 3 {
			m.contains = append(m.contains, strings.ToLower(s))
		}
	}
	if pc := strings.TrimSpace(p.Postcode); len(pc) == 5 {
		m.contains = append(m.contains, pc, pc[:3]+" "+pc[3:])
	} else if pc != "" {
		m.equals = append(m.equals, strings.ToLower(pc))
	}
	if t := strings.TrimSpace(p.Town); t != "" {
		m.equals = append(m.equals, strings.ToLower(t))
	}
	return m
}

func (m *addressMask) apply(cell string) string {
	if m == nil || cell == "" {
		return cell
	}
	low := strings.ToLower(strings.TrimSpace(cell))
	for _, s := range m.equals {
		if low == s {
			return protectedAddress
		}
	}
	for _, s := range m.contains {
		if strings.Contains(low, s) {
			return protectedAddress
		}
	}
	return cell
}
