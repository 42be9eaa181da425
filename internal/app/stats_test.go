package app

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"dsrdesk/internal/deadline"
	"dsrdesk/internal/demodata"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
)

// statsResp is the API's answer to GET /api/v1/stats.
type statsResp struct {
	Year   int           `json:"year"`
	Months []figuresResp `json:"months"`
	Total  figuresResp   `json:"total"`
}

type figuresResp struct {
	Period         string         `json:"period"`
	Requests       int            `json:"requests"`
	Kinds          map[string]int `json:"kinds"`
	Channels       map[string]int `json:"channels"`
	Extensions     int            `json:"extensions"`
	Answered       int            `json:"answered"`
	MedianDays     *float64       `json:"median_days"`
	P95Days        *int           `json:"p95_days"`
	OnTime         int            `json:"on_time"`
	OnTimeShare    *float64       `json:"on_time_share"`
	AccessAnswered int            `json:"access_answered"`
	AccessSameDay  int            `json:"access_same_day"`
	SameDayShare   *float64       `json:"same_day_share"`
	Refusals       []struct {
		Outcome string `json:"outcome"`
		Ground  string `json:"ground"`
		Count   int    `json:"count"`
	} `json:"refusals"`
}

func (e *env) bulk(n int) {
	e.t.Helper()
	added, err := AddBulkCases(context.Background(), e.app.Config, n, func() time.Time { return testNow })
	if err != nil || added != n {
		e.t.Fatalf("bulk: %d %v", added, err)
	}
}

