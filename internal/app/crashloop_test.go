package app

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"dsrdesk/internal/config"
	"dsrdesk/internal/demodata"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/mailbox"
	"dsrdesk/internal/pnr"
	"dsrdesk/internal/printzip"
)

// loopUnit is one request the crash loop carries through the API, step by
// step: registered with its Idempotency-Key, then assembled or evaluated
// and executed, then sent.
type loopUnit struct {
	kind      dsr.Kind
	subject   pnr.PNR
	fictional bool // one of outboxPeople: the person has this case only
	key       string
	body      map[string]any
	statement string // a completion's statement, unique to the unit
	steps     []string
	next      int    // the step to do next; len(steps) when done
	cut       bool   // the server died during step next: it may have happened
	id        string // the case, once registered
}

func (u *loopUnit) done() bool { return u.next == len(u.steps) }

// reached reports whether step s is acknowledged (or maybe done, when maybe
// is set and the unit was cut during it).
func (u *loopUnit) reached(s string, maybe bool) bool {
	i := slices.Index(u.steps, s)
	return i >= 0 && (u.next > i || maybe && u.cut && u.next == i)
}

// loopCounts are what the crash loop checked.
type loopCounts struct {
	kills, intakes, intakesRetried, intakesMadeBeforeKill, retries  atomic.Int64
	executions, batchesAcked, batchPostsCut, inspections, zipChecks atomic.Int64
}

// crashLoop is the state of TestCrashLoop between kills.
type crashLoop struct {
	t        *testing.T
	srv      *server
	dir, sim string
	officer  string
	printer  string
	client   *http.Client
	rng      *rand.Rand
	rngMu    sync.Mutex
	n        loopCounts

	mu       sync.Mutex
	active   []*loopUnit // waiting for their next step
	finished []*loopUnit
	people   []pnr.PNR // fictional people not used yet
	serial   int
	demoBase map[pnr.PNR]int            // cases each demo subject had before the loop
	batches  map[string]map[string]bool // batch id → its letters, as first seen in the store
	acked    map[string]int             // batches the API made (201) → letters
	zipped   map[string]bool            // batches whose ZIP was downloaded and verified
	inZip    map[string]string          // letter → the batch ZIP that holds it
	retried  map[string]int             // step → times repeated after a kill
	failed   bool
}

func (l *crashLoop) intn(n int) int {
	l.rngMu.Lock()
	defer l.rngMu.Unlock()
	return l.rng.IntN(n)
}

// errDown is a request the server never answered: it died, or was down.
var errDown = errors.New("the server did not answer")

// call makes an API request with token; errDown when no answer came.
func (l *crashLoop) call(token, method, path string, header map[string]string, body any, out any) (int, []byte, error) {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, "http://"+l.srv.addr+path, r)
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := l.client.Do(req)
	if err != nil {
		return 0, nil, errDown
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, errDown
	}
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			l.t.Errorf("%s %s: %v", method, path, err)
		}
	}
	return resp.StatusCode, raw, nil
}

// step does the unit's next step once. A retry is the same request again:
// every one of them is safe to repeat.
func (l *crashLoop) step(u *loopUnit) error {
	retry := u.cut
	s := u.steps[u.next]
	var st int
	var raw []byte
	var err error
	switch s {
	case "intake":
		var c caseResp
		st, raw, err = l.call(l.officer, "POST", "/api/v1/cases", map[string]string{"Idempotency-Key": u.key}, u.body, &c)
		if err == nil && (st == http.StatusCreated || retry && st == http.StatusOK) {
			if st == http.StatusOK {
				l.n.intakesMadeBeforeKill.Add(1)
			}
			u.id = c.ID
			l.n.intakes.Add(1)
			if retry {
				l.n.intakesRetried.Add(1)
			}
			st = http.StatusOK
		}
	case "execute":
		st, raw, err = l.call(l.officer, "POST", "/api/v1/cases/"+u.id+"/execute", nil, nil, nil)
		if err == nil && st == http.StatusOK {
			l.n.executions.Add(1)
		}
	default: // extract, evaluation, send
		st, raw, err = l.call(l.officer, "POST", "/api/v1/cases/"+u.id+"/"+s, nil, nil, nil)
	}
	if err != nil {
		u.cut = true
		return err
	}
	if retry {
		l.n.retries.Add(1)
		l.mu.Lock()
		l.retried[s]++
		l.mu.Unlock()
	}
	if st != http.StatusOK {
		return fmt.Errorf("%s of a %s case (retry %v): %d %s", s, u.kind, retry, st, raw)
	}
	u.cut = false
	u.next++
	return nil
}

