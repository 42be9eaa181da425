package app

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"dsrdesk/internal/config"
	"dsrdesk/internal/demodata"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/mailbox"
	"dsrdesk/internal/pnr"
)

// envInt reads a whole number from the environment, or def.
func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		t.Fatalf("%s must be a whole number", name)
	}
	return n
}

// server is a real `dsrdesk serve` process on a data folder, started
// again after each kill on the same folder and address.
type server struct {
	t    *testing.T
	bin  string
	dir  string
	addr string
	sim  string // the mailbox service's URL
	log  *os.File
	cmd  *exec.Cmd
}

// newServer builds dsrdesk and readies a server on the data folder dir,
// at a free address, with the mailbox service at sim and its log in a
// temporary file; start starts it.
func newServer(t *testing.T, dir, sim string) *server {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "dsrdesk")
	if out, err := exec.Command("go", "build", "-o", bin, "dsrdesk/cmd/dsrdesk").CombinedOutput(); err != nil {
		t.Fatalf("build dsrdesk: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	logFile, err := os.Create(filepath.Join(t.TempDir(), "serve.log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { logFile.Close() })
	return &server{t: t, bin: bin, dir: dir, addr: addr, sim: sim, log: logFile}
}

// demoTokens makes a bearer token for each demo user's role in the data
// folder dir, before a server starts on it.
func demoTokens(t *testing.T, dir, sim string) map[dsr.Role]string {
	t.Helper()
	cfg := config.Defaults()
	cfg.DataDir, cfg.MailboxURL = dir, sim
	a, err := New(context.Background(), cfg, zerolog.Nop(), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	tokens := map[dsr.Role]string{}
	for _, u := range DemoUsers() {
		if tokens[u.Role], err = a.Auth.CreateToken(context.Background(), u.Email, dsr.SystemActor); err != nil {
			t.Fatal(err)
		}
	}
	return tokens
}

// start starts the process and waits until it answers /healthz.
func (s *server) start() {
	s.t.Helper()
	cmd := exec.Command(s.bin, "serve", "--addr", s.addr, "--data", s.dir, "--mailbox-url", s.sim)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DSRDESK_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	// A documented setting each: the outbox's first wait between tries
	// (30 s by default) short enough for a test, and no DPO sign-off, so
	// that a protected person's answer leaves without a second person.
	cmd.Env = append(cmd.Env, "DSRDESK_OUTBOX_BACKOFF=250ms", "DSRDESK_REQUIRE_SIGNOFF=off", "DSRDESK_LOG_LEVEL=info",
		// The test sends as fast as it can from one token.
		"DSRDESK_API_RATE=1000000", "DSRDESK_API_BURST=1000000")
	cmd.Stdout, cmd.Stderr = io.Discard, s.log
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.cmd = cmd
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get("http://" + s.addr + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
	}
	s.t.Fatal("dsrdesk serve did not come up")
}

// kill ends the process at once, as a power cut would.
func (s *server) kill() {
	s.t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		s.t.Fatal(err)
	}
	_ = s.cmd.Wait()
}

// stop ends the process as an operator would, and checks it stopped cleanly.
func (s *server) stop() {
	s.t.Helper()
	_ = s.cmd.Process.Signal(os.Interrupt)
	if err := s.cmd.Wait(); err != nil {
		s.t.Fatalf("dsrdesk serve did not stop cleanly: %v", err)
	}
}

// crashCase is a case of the crash test and whom it is about.
type crashCase struct {
	id      string
	subject pnr.PNR
	want    []dsr.DeliveryChannel // the channels its answer may take
}