// TestStatsPagesAndAPI: only the DPO reads the dashboard, the yearly page,
// the CSV and the API; the CSV carries the same figures as the JSON; a bad
// year is a 400 in the API's error shape.
func TestStatsPagesAndAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.bulk(300)
	users := DemoUsers()
	officer := e.staffClient(users[0].Email, users[0].Password)
	dpo := e.staffClient(users[1].Email, users[1].Password)
	printer := e.staffClient(users[2].Email, users[2].Password)
	admin := e.staffClient(users[3].Email, users[3].Password)
	adminToken, err := e.app.Auth.CreateToken(context.Background(), users[3].Email, dsr.SystemActor)
	if err != nil {
		t.Fatal(err)
	}

	for _, path := range []string{"/staff/dashboard", "/staff/stats?year=2026", "/staff/stats.csv?year=2026"} {
		resp, body := e.get(dpo, path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("DPO on %s: %d", path, resp.StatusCode)
		}
		if !strings.Contains(path, ".csv") && (!strings.Contains(body, "<svg") || !strings.Contains(body, `role="img"`)) {
			t.Errorf("%s has no charts", path)
		}
		for who, c := range map[string]*http.Client{"officer": officer, "print": printer, "admin": admin} {
			if resp, _ := e.get(c, path); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s on %s: %d, want 403", who, path, resp.StatusCode)
			}
		}
		if resp, _ := e.get(e.browserClient(), path); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/staff/login" {
			t.Errorf("anonymous on %s: %d %s", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if _, page := e.get(dpo, "/staff/cases"); !strings.Contains(page, `id="nav-dashboard"`) {
		t.Error("the DPO's navigation does not link the dashboard")
	}
	if _, page := e.get(officer, "/staff/cases"); strings.Contains(page, `id="nav-dashboard"`) {
		t.Error("an officer's navigation links the dashboard")
	}
	if resp, page := e.get(dpo, "/staff/stats?year=20x6"); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Året ska skrivas ÅÅÅÅ, från 2018 till 2026.") {
		t.Errorf("a bad year on the page: %d", resp.StatusCode)
	}
	e.get(dpo, "/lang/en?next=/staff/dashboard")
	if _, page := e.get(dpo, "/staff/dashboard"); !strings.Contains(page, "Dashboard and statistics") || !strings.Contains(page, "Due tomorrow") ||
		!strings.Contains(page, "Share answered on time by month") || !strings.Contains(page, "Nov 2026") {
		t.Error("the dashboard in English is not")
	}

	var js statsResp
	if st, raw := e.call("GET", "/api/v1/stats?year=2026", e.dpo, nil, &js); st != http.StatusOK || js.Year != 2026 || len(js.Months) != 12 {
		t.Fatalf("API: %d %s", st, raw)
	}
	if js.Total.Requests == 0 || js.Total.Answered == 0 || js.Total.MedianDays == nil || len(js.Total.Refusals) != 3 {
		t.Errorf("the year's total has no figures: %+v", js.Total)
	}
	for _, tc := range []struct {
		token string
		query string
		want  int
	}{
		{e.officer, "?year=2026", http.StatusForbidden},
		{e.printer, "", http.StatusForbidden},
		{adminToken, "", http.StatusForbidden},
		{"", "?year=2026", http.StatusUnauthorized},
		{e.dpo, "?year=twenty", http.StatusBadRequest},
		{e.dpo, "?year=2017", http.StatusBadRequest},
		{e.dpo, "?year=2027", http.StatusBadRequest},
	} {
		st, raw := e.call("GET", "/api/v1/stats"+tc.query, tc.token, nil, nil)
		var er errResp
		if err := json.Unmarshal(raw, &er); err != nil || st != tc.want || er.Error.Code == "" {
			t.Errorf("stats%s: %d %s, want %d with an error", tc.query, st, raw, tc.want)
		}
		if tc.want == http.StatusBadRequest && er.Error.Field != "year" {
			t.Errorf("stats%s: the error names field %q", tc.query, er.Error.Field)
		}
	}

	resp, body := e.get(dpo, "/staff/stats.csv?year=2026")
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("CSV served as %s", ct)
	}
	records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(records) != 14 {
		t.Fatalf("CSV: %d records, %v", len(records), err)
	}
	head, total := records[0], records[13]
	col := map[string]string{}
	for i, h := range head {
		col[h] = total[i]
	}
	share := func(p *float64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'f', -1, 64)
	}
	for name, want := range map[string]string{
		"period": "2026", "requests": strconv.Itoa(js.Total.Requests), "answered": strconv.Itoa(js.Total.Answered),
		"on_time": strconv.Itoa(js.Total.OnTime), "extensions": strconv.Itoa(js.Total.Extensions),
		"kind_access": strconv.Itoa(js.Total.Kinds["access"]), "channel_eservice": strconv.Itoa(js.Total.Channels["eservice"]),
		"median_days": share(js.Total.MedianDays), "p95_days": strconv.Itoa(*js.Total.P95Days), "on_time_share": share(js.Total.OnTimeShare),
		"same_day_share": share(js.Total.SameDayShare), "access_same_day": strconv.Itoa(js.Total.AccessSameDay),
		"refusals_art_12_5": strconv.Itoa(js.Total.Refusals[0].Count), "refusals_art_15_4": strconv.Itoa(js.Total.Refusals[2].Count),
	} {
		if col[name] != want {
			t.Errorf("CSV %s = %q, the API says %q", name, col[name], want)
		}
	}
	e.checkAuditAndLogs()
}

// TestDueWarnings: cases due in exactly 1, 3 and 7 days are warned about
// on the case list and on the dashboard, with links to the cases.
func TestDueWarnings(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := string(demodata.DemoPeople()[1].PNR)
	// Relative to Monday 23 November 2026: due Tue 24, Thu 26 and Mon 30
	// November, and Fri 27 (4 days: no warning).
	var tomorrow caseResp
	for i, received := range []string{"2026-10-24", "2026-10-24", "2026-10-26", "2026-10-30", "2026-10-27"} {
		c := e.createCase(p, "letter", received)
		if i == 0 {
			tomorrow = c
		}
	}
	users := DemoUsers()
	officer := e.staffClient(users[0].Email, users[0].Password)
	_, list := e.get(officer, "/staff/cases")
	box := between(list, `id="due-warnings"`, "</div>")
	for _, want := range []string{"i morgon: 2", "om 3 dagar: 1", "om 7 dagar: 1", `href="/staff/cases?queue=due_soon"`} {
		if !strings.Contains(box, want) {
			t.Errorf("the case list's warnings %q lack %q", box, want)
		}
	}
	dpo := e.staffClient(users[1].Email, users[1].Password)
	_, dash := e.get(dpo, "/staff/dashboard")
	warn1 := between(dash, `id="warn-1"`, "</li>")
	if !strings.Contains(warn1, `<span class="count">2</span>`) || !strings.Contains(warn1, `href="/staff/cases/`+tomorrow.ID+`"`) || !strings.Contains(warn1, tomorrow.Number) {
		t.Errorf("the dashboard's warning for tomorrow: %q", warn1)
	}
	if warn7 := between(dash, `id="warn-7"`, "</li>"); !strings.Contains(warn7, "2026-11-30") || !strings.Contains(warn7, `<span class="count">1</span>`) {
		t.Errorf("the dashboard's warning for 7 days: %q", warn7)
	}
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i:]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}

