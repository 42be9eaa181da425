package printbatch

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"dsrdesk/internal/dsr"
)

// maxStatusLines bounds one status file: two full batches of 100,000.
const maxStatusLines = 200_000

// ParseStatusFile reads the print shop's status file: CSV with the columns
// record_id, status (printed, handed_over or returned) and at (RFC 3339,
// e.g. 2026-11-24T14:05:00+01:00), with or without that header line. It
// returns the lines it can read and, for every other line, why not; a
// reason never repeats the line's content. A file that is not CSV at all
// is one error.
func ParseStatusFile(r io.Reader) ([]dsr.PrintReport, []dsr.Rejection, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	var out []dsr.PrintReport
	var bad []dsr.Rejection
	for n := 1; ; n++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if n > maxStatusLines {
			return nil, nil, dsr.Errorf(dsr.ETOOLARGE, "print.status_too_long", "A status file has at most %d lines.", maxStatusLines)
		}
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			bad = append(bad, dsr.Rejection{Line: perr.StartLine, Reason: "not valid CSV"})
			if perr.Err == csv.ErrQuote || perr.Err == csv.ErrBareQuote {
				continue
			}
			return out, bad, nil
		} else if err != nil {
			return nil, nil, fmt.Errorf("read status file: %w", err)
		}
		line, _ := cr.FieldPos(0) // the file's line, also when a quoted field spans lines
		if line == 1 && len(rec) == 3 && strings.EqualFold(strings.TrimSpace(rec[0]), "record_id") {
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // an empty line
		}
		rep, reason := statusLine(line, rec)
		if reason != "" {
			bad = append(bad, dsr.Rejection{Line: line, Reason: reason})
			continue
		}
		out = append(out, rep)
	}
	return out, bad, nil
}

func statusLine(line int, rec []string) (dsr.PrintReport, string) {
	if len(rec) != 3 {
		return dsr.PrintReport{}, fmt.Sprintf("%d fields, want 3 (record_id,status,at)", len(rec))
	}
	id := strings.TrimSpace(rec[0])
	if id == "" || len(id) > 64 || strings.ContainsFunc(id, func(r rune) bool { return r < 0x20 || r > 0x7e }) {
		return dsr.PrintReport{}, "malformed record id"
	}
	st := dsr.LetterStatus(strings.TrimSpace(rec[1]))
	if st != dsr.LetterPrinted && st != dsr.LetterHandedOver && st != dsr.LetterReturned {
		return dsr.PrintReport{}, "unknown status (printed, handed_over or returned)"
	}
	at, err := time.Parse(time.RFC3339, strings.TrimSpace(rec[2]))
	if err != nil {
		return dsr.PrintReport{}, "malformed time (RFC 3339, e.g. 2026-11-24T14:05:00+01:00)"
	}
	return dsr.PrintReport{Line: line, RecordID: id, Status: st, At: at}, ""
}

// Import is what a status file did.
type Import struct {
	Applied   int
	Unchanged int // lines that repeat a letter's status: applied before
	Rejected  []dsr.Rejection
}

// ImportStatus applies the print shop's status file (ParseStatusFile): every
// line is checked, and the lines that pass are applied together, in one
// transaction, each with its audit event; a rejected line changes nothing.
// A letter handed to the post answers its case on that day (the answer
// counts as given); a returned letter flags its case for the officer, who
// looks the address up again and resends.
func (s *Service) ImportStatus(ctx context.Context, r io.Reader, actor dsr.Actor) (Import, error) {
	if err := dsr.Require(actor, dsr.PermPrintOrdinary); err != nil {
		return Import{}, err
	}
	reports, bad, err := ParseStatusFile(r)
	if err != nil {
		return Import{}, err
	}
	applied, unchanged, rejected, err := s.store.ApplyPrintReports(ctx, reports, dsr.Can(actor, dsr.PermPrintProtected),
		func(c *dsr.Case, l *dsr.Letter, rep dsr.PrintReport) ([]dsr.AuditEvent, error) {
			action := dsr.ActionLetterPrinted
			switch rep.Status {
			case dsr.LetterHandedOver:
				action = dsr.ActionLetterHandedOver
				c.LetterReached(l, rep.At)
			case dsr.LetterReturned:
				action = dsr.ActionLetterReturned
				c.SetFlag(dsr.FlagReturnedMail, true)
			}
			return []dsr.AuditEvent{dsr.Event(actor, action, c.ID, fmt.Sprintf("letter=%s line=%d at=%s", l.ID, rep.Line, rep.At.UTC().Format(time.RFC3339)))}, nil
		})
	if err != nil {
		return Import{}, err
	}
	all := append(bad, rejected...)
	slices.SortFunc(all, func(a, b dsr.Rejection) int { return a.Line - b.Line })
	return Import{Applied: applied, Unchanged: unchanged, Rejected: all}, nil
}

// Reprint queues a letter that reached the print shop to be printed again
// in the next batch (a damaged print, or returned mail after an address
// change), its attempt counter one up, at the address its addressee has in
// the population register today. The print operator and the case
// officer may; a protected letter needs the protected-print permission or
// the officer's.
func (s *Service) Reprint(ctx context.Context, recordID string, actor dsr.Actor) (*dsr.Letter, error) {
	if !dsr.Can(actor, dsr.PermPrintOrdinary) && !dsr.Can(actor, dsr.PermHandle) {
		return nil, dsr.Require(actor, dsr.PermPrintOrdinary)
	}
	noLetter := dsr.Errorf(dsr.ENOTFOUND, "letter.not_found", "No letter with that id.")
	if len(recordID) == 0 || len(recordID) > 64 {
		return nil, noLetter
	}
	may := func(l *dsr.Letter) error {
		if l.Channel == dsr.DeliveryProtected && !dsr.Can(actor, dsr.PermPrintProtected) && !dsr.Can(actor, dsr.PermHandle) {
			return noLetter // not the ordinary print operator's to know of
		}
		return nil
	}
	readdress := func(l *dsr.Letter) error {
		if s.addrs == nil {
			return nil
		}
		return s.addrs.Readdress(ctx, l)
	}
	return s.store.Reprint(ctx, recordID, may, readdress, func(l *dsr.Letter) (dsr.AuditEvent, error) {
		return dsr.Event(actor, dsr.ActionLetterReprinted, l.CaseID, fmt.Sprintf("letter=%s attempt=%d", l.ID, l.Attempt)), nil
	})
}
