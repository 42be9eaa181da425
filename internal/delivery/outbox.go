package delivery

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/mailbox"
	"dsrdesk/internal/pnr"
)

// The outbox's rules: how many times a digital delivery (or the look-up
// before it) is tried before the letter goes on paper, and how long it
// waits between tries: firstWait (30 s unless configured) after the first
// failed try, doubling after each further one, never more than maxWait.
const (
	maxTries         = 5
	defaultFirstWait = 30 * time.Second
	maxWait          = 30 * time.Minute
)

// outboxWorkers is how many cases' letters the outbox takes further at
// once: a delivery mostly waits for the mailbox service, while the store
// writes one transaction at a time.
const outboxWorkers = 8

// lookupBatch is how many people the outbox asks the recipient look-up
// about in one call: isReachable takes at most 1,000.
const lookupBatch = mailbox.MaxLookupRecipients

// outbox is the outbox's state within one process: its wait between tries
// and the letters being taken further right now. A letter is taken by one
// goroutine at a time, so that a send from a handler and the background
// run never decide or deliver the same letter side by side (the store's
// guarded moves stop a second route, but not a paper fallback racing a
// delivery that is under way).
type outbox struct {
	firstWait time.Duration

	mu     sync.Mutex
	inHand map[string]chan struct{} // letter id → closed when it is let go
}

// backoff is how long the outbox waits after the tries-th failed try.
func (s *Service) backoff(tries int) time.Duration {
	first := s.outbox.firstWait
	if first <= 0 {
		first = defaultFirstWait
	}
	d := first << (tries - 1)
	if d <= 0 || d > maxWait {
		return maxWait
	}
	return d
}

// take takes the letter with id in hand, waiting while another goroutine
// has it when wait is true; otherwise it reports false at once. The
// caller lets it go with the returned function.
func (o *outbox) take(ctx context.Context, id string, wait bool) (release func(), ok bool, err error) {
	for {
		o.mu.Lock()
		busy, held := o.inHand[id]
		if !held {
			if o.inHand == nil {
				o.inHand = map[string]chan struct{}{}
			}
			done := make(chan struct{})
			o.inHand[id] = done
			o.mu.Unlock()
			return func() {
				o.mu.Lock()
				delete(o.inHand, id)
				o.mu.Unlock()
				close(done)
			}, true, nil
		}
		o.mu.Unlock()
		if !wait {
			return nil, false, nil
		}
		select {
		case <-busy:
		case <-ctx.Done():
			return nil, false, ctx.Err()
		}
	}
}

// lookup is the recipient look-up's answer for one person, or why there
// is none.
type lookup struct {
	reach mailbox.Reachability
	err   error
}

// batchLookup is a mailbox that asks about many people in one call, as
// isReachable allows (mailbox.Client.AreReachable). A mailbox without it
// is asked about one person at a time.
type batchLookup interface {
	AreReachable(ctx context.Context, people []pnr.PNR) ([]mailbox.Reachability, error)
}

// lookUp asks the recipient look-up about people, at most lookupBatch in
// one call. A failed call fails the look-up of the people it asked about,
// and only theirs; a number the look-up cannot take is asked about alone,
// so that it cannot fail the others' call.
func (s *Service) lookUp(ctx context.Context, people []pnr.PNR) map[pnr.PNR]lookup {
	out := make(map[pnr.PNR]lookup, len(people))
	batch, ok := s.mailbox.(batchLookup)
	var valid []pnr.PNR
	for _, p := range people {
		if _, seen := out[p]; seen {
			continue
		}
		if !ok || !p.Valid() {
			r, err := s.mailbox.IsReachable(ctx, p)
			out[p] = lookup{reach: r, err: err}
			continue
		}
		out[p] = lookup{} // asked below
		valid = append(valid, p)
	}
	for start := 0; start < len(valid); start += lookupBatch {
		chunk := valid[start:min(start+lookupBatch, len(valid))]
		answers, err := batch.AreReachable(ctx, chunk)
		if err == nil && len(answers) != len(chunk) {
			err = fmt.Errorf("the look-up answered %d people of %d", len(answers), len(chunk))
		}
		if err != nil {
			s.log.Warn().Err(err).Int("recipients", len(chunk)).Msg("digital mailbox look-up failed; the outbox tries again")
		}
		for i, p := range chunk {
			if err != nil {
				out[p] = lookup{err: err}
			} else {
				out[p] = lookup{reach: answers[i]}
			}
		}
	}
	return out
}