// newUnit makes the next request of the workload: mostly access requests
// of fictional people, and completions with a statement of their own for
// the demo people.
func (l *crashLoop) newUnit(demo []pnr.PNR) *loopUnit {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.serial++
	key := fmt.Sprintf("crashloop-%d", l.serial)
	if l.intn(4) == 0 || len(l.people) == 0 {
		p := demo[l.intn(len(demo))]
		statement := fmt.Sprintf("Yttrande %d: kontakten gällde något annat.", l.serial)
		return &loopUnit{kind: dsr.KindComplete, subject: p, key: key, statement: statement,
			body:  map[string]any{"kinds": []string{"completion"}, "subject": string(p), "channel": "letter", "statement": statement, "scope": map[string]any{"registers": []string{"kontakter"}}},
			steps: []string{"intake", "evaluation", "execute", "send"}}
	}
	p := l.people[0]
	l.people = l.people[1:]
	return &loopUnit{kind: dsr.KindAccess, subject: p, fictional: true, key: key,
		body:  map[string]any{"kinds": []string{"access"}, "subject": string(p), "channel": "letter", "subject_name": fmt.Sprintf("Krasch Loopsson %d", l.serial)},
		steps: []string{"intake", "extract", "send"}}
}

// work runs units until stop is closed: the units started and not done go
// back to the active list, cut or waiting for their next step.
func (l *crashLoop) work(stop <-chan struct{}, demo []pnr.PNR) {
	for {
		select {
		case <-stop:
			return
		default:
		}
		l.mu.Lock()
		var u *loopUnit
		if n := len(l.active); n > 0 {
			u, l.active = l.active[n-1], l.active[:n-1]
		}
		l.mu.Unlock()
		if u == nil {
			u = l.newUnit(demo)
		}
		l.runUnit(u, stop)
	}
}

// runUnit does the unit's steps until it is done, the server dies or stop
// is closed.
func (l *crashLoop) runUnit(u *loopUnit, stop <-chan struct{}) {
	for !u.done() {
		select {
		case <-stop:
			l.park(u)
			return
		default:
		}
		if err := l.step(u); errors.Is(err, errDown) {
			l.park(u)
			return
		} else if err != nil {
			l.t.Error(err)
			l.mu.Lock()
			l.failed = true
			l.mu.Unlock()
			return
		}
	}
	l.mu.Lock()
	l.finished = append(l.finished, u)
	l.mu.Unlock()
}

func (l *crashLoop) park(u *loopUnit) {
	l.mu.Lock()
	l.active = append(l.active, u)
	l.mu.Unlock()
}

// printBatches makes ordinary print batches as the print shop would, now
// and then, until stop is closed or the server dies.
func (l *crashLoop) printBatches(stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		case <-time.After(time.Duration(100+l.intn(300)) * time.Millisecond):
		}
		if _, err := l.makeBatch(); err != nil {
			l.n.batchPostsCut.Add(1)
			return
		}
	}
}

// makeBatch asks for a print batch of the letters queued; made is false
// when none were.
func (l *crashLoop) makeBatch() (made bool, err error) {
	var b struct {
		ID      string `json:"id"`
		Letters int    `json:"letters"`
	}
	st, raw, err := l.call(l.printer, "POST", "/api/v1/print/batches", nil, nil, &b)
	switch {
	case err != nil:
		return false, err
	case st == http.StatusCreated:
		l.mu.Lock()
		l.acked[b.ID] = b.Letters
		l.mu.Unlock()
		l.n.batchesAcked.Add(1)
		return true, nil
	case st != http.StatusConflict:
		l.t.Errorf("make a print batch: %d %s", st, raw)
	}
	return false, nil
}

// open opens the data folder in this process, with the real clock, while
// no server runs on it.
func (l *crashLoop) open() *App {
	l.t.Helper()
	cfg := config.Defaults()
	cfg.DataDir, cfg.MailboxURL = l.dir, l.sim
	a, err := New(context.Background(), cfg, zerolog.Nop(), time.Now)
	if err != nil {
		l.t.Fatalf("open the data folder: %v", err)
	}
	return a
}

