package changes

import (
	"context"
	"fmt"
	"slices"

	"dsrdesk/internal/catalogue"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
)

// OwnRegister is a register as the rectification form shows it to the
// person: the fields they can ask to have corrected, completed or referred,
// and their own records with the current values.
type OwnRegister struct {
	ID       string
	Name     dsr.Text
	ReferTo  *dsr.Text          // corrected at the source, by this authority
	Fields   []catalogue.Column // the fields the form offers
	Records  []OwnRecord
	Assessed map[string]bool // fields that hold an assessment: a statement answers them
}

// OwnRecord is one of the person's records with the values of the fields
// the form offers, as the person reads them.
type OwnRecord struct {
	ID      string
	Summary string   // the whole record on one line, so the person knows which it is
	Values  []string // parallel to OwnRegister.Fields
}

// Own returns the person's own data in every register whose data they can
// ask to have rectified: what the rectification form shows. Only the person
// signed in may see it; the read is audited.
func (s *Service) Own(ctx context.Context, p pnr.PNR, actor dsr.Actor) ([]OwnRegister, error) {
	if err := dsr.Require(actor, dsr.PermOwnRequests); err != nil {
		return nil, err
	}
	secs, err := s.registers.Sections(ctx, p)
	if err != nil {
		return nil, err
	}
	var out []OwnRegister
	for _, sec := range secs {
		e, ok := s.cat.Lookup(sec.Register.ID)
		if !ok || len(sec.Rows) == 0 {
			continue
		}
		r := e.Rules
		own := OwnRegister{ID: e.ID, Name: e.Name, ReferTo: r.ReferTo, Assessed: map[string]bool{}}
		var idx []int
		for i, c := range e.Columns {
			offered := r.ReferTo != nil && c.Field != "" || slices.Contains(r.Rectifiable, c.Field) || slices.Contains(r.Assessments, c.Field)
			if !offered {
				continue
			}
			own.Fields = append(own.Fields, c)
			own.Assessed[c.Field] = slices.Contains(r.Assessments, c.Field)
			idx = append(idx, i)
		}
		if len(idx) == 0 {
			continue
		}
		for j, row := range sec.Rows {
			rec := OwnRecord{ID: sec.RecordIDs[j], Summary: dsr.RowSummary(row, "sv")}
			for _, i := range idx {
				rec.Values = append(rec.Values, row[i].Display("sv"))
			}
			own.Records = append(own.Records, rec)
		}
		out = append(out, own)
	}
	if err := s.store.Record(ctx, dsr.Event(actor, dsr.ActionOwnDataRead, "", fmt.Sprintf("registers=%d", len(out)))); err != nil {
		return nil, err
	}
	return out, nil
}
