package registers

import (
	"context"
	"fmt"

	"dsrdesk/internal/catalogue"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
)

// Connector reads one person's data from a source system; the SQLite one is
// the first, a PostgreSQL one can sit beside it. A connector returns what
// the source holds: Registers checks the number before asking, and hides a
// protected address afterwards.
type Connector interface {
	// Person returns the population-register copy of p, the protection
	// level as the source holds it, or an ENOTFOUND error whose message
	// does not contain the number.
	Person(ctx context.Context, p pnr.PNR) (dsr.Person, error)
	// Wards returns the identity numbers of the children the population
	// register names guardian as having custody of.
	Wards(ctx context.Context, guardian pnr.PNR) ([]pnr.PNR, error)
	// Rows returns p's rows in the register e, in the order they are
	// shown, one value per column of e, typed by the column's format, and
	// the id of each row's record.
	Rows(ctx context.Context, e catalogue.Entry, p pnr.PNR) (ids []string, rows [][]dsr.Value, err error)
	// Marks returns p's restricted records and the statements attached
	// to p's records, across every register.
	Marks(ctx context.Context, p pnr.PNR) (restricted, statements []dsr.Mark, err error)
	// Apply carries changes out in the register e, all or none; running
	// them again has the same result.
	Apply(ctx context.Context, e catalogue.Entry, p pnr.PNR, ops ...dsr.Op) error
	// Recipients returns each specific disclosure of p's data that the
	// register e logs; it is asked only for entries with a RecipientsQuery.
	Recipients(ctx context.Context, e catalogue.Entry, p pnr.PNR) ([]dsr.Recipient, error)
	// Close releases the source.
	Close() error
}

// Registers is the agency's source registers as a register extract sees
// them: every register of the catalogue, read through one connector. It is
// safe for concurrent use when the connector is.
type Registers struct {
	cat  *catalogue.Catalogue
	conn Connector
}

// New returns the registers of cat read through conn, which must have been
// opened with the same catalogue.
func New(cat *catalogue.Catalogue, conn Connector) *Registers {
	return &Registers{cat: cat, conn: conn}
}

// Close closes the connector.
func (r *Registers) Close() error { return r.conn.Close() }

// Person returns what the population-register copy holds about p (12
// digits, a valid number): name, address and protection level. The address
// of a protected person is returned too, because the print route needs to
// know that it exists; callers must use dsr.Person.AddressLines, which drops
// it.
func (r *Registers) Person(ctx context.Context, p pnr.PNR) (dsr.Person, error) {
	if !p.Valid() {
		return dsr.Person{}, dsr.FieldError("pnr", "registers.pnr", "A personal identity number must be given as 12 digits.")
	}
	person, err := r.conn.Person(ctx, p)
	if err != nil {
		return dsr.Person{}, err
	}
	switch person.Protection {
	case dsr.ProtectionNone, dsr.ProtectionMarking, dsr.ProtectionProtected, dsr.ProtectionFictitious:
	default:
		// Never read an unknown level as "none": that would expose an address.
		return dsr.Person{}, fmt.Errorf("population register: unknown protection level %q", person.Protection)
	}
	person.PNR = p
	if person.Country == "" {
		person.Country = "SE"
	}
	return person, nil
}