// deliver takes a letter one step further on its way, as the outbox does:
// a letter written but not routed gets its route, decided once and
// recorded (the digital mailbox when the person is reachable there,
// otherwise paper: the protected route for a person with protected
// identity, the ordinary one for everyone else); a letter routed to the
// mailbox is delivered with its message id, the same on every try, so the
// operator never delivers it twice. A failed try is retried with backoff;
// the last failed try sends the letter on paper, unless a try may have got
// it to the operator though no receipt came (a timeout, a lost answer, a
// crash during the try): that letter stays with the mailbox until the
// service answers, so that no one gets it both ways. The route is not
// decided again at a retry, even when the person became unreachable
// meanwhile. A letter that has left is answered as it is.
//
// A letter to an organisation (an Art. 19 notice to an insurer or an
// authority) is never looked up in the digital mailbox: the mailbox is for
// people, and the case's person is not its addressee. It goes on ordinary
// paper to the organisation's address.
func (s *Service) deliver(ctx context.Context, c *dsr.Case, l *dsr.Letter, actor dsr.Actor) (Result, error) {
	res, _, err := s.step(ctx, c, l, nil, true, actor)
	return res, err
}

// prepared is what the outbox found out about a letter before taking it:
// its recipient in the population register and, when it needs a route,
// the look-up's answer (the outbox asks about many people at once).
type prepared struct {
	person dsr.Person
	look   lookup
	asked  bool
}

// step is deliver for one letter, with what is known of it beforehand
// (pre, or nil: it is found out here). wait says whether to wait for a
// letter another goroutine has in hand; without it such a letter is left
// to that goroutine and step reports false.
func (s *Service) step(ctx context.Context, c *dsr.Case, l *dsr.Letter, pre *prepared, wait bool, actor dsr.Actor) (Result, bool, error) {
	if l.Status != dsr.LetterPending && l.Status != dsr.LetterSending {
		return Result{Channel: l.Channel, Receipt: l.Receipt, Letter: l}, true, nil
	}
	release, ok, err := s.outbox.take(ctx, l.ID, wait)
	if err != nil || !ok {
		return Result{}, false, err
	}
	defer release()
	// While this goroutine waited or looked up, another may have taken
	// the letter further: go on from where the store has it.
	if l, err = s.store.LetterByKey(ctx, l.Key); err != nil {
		return Result{}, true, err
	}
	if l.Status != dsr.LetterPending && l.Status != dsr.LetterSending {
		return Result{Channel: l.Channel, Receipt: l.Receipt, Letter: l}, true, nil
	}
	log := s.log.With().Str("case_id", c.ID).Str("letter_id", l.ID).Logger()
	if l.Addressee.Kind == dsr.AddresseeOrganisation {
		// Even one routed to the mailbox by an older version goes on
		// paper: the mailbox would have been the person's, not the
		// organisation's.
		res, err := s.settle(ctx, l, dsr.DeliveryPostal, "", "organisation: on paper", l.Tries, actor, log)
		return res, true, err
	}
	if pre == nil {
		pre = &prepared{}
		if pre.person, err = s.recipient(ctx, c); err != nil {
			return Result{}, true, err
		}
	}
	if l.Status == dsr.LetterSending {
		// A try after the first is recorded before it starts (the
		// route is the first one's record): a try that a crash cuts off
		// then shows as a start without an outcome, and the letter is
		// never sent on paper as though the mailbox surely lacked it.
		now := s.now()
		l, moved, err := s.store.MoveLetter(ctx, l.ID, []dsr.LetterStatus{dsr.LetterSending},
			dsr.LetterMove{Status: dsr.LetterSending, Tries: l.Tries, NextTry: &now, Detail: fmt.Sprintf("%s%d", tryStarted, l.Tries+1)}, nil)
		if err != nil {
			return Result{}, true, err
		}
		if !moved {
			return Result{Channel: l.Channel, Receipt: l.Receipt, Letter: l}, true, nil
		}
		res, err := s.attempt(ctx, c, l, pre.person, actor)
		return res, true, err
	}
	if !pre.asked {
		pre.look.reach, pre.look.err = s.mailbox.IsReachable(ctx, pre.person.PNR)
	}
	res, err := s.route(ctx, c, l, pre.person, pre.look, actor)
	return res, true, err
}

// paperRoute is the print route for the recipient.
func paperRoute(p dsr.Person) dsr.DeliveryChannel {
	if p.Protection.Protected() {
		return dsr.DeliveryProtected
	}
	return dsr.DeliveryPostal
}

