package app

import (
	"context"
	"fmt"
	"iter"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"

	"dsrdesk/internal/config"
	"dsrdesk/internal/deadline"
	"dsrdesk/internal/demodata"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
	"dsrdesk/internal/sqlite"
)

// MaxBulkCases bounds one `dsrdesk demo bulk`.
const MaxBulkCases = 5_000_000

// AddBulkCases adds n synthetic cases about fictional people to the demo
// data in cfg.DataDir (dsrdesk demo bulk), in one transaction, for trying
// the queues and the dashboard at scale. It refuses a folder that is not
// demo data. The cases are spread over the two years up to today, every
// kind, channel, status and outcome; their deadlines are computed by the
// deadline rule, the answered ones carry the day they were answered, some
// are extended and some assigned to the staff who handle cases. The same
// n and day give the same cases, but for their ids.
func AddBulkCases(ctx context.Context, cfg config.Config, n int, now func() time.Time) (int, error) {
	if n < 1 || n > MaxBulkCases {
		return 0, fmt.Errorf("the number of cases must be 1 to %d", MaxBulkCases)
	}
	if _, err := os.Stat(filepath.Join(cfg.DataDir, demoMarker)); err != nil {
		return 0, fmt.Errorf("%s is not demo data (run `dsrdesk demo seed` first); synthetic cases go only into demo data", cfg.DataDir)
	}
	key, err := cfg.LoadOrCreateKey()
	if err != nil {
		return 0, err
	}
	hasher, err := pnr.NewHasher(key)
	if err != nil {
		return 0, err
	}
	db, err := openStore(ctx, cfg, now)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	users, err := db.Users(ctx)
	if err != nil {
		return 0, err
	}
	var staff []string
	for _, u := range users {
		if dsr.Can(dsr.StaffActor(&u), dsr.PermHandle) && !u.Disabled() {
			staff = append(staff, u.ID)
		}
	}
	g := newBulkGen(dsr.Day(now()), deadline.Calendar{TreatEvesAsHolidays: cfg.TreatEvesAsHolidays}, hasher, staff, uint64(n))
	actor := dsr.Actor{Kind: dsr.ActorSystem, ID: "demo-bulk"}
	return db.BulkCases(ctx, g.cases(n), dsr.Event(actor, dsr.ActionCasesBulk, "", "synthetic demo cases"))
}

// bulkGen makes synthetic cases. Its people are fictional: made-up names,
// and identity numbers with valid check digits in the 980–989 serials of
// test numbers, born 1925–2008, never a demo person's number.
type bulkGen struct {
	today  time.Time
	cal    deadline.Calendar
	hasher *pnr.Hasher
	staff  []string
	rng    *rand.Rand
	due    map[time.Time]deadline.Deadlines
	demo   map[pnr.PNR]bool
}

func newBulkGen(today time.Time, cal deadline.Calendar, hasher *pnr.Hasher, staff []string, seed uint64) *bulkGen {
	g := &bulkGen{today: today, cal: cal, hasher: hasher, staff: staff, rng: rand.New(rand.NewPCG(seed, 0x64737264)),
		due: map[time.Time]deadline.Deadlines{}, demo: map[pnr.PNR]bool{}}
	for _, p := range demodata.DemoPeople() {
		g.demo[p.PNR] = true
	}
	return g
}

// The synthetic people: first names and made-up family names, clearly not
// anyone's.
var (
	bulkFirstNames = []string{"Alva", "Astrid", "Björn", "Doris", "Edvin", "Frida", "Gustav", "Hedda", "Ivar", "Juni", "Kalle", "Lova",
		"Malte", "Nora", "Oskar", "Penny", "Rut", "Sixten", "Tyra", "Ulf", "Vera", "Wilgot", "Ylva", "Åke"}
	bulkFamilyNames = []string{"Syntetsson", "Provberg", "Exempelqvist", "Påhittdal", "Fiktivström", "Låtsasgren", "Testlund",
		"Övningsholm", "Mockander", "Skissberg", "Utkastsson", "Modellin"}
)

// bulkBorn is the first birth date of the synthetic people; person k is
// born k/10 days later with serial 980 + k%10.
var bulkBorn = time.Date(1925, 1, 1, 0, 0, 0, 0, time.UTC)

// bulkPeople is how many synthetic people there are: birth dates to the
// end of 2008, ten serials each.
const bulkPeople = 306_800

// person returns synthetic person k: an identity number and a name.
func (g *bulkGen) person(k int) (pnr.PNR, string) {
	for {
		born := bulkBorn.AddDate(0, 0, k/10)
		p := pnr.Complete(born.Format("20060102") + fmt.Sprintf("%03d", 980+k%10))
		if !g.demo[p] {
			return p, bulkFirstNames[k%len(bulkFirstNames)] + " " + bulkFamilyNames[(k/len(bulkFirstNames))%len(bulkFamilyNames)]
		}
		k = (k + 1) % bulkPeople
	}
}

// pick returns an index into weights, chosen with their probabilities.
func (g *bulkGen) pick(weights ...int) int {
	sum := 0
	for _, w := range weights {
		sum += w
	}
	r := g.rng.IntN(sum)
	for i, w := range weights {
		if r < w {
			return i
		}
		r -= w
	}
	return len(weights) - 1
}

func (g *bulkGen) deadlines(received time.Time) deadline.Deadlines {
	d, ok := g.due[received]
	if !ok {
		d = g.cal.Compute(received)
		g.due[received] = d
	}
	return d
}

func (g *bulkGen) cases(n int) iter.Seq[sqlite.BulkCase] {
	return func(yield func(sqlite.BulkCase) bool) {
		for range n {
			c := g.next()
			if !yield(sqlite.BulkCase{Case: c, SubjectHMAC: g.hasher.Sum(c.SubjectPNR)}) {
				return
			}
		}
	}
}

