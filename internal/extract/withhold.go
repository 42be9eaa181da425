package extract

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"dsrdesk/internal/dsr"
)

// scope is the part of the registers a person asked for.
type scope struct {
	dsr.Scope
	registers map[string]bool // nil for every register
	from, to  time.Time       // zero for open ends
}

// scope reads what the case asks for.
func (s *Service) scope(c *dsr.Case) (scope, error) {
	var sc scope
	if len(c.Change.Scope) > 0 {
		sc.registers = map[string]bool{}
		for _, id := range c.Change.Scope {
			sc.registers[id] = true
			sc.Registers = append(sc.Registers, s.cat.RegisterName(id))
		}
	}
	var err error
	if c.Change.From != "" {
		if sc.from, err = dsr.ParseDate("from", c.Change.From); err != nil {
			return sc, err
		}
		sc.From = &sc.from
	}
	if c.Change.To != "" {
		if sc.to, err = dsr.ParseDate("to", c.Change.To); err != nil {
			return sc, err
		}
		sc.To = &sc.to
	}
	return sc, nil
}

// apply keeps the registers asked for, and in each the rows whose first
// date falls in the period; a row without a date is kept, since nothing
// says it is outside.
func (sc scope) apply(secs []dsr.Section) []dsr.Section {
	if secs == nil || sc.registers == nil && sc.From == nil && sc.To == nil {
		return secs
	}
	var out []dsr.Section
	for _, sec := range secs {
		if sc.registers != nil && !sc.registers[sec.Register.ID] {
			continue
		}
		if sc.From != nil || sc.To != nil {
			kept := sec
			kept.Rows, kept.RecordIDs, kept.Restricted = nil, nil, nil
			for i, row := range sec.Rows {
				if d, ok := firstDate(row); ok && (sc.From != nil && d.Before(sc.from) || sc.To != nil && d.After(sc.to)) {
					continue
				}
				kept.Rows = append(kept.Rows, row)
				kept.RecordIDs = append(kept.RecordIDs, sec.RecordIDs[i])
				if i < len(sec.Restricted) {
					kept.Restricted = append(kept.Restricted, sec.Restricted[i])
				}
			}
			var recs []dsr.Recipient
			for _, r := range sec.Recipients {
				if d, err := time.Parse(dsr.DateLayout, r.Date); err == nil && (sc.From != nil && d.Before(sc.from) || sc.To != nil && d.After(sc.to)) {
					continue
				}
				recs = append(recs, r)
			}
			if sec.Recipients != nil {
				kept.Recipients = append([]dsr.Recipient{}, recs...)
			}
			sec = kept
		}
		out = append(out, sec)
	}
	return out
}

func firstDate(row []dsr.Value) (time.Time, bool) {
	for _, v := range row {
		if v.Kind == dsr.ValueDate && !v.Date.IsZero() {
			return v.Date, true
		}
	}
	return time.Time{}, false
}

// defaults are the catalogue's default withholdings for the rows at hand,
// except where an officer decided otherwise for that record and field.
func (s *Service) defaults(caseID string, secs []dsr.Section, decided []dsr.Withholding) []dsr.Withholding {
	byOfficer := map[string]bool{}
	for _, w := range decided {
		if w.Source == dsr.WithheldByOfficer {
			byOfficer[w.Register+"\x00"+w.Record+"\x00"+w.Field] = true
		}
	}
	var out []dsr.Withholding
	for _, sec := range secs {
		e, ok := s.cat.Lookup(sec.Register.ID)
		if !ok {
			continue
		}
		for _, d := range e.Withhold {
			ok, col := fieldColumn(sec, d.Field)
			if !ok {
				continue
			}
			for i, row := range sec.Rows {
				if row[col].IsZero() || byOfficer[sec.Register.ID+"\x00"+sec.RecordIDs[i]+"\x00"+d.Field] {
					continue
				}
				out = append(out, dsr.Withholding{ID: uuid.NewString(), CaseID: caseID, Register: sec.Register.ID, Record: sec.RecordIDs[i],
					Field: d.Field, Kind: dsr.WithholdRedact, Provision: d.Provision, Source: dsr.WithheldByCatalogue})
			}
		}
	}
	return out
}

