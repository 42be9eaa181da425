package changes

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"dsrdesk/internal/catalogue"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/exemptions"
	"dsrdesk/internal/pnr"
)

// Store is what the service needs from the case store.
type Store interface {
	Case(ctx context.Context, id string) (*dsr.Case, error)
	ReadCase(ctx context.Context, id string, ev dsr.AuditEvent) (*dsr.Case, error)
	UpdateCase(ctx context.Context, id string, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) (*dsr.Case, error)
	SaveItems(ctx context.Context, caseID string, items []dsr.Item, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) error
	Items(ctx context.Context, caseID string) ([]dsr.Item, error)
	UpdateItem(ctx context.Context, caseID, itemID string, decide func(*dsr.Case, *dsr.Item) ([]dsr.AuditEvent, error)) (*dsr.Item, error)
	AddItem(ctx context.Context, it dsr.Item, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) error
	MarkExecuted(ctx context.Context, caseID string, itemIDs []string, events ...dsr.AuditEvent) error
	MarkLifted(ctx context.Context, caseID string, itemIDs []string, events ...dsr.AuditEvent) error
	SaveNotification(ctx context.Context, caseID string, n dsr.Notification, letterID string, ev dsr.AuditEvent) (bool, error)
	Notifications(ctx context.Context, caseID string) ([]dsr.Notification, error)
	CreateLetter(ctx context.Context, l *dsr.Letter, pdf []byte, decide func(*dsr.Case) ([]dsr.AuditEvent, error)) (*dsr.Letter, bool, error)
	LetterByKey(ctx context.Context, key string) (*dsr.Letter, error)
	LetterPDF(ctx context.Context, letterID string) ([]byte, error)
	ExtractPDF(ctx context.Context, caseID string, events ...dsr.AuditEvent) ([]byte, dsr.ExtractSummary, error)
	Record(ctx context.Context, events ...dsr.AuditEvent) error
}

// Registers are the agency's source registers.
type Registers interface {
	Person(ctx context.Context, p pnr.PNR) (dsr.Person, error)
	Sections(ctx context.Context, p pnr.PNR) ([]dsr.Section, error)
	Apply(ctx context.Context, register string, p pnr.PNR, ops ...dsr.Op) error
}

// Renderer lays out the decision letter and the Art. 19 notices.
type Renderer interface {
	DecisionBytes(d *dsr.Decision) ([]byte, int, error)
	Art19NoticeBytes(n *dsr.Art19Notice) ([]byte, int, error)
	RestrictionNoticeBytes(n *dsr.RestrictionNotice) ([]byte, int, error)
}

// Service evaluates, decides and executes requests to change data.
type Service struct {
	store     Store
	registers Registers
	cat       *catalogue.Catalogue
	renderer  Renderer
	settings  func(context.Context) (dsr.Settings, error)
	now       func() time.Time
}

// NewService returns the service; settings are the settings in force (who
// signs off a decision).
func NewService(store Store, registers Registers, cat *catalogue.Catalogue, renderer Renderer, settings func(context.Context) (dsr.Settings, error), now func() time.Time) *Service {
	return &Service{store: store, registers: registers, cat: cat, renderer: renderer, settings: settings, now: now}
}

func errNoCase() error { return dsr.Errorf(dsr.ENOTFOUND, "case.not_found", "No case with that id.") }

// caseFor checks the actor's permission and the id, and reads the case for
// the service's own use.
func (s *Service) caseFor(ctx context.Context, id string, actor dsr.Actor, p dsr.Permission) (*dsr.Case, error) {
	if err := dsr.Require(actor, p); err != nil {
		return nil, err
	}
	if _, err := uuid.Parse(id); err != nil {
		return nil, errNoCase()
	}
	return s.store.Case(ctx, id)
}