// TestOutboxSurvivesKills sends the answers of many cases through a real
// `dsrdesk serve` process while the mailbox service fails on purpose (5xx,
// calls that hang, answers lost after the message was stored, people who
// stop accepting the sender between the look-up and the delivery or
// between two tries) and the process is killed with SIGKILL at random
// moments and started again on the same data folder. The background
// outbox finishes the work. Then every letter has reached the mailbox or
// the print queue exactly once: the mailbox holds one message for each
// letter delivered and none for a letter on paper, each case has one
// answer with the route it may take, the audit trail verifies and the
// database is intact. DSRDESK_CRASH_KILLS and DSRDESK_CRASH_CASES make it
// longer (make crash); DSRDESK_CRASH_SEED repeats a run.
func TestOutboxSurvivesKills(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills real processes")
	}
	kills := envInt(t, "DSRDESK_CRASH_KILLS", 3)
	total := max(envInt(t, "DSRDESK_CRASH_CASES", 40), 12)
	seed := uint64(envInt(t, "DSRDESK_CRASH_SEED", int(time.Now().UnixNano()%1_000_000)))
	rng := rand.New(rand.NewPCG(seed, 9))
	var rngMu sync.Mutex
	randN := func(n int) int {
		rngMu.Lock()
		defer rngMu.Unlock()
		return rng.IntN(n)
	}
	t.Logf("seed %d (DSRDESK_CRASH_SEED repeats this run), %d cases, %d kills", seed, total, kills)

	dir := t.TempDir()
	copySeeded(t, dir)

	// The mailbox service, in this process: it outlives every kill.
	accounts, err := mailbox.LoadAccounts(filepath.Join(dir, "mailbox-accounts.json"))
	if err != nil {
		t.Fatal(err)
	}
	sim := mailbox.NewSimulator(accounts)
	sim.HangLimit = 700 * time.Millisecond
	simSrv := httptest.NewServer(sim)
	defer simSrv.Close()

	// An officer's token, made before the server starts.
	token := demoTokens(t, dir, simSrv.URL)[dsr.RoleOfficer]
	srv := newServer(t, dir, simSrv.URL)
	addr, bin, logFile := srv.addr, srv.bin, srv.log
	srv.start()
	defer func() {
		if srv.cmd.ProcessState == nil {
			srv.kill()
		}
	}()

	client := &http.Client{Timeout: 30 * time.Second}
	// call makes an API request; err is a failure to reach the server.
	call := func(method, path string, body any, out any) (int, []byte, error) {
		var r io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			r = strings.NewReader(string(b))
		}
		req, _ := http.NewRequest(method, "http://"+addr+path, r)
		req.Header.Set("Authorization", "Bearer "+token)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		if err != nil {
			return 0, nil, err
		}
		if out != nil && resp.StatusCode < 300 {
			if err := json.Unmarshal(raw, out); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
		}
		return resp.StatusCode, raw, nil
	}

	// The cases: demo people on paper, on the protected route and with a
	// mailbox under sekretessmarkering; the rest fictional people, most
	// with a mailbox, some of whom stop accepting the sender after one,
	// two or three calls that name them.
	demo := func(pick func(demodata.DemoPerson) bool) pnr.PNR { return person(t, pick).PNR }
	bertil := demo(func(p demodata.DemoPerson) bool { return strings.Contains(p.Note, "ordinary print batch") })
	cecilia := demo(func(p demodata.DemoPerson) bool { return p.Protection == dsr.ProtectionProtected && !p.DigitalMailbox })
	dag := demo(func(p demodata.DemoPerson) bool { return p.Protection == dsr.ProtectionMarking && p.DigitalMailbox })
	isDemo := map[pnr.PNR]bool{bertil: true, cecilia: true, dag: true}
	var cases []crashCase
	for range 3 {
		cases = append(cases,
			crashCase{subject: bertil, want: []dsr.DeliveryChannel{dsr.DeliveryPostal}},
			crashCase{subject: cecilia, want: []dsr.DeliveryChannel{dsr.DeliveryProtected}},
			crashCase{subject: dag, want: []dsr.DeliveryChannel{dsr.DeliveryDigital, dsr.DeliveryProtected}})
	}
	turning := 0
	for _, p := range outboxPeople(t, total-len(cases)) {
		c := crashCase{subject: p, want: []dsr.DeliveryChannel{dsr.DeliveryPostal}}
		if randN(4) > 0 {
			sim.SetAccount(string(p), mailbox.Account{Operator: []string{"Kivra", "Min myndighetspost", "Billo", "Fortnox"}[randN(4)], SenderAccepted: true})
			c.want = append(c.want, dsr.DeliveryDigital)
			if randN(4) == 0 {
				sim.UnreachableAfter(string(p), 1+randN(3))
				turning++
			}
		}
		cases = append(cases, c)
	}
	for i := range cases {
		c := &cases[i]
		body := map[string]any{"kinds": []string{"access"}, "subject": string(c.subject), "channel": "letter"}
		if !isDemo[c.subject] {
			body["subject_name"] = fmt.Sprintf("Krasch Provsson %d", i)
		}
		var cr caseResp
		if st, raw, err := call("POST", "/api/v1/cases", body, &cr); err != nil || st != http.StatusCreated {
			t.Fatalf("create case: %d %s %v", st, raw, err)
		}
		c.id = cr.ID
		if st, raw, err := call("POST", "/api/v1/cases/"+c.id+"/extract", nil, nil); err != nil || st != http.StatusOK {
			t.Fatalf("assemble: %d %s %v", st, raw, err)
		}
	}

	// The mailbox service fails on purpose while the answers are sent and
	// the outbox works, until the last kill.
	var faults atomic.Int64
	stopFaults := make(chan struct{})
	faultsDone := make(chan struct{})
	go func() {
		defer close(faultsDone)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stopFaults:
				return
			case <-tick.C:
			}
			// Bursts of up to eight 5xx outlast the client's four tries
			// of a call, so the outbox's own retries come into play.
			switch randN(10) {
			case 0, 1:
				sim.ServerErrorNext(mailbox.OpDeliverSecure, 1+randN(8), []int{500, 502, 503}[randN(3)])
			case 2:
				sim.ServerErrorNext(mailbox.OpIsReachable, 1+randN(6), 503)
			case 3:
				sim.TimeoutNext(mailbox.OpDeliverSecure, 1)
			case 4:
				sim.TimeoutNext(mailbox.OpIsReachable, 1)
			case 5:
				sim.LoseAnswerNext(1)
			default:
				continue
			}
			faults.Add(1)
		}
	}()

	// Three officers send the answers, each case once; a send that the
	// kill cuts short is not repeated: the outbox has it, or nothing was
	// written yet.
	var cut, handed atomic.Int64
	next := make(chan *crashCase)
	var senders sync.WaitGroup
	for range 3 {
		senders.Add(1)
		go func() {
			defer senders.Done()
			for c := range next {
				time.Sleep(time.Duration(randN(250)) * time.Millisecond)
				st, raw, err := call("POST", "/api/v1/cases/"+c.id+"/send", nil, nil)
				if err != nil {
					cut.Add(1)
					continue
				}
				if st != http.StatusOK {
					t.Errorf("send: %d %s", st, raw)
				}
			}
		}()
	}
	go func() {
		for i := range cases {
			next <- &cases[i]
			handed.Add(1)
		}
		close(next)
	}()
	// The kills come while the answers are being sent, spread over them,
	// each at a random moment after its share of the sends has begun; a
	// server that has just come up is not killed before it has worked.
	for k := range kills {
		for handed.Load() < int64((k+1)*len(cases)/(kills+1)) {
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(time.Duration(100+randN(400)) * time.Millisecond)
		srv.kill()
		srv.start()
	}
	close(stopFaults)
	<-faultsDone
	senders.Wait()

	// The background outbox finishes the work. A case whose send died
	// before its letter was written has none: the officer sends it again.
	type letter struct {
		ID      string              `json:"id"`
		Kind    dsr.Purpose         `json:"kind"`
		Channel dsr.DeliveryChannel `json:"channel"`
		Status  dsr.LetterStatus    `json:"status"`
		Receipt string              `json:"receipt"`
		Tries   int                 `json:"tries"`
		History []struct {
			Status dsr.LetterStatus `json:"status"`
			Detail string           `json:"detail"`
		} `json:"history"`
	}
	lettersOf := func(c *crashCase) []letter {
		var out struct{ Letters []letter }
		if st, raw, err := call("GET", "/api/v1/cases/"+c.id+"/letters", nil, &out); err != nil || st != http.StatusOK {
			t.Fatalf("letters: %d %s %v", st, raw, err)
		}
		return out.Letters
	}
	settled := func(ls []letter) bool {
		return len(ls) > 0 && ls[0].Status != dsr.LetterPending && ls[0].Status != dsr.LetterSending
	}
	drained := time.Now()
	resent := 0
	open := map[int]bool{}
	for i := range cases {
		switch ls := lettersOf(&cases[i]); {
		case len(ls) == 0:
			if st, raw, err := call("POST", "/api/v1/cases/"+cases[i].id+"/send", nil, nil); err != nil || st != http.StatusOK {
				t.Fatalf("send again: %d %s %v", st, raw, err)
			}
			resent++
			open[i] = true
		case !settled(ls):
			open[i] = true
		}
	}
	// Each look is a read of the case, and audited: look only at those
	// still on their way, twice a second.
	for len(open) > 0 {
		if time.Since(drained) > 90*time.Second {
			t.Fatalf("after 90 s the outbox still has %d letters", len(open))
		}
		time.Sleep(500 * time.Millisecond)
		for i := range open {
			if settled(lettersOf(&cases[i])) {
				delete(open, i)
			}
		}
	}
	drainTime := time.Since(drained)

	// Count. The mailbox's messages by transaction id (its receipt).
	byReceipt := map[string]mailbox.Delivery{}
	repeats := 0
	for _, d := range sim.Delivered() {
		if _, twice := byReceipt[d.TransactionID]; twice {
			t.Errorf("transaction %s stored twice", d.TransactionID)
		}
		byReceipt[d.TransactionID] = d
		repeats += d.Repeats
	}
	perRecipient := map[string]int{}
	for _, d := range byReceipt {
		perRecipient[d.Recipient]++
	}
	counted := map[dsr.DeliveryChannel]int{}
	matched, fellBack, kept := 0, 0, 0
	for i := range cases {
		c := &cases[i]
		ls := lettersOf(c)
		if len(ls) != 1 || ls[0].Kind != dsr.PurposeAnswer {
			t.Fatalf("case %s has %d letters, want its one answer: %+v", c.id, len(ls), ls)
		}
		l := ls[0]
		counted[l.Channel]++
		allowed := false
		for _, ch := range c.want {
			allowed = allowed || l.Channel == ch
		}
		if !allowed {
			t.Errorf("case %s: the answer went %s, want one of %v", c.id, l.Channel, c.want)
		}
		settles := 0
		for _, h := range l.History {
			if h.Status == dsr.LetterDelivered || h.Status == dsr.LetterQueued {
				settles++
			}
			if strings.Contains(h.Detail, "on paper") || strings.Contains(h.Detail, "refused") {
				fellBack++
			}
			if strings.Contains(h.Detail, "may have the letter") {
				kept++
			}
		}
		if settles != 1 {
			t.Errorf("case %s: the letter's history settles it %d times", c.id, settles)
		}
		switch {
		case l.Status == dsr.LetterDelivered && l.Channel == dsr.DeliveryDigital:
			d, ok := byReceipt[l.Receipt]
			if !ok || d.Recipient != string(c.subject) {
				t.Errorf("case %s: delivered, but the mailbox holds no message with its receipt for its person", c.id)
			}
			delete(byReceipt, l.Receipt)
			matched++
		case l.Status == dsr.LetterQueued && l.Channel != dsr.DeliveryDigital:
			// On paper: the mailbox must hold nothing for a fictional
			// person with one case (demo people have several).
			if !isDemo[c.subject] && perRecipient[string(c.subject)] != 0 {
				t.Errorf("case %s: queued for paper, and also in the mailbox", c.id)
			}
		default:
			t.Errorf("case %s: letter %s on %s", c.id, l.Status, l.Channel)
		}
	}
	if len(byReceipt) != 0 {
		t.Errorf("the mailbox holds %d messages no delivered letter accounts for (delivered twice, or delivered and printed)", len(byReceipt))
	}
	if counted[dsr.DeliveryDigital]+counted[dsr.DeliveryPostal]+counted[dsr.DeliveryProtected] != len(cases) {
		t.Errorf("letters by route %v do not add up to %d cases", counted, len(cases))
	}
	t.Logf("%d cases, %d kills, %d sends cut short by a kill (%d sent again because no letter had been written), %d faults planned, %d people turning unreachable",
		len(cases), kills, cut.Load(), resent, faults.Load(), turning)
	t.Logf("letters: %d delivered to the mailbox (each matched to one stored message; %d repeats answered from the first delivery), %d ordinary paper, %d protected paper; %d fell back to paper, %d tries past the last kept in the outbox because the mailbox might have the letter; outbox drained %.1f s after the last restart",
		matched, repeats, counted[dsr.DeliveryPostal], counted[dsr.DeliveryProtected], fellBack, kept, drainTime.Seconds())
	t.Logf("mailbox calls: %d isReachable, %d deliverSecure", sim.Calls(mailbox.OpIsReachable), sim.Calls(mailbox.OpDeliverSecure))

	srv.stop()
	subjects := make([]pnr.PNR, len(cases))
	for i := range cases {
		subjects[i] = cases[i].subject
	}
	out := checkAfterKills(t, bin, dir, logFile.Name(), subjects)
	t.Logf("audit trail intact: %s; integrity_check ok", out)
}