// officers are the withholdings officers decided, without the defaults
// they disclosed.
func officers(ws []dsr.Withholding) []dsr.Withholding {
	var out []dsr.Withholding
	for _, w := range ws {
		if w.Source == dsr.WithheldByOfficer && w.Kind != dsr.WithholdDisclose {
			out = append(out, w)
		}
	}
	return out
}

// withhold applies withholdings to sections: a withheld record leaves its
// table, a redacted field keeps its cell without its content, and each
// register counts what it left out per provision.
func withhold(secs []dsr.Section, ws []dsr.Withholding) []dsr.Section {
	if secs == nil || len(ws) == 0 {
		return secs
	}
	type key struct{ register, record string }
	items := map[key]dsr.Withholding{}
	fields := map[key][]dsr.Withholding{}
	for _, w := range ws {
		k := key{w.Register, w.Record}
		if w.Kind == dsr.WithholdItem {
			items[k] = w
		} else {
			fields[k] = append(fields[k], w)
		}
	}
	out := make([]dsr.Section, len(secs))
	for si, sec := range secs {
		kept := sec
		kept.Rows, kept.RecordIDs, kept.Restricted = nil, nil, nil
		var counted []dsr.Withholding
		for i, row := range sec.Rows {
			k := key{sec.Register.ID, sec.RecordIDs[i]}
			if w, ok := items[k]; ok {
				counted = append(counted, w)
				continue
			}
			if fs := fields[k]; len(fs) > 0 {
				row = append([]dsr.Value(nil), row...)
				for _, w := range fs {
					if e, col := fieldColumn(sec, w.Field); e {
						row[col] = dsr.RedactedValue(w.Provision)
						counted = append(counted, w)
					}
				}
			}
			kept.Rows = append(kept.Rows, row)
			kept.RecordIDs = append(kept.RecordIDs, sec.RecordIDs[i])
			if i < len(sec.Restricted) {
				kept.Restricted = append(kept.Restricted, sec.Restricted[i])
			}
		}
		kept.Withheld = dsr.CountWithheld(counted)
		out[si] = kept
	}
	return out
}

// fieldColumn finds a field's column in a section by the catalogue's
// field names, which the section carries in Fields.
func fieldColumn(sec dsr.Section, field string) (bool, int) {
	for i, f := range sec.Fields {
		if f == field {
			return true, i
		}
	}
	return false, -1
}

// Withholding is what an officer asks to withhold from an extract, or to
// disclose again.
type Withholding struct {
	Register  string
	Record    string
	Field     string // "" for the whole record
	Kind      dsr.WithholdKind
	Provision dsr.Provision // not for WithholdDisclose
}