// Evaluate proposes an outcome for every item the request affects and
// stores them, replacing an earlier evaluation; it can be repeated until
// the decision is executed.
func (s *Service) Evaluate(ctx context.Context, caseID string, actor dsr.Actor) ([]dsr.Item, error) {
	c, err := s.caseFor(ctx, caseID, actor, dsr.PermHandle)
	if err != nil {
		return nil, err
	}
	today := dsr.Day(s.now())
	if err := c.Check(dsr.ActEvaluate, today); err != nil {
		return nil, err
	}
	regs, err := s.registersOf(ctx, c)
	if err != nil {
		return nil, err
	}
	items, err := exemptions.Evaluate(exemptions.Request{Kinds: c.Kinds, Scope: c.Change.Scope, Changes: c.Change.Changes,
		Statement: c.Change.Statement, Grounds: c.Change.Grounds}, regs, today)
	if err != nil {
		return nil, err
	}
	for i := range items {
		items[i].ID, items[i].CaseID = uuid.Must(uuid.NewV7()).String(), caseID
	}
	set, err := s.settings(ctx)
	if err != nil {
		return nil, err
	}
	err = s.store.SaveItems(ctx, caseID, items, func(c *dsr.Case) ([]dsr.AuditEvent, error) {
		if err := c.Check(dsr.ActEvaluate, today); err != nil {
			return nil, err
		}
		c.Evaluated(len(items), today)
		events := []dsr.AuditEvent{dsr.Event(actor, dsr.ActionCaseEvaluated, caseID, "items="+tally(items))}
		if c.Outcome == dsr.CaseNoData {
			c.PrepareSignOff(set.RequireSignOff, false)
			events = append(events, dsr.Event(actor, dsr.ActionOutcomeRecorded, caseID, "outcome=no_data the evaluation found nothing the request concerns"))
		}
		return events, nil
	})
	if err != nil {
		return nil, err
	}
	return items, nil
}

// registersOf pairs every catalogue register with the person's data in it.
func (s *Service) registersOf(ctx context.Context, c *dsr.Case) ([]exemptions.Register, error) {
	secs, err := s.registers.Sections(ctx, c.SubjectPNR)
	if err != nil {
		return nil, fmt.Errorf("case %s: source registers: %w", c.ID, err)
	}
	out := make([]exemptions.Register, 0, len(secs))
	for _, sec := range secs {
		e, ok := s.cat.Lookup(sec.Register.ID)
		if !ok {
			return nil, fmt.Errorf("case %s: register %q is not in the catalogue", c.ID, sec.Register.ID)
		}
		out = append(out, exemptions.Register{Entry: e, Section: sec})
	}
	return out, nil
}

// tally counts items per outcome: "erase:3,keep:2".
func tally(items []dsr.Item) string {
	counts := map[dsr.Outcome]int{}
	for _, it := range items {
		counts[it.Outcome]++
	}
	var parts []string
	for _, o := range dsr.Outcomes {
		if counts[o] > 0 {
			parts = append(parts, fmt.Sprintf("%s:%d", o, counts[o]))
		}
	}
	return strings.Join(parts, ",")
}

// maxReason bounds an override's written reason.
const maxReason = 4000