// route decides a pending letter's route from the look-up's answer and
// records it; a letter routed to the mailbox is then tried at once.
func (s *Service) route(ctx context.Context, c *dsr.Case, l *dsr.Letter, person dsr.Person, look lookup, actor dsr.Actor) (Result, error) {
	log := s.log.With().Str("case_id", c.ID).Str("letter_id", l.ID).Logger()
	switch {
	case look.err != nil:
		log.Warn().Err(look.err).Msg("digital mailbox look-up failed; the outbox tries again")
		return s.retry(ctx, l, "recipient look-up failed", paperRoute(person), false, actor, log)
	case !look.reach.Reachable:
		return s.settle(ctx, l, paperRoute(person), "", "not reachable: "+look.reach.Reason, l.Tries, actor, log)
	}
	// The route is recorded before the first try, due at once, so that a
	// crash during the try leaves the letter to the next run on the same
	// route.
	now := s.now()
	l, moved, err := s.store.MoveLetter(ctx, l.ID, []dsr.LetterStatus{dsr.LetterPending},
		dsr.LetterMove{Status: dsr.LetterSending, Channel: dsr.DeliveryDigital, NextTry: &now, Detail: routedDigital}, nil)
	if err != nil {
		return Result{}, err
	}
	if !moved && l.Status == dsr.LetterPending {
		return Result{}, fmt.Errorf("letter %s: could not be routed", l.ID)
	}
	if l.Status != dsr.LetterSending { // another worker took it further
		return Result{Channel: l.Channel, Receipt: l.Receipt, Letter: l}, nil
	}
	return s.attempt(ctx, c, l, person, actor)
}

// message is a letter as a message to the digital mailbox in the case's
// language: the letter's subject line, a short text saying the letter is
// attached, and its PDF. A Swedish message takes the client's text.
func message(c *dsr.Case, l *dsr.Letter, to pnr.PNR, pdf []byte) mailbox.Message {
	m := mailbox.Message{ID: l.MessageID, Recipient: to, Subject: l.Subject,
		Attachments: []mailbox.Attachment{{Filename: c.Number + ".pdf", ContentType: mailbox.ContentTypePDF, Body: pdf}}}
	if c.Language == "en" {
		m.Language = "enGB"
		m.Body = "You have received a letter from " + dsr.Agency.Name.EN + ". The letter is in the attached PDF file."
	}
	return m
}

// attempt tries once to deliver a letter routed to the digital mailbox.
func (s *Service) attempt(ctx context.Context, c *dsr.Case, l *dsr.Letter, person dsr.Person, actor dsr.Actor) (Result, error) {
	log := s.log.With().Str("case_id", c.ID).Str("letter_id", l.ID).Logger()
	pdf, err := s.store.LetterPDF(ctx, l.ID)
	if err != nil {
		return Result{}, err
	}
	rc, err := s.mailbox.Send(ctx, message(c, l, person.PNR, pdf))
	switch {
	case err == nil:
		return s.settle(ctx, l, dsr.DeliveryDigital, rc.TransactionID, "operator "+rc.Operator, l.Tries+1, actor, log)
	case mailbox.MaybeDelivered(err):
		// The operator may have the letter: only another try with the
		// same message id can tell.
		log.Warn().Err(err).Int("tries", l.Tries+1).Msg("digital delivery failed and the mailbox may have the letter; the outbox tries again")
		return s.retry(ctx, l, "digital delivery failed", paperRoute(person), true, actor, log)
	case !mailbox.Transient(err):
		// The operator refused the letter: no retry changes that, and a
		// letter it had taken before would have been answered with its
		// receipt, so paper cannot make a second one.
		log.Warn().Err(err).Msg("digital delivery refused; sending on paper")
		return s.settle(ctx, l, paperRoute(person), "", "digital delivery refused", l.Tries+1, actor, log)
	}
	log.Warn().Err(err).Int("tries", l.Tries+1).Msg("digital delivery failed; the outbox tries again")
	return s.retry(ctx, l, "digital delivery failed", paperRoute(person), false, actor, log)
}

// The details of a letter's history the outbox reads back: a try's start
// (the route's record for the first try, tryStarted for each after it)
// and a failure after which the mailbox may have the letter.
const (
	routedDigital  = "route: digital mailbox"
	tryStarted     = "digital delivery: try "
	outcomeUnknown = "outcome unknown"
)

