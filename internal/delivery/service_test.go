package delivery

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/mailbox"
	"dsrdesk/internal/pnr"
)

// memStore is the case store as delivery sees it, in memory: one case, its
// extract and its letters.
type memStore struct {
	c        *dsr.Case
	extract  []byte
	letters  map[string]*dsr.Letter // by id
	pdfs     map[string][]byte
	events   []dsr.AuditEvent
	withheld []dsr.Withholding
}

func newStore(c *dsr.Case) *memStore {
	return &memStore{c: c, extract: []byte("%PDF-extract"), letters: map[string]*dsr.Letter{}, pdfs: map[string][]byte{}}
}

func (m *memStore) Case(_ context.Context, id string) (*dsr.Case, error) {
	if id != m.c.ID {
		return nil, dsr.Errorf(dsr.ENOTFOUND, "case.not_found", "No case with that id.")
	}
	c := *m.c
	return &c, nil
}

func (m *memStore) ExtractPDF(_ context.Context, _ string, _ ...dsr.AuditEvent) ([]byte, dsr.ExtractSummary, error) {
	return m.extract, dsr.ExtractSummary{Pages: 2}, nil
}

// StaffExtractPDF is the copy staff see: a protected person's address left out.
func (m *memStore) StaffExtractPDF(_ context.Context, _ string, _ ...dsr.AuditEvent) ([]byte, dsr.ExtractSummary, error) {
	return []byte("%PDF-extract-as-staff-see-it"), dsr.ExtractSummary{Pages: 2}, nil
}

func (m *memStore) LetterByKey(_ context.Context, key string) (*dsr.Letter, error) {
	for _, l := range m.letters {
		if l.Key == key {
			c := *l
			return &c, nil
		}
	}
	return nil, dsr.Errorf(dsr.ENOTFOUND, "letter.not_found", "No letter with that id.")
}

func (m *memStore) CreateLetter(_ context.Context, l *dsr.Letter, pdf []byte, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) (*dsr.Letter, bool, error) {
	for _, x := range m.letters {
		if x.Key == l.Key {
			c := *x
			return &c, false, nil
		}
	}
	c := *m.c
	events, err := decide(&c)
	if err != nil {
		return nil, false, err
	}
	*m.c = c
	l.Status = dsr.LetterPending
	stored := *l
	m.letters[l.ID], m.pdfs[l.ID] = &stored, pdf
	m.events = append(m.events, events...)
	return l, true, nil
}

func (m *memStore) MoveLetter(_ context.Context, id string, from []dsr.LetterStatus, mv dsr.LetterMove, decide func(*dsr.Case, *dsr.Letter) ([]dsr.AuditEvent, error)) (*dsr.Letter, bool, error) {
	l := m.letters[id]
	if !slices.Contains(from, l.Status) {
		return l, false, nil
	}
	if mv.Channel != "" {
		l.Channel = mv.Channel
	}
	if mv.Receipt != "" {
		l.Receipt = mv.Receipt
	} else if mv.Status == dsr.LetterQueued && l.Receipt == "" {
		l.Receipt = l.ID
	}
	l.Status, l.Tries = mv.Status, mv.Tries
	if decide == nil {
		return l, true, nil
	}
	events, err := decide(m.c, l)
	m.events = append(m.events, events...)
	return l, true, err
}

func (m *memStore) DueLetters(context.Context, time.Time, int) ([]dsr.Letter, error) { return nil, nil }
func (m *memStore) CaseLetters(context.Context, string) ([]dsr.Letter, error)        { return nil, nil }
func (m *memStore) LetterHistories(context.Context, string) (map[string][]dsr.LetterEvent, error) {
	return nil, nil
}

func (m *memStore) LetterPDF(_ context.Context, id string) ([]byte, error) { return m.pdfs[id], nil }

func (m *memStore) Withholdings(context.Context, string) ([]dsr.Withholding, error) {
	return m.withheld, nil
}

func (m *memStore) ReadCase(ctx context.Context, id string, ev dsr.AuditEvent) (*dsr.Case, error) {
	m.events = append(m.events, ev)
	return m.Case(ctx, id)
}

// renderer writes each letter as a PDF that names what it is.
type renderer struct{}

func (renderer) OutcomeDecisionBytes(d *dsr.OutcomeDecision) ([]byte, int, error) {
	return []byte("%PDF decision " + string(d.Outcome) + " " + d.Reasons + fmt.Sprintf(" withheld=%d", len(d.Withheld))), 1, nil
}
func (renderer) ExtensionNoticeBytes(n *dsr.ExtensionNotice) ([]byte, int, error) {
	return []byte("%PDF extension until " + dsr.FormatDate(n.NewDueOn) + ": " + n.Reason), 1, nil
}
func (renderer) ReceiptBytes(r *dsr.Receipt) ([]byte, int, error) {
	return []byte("%PDF receipt due " + dsr.FormatDate(r.DueOn)), 1, nil
}
func (renderer) IdentityRequestBytes(r *dsr.IdentityRequest) ([]byte, int, error) {
	return []byte("%PDF identity reply by " + dsr.FormatDate(r.ReplyBy)), 1, nil
}

