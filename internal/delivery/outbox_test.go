package delivery

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/rs/zerolog"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/mailbox"
	"dsrdesk/internal/pnr"
)

// batchMailbox answers look-ups in batches, as mailbox.Client does: every
// person is reachable but those in failing calls.
type batchMailbox struct {
	fakeMailbox
	calls  []int // people per AreReachable call
	single int   // IsReachable calls
	fail   map[int]bool
}

func (b *batchMailbox) AreReachable(_ context.Context, people []pnr.PNR) ([]mailbox.Reachability, error) {
	b.calls = append(b.calls, len(people))
	if b.fail[len(b.calls)] {
		return nil, dsr.Errorf(dsr.EUNAVAILABLE, "mailbox.unavailable", "The recipient lookup failed.")
	}
	out := make([]mailbox.Reachability, len(people))
	for i := range out {
		out[i] = mailbox.Reachability{Reachable: true, Operator: "Kivra"}
	}
	return out, nil
}

func (b *batchMailbox) IsReachable(context.Context, pnr.PNR) (mailbox.Reachability, error) {
	b.single++
	return mailbox.Reachability{}, errors.New("not a valid identity number")
}

// TestLookUpInBatches: the outbox asks about at most 1,000 people a call,
// each person once; a number the service cannot take is asked about alone,
// and a failed call fails the look-up of its own people only.
func TestLookUpInBatches(t *testing.T) {
	var folks []pnr.PNR
	for k := range 2000 {
		folks = append(folks, pnr.Complete(fmt.Sprintf("1950%02d%02d%03d", 1+k/280%12, 1+k/10%28, 980+k%10)))
	}
	seen := map[pnr.PNR]bool{}
	for _, p := range folks {
		if seen[p] || !p.Valid() {
			t.Fatalf("test people: %s repeated or invalid", p.Display())
		}
		seen[p] = true
	}
	good := pnr.Complete("19500101980")
	invalid := good[:11] + pnr.PNR(fmt.Sprint((int(good[11]-'0')+1)%10)) // a wrong check digit
	asked := append(append([]pnr.PNR{invalid}, folks...), folks[:5]...)
	mb := &batchMailbox{fail: map[int]bool{2: true}}
	s := newService(newStore(assembledCase()), people{}, mb, zerolog.Nop(), nil)
	answers := s.lookUp(context.Background(), asked)
	if len(mb.calls) != 2 || mb.calls[0] != 1000 || mb.calls[1] != 1000 || mb.single != 1 {
		t.Fatalf("calls of %v people and %d alone, want two of 1,000 and the invalid number alone", mb.calls, mb.single)
	}
	if len(answers) != 2001 {
		t.Fatalf("%d answers, want one per person", len(answers))
	}
	if a := answers[invalid]; a.err == nil {
		t.Error("the invalid number has an answer")
	}
	for i, p := range folks {
		a := answers[p]
		if failed := i >= 1000; (a.err != nil) != failed || (!failed && !a.reach.Reachable) {
			t.Fatalf("person %d: %+v, want failed=%t", i, a, failed)
		}
	}
}