// Override changes the outcome of one item. Only the data-protection
// officer may, and only with a written reason; the proposal, the override
// and the reason are all kept and audited.
func (s *Service) Override(ctx context.Context, caseID, itemID string, outcome dsr.Outcome, reason string, actor dsr.Actor) (*dsr.Item, error) {
	c, err := s.caseFor(ctx, caseID, actor, dsr.PermOverride)
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case !outcome.Valid():
		return nil, dsr.FieldError("outcome", "item.outcome_unknown", "Unknown outcome; use %s.", dsr.JoinOr(dsr.Outcomes))
	case reason == "":
		return nil, dsr.FieldError("reason", "item.reason_missing", "An override needs a written reason.")
	case utf8.RuneCountInString(reason) > maxReason:
		return nil, dsr.FieldError("reason", "input.text_too_long", "The text is too long (at most %d characters).", maxReason)
	}
	if _, err := uuid.Parse(itemID); err != nil {
		return nil, dsr.Errorf(dsr.ENOTFOUND, "item.not_found", "No item with that id in this case.")
	}
	today := dsr.Day(s.now())
	return s.store.UpdateItem(ctx, c.ID, itemID, func(c *dsr.Case, it *dsr.Item) ([]dsr.AuditEvent, error) {
		if err := c.Check(dsr.ActDecide, today); err != nil {
			return nil, err
		}
		if err := s.executable(it, outcome); err != nil {
			return nil, err
		}
		from := it.Outcome
		it.Outcome, it.OverriddenBy, it.Reason = outcome, actor.String(), reason
		it.Ground = dsr.Ground{Cite: "Dataskyddsombudets beslut", Text: dsr.Text{SV: reason, EN: reason}}
		detail := fmt.Sprintf("item=%s register=%s record=%s proposed=%s from=%s to=%s reason=%s", it.ID, it.Register, it.Record, it.Proposed, from, outcome, reason)
		return []dsr.AuditEvent{dsr.Event(actor, dsr.ActionItemOverridden, c.ID, detail)}, nil
	})
}

// executable refuses an outcome the item's register cannot carry out.
func (s *Service) executable(it *dsr.Item, o dsr.Outcome) error {
	e, ok := s.cat.Lookup(it.Register)
	if !ok {
		return fmt.Errorf("item %s: register %q is not in the catalogue", it.ID, it.Register)
	}
	st := e.Rules.Statements
	refuse := func(what string) error {
		return dsr.FieldError("outcome", "item.not_executable", "The register %s cannot %s.", it.Register, what)
	}
	switch o {
	case dsr.OutcomeErase:
		if st.Erase == "" {
			return refuse("erase data")
		}
	case dsr.OutcomeRectify:
		if st.Correct[it.Field] == "" || it.Requested == "" {
			return refuse("correct this value")
		}
	case dsr.OutcomeRestrict, dsr.OutcomeStop:
		if st.Restrict == "" {
			return refuse("restrict data")
		}
	case dsr.OutcomeSupplement:
		if st.Annotate == "" {
			return refuse("attach a statement")
		}
	}
	return nil
}

// Execution is what executing a decision did: the items carried out and
// the recipients told (Art. 19).
type Execution struct {
	Items         []dsr.Item
	Notifications []dsr.Notification
}

// Execute carries the decided outcomes out in the source registers, tells
// every recipient of changed data, writes the decision letter and moves
// the case on. Every step can be repeated: an item is changed with a
// statement that is safe to run again and marked executed afterwards, a
// recipient is told once, the letter has one key; so a crash half-way is
// repaired by executing again, and executing a finished case changes
// nothing and answers the same.
func (s *Service) Execute(ctx context.Context, caseID string, actor dsr.Actor) (Execution, error) {
	c, err := s.caseFor(ctx, caseID, actor, dsr.PermHandle)
	if err != nil {
		return Execution{}, err
	}
	today := dsr.Day(s.now())
	if c.Status != dsr.StatusExecuted && !c.Status.Sent() {
		if err := c.Check(dsr.ActExecute, today); err != nil {
			return Execution{}, err
		}
		if err := s.execute(ctx, c, today, actor); err != nil {
			return Execution{}, err
		}
	}
	items, err := s.store.Items(ctx, caseID)
	if err != nil {
		return Execution{}, err
	}
	notes, err := s.store.Notifications(ctx, caseID)
	if err != nil {
		return Execution{}, err
	}
	return Execution{Items: items, Notifications: notes}, nil
}