// names names the registers.
type names struct{}

func (names) RegisterName(id string) dsr.Text    { return dsr.Text{SV: "Register " + id} }
func (names) FieldName(_, field string) dsr.Text { return dsr.Text{SV: "Fält " + field} }

func newService(store Store, pop Population, mb Mailbox, log zerolog.Logger, now func() time.Time) *Service {
	return NewService(Deps{Store: store, Population: pop, Mailbox: mb, Renderer: renderer{}, Registers: names{},
		Settings: func(context.Context) (dsr.Settings, error) { return dsr.DefaultSettings(), nil }, Log: log, Now: now})
}

// people is the population register.
type people map[pnr.PNR]dsr.Person

func (p people) Person(_ context.Context, n pnr.PNR) (dsr.Person, error) { return p[n], nil }

// fakeMailbox answers the lookup and delivery as its fields say.
type fakeMailbox struct {
	reach      mailbox.Reachability
	lookupErr  error
	deliverErr error
	delivered  []string // message ids
}

func (f *fakeMailbox) IsReachable(context.Context, pnr.PNR) (mailbox.Reachability, error) {
	return f.reach, f.lookupErr
}

func (f *fakeMailbox) Send(_ context.Context, m mailbox.Message) (mailbox.Receipt, error) {
	if f.deliverErr != nil {
		return mailbox.Receipt{}, f.deliverErr
	}
	f.delivered = append(f.delivered, m.ID)
	return mailbox.Receipt{TransactionID: "tx-" + m.ID[:8], Operator: "Kivra"}, nil
}

const subject = pnr.PNR("198112189876")

var officer = dsr.Actor{Kind: dsr.ActorStaff, ID: "u1", Role: dsr.RoleOfficer}

func assembledCase() *dsr.Case {
	return &dsr.Case{ID: uuid.NewString(), Number: "DSR-2026-000001", Kinds: []dsr.Kind{dsr.KindAccess},
		Status: dsr.StatusAssembled, SubjectPNR: subject, SubjectName: "Åsa Öberg", Language: "sv",
		DueOn: time.Date(2026, 12, 23, 0, 0, 0, 0, time.UTC)}
}