// TestBulkCasesListInQueues: `demo bulk` adds the cases it is asked for,
// about fictional people, spread over statuses, outcomes, kinds and
// channels, and every queue lists them, page by page, as many as its
// total says.
func TestBulkCasesListInQueues(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	before, err := e.app.Store.ListCases(ctx, dsr.CaseFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	e.bulk(400)
	all, err := e.app.Store.ListCases(ctx, dsr.CaseFilter{Limit: 500})
	if err != nil || all.Total != before.Total+400 {
		t.Fatalf("%d cases after adding 400 to %d: %v", all.Total, before.Total, err)
	}
	demo := map[pnr.PNR]bool{}
	for _, p := range demodata.DemoPeople() {
		demo[p.PNR] = true
	}
	seen := map[string]bool{}
	for _, c := range all.Cases {
		if c.Details["synthetic"] == "" {
			continue
		}
		if !c.SubjectPNR.Valid() || demo[c.SubjectPNR] || c.SubjectPNR[8:10] != "98" {
			t.Fatalf("a synthetic case is about %s", c.SubjectPNR.Display())
		}
		if c.DueOn.Before(c.ReceivedOn) || c.AnsweredOn != nil && c.AnsweredOn.Before(c.ReceivedOn) || testNow.Sub(c.ReceivedOn) > 732*24*time.Hour {
			t.Fatalf("case %s: received %s, due %s, answered %v", c.Number, dsr.FormatDate(c.ReceivedOn), dsr.FormatDate(c.DueOn), c.AnsweredOn)
		}
		seen["status "+string(c.Status)] = true
		seen["outcome "+string(c.Outcome)] = true
		seen["channel "+string(c.Channel)] = true
		seen["kind "+string(c.Kinds[0])] = true
		seen["year "+strconv.Itoa(c.ReceivedOn.Year())] = true
		if c.ExtendedDueOn != nil {
			seen["extended"] = true
		}
		if c.AssignedTo != "" {
			seen["assigned"] = true
		}
		if c.AnsweredOn != nil {
			seen["answered"] = true
		}
	}
	for _, want := range []string{"status received", "status sent", "status closed", "status decided", "outcome answered", "outcome partly_refused",
		"outcome withdrawn", "channel eservice", "channel letter", "channel phone", "channel desk", "kind access", "kind erasure",
		"year 2025", "year 2026", "extended", "assigned", "answered"} {
		if !seen[want] {
			t.Errorf("no synthetic case has %s", want)
		}
	}

	type listResp struct {
		Cases []caseResp `json:"cases"`
		Total int        `json:"total"`
		Next  string     `json:"next"`
	}
	open, closed := 0, 0
	for _, q := range dsr.Queues {
		var listed []string
		cursor := ""
		var total int
		for range 100 {
			var page listResp
			if st, raw := e.call("GET", "/api/v1/cases?queue="+string(q)+"&limit=50&cursor="+cursor, e.officer, nil, &page); st != http.StatusOK {
				t.Fatalf("queue %s: %d %s", q, st, raw)
			}
			for _, c := range page.Cases {
				listed = append(listed, c.Number)
			}
			total = page.Total
			if cursor = page.Next; cursor == "" {
				break
			}
		}
		if len(listed) != total {
			t.Errorf("queue %s: %d listed, the total says %d", q, len(listed), total)
		}
		switch q {
		case dsr.QueueOpen:
			open = total
		case dsr.QueueClosed:
			closed = total
		case dsr.QueueMine, dsr.QueueOverdue, dsr.QueueUnassigned, dsr.QueueDueSoon:
			if total == 0 {
				t.Errorf("queue %s is empty after the bulk", q)
			}
		}
	}
	if open+closed != all.Total || open == 0 || closed == 0 {
		t.Errorf("open %d + closed %d ≠ %d cases", open, closed, all.Total)
	}

	cfg := e.app.Config
	cfg.DataDir = t.TempDir()
	if _, err := AddBulkCases(ctx, cfg, 10, func() time.Time { return testNow }); err == nil || !strings.Contains(err.Error(), "not demo data") {
		t.Errorf("bulk into a folder that is not demo data: %v", err)
	}
}

// TestBrowserDashboard: the DPO follows the navigation to the dashboard,
// which draws its charts as SVG with titles, and the numbers beside them.
func TestBrowserDashboard(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.bulk(200)
	b := page{t, browser(t)}
	dpo := DemoUsers()[1]
	b.do("the DPO signs in and opens the dashboard",
		chromedp.Navigate(e.srv.URL+"/staff/login"),
		chromedp.SendKeys(chromedp.CSS("#email"), dpo.Email),
		chromedp.SendKeys(chromedp.CSS("#password"), dpo.Password),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#nav-dashboard")),
		chromedp.Click(chromedp.CSS("#nav-dashboard")),
		chromedp.WaitVisible(chromedp.CSS("svg#chart-status rect")))
	charts, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('svg.chart')).map(s => s.getAttribute('role') + '|' + s.querySelector('title').textContent + '|' + s.querySelectorAll('rect').length + '|' + Math.round(s.getBoundingClientRect().width))`))
	if err != nil {
		t.Fatal(err)
	}
	if len(charts) != 5 {
		t.Fatalf("%d charts on the dashboard: %q", len(charts), charts)
	}
	for _, c := range charts {
		f := strings.Split(c, "|")
		if f[0] != "img" || f[1] == "" || f[2] == "0" || f[3] == "0" {
			t.Errorf("chart %q: no role, title, bars or width", c)
		}
	}
	if !strings.Contains(charts[0], "Öppna ärenden per status") {
		t.Errorf("the first chart is %q", charts[0])
	}
	// The status chart's bars carry their labels and numbers as text.
	if got, err := chromedp.Run(b.ctx, chromedp.TextContent(chromedp.CSS("#chart-status"))); err != nil || !strings.Contains(got, "Mottaget") {
		t.Errorf("the status chart reads %q (%v)", got, err)
	}
	if got := b.text("#open-by-status"); !strings.Contains(got, "Totalt") {
		t.Errorf("the status table reads %q", got)
	}
	b.do("on to the yearly statistics", chromedp.Click(chromedp.CSS("#to-stats")), chromedp.WaitVisible(chromedp.CSS("#csv")))
	if h := b.text("h1"); h != "Statistik 2026" {
		t.Errorf("yearly page heading %q", h)
	}
}

// TestBulkPeopleAreFictional: every synthetic person has a valid identity
// number in the test serials that is no demo person's, and a made-up name.
func TestBulkPeopleAreFictional(t *testing.T) {
	t.Parallel()
	h, err := pnr.NewHasher(make([]byte, pnr.MinKeyLen))
	if err != nil {
		t.Fatal(err)
	}
	g := newBulkGen(testNow, deadline.Calendar{}, h, nil, 1)
	demo := map[pnr.PNR]string{}
	for _, p := range demodata.DemoPeople() {
		demo[p.PNR] = p.Name
	}
	skipped := 0
	for k := range bulkPeople {
		p, name := g.person(k)
		if !p.Valid() || p.IsCoordination() || p[8:10] != "98" || p[:4] < "1925" || p[:4] > "2008" {
			t.Fatalf("synthetic person %d has %s", k, p.Display())
		}
		if _, ok := demo[p]; ok {
			t.Fatalf("synthetic person %d is the demo person %s", k, demo[p])
		}
		for _, n := range demo {
			if name == n {
				t.Fatalf("synthetic person %d is named like a demo person", k)
			}
		}
		if want := pnr.Complete(bulkBorn.AddDate(0, 0, k/10).Format("20060102") + strconv.Itoa(980+k%10)); p != want {
			skipped++
		}
	}
	if skipped == 0 {
		t.Error("the range holds a demo person's number, but none was skipped")
	}
}