// recoverCut repeats every step a kill cut short, as an officer whose
// request got no answer would: with the same Idempotency-Key, the same
// execution, the same send.
func (l *crashLoop) recoverCut() {
	l.mu.Lock()
	var cut []*loopUnit
	for _, u := range l.active {
		if u.cut {
			cut = append(cut, u)
		}
	}
	l.mu.Unlock()
	for _, u := range cut {
		if err := l.step(u); err != nil {
			l.t.Fatalf("repeating a step the kill cut short: %v", err)
		}
	}
}

// inspect opens the data folder of the dead server, as its restart will
// find it, and checks that nothing acknowledged was lost or doubled. A step
// the kill cut short may or may not have happened; strict (at the end)
// allows nothing open.
// casesOf counts the cases in the store about the person with the look-up
// hash h, reading the file itself: the store's own list of a person's
// cases stops at 500, and a demo person gets more than that in a long run.
func (l *crashLoop) casesOf(h string) int {
	l.t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(l.dir, "dsrdesk.db")+"?mode=ro")
	if err != nil {
		l.t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM cases WHERE subject_hmac = ?`, h).Scan(&n); err != nil {
		l.t.Fatal(err)
	}
	return n
}

func (l *crashLoop) inspect(strict bool) {
	t := l.t
	t.Helper()
	l.n.inspections.Add(1)
	ctx := context.Background()
	cfg := config.Defaults()
	cfg.DataDir, cfg.MailboxURL = l.dir, l.sim
	a, err := New(ctx, cfg, zerolog.Nop(), time.Now)
	if err != nil {
		// The restart opens the folder the same way, and fails the same way.
		journal := ""
		if _, serr := os.Stat(cfg.RegistersPath() + "-journal"); serr == nil {
			journal = " (the source registers hold a hot journal, " + filepath.Base(cfg.RegistersPath()) + "-journal, left by a change the kill cut short)"
		}
		t.Fatalf("after kill %d the data folder cannot be opened, as dsrdesk serve would open it on restart%s: %v", l.n.kills.Load(), journal, err)
	}
	defer a.Close()
	l.mu.Lock()
	defer l.mu.Unlock()
	units := append(slices.Clone(l.finished), l.active...)

	// Print batches: every one the API acknowledged is there; a batch's
	// letters are the ones it had when first seen.
	all, err := a.Store.Batches(ctx, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]dsr.PrintBatch{}
	for _, b := range all {
		byID[b.ID] = b
		if _, seen := l.batches[b.ID]; !seen {
			set := map[string]bool{}
			if err := a.Store.BatchLetters(ctx, b.ID, func(lt *dsr.Letter, _ []byte) error { set[lt.ID] = true; return nil }); err != nil {
				t.Fatal(err)
			}
			l.batches[b.ID] = set
		}
		if len(l.batches[b.ID]) != b.Count {
			t.Errorf("batch %s holds %d letters, and says %d", b.ID, len(l.batches[b.ID]), b.Count)
		}
	}
	for id, n := range l.acked {
		if b, ok := byID[id]; !ok || b.Count != n {
			t.Errorf("batch %s, acknowledged with %d letters, is gone or changed after a kill", id, n)
		}
	}

	// Cases of each subject: one per intake, never two.
	demoCases := map[pnr.PNR][2]int{} // subject → acknowledged, maybe
	for _, u := range units {
		if !u.reached("intake", true) {
			continue
		}
		if u.fictional {
			cs, err := a.Store.CasesBySubject(ctx, a.Hasher.Sum(u.subject))
			if err != nil {
				t.Fatal(err)
			}
			if want := 1; len(cs) != want && !(u.cut && u.next == 0 && len(cs) == 0) {
				t.Errorf("intake %s (cut %v): %d cases of its person, want %d", u.key, u.cut, len(cs), want)
			}
			if len(cs) == 1 && u.id != "" && cs[0].ID != u.id {
				t.Errorf("intake %s: the case acknowledged is not the one stored", u.key)
			}
			continue
		}
		n := demoCases[u.subject]
		if u.reached("intake", false) {
			n[0]++
		} else {
			n[1]++
		}
		demoCases[u.subject] = n
	}
	for p, n := range demoCases {
		if got := l.casesOf(a.Hasher.Sum(p)) - l.demoBase[p]; got < n[0] || got > n[0]+n[1] {
			t.Errorf("a demo person has %d new cases, want %d acknowledged and up to %d cut short", got, n[0], n[1])
		}
	}

	// Register changes: an acknowledged execution is recorded in the case
	// and made in the registers once.
	sections := map[pnr.PNR][]dsr.Section{}
	for _, u := range units {
		if u.id == "" || !u.reached("execute", true) {
			continue
		}
		items, err := a.Store.Items(ctx, u.id)
		if err != nil {
			t.Fatal(err)
		}
		secs, ok := sections[u.subject]
		if !ok {
			if secs, err = a.Registers.Sections(ctx, u.subject); err != nil {
				t.Fatal(err)
			}
			sections[u.subject] = secs
		}
		acked := u.reached("execute", false)
		statements := 0
		for _, s := range secs {
			for _, st := range s.Statements {
				if u.statement != "" && st.Text == u.statement {
					statements++
				}
			}
		}
		supplements := 0
		for _, it := range items {
			if acked && it.Outcome.Changes() && it.ExecutedAt == nil {
				t.Errorf("case %s: item %s executed (200) but not recorded", u.id, it.ID)
			}
			present, restricted := false, false
			for _, s := range secs {
				if s.Register.ID != it.Register {
					continue
				}
				if i := slices.Index(s.RecordIDs, it.Record); i >= 0 {
					present, restricted = true, s.Restricted[i]
				}
			}
			switch it.Outcome {
			case dsr.OutcomeSupplement:
				supplements++
			case dsr.OutcomeErase:
				if acked && present {
					t.Errorf("case %s: %s record %s erased (200) but still in the register", u.id, it.Register, it.Record)
				}
			case dsr.OutcomeRestrict:
				if acked && (!present || !restricted) {
					t.Errorf("case %s: %s record %s restricted (200) but not so in the register", u.id, it.Register, it.Record)
				}
			}
		}
		if statements > supplements || acked && statements != supplements {
			t.Errorf("case %s: its statement is in the registers %d times for %d items (execution acknowledged: %v)", u.id, statements, supplements, acked)
		}
	}

	// Letters: a case sent has its one answer, settled at most once (at
	// the end exactly once), on paper in the batch the store says.
	for _, u := range units {
		if u.id == "" {
			continue
		}
		letters, err := a.Store.CaseLetters(ctx, u.id)
		if err != nil {
			t.Fatal(err)
		}
		hist, err := a.Store.LetterHistories(ctx, u.id)
		if err != nil {
			t.Fatal(err)
		}
		answers := 0
		for _, lt := range letters {
			if lt.Purpose == dsr.PurposeAnswer {
				answers++
			}
			settles := 0
			for _, h := range hist[lt.ID] {
				if h.Status == dsr.LetterDelivered || h.Status == dsr.LetterQueued {
					settles++
				}
			}
			if settles > 1 || strict && settles != 1 {
				t.Errorf("case %s: letter %s settled %d times", u.id, lt.ID, settles)
			}
			if lt.BatchID != "" && !l.batches[lt.BatchID][lt.ID] {
				t.Errorf("case %s: letter %s is in batch %s, which does not list it", u.id, lt.ID, lt.BatchID)
			}
			if (lt.BatchID != "") != (lt.Status == dsr.LetterBatched) {
				t.Errorf("case %s: letter %s is %s with batch %q", u.id, lt.ID, lt.Status, lt.BatchID)
			}
			if strict && lt.Channel != dsr.DeliveryDigital && lt.Status != dsr.LetterBatched {
				t.Errorf("case %s: paper letter %s is %s at the end, in no batch", u.id, lt.ID, lt.Status)
			}
		}
		switch want := u.reached("send", false); {
		case want && answers != 1, !want && answers > 1,
			!want && answers == 1 && !u.reached("send", true) && u.kind == dsr.KindAccess:
			t.Errorf("case %s: %d answers (sent: %v, cut: %v)", u.id, answers, want, u.cut)
		}
	}
}

// checkBatches downloads the ZIP of every batch the store has that was not
// checked yet (all of them when all is set) and verifies it: a sound
// archive whose manifest lists the batch's letters, none of them in
// another batch's archive.
func (l *crashLoop) checkBatches(all bool) {
	t := l.t
	t.Helper()
	l.mu.Lock()
	var ids []string
	for id := range l.batches {
		if all || !l.zipped[id] {
			ids = append(ids, id)
		}
	}
	for id := range l.acked {
		if _, seen := l.batches[id]; !seen && !l.zipped[id] {
			ids = append(ids, id)
		}
	}
	l.mu.Unlock()
	if all {
		l.inZip = map[string]string{}
	}
	for _, id := range ids {
		st, raw, err := l.call(l.printer, "GET", "/api/v1/print/batches/"+id+"/export", nil, nil, nil)
		if err != nil || st != http.StatusOK {
			t.Fatalf("download batch %s: %d %s %v", id, st, raw, err)
		}
		l.n.zipChecks.Add(1)
		if err := printzip.Verify(bytes.NewReader(raw), int64(len(raw))); err != nil {
			t.Errorf("batch %s: %v", id, err)
			continue
		}
		zr, _ := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
		mf, err := zr.Open(printzip.ManifestName)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := printzip.ReadManifest(mf)
		mf.Close()
		if err != nil {
			t.Fatal(err)
		}
		l.mu.Lock()
		want := l.batches[id]
		if want == nil {
			want = map[string]bool{}
		}
		if n, ok := l.acked[id]; ok && n != len(rows) {
			t.Errorf("batch %s was acknowledged with %d letters; its ZIP has %d", id, n, len(rows))
		}
		if l.batches[id] != nil && len(rows) != len(want) {
			t.Errorf("batch %s: its ZIP lists %d letters, the store %d", id, len(rows), len(want))
		}
		for _, r := range rows {
			if l.batches[id] != nil && !want[r.RecordID] {
				t.Errorf("batch %s: its ZIP lists a letter the batch does not hold", id)
			}
			if other, twice := l.inZip[r.RecordID]; twice && other != id {
				t.Errorf("letter %s is in the ZIPs of batches %s and %s", r.RecordID, other, id)
			}
			l.inZip[r.RecordID] = id
		}
		l.zipped[id] = true
		l.mu.Unlock()
	}
}

// TestCrashLoop kills a real `dsrdesk serve` process with SIGKILL at random
// moments while officers register requests (with an Idempotency-Key),
// assemble extracts, evaluate and execute completions (a statement
// attached in the source registers) and an erasure and a restriction, send
// the answers, and the print shop makes batches, and starts it again on
// the same data folder. After each kill the folder is checked as the
// restart finds it: every acknowledged intake is one case, every
// acknowledged execution is recorded and made in the registers once, every
// answer is written once and settled at most once, every acknowledged
// batch is there with its letters. After each restart the steps the kill
// cut short are repeated as an officer would (the same request again), and
// every new batch's ZIP downloads and verifies, no letter in two. At the
// end the outbox drains, the last letters are batched, and every letter has
// settled once, every paper letter is in one batch's ZIP, the audit trail
// verifies, the database is intact and the server's log holds no identity
// number. DSRDESK_CRASHLOOP_KILLS sets the kills (make crash: 100),
// DSRDESK_CRASHLOOP_SEED repeats a run.
func TestCrashLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills real processes")
	}
	kills := envInt(t, "DSRDESK_CRASHLOOP_KILLS", 5)
	seed := uint64(envInt(t, "DSRDESK_CRASHLOOP_SEED", int(time.Now().UnixNano()%1_000_000)))
	t.Logf("seed %d (DSRDESK_CRASHLOOP_SEED repeats the choices, not the moments of the kills), %d kills", seed, kills)
	began := time.Now()
	ctx := context.Background()

	dir := t.TempDir()
	copySeeded(t, dir)
	accounts, err := mailbox.LoadAccounts(filepath.Join(dir, "mailbox-accounts.json"))
	if err != nil {
		t.Fatal(err)
	}
	sim := mailbox.NewSimulator(accounts)
	simSrv := httptest.NewServer(sim)
	defer simSrv.Close()
	tokens := demoTokens(t, dir, simSrv.URL)
	l := &crashLoop{t: t, dir: dir, sim: simSrv.URL, officer: tokens[dsr.RoleOfficer], printer: tokens[dsr.RolePrint],
		rng: rand.New(rand.NewPCG(seed, 10)), demoBase: map[pnr.PNR]int{}, batches: map[string]map[string]bool{},
		acked: map[string]int{}, zipped: map[string]bool{}, inZip: map[string]string{}, retried: map[string]int{}}

	// Fictional people with a digital mailbox (the population register
	// does not know them, so a paper letter would have no address); demo
	// people without protection or a guardian for the changes, whose
	// answers go digital or on paper as they would, one of them (the person
	// with LEFI disclosures) erased and one restricted, once each.
	l.people = outboxPeople(t, 20_000)
	for _, p := range l.people {
		sim.SetAccount(string(p), mailbox.Account{Operator: "Kivra", SenderAccepted: true})
	}
	var demo, candidates []pnr.PNR
	var erased, restricted pnr.PNR
	for _, p := range demodata.DemoPeople() {
		switch {
		case p.Protection.Protected(), p.GuardianPNR != "", strings.Contains(p.Note, "Long history"):
		case strings.Contains(p.Note, "LEFI"):
			erased = p.PNR
		default:
			candidates = append(candidates, p.PNR)
		}
	}
	{
		a := l.open()
		for _, p := range candidates {
			secs, err := a.Registers.Sections(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range secs {
				if s.Register.ID == "kontakter" && len(s.RecordIDs) > 0 {
					if restricted == "" {
						restricted = p
					} else {
						demo = append(demo, p)
					}
				}
			}
		}
		for _, p := range append([]pnr.PNR{erased, restricted}, demo...) {
			l.demoBase[p] = l.casesOf(a.Hasher.Sum(p))
		}
		a.Close()
	}
	if erased == "" || restricted == "" || len(demo) < 2 {
		t.Fatalf("the demo data lack people for the changes: %d", len(demo))
	}
	l.active = append(l.active,
		&loopUnit{kind: dsr.KindErasure, subject: erased, key: "crashloop-erasure", steps: []string{"intake", "evaluation", "execute", "send"},
			body: map[string]any{"kinds": []string{"erasure"}, "subject": string(erased), "channel": "letter", "grounds": []string{dsr.GroundConsentWithdrawn}}},
		&loopUnit{kind: dsr.KindRestriction, subject: restricted, key: "crashloop-restriction", steps: []string{"intake", "evaluation", "execute", "send"},
			body: map[string]any{"kinds": []string{"restriction"}, "subject": string(restricted), "channel": "letter", "grounds": []string{dsr.GroundContested}}})

	l.srv = newServer(t, dir, simSrv.URL)
	l.srv.start()
	defer func() {
		if l.srv.cmd.ProcessState == nil {
			l.srv.kill()
		}
	}()
	newClient := func() *http.Client {
		return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	}
	l.client = newClient()

	for k := 0; ; k++ {
		l.recoverCut()
		l.checkBatches(false)
		if k == kills || l.failed {
			break
		}
		// Four officers and the print shop work; the kill comes at a
		// random moment while they do.
		stop := make(chan struct{})
		var workers sync.WaitGroup
		for range 4 {
			workers.Go(func() { l.work(stop, demo) })
		}
		workers.Go(func() { l.printBatches(stop) })
		time.Sleep(time.Duration(300+l.intn(1200)) * time.Millisecond)
		l.srv.kill()
		close(stop)
		workers.Wait()
		l.client.CloseIdleConnections()
		l.n.kills.Add(1)
		l.inspect(false)
		l.srv.start()
		l.client = newClient()
	}
	if l.failed {
		t.FailNow()
	}

	// The end: every request still open is finished, the outbox drains,
	// and the print shop batches what is left.
	stop := make(chan struct{})
	l.mu.Lock()
	open := l.active
	l.active = nil
	l.mu.Unlock()
	for _, u := range open {
		l.runUnit(u, stop)
	}
	if len(l.active) > 0 || l.failed {
		t.Fatalf("%d requests could not be finished", len(l.active))
	}
	// The outbox drains: each look at a case's letters is an audited
	// read, so only those still on their way are looked at again.
	type letterState struct {
		Letters []struct {
			Status dsr.LetterStatus `json:"status"`
		} `json:"letters"`
	}
	unsettled := func(u *loopUnit) bool {
		var ls letterState
		if st, raw, err := l.call(l.officer, "GET", "/api/v1/cases/"+u.id+"/letters", nil, nil, &ls); err != nil || st != http.StatusOK {
			t.Fatalf("letters: %d %s %v", st, raw, err)
		}
		for _, lt := range ls.Letters {
			if lt.Status == dsr.LetterPending || lt.Status == dsr.LetterSending {
				return true
			}
		}
		return false
	}
	waiting := slices.Clone(l.finished)
	for drainStart := time.Now(); ; time.Sleep(500 * time.Millisecond) {
		waiting = slices.DeleteFunc(waiting, func(u *loopUnit) bool { return !unsettled(u) })
		if len(waiting) == 0 {
			break
		}
		if time.Since(drainStart) > 2*time.Minute {
			for _, u := range waiting {
				_, raw, _ := l.call(l.officer, "GET", "/api/v1/cases/"+u.id+"/letters", nil, nil, nil)
				t.Logf("case %s, letters still on their way: %s", u.id, raw)
			}
			if logs, err := os.ReadFile(l.srv.log.Name()); err == nil {
				var other []string // what the log says besides requests
				for _, line := range strings.Split(string(logs), "\n") {
					if line != "" && !strings.Contains(line, `"message":"request"`) && !strings.Contains(line, "background assembly") {
						other = append(other, line)
					}
				}
				t.Logf("the server's log, besides requests, ends:\n%s", strings.Join(other[max(0, len(other)-25):], "\n"))
			}
			t.Fatalf("after 2 minutes the outbox still has the letters of %d cases", len(waiting))
		}
	}
	for {
		made, err := l.makeBatch()
		if err != nil {
			t.Fatal(err)
		}
		if !made {
			break
		}
	}

	l.srv.stop()
	l.inspect(true)
	l.srv.start()
	l.checkBatches(true)
	l.srv.stop()

	// Digital letters: one message in the mailbox for each, none for a
	// fictional person whose answer went on paper.
	perRecipient := map[string]int{}
	for _, d := range sim.Delivered() {
		perRecipient[d.Recipient]++
	}
	a := l.open()
	letters, sent, digital, paper, executed, changed := 0, 0, 0, 0, 0, 0
	for _, u := range l.finished {
		ls, err := a.Store.CaseLetters(ctx, u.id)
		if err != nil {
			t.Fatal(err)
		}
		sent++
		for _, lt := range ls {
			letters++
			if lt.Channel == dsr.DeliveryDigital {
				digital++
			} else {
				paper++
				if l.inZip[lt.ID] == "" {
					t.Errorf("paper letter %s is in no batch's ZIP", lt.ID)
				}
			}
			if u.fictional && lt.Purpose == dsr.PurposeAnswer {
				if want := map[bool]int{true: 1, false: 0}[lt.Channel == dsr.DeliveryDigital]; perRecipient[string(u.subject)] != want {
					t.Errorf("case %s: the answer went %s and the mailbox holds %d messages for the person", u.id, lt.Channel, perRecipient[string(u.subject)])
				}
			}
		}
		if u.kind != dsr.KindAccess {
			executed++
			items, _ := a.Store.Items(ctx, u.id)
			for _, it := range items {
				if it.Outcome.Changes() {
					changed++
				}
			}
		}
	}
	a.Close()

	subjects := make([]pnr.PNR, 0, len(l.finished))
	for _, u := range l.finished {
		subjects = append(subjects, u.subject)
	}
	out := checkAfterKills(t, l.srv.bin, dir, l.srv.log.Name(), subjects)
	t.Logf("%d kills in %.0f s; %d inspections of the data folder after a kill", l.n.kills.Load(), time.Since(began).Seconds(), l.n.inspections.Load())
	t.Logf("cases: %d (%d intakes; %d cut by a kill and repeated with their Idempotency-Key, %d of which the server had made before it died); %d steps repeated after a kill in all %v",
		sent, l.n.intakes.Load(), l.n.intakesRetried.Load(), l.n.intakesMadeBeforeKill.Load(), l.n.retries.Load(), l.retried)
	t.Logf("register changes: %d cases executed (%d acknowledged executions), %d items that change a register, each checked in the registers",
		executed, l.n.executions.Load(), changed)
	t.Logf("letters: %d (%d digital, each one message in the mailbox; %d paper); batches: %d (%d acknowledged, %d requests cut by a kill), %d ZIP downloads verified",
		letters, digital, paper, len(l.batches), l.n.batchesAcked.Load(), l.n.batchPostsCut.Load(), l.n.zipChecks.Load())
	t.Logf("audit verify: %s; integrity_check ok; no identity number in the server's log", out)
}