// retry records a failed try and when the outbox tries again; the last
// failed try sends the letter on paper, unless the mailbox may have it
// (unknown, for this try, or a try before it): that letter is tried again
// every backoff(maxTries) until the service answers, with the receipt of
// the delivery it had or a refusal.
func (s *Service) retry(ctx context.Context, l *dsr.Letter, reason string, paper dsr.DeliveryChannel, unknown bool, actor dsr.Actor, log zerolog.Logger) (Result, error) {
	tries := l.Tries + 1
	detail := fmt.Sprintf("%s (try %d of %d)", reason, tries, maxTries)
	if unknown {
		detail = fmt.Sprintf("%s, %s (try %d of %d)", reason, outcomeUnknown, tries, maxTries)
	}
	if tries >= maxTries {
		if !unknown && l.Status == dsr.LetterSending {
			var err error
			if unknown, err = s.mayHaveLetter(ctx, l); err != nil {
				return Result{}, err
			}
		}
		if !unknown {
			return s.settle(ctx, l, paper, "", fmt.Sprintf("%s %d times: on paper", reason, tries), tries, actor, log)
		}
		detail = fmt.Sprintf("%s %d times, %s: the mailbox may have the letter, so the outbox tries again until the service answers", reason, tries, outcomeUnknown)
		log.Warn().Int("tries", tries).Msg("the mailbox may have the letter; it stays in the outbox")
	}
	next := s.now().Add(s.backoff(min(tries, maxTries)))
	l, _, err := s.store.MoveLetter(ctx, l.ID, []dsr.LetterStatus{l.Status},
		dsr.LetterMove{Status: l.Status, Tries: tries, NextTry: &next, Detail: detail}, nil)
	if err != nil {
		return Result{}, err
	}
	return Result{Channel: l.Channel, Receipt: l.Receipt, Letter: l}, nil
}

// mayHaveLetter reads a letter's history for a try whose outcome is not
// known: one that failed so (outcomeUnknown), or one whose start is
// followed by another start, with no outcome between (the process ended
// during it).
func (s *Service) mayHaveLetter(ctx context.Context, l *dsr.Letter) (bool, error) {
	hist, err := s.store.LetterHistories(ctx, l.CaseID)
	if err != nil {
		return false, err
	}
	started := false
	for _, e := range hist[l.ID] {
		switch {
		case strings.Contains(e.Detail, outcomeUnknown):
			return true, nil
		case e.Detail == routedDigital || strings.HasPrefix(e.Detail, tryStarted):
			if started {
				return true, nil
			}
			started = true
		default:
			started = false
		}
	}
	return false, nil
}

// RunOutbox takes every letter whose next try has come one step further
// (deliver), at most limit of them, and returns how many it handled. The
// letters that still need a route are looked up together first, at most
// 1,000 people a call. The background job calls it every few seconds; a
// crash anywhere leaves each letter where its last transaction put it,
// and the next run goes on from there. A letter that a send is taking
// further at the same moment is left to it.
func (s *Service) RunOutbox(ctx context.Context, limit int) (int, error) {
	due, err := s.store.DueLetters(ctx, s.now(), limit)
	if err != nil {
		return 0, err
	}
	cases := map[string]*dsr.Case{}
	people := map[string]dsr.Person{} // by case id: whom its letters go to
	pre := make([]*prepared, len(due))
	var ask []pnr.PNR
	for i := range due {
		l := &due[i]
		c, ok := cases[l.CaseID]
		if !ok {
			if c, err = s.store.Case(ctx, l.CaseID); err != nil {
				return 0, err
			}
			cases[l.CaseID] = c
		}
		if l.Addressee.Kind == dsr.AddresseeOrganisation {
			continue
		}
		p, ok := people[c.ID]
		if !ok {
			if p, err = s.recipient(ctx, c); err != nil {
				continue // step meets it again, and says so
			}
			people[c.ID] = p
		}
		pre[i] = &prepared{person: p}
		if l.Status == dsr.LetterPending {
			ask = append(ask, p.PNR)
		}
	}
	answers := s.lookUp(ctx, ask)
	for i := range due {
		if pre[i] != nil && due[i].Status == dsr.LetterPending {
			pre[i].look, pre[i].asked = answers[pre[i].person.PNR]
		}
	}
	// The letters of one case go one after the other, in the order the
	// store gives them (a partial refusal's decision before its extract);
	// the cases go side by side.
	byCase := map[string][]int{}
	var order []string
	for i := range due {
		id := due[i].CaseID
		if _, ok := byCase[id]; !ok {
			order = append(order, id)
		}
		byCase[id] = append(byCase[id], i)
	}
	var n atomic.Int64
	work := make(chan []int)
	var wg sync.WaitGroup
	for range min(outboxWorkers, len(order)) {
		wg.Go(func() {
			for letters := range work {
				for _, i := range letters {
					l := &due[i]
					_, took, err := s.step(ctx, cases[l.CaseID], l, pre[i], false, dsr.SystemActor)
					if err != nil {
						s.log.Warn().Err(err).Str("letter_id", l.ID).Msg("outbox: the letter waits for the next run")
						continue
					}
					if took {
						n.Add(1)
					}
				}
			}
		})
	}
	for _, id := range order {
		work <- byCase[id]
	}
	close(work)
	wg.Wait()
	return int(n.Load()), nil
}
