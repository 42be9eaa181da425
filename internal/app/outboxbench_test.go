package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"iter"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"dsrdesk/internal/deadline"
	"dsrdesk/internal/demodata"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/mailbox"
	"dsrdesk/internal/pnr"
	"dsrdesk/internal/sqlite"
)

// outboxPeople returns n fictional people who are not demo people:
// identity numbers with serials 980–989, born from 1931 on, one day per
// ten people.
func outboxPeople(t testing.TB, n int) []pnr.PNR {
	t.Helper()
	demo := map[pnr.PNR]bool{}
	for _, p := range demodata.DemoPeople() {
		demo[p.PNR] = true
	}
	born := time.Date(1931, 3, 1, 0, 0, 0, 0, time.UTC)
	out := make([]pnr.PNR, 0, n)
	for k := 0; len(out) < n; k++ {
		p := pnr.Complete(born.AddDate(0, 0, k/10).Format("20060102") + fmt.Sprintf("%03d", 980+k%10))
		if !p.Valid() || demo[p] {
			t.Fatalf("synthetic person %d is not usable", k)
		}
		out = append(out, p)
	}
	return out
}

// outboxCases stores one assembled access case for each of people (not
// in the population register, so their letters carry the name the case
// has) in one transaction, and returns the cases' ids in order.
func outboxCases(t testing.TB, e *env, people []pnr.PNR) []string {
	t.Helper()
	ids := make([]string, len(people))
	received := dsr.Day(testNow).AddDate(0, 0, -3)
	d := deadline.Calendar{}.Compute(received)
	cases := func(yield func(sqlite.BulkCase) bool) {
		for i, p := range people {
			ids[i] = uuid.Must(uuid.NewV7()).String()
			c := &dsr.Case{ID: ids[i], SubjectPNR: p, SubjectName: fmt.Sprintf("Utkorg Provsson %d", i), Language: "sv",
				Channel: dsr.ChannelLetter, Kinds: []dsr.Kind{dsr.KindAccess}, Status: dsr.StatusAssembled,
				ReceivedOn: received, TargetOn: d.TargetOn, DueOn: d.DueOn}
			if !yield(sqlite.BulkCase{Case: c, SubjectHMAC: e.app.Hasher.Sum(p)}) {
				return
			}
		}
	}
	n, err := e.app.Store.BulkCases(context.Background(), iter.Seq[sqlite.BulkCase](cases),
		dsr.Event(dsr.SystemActor, dsr.ActionCasesBulk, "", "outbox test cases"))
	if err != nil || n != len(people) {
		t.Fatalf("store cases: %d of %d, %v", n, len(people), err)
	}
	return ids
}