// Wards returns the children in guardian's custody (vårdnadshavare), as
// the population-register copy says, each checked as Person checks one.
func (r *Registers) Wards(ctx context.Context, guardian pnr.PNR) ([]dsr.Person, error) {
	if !guardian.Valid() {
		return nil, dsr.FieldError("pnr", "registers.pnr", "A personal identity number must be given as 12 digits.")
	}
	children, err := r.conn.Wards(ctx, guardian)
	if err != nil {
		return nil, err
	}
	out := make([]dsr.Person, 0, len(children))
	for _, c := range children {
		p, err := r.Person(ctx, c)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// Sections reads every catalogue register for p, in catalogue order, and
// returns one section per register, including registers that hold nothing
// on the person: Art. 15 asks the agency to confirm which registers process
// data, and an empty section says "none here". A register that logs
// disclosures (it has a RecipientsQuery) names its recipients, an empty list
// when there are none; the others have nil Recipients.
//
// For a protected person any text that shows their address is replaced by
// "Skyddad adress", whatever the catalogue's query selects: these are the
// sections staff see.
func (r *Registers) Sections(ctx context.Context, p pnr.PNR) ([]dsr.Section, error) {
	return r.sections(ctx, p, true)
}

// SubjectSections are the sections as the person themself receives them in
// their own extract: secrecy that protects a person does not apply against
// that person (OSL 12 kap. 1 §), so a protected person's own address is
// shown to them. Never show these to staff.
func (r *Registers) SubjectSections(ctx context.Context, p pnr.PNR) ([]dsr.Section, error) {
	return r.sections(ctx, p, false)
}

func (r *Registers) sections(ctx context.Context, p pnr.PNR, masked bool) ([]dsr.Section, error) {
	person, err := r.Person(ctx, p)
	if err != nil {
		return nil, err
	}
	var mask *addressMask
	if masked {
		mask = newAddressMask(person)
	}
	restricted, statements, err := r.conn.Marks(ctx, p)
	if err != nil {
		return nil, err
	}
	out := make([]dsr.Section, 0, len(r.cat.Registers))
	for _, e := range r.cat.Registers {
		sec, err := r.section(ctx, e, p, mask)
		if err != nil {
			return nil, fmt.Errorf("register %q: %w", e.ID, err)
		}
		marked := map[string]bool{}
		for _, m := range restricted {
			if m.Register == e.ID {
				marked[m.RecordID] = true
			}
		}
		sec.Restricted = make([]bool, len(sec.RecordIDs))
		for i, id := range sec.RecordIDs {
			sec.Restricted[i] = marked[id]
		}
		for _, m := range statements {
			if m.Register == e.ID {
				sec.Statements = append(sec.Statements, dsr.Statement{RecordID: m.RecordID, Text: mask.text(m.Text), On: m.On})
			}
		}
		out = append(out, sec)
	}
	return out, nil
}

// Apply carries changes out in the register with the given id, all or none.
func (r *Registers) Apply(ctx context.Context, register string, p pnr.PNR, ops ...dsr.Op) error {
	e, ok := r.cat.Lookup(register)
	if !ok {
		return fmt.Errorf("apply: no register %q in the catalogue", register)
	}
	return r.conn.Apply(ctx, e, p, ops...)
}

// Catalogue is the register catalogue the registers are read with.
func (r *Registers) Catalogue() *catalogue.Catalogue { return r.cat }

func (r *Registers) section(ctx context.Context, e catalogue.Entry, p pnr.PNR, mask *addressMask) (dsr.Section, error) {
	cols, fields := make([]dsr.Text, len(e.Columns)), make([]string, len(e.Columns))
	for i, c := range e.Columns {
		cols[i], fields[i] = c.Text, c.Field
	}
	// Every section reads its codes with the catalogue's one code list.
	sec := dsr.Section{Register: e.Register, Columns: cols, Fields: fields, Codes: r.cat.Codes}

	ids, rows, err := r.conn.Rows(ctx, e, p)
	if err != nil {
		return sec, err
	}
	if len(ids) != len(rows) {
		return sec, fmt.Errorf("%d record ids for %d rows", len(ids), len(rows))
	}
	sec.RecordIDs = ids
	sec.Rows = make([][]dsr.Value, 0, len(rows))
	for i, row := range rows {
		if len(row) != len(cols) {
			return sec, fmt.Errorf("row %d has %d values, but the register declares %d columns", i+1, len(row), len(cols))
		}
		sec.Rows = append(sec.Rows, mask.row(row))
	}

	if e.RecipientsQuery != "" {
		recs, err := r.conn.Recipients(ctx, e, p)
		if err != nil {
			return sec, err
		}
		sec.Recipients = make([]dsr.Recipient, len(recs))
		for i, rec := range recs {
			sec.Recipients[i] = mask.recipient(rec)
		}
	}
	return sec, nil
}