// next makes one synthetic case, received in the two years up to today
// and carried as far as its received date and a drawn answer time allow.
func (g *bulkGen) next() *dsr.Case {
	subject, name := g.person(g.rng.IntN(bulkPeople))
	received := g.today.AddDate(0, 0, -g.rng.IntN(731))
	d := g.deadlines(received)
	c := &dsr.Case{
		ID: uuid.Must(uuid.NewV7()).String(), SubjectPNR: subject, SubjectName: name, Language: "sv",
		Channel:    dsr.Channels[g.pick(55, 30, 10, 5)],
		ReceivedOn: received, TargetOn: d.TargetOn, DueOn: d.DueOn,
		Details: map[string]string{"synthetic": "dsrdesk demo bulk"},
	}
	c.Kinds = []dsr.Kind{dsr.Kinds[g.pick(70, 8, 3, 10, 4, 5)]}
	if g.rng.IntN(30) == 0 && c.Kinds[0] != dsr.KindAccess {
		c.Kinds = append([]dsr.Kind{dsr.KindAccess}, c.Kinds...)
	}
	if g.rng.IntN(20) == 0 {
		c.Language = "en"
	}
	if g.rng.IntN(40) == 0 {
		c.Representative = &dsr.Representative{Role: []string{"guardian", "god_man", "fullmakt"}[g.rng.IntN(3)], Name: "Ombud " + name}
		c.SetFlag(dsr.FlagRepresentative, true)
	}
	access := c.Kinds[0] == dsr.KindAccess
	// Days from receipt to answer: some the same day (e-service extracts),
	// most well within the month, some late, the extended within three.
	var days int
	switch r := g.rng.IntN(100); {
	case access && c.Channel == dsr.ChannelEService && r < 25:
		days = 0
	case r < 88:
		days = 1 + g.rng.IntN(24)
	case r < 94:
		days = int(d.DueOn.Sub(received).Hours()/24) + 1 + g.rng.IntN(25) // late
	default:
		due := d.ExtendedDueOn
		c.ExtendedDueOn, c.ExtensionReason = &due, "Begäran omfattar många register (syntetiskt demoärende)."
		days = 30 + g.rng.IntN(int(due.Sub(received).Hours()/24)-29)
	}
	if c.ExtendedDueOn != nil && d.DueOn.After(g.today) {
		c.ExtendedDueOn, c.ExtensionReason = nil, "" // not yet extended
	}
	answer := received.AddDate(0, 0, days)
	outcome := dsr.CaseOutcomes[g.pick(80, 8, 2, 2, 3, 5)]
	if !access && outcome == dsr.CaseNoData {
		outcome = dsr.CaseAnswered
	}
	switch {
	case !answer.After(g.today):
		g.answered(c, outcome, answer)
	default:
		g.open(c, access)
	}
	if len(g.staff) > 0 && (c.Status.Sent() && g.rng.IntN(10) < 7 || !c.Status.Sent() && g.rng.IntN(10) < 6) {
		c.AssignedTo = g.staff[g.rng.IntN(len(g.staff))]
	}
	return c
}

// answered closes a case whose answer reached the person on the day given;
// a withdrawn request closes without an answer.
func (g *bulkGen) answered(c *dsr.Case, outcome dsr.CaseOutcome, on time.Time) {
	c.Outcome = outcome
	decided := on.AddDate(0, 0, -g.rng.IntN(3))
	if decided.Before(c.ReceivedOn) {
		decided = c.ReceivedOn
	}
	c.DecidedOn = &decided
	if outcome.Refusal() {
		c.OutcomeReasons = "Skäl enligt beslut (syntetiskt demoärende)."
		c.SignOff = dsr.SignOff{Required: true, State: dsr.SignOffApproved}
		if len(g.staff) > 0 {
			c.SignOff.By = g.staff[0]
		}
	}
	if outcome == dsr.CaseWithdrawn {
		c.Status = dsr.StatusClosed
		return
	}
	c.AnsweredOn = &on
	c.Status = dsr.StatusSent
	if g.rng.IntN(10) < 3 {
		c.Status = dsr.StatusClosed
	}
}

// open leaves a case not yet answered, somewhere along its workflow.
func (g *bulkGen) open(c *dsr.Case, access bool) {
	switch r := g.rng.IntN(100); {
	case r < 40:
		c.Status = dsr.StatusReceived
		if g.rng.IntN(10) == 0 {
			c.Waiting, c.WaitingSince = dsr.WaitingIdentity, &c.ReceivedOn
		}
	case r < 85:
		c.Status = dsr.StatusAssembled
		if !access {
			c.Status = dsr.StatusEvaluated
			if g.rng.IntN(2) == 0 {
				c.Status = dsr.StatusExecuted
				c.Outcome = dsr.CaseAnswered
			}
		}
	default:
		c.Status = dsr.StatusDecided
		c.Outcome = []dsr.CaseOutcome{dsr.CaseRefused, dsr.CaseIdentityNotEstablished, dsr.CaseNoData}[g.rng.IntN(3)]
		if !access && c.Outcome == dsr.CaseNoData {
			c.Outcome = dsr.CaseRefused
		}
		c.OutcomeReasons = "Skäl enligt beslut (syntetiskt demoärende)."
		decided := g.today
		if c.ReceivedOn.Before(decided) {
			decided = decided.AddDate(0, 0, -g.rng.IntN(int(decided.Sub(c.ReceivedOn).Hours()/24)+1))
		}
		c.DecidedOn = &decided
		c.PrepareSignOff(dsr.SignOffDefault, false)
	}
}