// checkAfterKills is how every crash test ends, on the stopped server's
// data folder: dsrdesk audit verify finds the audit trail intact, PRAGMA
// integrity_check finds the database intact, and the server's log holds
// none of the subjects' identity numbers in any written form. It returns
// what audit verify said.
func checkAfterKills(t *testing.T, bin, dir, logPath string, subjects []pnr.PNR) string {
	t.Helper()
	out, err := exec.Command(bin, "audit", "verify", "--data", dir).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "audit trail intact") {
		t.Fatalf("audit verify: %v %s", err, out)
	}
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, "dsrdesk.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q %v", check, err)
	}
	logs, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range subjects {
		for _, f := range pnrForms(string(p)) {
			if strings.Contains(string(logs), f) {
				t.Fatal("the server's log carries an identity number")
			}
		}
	}
	return strings.TrimSpace(string(out))
}

// TestOutboxKeepsALetterTheMailboxMayHave: the operator takes a letter but
// its answer is lost, and every try after that fails too. The letter is
// not sent on paper after the last try, since the person may have it in
// the mailbox already: the outbox keeps trying with the same message id
// until the service answers, and then the answer is the first delivery's
// receipt. One letter, one message, nothing printed.
func TestOutboxKeepsALetterTheMailboxMayHave(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.sim.HangLimit = 300 * time.Millisecond // before the first call
	ctx := context.Background()
	p := person(t, deskPerson)
	c := e.createCase(string(p.PNR), "letter", "2026-11-20")
	if st, raw := e.call("POST", "/api/v1/cases/"+c.ID+"/extract", e.officer, nil, nil); st != http.StatusOK {
		t.Fatalf("assemble: %d %s", st, raw)
	}
	letter := func() lettersResp {
		t.Helper()
		var out lettersResp
		if st, raw := e.call("GET", "/api/v1/cases/"+c.ID+"/letters", e.officer, nil, &out); st != http.StatusOK || len(out.Letters) != 1 {
			t.Fatalf("letters: %d %s", st, raw)
		}
		return out
	}

	// The operator stores the letter and the answer is lost; the client's
	// own retries meet 503s.
	e.sim.LoseAnswerNext(1)
	e.sim.ServerErrorNext(mailbox.OpDeliverSecure, 3, http.StatusServiceUnavailable)
	var sent struct{ Status string }
	if st, raw := e.call("POST", "/api/v1/cases/"+c.ID+"/send", e.officer, nil, &sent); st != http.StatusOK || sent.Status != "sending" {
		t.Fatalf("send: %d %s", st, raw)
	}
	if d := e.sim.Delivered(); len(d) != 1 {
		t.Fatalf("the mailbox holds %d messages, want the one whose answer was lost", len(d))
	}
	// The service stays unavailable past the last try.
	e.sim.FailNext(1000)
	for range maxOutboxTries {
		e.advance(time.Hour)
		if _, err := e.app.Delivery.RunOutbox(ctx, 10); err != nil {
			t.Fatal(err)
		}
	}
	l := letter().Letters[0]
	if l.Status != "sending" || l.Channel != "digital_mailbox" || l.Tries <= maxOutboxTries {
		t.Fatalf("after every try failed: %s on %s after %d tries, want it kept in the outbox", l.Status, l.Channel, l.Tries)
	}
	if last := l.History[len(l.History)-1].Detail; !strings.Contains(last, "may have the letter") {
		t.Fatalf("the history's last step says %q", last)
	}
	// The service answers again: the receipt of the delivery it had.
	e.sim.FailNext(0)
	e.advance(time.Hour)
	if n, err := e.app.Delivery.RunOutbox(ctx, 10); err != nil || n != 1 {
		t.Fatalf("the try after the service came back: %d %v", n, err)
	}
	l = letter().Letters[0]
	d := e.sim.Delivered()
	if l.Status != "delivered" || len(d) != 1 || d[0].Repeats != 1 {
		t.Fatalf("letter %s, %d messages in the mailbox (%+v), want one delivered once and repeated once", l.Status, len(d), d)
	}
	for _, h := range l.History {
		if h.Status == "queued" {
			t.Fatal("the letter went to the print queue on its way")
		}
	}
	if st, _ := e.call("GET", "/api/v1/cases/"+c.ID, e.officer, nil, &c); st != 200 || c.Status != "sent" {
		t.Fatalf("the case: %s", c.Status)
	}
}

// maxOutboxTries is the outbox's number of tries before paper (5).
const maxOutboxTries = 5