func TestSendAnswerRoutes(t *testing.T) {
	plain := dsr.Person{PNR: subject, Name: "Åsa Öberg", Street: "Storgatan 1", Postcode: "11346", Town: "STOCKHOLM", Protection: dsr.ProtectionNone}
	protected := plain
	protected.Protection = dsr.ProtectionProtected
	tests := []struct {
		name      string
		person    dsr.Person
		mb        *fakeMailbox
		channel   dsr.DeliveryChannel
		logged    string // what the log must say, if anything
		delivered int
		tries     int // sends (the outbox's tries) until the letter has left; 1 when 0
	}{
		{"reachable: the digital mailbox", plain, &fakeMailbox{reach: mailbox.Reachability{Reachable: true, Operator: "Kivra"}}, dsr.DeliveryDigital, "", 1, 1},
		{"not reachable: ordinary paper", plain, &fakeMailbox{reach: mailbox.Reachability{Reason: mailbox.ReasonNoMailbox}}, dsr.DeliveryPostal, "", 0, 1},
		{"lookup fails every time: paper after the last try, and the cause is logged", plain, &fakeMailbox{lookupErr: dsr.Errorf(dsr.EUNAVAILABLE, "mailbox.unavailable", "dial tcp: connection refused")}, dsr.DeliveryPostal, "connection refused", 0, maxTries},
		{"delivery fails: paper, and the cause is logged", plain, &fakeMailbox{reach: mailbox.Reachability{Reachable: true}, deliverErr: errors.New("operator answered 503")}, dsr.DeliveryPostal, "operator answered 503", 0, 1},
		{"protected and not reachable: the protected route", protected, &fakeMailbox{}, dsr.DeliveryProtected, "", 0, 1},
		{"protected and lookup fails every time: the protected route", protected, &fakeMailbox{lookupErr: errors.New("timeout")}, dsr.DeliveryProtected, "timeout", 0, maxTries},
		{"protected and reachable: the digital mailbox is preferred", protected, &fakeMailbox{reach: mailbox.Reachability{Reachable: true}}, dsr.DeliveryDigital, "", 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := assembledCase()
			store := newStore(c)
			var logs bytes.Buffer
			s := newService(store, people{subject: tt.person}, tt.mb, zerolog.New(&logs), func() time.Time { return time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC) })
			res, err := s.SendAnswer(context.Background(), c.ID, officer)
			for try := 2; err == nil && try <= tt.tries; try++ {
				// Until the last try the letter waits in the outbox and
				// the case is not answered.
				if res.Letter.Status != dsr.LetterPending || res.Letter.Tries != try-1 || store.c.Status == dsr.StatusSent {
					t.Fatalf("after try %d: letter %s (tries %d), case %s", try-1, res.Letter.Status, res.Letter.Tries, store.c.Status)
				}
				res, err = s.SendAnswer(context.Background(), c.ID, officer)
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Channel != tt.channel {
				t.Errorf("channel = %s, want %s", res.Channel, tt.channel)
			}
			if len(tt.mb.delivered) != tt.delivered {
				t.Errorf("delivered %d messages, want %d", len(tt.mb.delivered), tt.delivered)
			}
			if store.c.Status != dsr.StatusSent {
				t.Errorf("case status = %s, want sent", store.c.Status)
			}
			if tt.channel != dsr.DeliveryDigital && res.Receipt != res.Letter.ID {
				t.Errorf("paper receipt = %q, want the print record id %q", res.Receipt, res.Letter.ID)
			}
			if tt.logged != "" && !strings.Contains(logs.String(), tt.logged) {
				t.Errorf("log does not carry the cause %q:\n%s", tt.logged, logs.String())
			}
			if strings.Contains(logs.String(), string(subject)) {
				t.Error("the identity number reached the log")
			}
			if tt.person.Protection.Protected() && len(res.Letter.AddressLines) != 1 {
				t.Errorf("a protected person's letter carries address lines %q", res.Letter.AddressLines)
			}
			l := store.letters[res.Letter.ID]
			if l.Purpose != dsr.PurposeAnswer || l.Addressee.Kind != dsr.AddresseeSubject || l.Subject != "Registerutdrag från Försäkringskassan, DSR-2026-000001" {
				t.Errorf("letter = %+v, want the answer to the subject with its subject line", l)
			}
		})
	}
}

func TestSendAnswerTwiceSendsOnce(t *testing.T) {
	c := assembledCase()
	store := newStore(c)
	mb := &fakeMailbox{reach: mailbox.Reachability{Reachable: true}}
	s := newService(store, people{subject: {PNR: subject, Name: "Åsa"}}, mb, zerolog.Nop(), time.Now)
	first, err := s.SendAnswer(context.Background(), c.ID, officer)
	if err != nil {
		t.Fatal(err)
	}
	// The person becomes unreachable: the repeat must not go to paper.
	mb.reach = mailbox.Reachability{}
	second, err := s.SendAnswer(context.Background(), c.ID, officer)
	if err != nil {
		t.Fatal(err)
	}
	if len(store.letters) != 1 || len(mb.delivered) != 1 || second.Receipt != first.Receipt || second.Channel != dsr.DeliveryDigital {
		t.Errorf("a repeated send made %d letters, %d deliveries, answered %+v after %+v", len(store.letters), len(mb.delivered), second, first)
	}
}

func TestSendAnswerRefusals(t *testing.T) {
	received := assembledCase()
	received.Status = dsr.StatusReceived
	erasure := assembledCase()
	erasure.Kinds = []dsr.Kind{dsr.KindErasure}
	tests := []struct {
		name  string
		c     *dsr.Case
		id    string
		actor dsr.Actor
		code  string
	}{
		{"before the extract is assembled", received, received.ID, officer, dsr.ECONFLICT},
		{"a request with no extract", erasure, erasure.ID, officer, dsr.ECONFLICT},
		{"the print operator", assembledCase(), "", dsr.Actor{Kind: dsr.ActorStaff, Role: dsr.RolePrint}, dsr.EFORBIDDEN},
		{"an id that is no uuid", assembledCase(), "../etc", officer, dsr.ENOTFOUND},
		{"an unknown case", assembledCase(), uuid.NewString(), officer, dsr.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := newStore(tt.c)
			mb := &fakeMailbox{reach: mailbox.Reachability{Reachable: true}}
			s := newService(store, people{}, mb, zerolog.Nop(), time.Now)
			id := tt.id
			if id == "" {
				id = tt.c.ID
			}
			_, err := s.SendAnswer(context.Background(), id, tt.actor)
			if dsr.ErrorCode(err) != tt.code {
				t.Fatalf("error = %v, want %s", err, tt.code)
			}
			if len(store.letters) != 0 || len(mb.delivered) != 0 {
				t.Error("a refused send wrote or delivered a letter")
			}
		})
	}
}