func (s *Service) execute(ctx context.Context, c *dsr.Case, today time.Time, actor dsr.Actor) error {
	items, err := s.store.Items(ctx, c.ID)
	if err != nil {
		return err
	}
	if len(items) == 0 {
		// Nothing to carry out, and no decision to write about it.
		return dsr.Errorf(dsr.ECONFLICT, "execute.no_items", "The evaluation found no data the request concerns, so there is nothing to carry out: evaluate the request again to answer it.")
	}
	person, err := s.registers.Person(ctx, c.SubjectPNR)
	if err != nil {
		return fmt.Errorf("case %s: population register: %w", c.ID, err)
	}
	regs, err := s.registersOf(ctx, c)
	if err != nil {
		return err
	}
	// Recipients first, while the disclosure logs still hold them.
	if err := s.notify(ctx, c, person, items, regs, today, actor); err != nil {
		return err
	}
	if err := s.apply(ctx, c, items, today, actor); err != nil {
		return err
	}
	if err := s.writeDecision(ctx, c, person, today, actor); err != nil {
		return err
	}
	set, err := s.settings(ctx)
	if err != nil {
		return err
	}
	granted, refused, overridden := 0, 0, false
	for _, it := range items {
		if it.Outcome.Granted() {
			granted++
		} else {
			refused++
		}
		overridden = overridden || it.Overridden()
	}
	_, err = s.store.UpdateCase(ctx, c.ID, func(c *dsr.Case) ([]dsr.AuditEvent, error) {
		if c.Status == dsr.StatusExecuted {
			return nil, nil // a repeated execution found it done
		}
		if err := c.Check(dsr.ActExecute, today); err != nil {
			return nil, err
		}
		c.Status = c.Next(dsr.ActExecute)
		c.Decided(granted, refused, today)
		c.SetFlag(dsr.FlagProtected, person.Protection.Protected())
		c.PrepareSignOff(set.RequireSignOff, overridden)
		return []dsr.AuditEvent{dsr.Event(actor, dsr.ActionCaseExecuted, c.ID, "items="+tally(items))}, nil
	})
	return err
}

// apply carries out every item not yet executed, register by register: the
// register's changes in one transaction of the source database, then the
// items marked executed with their audit events in one of the case store.
func (s *Service) apply(ctx context.Context, c *dsr.Case, items []dsr.Item, today time.Time, actor dsr.Actor) error {
	byRegister := map[string][]dsr.Item{}
	var order []string
	for _, it := range items {
		if it.ExecutedAt != nil {
			continue
		}
		if _, seen := byRegister[it.Register]; !seen {
			order = append(order, it.Register)
		}
		byRegister[it.Register] = append(byRegister[it.Register], it)
	}
	for _, reg := range order {
		pending := byRegister[reg]
		var ops []dsr.Op
		ids := make([]string, 0, len(pending))
		var events []dsr.AuditEvent
		for _, it := range pending {
			ids = append(ids, it.ID)
			op, ok := opFor(it, today)
			if !ok {
				continue
			}
			ops = append(ops, op)
			if it.Outcome == dsr.OutcomeRectify {
				// The original value stays in the audit trail.
				events = append(events, dsr.Event(actor, dsr.ActionValueCorrected, c.ID,
					fmt.Sprintf("item=%s register=%s record=%s field=%s old=%q new=%q", it.ID, reg, it.Record, it.Field, it.Value, it.Requested)))
			}
		}
		if len(ops) > 0 {
			if err := s.registers.Apply(ctx, reg, c.SubjectPNR, ops...); err != nil {
				return fmt.Errorf("case %s: %w", c.ID, err)
			}
		}
		events = append(events, dsr.Event(actor, dsr.ActionItemsExecuted, c.ID, "register="+reg+" items="+tally(pending)))
		if err := s.store.MarkExecuted(ctx, c.ID, ids, events...); err != nil {
			return err
		}
	}
	return nil
}

