package casework

import (
	"context"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
)

// caseNumber is the form of a case number.
var caseNumber = regexp.MustCompile(`^DSR-\d{4}-\d{6}$`)

// Search finds cases by case number or by the person's identity number. The
// identity number is looked up through its keyed HMAC, never stored or
// logged; callers take it from a form or a request body, never a URL. The
// search is audited without the number.
func (s *Service) Search(ctx context.Context, query string, actor dsr.Actor) ([]*dsr.Case, error) {
	if err := dsr.Require(actor, dsr.PermReadCases); err != nil {
		return nil, err
	}
	q := strings.ToUpper(strings.TrimSpace(query))
	if q == "" || utf8.RuneCountInString(q) > 40 {
		return nil, dsr.FieldError("q", "search.empty", "Give a case number (DSR-YYYY-NNNNNN) or a personal identity number.")
	}
	var out []*dsr.Case
	var by string
	if caseNumber.MatchString(q) {
		by = "number"
		c, err := s.store.CaseByNumber(ctx, q)
		if err != nil && dsr.ErrorCode(err) != dsr.ENOTFOUND {
			return nil, err
		}
		if c != nil {
			out = append(out, c)
		}
	} else {
		by = "subject"
		p, err := pnr.Parse(q, dsr.Day(s.now()))
		if err != nil {
			return nil, dsr.FieldError("q", "search.invalid", "Give a case number (DSR-YYYY-NNNNNN) or a valid personal identity number.")
		}
		if out, err = s.store.CasesBySubject(ctx, s.hasher.Sum(p)); err != nil {
			return nil, err
		}
	}
	ids := make([]string, 0, len(out))
	for _, c := range out {
		ids = append(ids, c.Number)
	}
	detail := "by=" + by + " found=" + strings.Join(ids, ",")
	if err := s.store.Record(ctx, dsr.Event(actor, dsr.ActionCaseSearch, "", detail)); err != nil {
		return nil, err
	}
	return out, nil
}

// maxNote bounds an internal note.
const maxNote = 4000

// AddNote adds an internal note to a case: staff's own words about the
// handling, shown on the case page with the author's name.
func (s *Service) AddNote(ctx context.Context, id, body string, actor dsr.Actor) (*dsr.Note, error) {
	if err := dsr.Require(actor, dsr.PermHandle); err != nil {
		return nil, err
	}
	body = strings.TrimSpace(body)
	if body == "" {
		return nil, dsr.FieldError("body", "note.empty", "Write the note.")
	}
	if utf8.RuneCountInString(body) > maxNote {
		return nil, dsr.FieldError("body", "input.text_too_long", "The text is too long (at most %d characters).", maxNote)
	}
	if _, err := uuid.Parse(id); err != nil {
		return nil, errNoCase()
	}
	n := &dsr.Note{ID: uuid.Must(uuid.NewV7()).String(), CaseID: id, Actor: actor.String(), Body: body}
	err := s.store.AddNote(ctx, n, func(c *dsr.Case) ([]dsr.AuditEvent, error) {
		return []dsr.AuditEvent{dsr.Event(actor, dsr.ActionNoteAdded, id, "note="+n.ID)}, nil
	})
	return n, err
}