// Withhold records that a record (or one field of it: another person's data
// in the person's record) is withheld from the extract under a provision,
// or that a field the catalogue withholds by default is disclosed after
// all, and assembles the extract again so that it says so (Art. 15(4)).
func (s *Service) Withhold(ctx context.Context, caseID string, r Withholding, actor dsr.Actor) (dsr.ExtractSummary, error) {
	if err := dsr.Require(actor, dsr.PermDecide); err != nil {
		return dsr.ExtractSummary{}, err
	}
	if _, err := uuid.Parse(caseID); err != nil {
		return dsr.ExtractSummary{}, errNoCase()
	}
	e, ok := s.cat.Lookup(r.Register)
	switch {
	case !ok:
		return dsr.ExtractSummary{}, dsr.FieldError("register", "withhold.register_unknown", "No register %q in the catalogue.", r.Register)
	case strings.TrimSpace(r.Record) == "" || utf8.RuneCountInString(r.Record) > 64:
		return dsr.ExtractSummary{}, dsr.FieldError("record", "withhold.record_missing", "Name the record (its id in the register).")
	case r.Kind != dsr.WithholdRedact && r.Kind != dsr.WithholdItem && r.Kind != dsr.WithholdDisclose:
		return dsr.ExtractSummary{}, dsr.FieldError("kind", "withhold.kind_unknown", "Kind must be redact, item or disclose.")
	case r.Kind == dsr.WithholdItem && r.Field != "":
		return dsr.ExtractSummary{}, dsr.FieldError("field", "withhold.item_field", "A whole record is withheld without naming a field.")
	case r.Kind != dsr.WithholdItem && r.Field == "":
		return dsr.ExtractSummary{}, dsr.FieldError("field", "withhold.field_missing", "Name the field to redact or disclose.")
	case r.Kind != dsr.WithholdDisclose && !r.Provision.Valid():
		return dsr.ExtractSummary{}, dsr.FieldError("provision", "withhold.provision_unknown", "Cite the provision: %s.", dsr.JoinOr(dsr.Provisions))
	}
	if r.Field != "" {
		if _, _, ok := e.Field(r.Field); !ok {
			return dsr.ExtractSummary{}, dsr.FieldError("field", "withhold.field_unknown", "The register %s has no field %q.", r.Register, r.Field)
		}
	}
	if r.Kind == dsr.WithholdDisclose {
		r.Provision = ""
	}
	today := dsr.Day(s.now())
	w := dsr.Withholding{ID: uuid.NewString(), CaseID: caseID, Register: r.Register, Record: r.Record, Field: r.Field, Kind: r.Kind,
		Provision: r.Provision, Source: dsr.WithheldByOfficer, By: actor.String()}
	action := dsr.ActionWithheld
	if r.Kind == dsr.WithholdDisclose {
		action = dsr.ActionDisclosed
	}
	err := s.store.Withhold(ctx, w, func(c *dsr.Case) ([]dsr.AuditEvent, error) {
		if err := c.Check(dsr.ActAssemble, today); err != nil {
			return nil, err
		}
		detail := fmt.Sprintf("withholding=%s register=%s record=%s field=%s kind=%s provision=%s", w.ID, w.Register, w.Record, w.Field, w.Kind, w.Provision)
		return []dsr.AuditEvent{dsr.Event(actor, action, caseID, detail)}, nil
	})
	if err != nil {
		return dsr.ExtractSummary{}, err
	}
	return s.Assemble(ctx, caseID, actor)
}

// Disclose takes an officer's withholding back and assembles the extract
// again.
func (s *Service) Disclose(ctx context.Context, caseID, id string, actor dsr.Actor) (dsr.ExtractSummary, error) {
	if err := dsr.Require(actor, dsr.PermDecide); err != nil {
		return dsr.ExtractSummary{}, err
	}
	if _, err := uuid.Parse(caseID); err != nil {
		return dsr.ExtractSummary{}, errNoCase()
	}
	today := dsr.Day(s.now())
	err := s.store.Disclose(ctx, caseID, id, func(c *dsr.Case) ([]dsr.AuditEvent, error) {
		if err := c.Check(dsr.ActAssemble, today); err != nil {
			return nil, err
		}
		return []dsr.AuditEvent{dsr.Event(actor, dsr.ActionDisclosed, caseID, "withholding="+id)}, nil
	})
	if err != nil {
		return dsr.ExtractSummary{}, err
	}
	return s.Assemble(ctx, caseID, actor)
}

// Review is an extract as the officer reviews it before it leaves: every
// register's rows as staff may see them, with the record ids and field
// names withholding needs, and what is withheld.
type Review struct {
	Sections     []dsr.Section
	Withholdings []dsr.Withholding
}

// Review returns the extract of a case for review; the read is audited.
func (s *Service) Review(ctx context.Context, caseID string, actor dsr.Actor) (*Review, error) {
	if err := dsr.Require(actor, dsr.PermReadCases); err != nil {
		return nil, err
	}
	if _, err := uuid.Parse(caseID); err != nil {
		return nil, errNoCase()
	}
	c, err := s.store.Case(ctx, caseID)
	if err != nil {
		return nil, err
	}
	if !c.Has(dsr.KindAccess) {
		return nil, dsr.Errorf(dsr.ECONFLICT, "case.no_extract", "Only a request for a register extract has an extract to assemble.")
	}
	secs, err := s.registers.Sections(ctx, c.SubjectPNR)
	if err != nil {
		return nil, fmt.Errorf("case %s: source registers: %w", caseID, err)
	}
	sc, err := s.scope(c)
	if err != nil {
		return nil, err
	}
	ws, err := s.store.Withholdings(ctx, caseID)
	if err != nil {
		return nil, err
	}
	if err := s.store.Record(ctx, dsr.Event(actor, dsr.ActionExtractRead, caseID, "review")); err != nil {
		return nil, err
	}
	return &Review{Sections: sc.apply(secs), Withholdings: ws}, nil
}