// opFor is the change that carries an item's outcome out; ok is false for
// an outcome that changes nothing (keep, refer).
func opFor(it dsr.Item, today time.Time) (dsr.Op, bool) {
	op := dsr.Op{Record: it.Record, Today: dsr.FormatDate(today)}
	switch it.Outcome {
	case dsr.OutcomeErase:
		op.Kind = dsr.OpErase
	case dsr.OutcomeRectify:
		op.Kind, op.Field, op.Value = dsr.OpCorrect, it.Field, it.Requested
	case dsr.OutcomeRestrict, dsr.OutcomeStop:
		op.Kind, op.Ground = dsr.OpRestrict, it.Ground.Cite
	case dsr.OutcomeSupplement:
		op.Kind, op.Key, op.Text = dsr.OpAnnotate, it.ID, it.Requested
		if it.Kind == dsr.KindRectify {
			op.Text = fmt.Sprintf("Den registrerade anser att uppgiften (%s) ska vara: %s", it.Field, it.Requested)
		}
	default:
		return dsr.Op{}, false
	}
	return op, true
}

// notify tells every recipient of changed data (Art. 19): each
// organisation in the disclosure logs that the changed registers are
// disclosed through. A notice letter is written for each, once.
func (s *Service) notify(ctx context.Context, c *dsr.Case, person dsr.Person, items []dsr.Item, regs []exemptions.Register, today time.Time, actor dsr.Actor) error {
	logs := map[string]bool{}
	var changed []dsr.Item
	for _, it := range items {
		if !it.Outcome.Changes() {
			continue
		}
		e, _ := s.cat.Lookup(it.Register)
		if len(e.Rules.DisclosedVia) == 0 {
			continue
		}
		changed = append(changed, it)
		for _, l := range e.Rules.DisclosedVia {
			logs[l] = true
		}
	}
	if len(changed) == 0 {
		return nil
	}
	seen := map[string]bool{}
	for _, r := range regs {
		if !logs[r.Entry.ID] {
			continue
		}
		for _, rec := range r.Section.Recipients {
			key := rec.OrgNumber
			if key == "" {
				key = rec.Organisation
			}
			if seen[key] {
				continue
			}
			seen[key] = true
			if err := s.notifyOne(ctx, c, person, rec, changed, today, actor); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Service) notifyOne(ctx context.Context, c *dsr.Case, person dsr.Person, rec dsr.Recipient, changed []dsr.Item, today time.Time, actor dsr.Actor) error {
	n := dsr.Notification{Recipient: rec.Organisation, OrgNumber: rec.OrgNumber, Status: dsr.NotifyQueued}
	if rec.OrgNumber == "" {
		n.Status, n.Reason = dsr.NotifyImpossible, dsr.Text{
			SV: "Utlämnandeloggen saknar organisationsnummer, så mottagaren kan inte identifieras och underrättas.",
			EN: "The disclosure log names no organisation number, so the recipient cannot be identified and told.",
		}
		_, err := s.store.SaveNotification(ctx, c.ID, n, "", dsr.Event(actor, dsr.ActionNotified, c.ID, "recipient="+rec.Organisation+" status=impossible"))
		return err
	}
	org, ok := s.cat.Organisation(rec.OrgNumber)
	if !ok {
		n.Status, n.Reason = dsr.NotifyImpossible, dsr.Text{
			SV: "Registerkatalogen har ingen postadress till mottagaren, så den kan inte underrättas härifrån.",
			EN: "The register catalogue has no postal address for the recipient, so it cannot be told from here.",
		}
		_, err := s.store.SaveNotification(ctx, c.ID, n, "", dsr.Event(actor, dsr.ActionNotified, c.ID, "org_no="+rec.OrgNumber+" status=impossible reason=no_address"))
		return err
	}
	now := s.now()
	address := append([]string{org.Name}, org.Address().Lines()...)
	notice := &dsr.Art19Notice{CaseNumber: c.Number, Lang: "sv", On: today, Recipient: n, Address: address, Person: person, Items: s.named(changed)}
	pdf, pages, err := s.renderer.Art19NoticeBytes(notice)
	if err != nil {
		return fmt.Errorf("case %s: Art. 19 notice: %w", c.ID, err)
	}
	addressee := dsr.Addressee{Kind: dsr.AddresseeOrganisation, Name: rec.Organisation, Ref: rec.OrgNumber}
	l := &dsr.Letter{
		ID: pnr.OpaqueID(newID), CaseID: c.ID, Purpose: dsr.PurposeArt19Notice, Addressee: addressee,
		Key: dsr.LetterKey(c.ID, dsr.PurposeArt19Notice, addressee), MessageID: newID(), Pages: pages, SHA256: sum(pdf),
		Subject: "Underrättelse enligt artikel 19 dataskyddsförordningen, " + c.Number,
		// On paper to the address the catalogue gives (RULES §9), by
		// the outbox, which never looks an organisation up in the
		// digital mailbox.
		AddressLines: address, Postcode: org.Postcode, Country: "SE",
		// Due now: the instant, not today's date, which late in the
		// evening (UTC) is already tomorrow in Stockholm.
		NextTry: &now,
	}
	l, _, err = s.store.CreateLetter(ctx, l, pdf, func(*dsr.Case) ([]dsr.AuditEvent, error) {
		return []dsr.AuditEvent{dsr.Event(actor, dsr.ActionLetterPrepared, c.ID, "letter="+l.ID+" purpose=art19_notice org_no="+rec.OrgNumber)}, nil
	})
	if err != nil {
		return err
	}
	_, err = s.store.SaveNotification(ctx, c.ID, n, l.ID, dsr.Event(actor, dsr.ActionNotified, c.ID, "org_no="+rec.OrgNumber+" letter="+l.ID))
	return err
}

// named gives items the names of their registers and fields.
func (s *Service) named(items []dsr.Item) []dsr.DecisionItem {
	out := make([]dsr.DecisionItem, len(items))
	for i, it := range items {
		out[i] = dsr.DecisionItem{Item: it, RegisterName: s.cat.RegisterName(it.Register), FieldName: s.cat.FieldName(it.Register, it.Field)}
	}
	return out
}

// writeDecision writes the decision letter, the answer of the case, once.
func (s *Service) writeDecision(ctx context.Context, c *dsr.Case, person dsr.Person, today time.Time, actor dsr.Actor) error {
	addressee := dsr.Addressee{Kind: dsr.AddresseeSubject, Name: c.SubjectName}
	key := dsr.LetterKey(c.ID, dsr.PurposeAnswer, addressee)
	if _, err := s.store.LetterByKey(ctx, key); err == nil {
		return nil
	} else if dsr.ErrorCode(err) != dsr.ENOTFOUND {
		return err
	}
	items, err := s.store.Items(ctx, c.ID)
	if err != nil {
		return err
	}
	notes, err := s.store.Notifications(ctx, c.ID)
	if err != nil {
		return err
	}
	d := &dsr.Decision{CaseNumber: c.Number, Person: person, Lang: c.Language, ReceivedOn: c.ReceivedOn, DecidedOn: today,
		Kinds: c.Kinds, Statement: c.Change.Statement, Items: s.named(items), Notifications: notes}
	pdf, pages, err := s.renderer.DecisionBytes(d)
	if err != nil {
		return fmt.Errorf("case %s: decision letter: %w", c.ID, err)
	}
	subject := "Beslut om dina personuppgifter från Försäkringskassan, " + c.Number
	if c.Language == "en" {
		subject = "Decision about your personal data from Försäkringskassan, " + c.Number
	}
	l := &dsr.Letter{
		ID: pnr.OpaqueID(newID), CaseID: c.ID, Purpose: dsr.PurposeAnswer, Addressee: addressee, Key: key,
		Subject: subject, MessageID: newID(), Pages: pages, SHA256: sum(pdf),
	}
	l.AddressTo(person)
	_, _, err = s.store.CreateLetter(ctx, l, pdf, func(*dsr.Case) ([]dsr.AuditEvent, error) {
		return []dsr.AuditEvent{dsr.Event(actor, dsr.ActionLetterPrepared, c.ID, "letter="+l.ID+" purpose=answer refused="+fmt.Sprint(d.Refused()))}, nil
	})
	return err
}

// Items returns the items of a case to a person; the read is audited.
func (s *Service) Items(ctx context.Context, caseID string, actor dsr.Actor) ([]dsr.Item, error) {
	if err := dsr.Require(actor, dsr.PermReadCases); err != nil {
		return nil, err
	}
	if _, err := uuid.Parse(caseID); err != nil {
		return nil, errNoCase()
	}
	if _, err := s.store.ReadCase(ctx, caseID, dsr.Event(actor, dsr.ActionCaseRead, caseID, "items")); err != nil {
		return nil, err
	}
	return s.store.Items(ctx, caseID)
}

// NewItem is an item an officer adds to an evaluation: a record the engine
// did not find, or, with a value, a value the person says is wrong.
type NewItem struct {
	Register string
	Record   string
	Field    string // with Value: the field of a rectification
	Value    string // the right value, for a rectification
}

// AddItem adds an item the engine did not find to an evaluated case; the
// engine proposes its outcome and cites the ground, as for the others.
func (s *Service) AddItem(ctx context.Context, caseID string, n NewItem, actor dsr.Actor) (*dsr.Item, error) {
	c, err := s.caseFor(ctx, caseID, actor, dsr.PermHandle)
	if err != nil {
		return nil, err
	}
	today := dsr.Day(s.now())
	if err := c.Check(dsr.ActDecide, today); err != nil {
		return nil, err
	}
	regs, err := s.registersOf(ctx, c)
	if err != nil {
		return nil, err
	}
	req := exemptions.Request{Scope: []string{n.Register}, Grounds: c.Change.Grounds, Statement: c.Change.Statement}
	switch {
	case n.Value != "":
		req.Kinds = []dsr.Kind{dsr.KindRectify}
		req.Changes = []dsr.Change{{Register: n.Register, Record: n.Record, Field: n.Field, Value: n.Value}}
		if err := exemptions.Check(req.Kinds, dsr.ChangeRequest{Changes: req.Changes}, s.cat); err != nil {
			return nil, err
		}
	default:
		for _, k := range c.Kinds {
			if k != dsr.KindAccess && k != dsr.KindRectify {
				req.Kinds = append(req.Kinds, k)
			}
		}
		if _, ok := s.cat.Lookup(n.Register); !ok {
			return nil, dsr.FieldError("register", "change.unknown_register", "There is no register %q.", n.Register)
		}
	}
	items, err := exemptions.Evaluate(req, regs, today)
	if err != nil {
		return nil, err
	}
	var found *dsr.Item
	for i := range items {
		if items[i].Register == n.Register && items[i].Record == n.Record {
			found = &items[i]
			break
		}
	}
	if found == nil {
		return nil, dsr.FieldError("record", "item.no_record", "The register %s holds no such record about the person.", n.Register)
	}
	found.ID, found.CaseID = uuid.Must(uuid.NewV7()).String(), caseID
	err = s.store.AddItem(ctx, *found, func(c *dsr.Case) ([]dsr.AuditEvent, error) {
		if err := c.Check(dsr.ActDecide, today); err != nil {
			return nil, err
		}
		detail := fmt.Sprintf("item=%s register=%s record=%s field=%s proposed=%s", found.ID, found.Register, found.Record, found.Field, found.Proposed)
		return []dsr.AuditEvent{dsr.Event(actor, dsr.ActionItemAdded, c.ID, detail)}, nil
	})
	if err != nil {
		return nil, err
	}
	return found, nil
}