// queueAnswer writes the answer letter of a case into the outbox, as a send
// does: pending, due at once, with its own message id.
func queueAnswer(t testing.TB, e *env, caseID string, to dsr.Addressee, pdf []byte, due time.Time) *dsr.Letter {
	t.Helper()
	l, err := writeAnswer(e, caseID, to, pdf, due)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// writeAnswer is queueAnswer for any goroutine.
func writeAnswer(e *env, caseID string, to dsr.Addressee, pdf []byte, due time.Time) (*dsr.Letter, error) {
	sum := sha256.Sum256(pdf)
	l := &dsr.Letter{ID: pnr.OpaqueID(func() string { return uuid.Must(uuid.NewV7()).String() }), CaseID: caseID, Purpose: dsr.PurposeAnswer, Addressee: to,
		Key: dsr.LetterKey(caseID, dsr.PurposeAnswer, to), Subject: "Registerutdrag från Försäkringskassan",
		MessageID: uuid.Must(uuid.NewV7()).String(), Pages: 2, SHA256: hex.EncodeToString(sum[:]),
		AddressLines: []string{to.Name}, Country: "SE", NextTry: &due}
	if to.Kind == dsr.AddresseeOrganisation {
		l.Purpose, l.Key, l.Subject = dsr.PurposeArt19Notice, dsr.LetterKey(caseID, dsr.PurposeArt19Notice, to), "Underrättelse enligt artikel 19"
	}
	out, created, err := e.app.Store.CreateLetter(context.Background(), l, pdf, func(*dsr.Case) ([]dsr.AuditEvent, error) {
		return []dsr.AuditEvent{dsr.Event(dsr.SystemActor, dsr.ActionLetterPrepared, caseID, "letter="+l.ID+" purpose="+string(l.Purpose))}, nil
	})
	if err == nil && !created {
		err = fmt.Errorf("case %s has an answer already", caseID)
	}
	return out, err
}

// letterPDF is a real two-page answer: the extract of a demo person.
func letterPDF(t testing.TB, e *env) []byte {
	t.Helper()
	ctx := context.Background()
	officer := dsr.Actor{Kind: dsr.ActorStaff, ID: "bench", Role: dsr.RoleOfficer}
	p := person(t, func(p demodata.DemoPerson) bool {
		return p.Protection == dsr.ProtectionNone && !strings.Contains(p.Note, "Long history")
	})
	c, _, err := e.app.Cases.Create(ctx, casewReq(string(p.PNR)), officer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Extracts.Assemble(ctx, c.ID, officer); err != nil {
		t.Fatal(err)
	}
	pdf, _, err := e.app.Store.ExtractPDF(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

// TestOutboxLooksUpInBatches: the outbox asks the recipient look-up about
// the letters due for a route at most 1,000 people a call; a call that
// fails leaves only its own letters to a later run, and each letter takes
// the route its person's answer gives. A letter to an organisation is
// never looked up: it goes on paper though the case's person has a
// mailbox.
func TestOutboxLooksUpInBatches(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	const n = 1001
	people := outboxPeople(t, n+1)
	ids := outboxCases(t, e, people)
	reachable := map[pnr.PNR]bool{}
	for i, p := range people {
		if i%250 == 0 || i == n-1 { // one in the second call
			e.sim.SetAccount(string(p), mailbox.Account{Operator: "Kivra", SenderAccepted: true})
			reachable[p] = true
		}
	}
	pdf := []byte("%PDF-1.7\n% an answer\n")
	for i := range n {
		queueAnswer(t, e, ids[i], dsr.Addressee{Kind: dsr.AddresseeSubject, Name: fmt.Sprintf("Utkorg Provsson %d", i)}, pdf, testNow)
	}
	// The last case's Art. 19 notice to an insurer; its person has a mailbox.
	e.sim.SetAccount(string(people[n]), mailbox.Account{Operator: "Kivra", SenderAccepted: true})
	org := queueAnswer(t, e, ids[n], dsr.Addressee{Kind: dsr.AddresseeOrganisation, Name: "Exempelförsäkringar AB", Ref: "5560000001"}, pdf, testNow)

	// The first call fails four times over (every try the client makes).
	e.sim.ServerErrorNext(mailbox.OpIsReachable, 4, 503)
	handled, err := e.app.Delivery.RunOutbox(ctx, 2*n)
	if err != nil || handled != n+1 {
		t.Fatalf("first run: handled %d of %d, %v", handled, n+1, err)
	}
	if calls := e.sim.Calls(mailbox.OpIsReachable); calls != 5 {
		t.Fatalf("isReachable was called %d times, want 4 failed tries of the first 1,000 people and one call for the last", calls)
	}
	status := func(i int) dsr.Letter {
		t.Helper()
		ls, err := e.app.Store.CaseLetters(ctx, ids[i])
		if err != nil || len(ls) != 1 {
			t.Fatalf("case %d letters: %d, %v", i, len(ls), err)
		}
		return ls[0]
	}
	for i := range n - 1 {
		if l := status(i); l.Status != dsr.LetterPending || l.Tries != 1 || l.Channel != "" {
			t.Fatalf("letter %d after its look-up failed: %s %q tries %d", i, l.Status, l.Channel, l.Tries)
		}
	}
	if l := status(n - 1); l.Status != dsr.LetterDelivered || l.Channel != dsr.DeliveryDigital {
		t.Fatalf("the letter of the second call: %s %s", l.Status, l.Channel)
	}
	if l := status(n); l.Status != dsr.LetterQueued || l.Channel != dsr.DeliveryPostal || l.ID != org.ID {
		t.Fatalf("the organisation's letter: %s %s", l.Status, l.Channel)
	}
	hist, _ := e.app.Store.LetterHistories(ctx, ids[n])
	if h := hist[org.ID]; len(h) != 2 || h[1].Detail != "organisation: on paper" {
		t.Fatalf("the organisation's letter's history: %+v", h)
	}

	// After the backoff the rest are asked about in one call and routed.
	e.advance(time.Minute)
	if handled, err := e.app.Delivery.RunOutbox(ctx, 2*n); err != nil || handled != n-1 {
		t.Fatalf("second run: handled %d, %v", handled, err)
	}
	if calls := e.sim.Calls(mailbox.OpIsReachable); calls != 6 {
		t.Fatalf("isReachable calls after the second run: %d, want 6", calls)
	}
	digital := 0
	for i := range n {
		l := status(i)
		want := dsr.DeliveryPostal
		if reachable[people[i]] {
			want = dsr.DeliveryDigital
			digital++
		}
		if l.Channel != want || (l.Status != dsr.LetterDelivered && l.Status != dsr.LetterQueued) {
			t.Fatalf("letter %d: %s %s, want %s", i, l.Status, l.Channel, want)
		}
	}
	if got := len(e.sim.Delivered()); got != digital {
		t.Fatalf("the mailbox holds %d messages, want %d", got, digital)
	}
	t.Logf("%d letters routed: %d digital, %d on paper, 1 organisation on paper; %d isReachable calls", n, digital, n-digital, e.sim.Calls(mailbox.OpIsReachable))
}

// BenchmarkOutbox10000 puts 10,000 answer letters to 10,000 people who all
// have a digital mailbox through the outbox to the mailbox simulator over
// real HTTP. Each letter is written as a send writes it (pending and due,
// in its own durable transaction, with its PDF: a real two-page extract);
// the outbox (RunOutbox, 200 letters a run) looks the people up in
// batches, records each route, delivers each letter and records its
// receipt, audited. letters/s is 10,000 over the time from the first
// letter written to the last delivered.
//
// while-queueing writes the letters from four goroutines, as officers'
// sends do, while the outbox runs, as in the running product;
// queued-first writes them all and then lets the outbox deliver them, and
// also reports the two parts apart (queue-letters/s, deliver-letters/s).
func BenchmarkOutbox10000(b *testing.B) {
	const n = 10_000
	ctx := context.Background()
	// setup makes a fresh store with n cases and the mailbox accounts of
	// their people; it is not timed.
	setup := func(b *testing.B) (*env, []string, []byte) {
		e := newEnv(b)
		pdf := letterPDF(b, e)
		people := outboxPeople(b, n)
		for _, p := range people {
			e.sim.SetAccount(string(p), mailbox.Account{Operator: "Kivra", SenderAccepted: true})
		}
		return e, outboxCases(b, e, people), pdf
	}
	to := func(i int) dsr.Addressee {
		return dsr.Addressee{Kind: dsr.AddresseeSubject, Name: fmt.Sprintf("Utkorg Provsson %d", i)}
	}
	check := func(b *testing.B, e *env, total int) {
		if total != n || len(e.sim.Delivered()) != n {
			b.Fatalf("the outbox took %d letters and the mailbox holds %d, want %d", total, len(e.sim.Delivered()), n)
		}
	}

	b.Run("while-queueing", func(b *testing.B) {
		var took time.Duration
		var kB float64
		for b.Loop() {
			b.StopTimer()
			e, ids, pdf := setup(b)
			kB = float64(len(pdf)) / 1000
			b.StartTimer()

			start := time.Now()
			next := make(chan int)
			var writers sync.WaitGroup
			var failed atomic.Value
			for range 4 {
				writers.Go(func() {
					for i := range next {
						if _, err := writeAnswer(e, ids[i], to(i), pdf, testNow); err != nil {
							failed.Store(err)
						}
					}
				})
			}
			go func() {
				for i := range ids {
					next <- i
				}
				close(next)
			}()
			total := 0
			for total < n && failed.Load() == nil {
				k, err := e.app.Delivery.RunOutbox(ctx, 200)
				if err != nil {
					b.Fatal(err)
				}
				if k == 0 {
					time.Sleep(10 * time.Millisecond) // nothing due yet
				}
				total += k
			}
			writers.Wait()
			if err := failed.Load(); err != nil {
				b.Fatal(err)
			}
			took += time.Since(start)

			b.StopTimer()
			check(b, e, total)
			b.StartTimer()
		}
		b.ReportMetric(float64(n*b.N)/took.Seconds(), "letters/s")
		b.ReportMetric(kB, "pdf-kB")
		b.ReportMetric(0, "ns/op")
	})

	b.Run("queued-first", func(b *testing.B) {
		var queued, delivered time.Duration
		for b.Loop() {
			b.StopTimer()
			e, ids, pdf := setup(b)
			b.StartTimer()

			start := time.Now()
			for i, id := range ids {
				queueAnswer(b, e, id, to(i), pdf, testNow)
			}
			mid := time.Now()
			total := 0
			for {
				k, err := e.app.Delivery.RunOutbox(ctx, 200)
				if err != nil {
					b.Fatal(err)
				}
				if k == 0 {
					break
				}
				total += k
			}
			queued += mid.Sub(start)
			delivered += time.Since(mid)

			b.StopTimer()
			check(b, e, total)
			b.StartTimer()
		}
		b.ReportMetric(float64(n*b.N)/(queued+delivered).Seconds(), "letters/s")
		b.ReportMetric(float64(n*b.N)/queued.Seconds(), "queue-letters/s")
		b.ReportMetric(float64(n*b.N)/delivered.Seconds(), "deliver-letters/s")
		b.ReportMetric(0, "ns/op")
	})
}
