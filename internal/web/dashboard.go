package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"html/template"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/stats"
	assets "dsrdesk/web"
)

// Stats is the statistics service: the DPO's dashboard and yearly
// statistics, and the due-date warnings officers see on the case list.
type Stats interface {
	Dashboard(ctx context.Context, actor dsr.Actor) (*stats.Dashboard, error)
	ParseYear(text string) (int, error)
	Year(ctx context.Context, year int, actor dsr.Actor) (*stats.Year, error)
	Warnings(ctx context.Context, actor dsr.Actor) ([]stats.Warning, error)
}

// statsRoutes are the dashboard's and the statistics' routes, pages and
// API; only the DPO holds dsr.PermStats.
func (s *Server) statsRoutes(p, api *gin.RouterGroup) {
	allowed := s.requireStaff(dsr.PermStats)
	p.GET("/staff/dashboard", allowed, s.dashboardPage)
	p.GET("/staff/stats", allowed, s.statsPage)
	p.GET("/staff/stats.csv", allowed, s.statsCSV)
	api.GET("/stats", s.apiAllow(dsr.PermStats), s.apiStats)
}

// The data of the dashboard and the yearly page.
type (
	dashboardPage struct {
		Today       time.Time
		Open        dsr.OpenCounts
		Statuses    template.HTML // open cases by status, a table
		StatusChart template.HTML
		Warnings    []stats.Warning
		Year        yearView
	}
	statsPage struct {
		Year       yearView
		Prev, Next int // the years before and after, 0 when there are none
		First      int
		Last       int
	}
	// yearView is a year's figures as both pages show them: tables with
	// every number, and charts of the same numbers, drawn from the
	// figures.html partials.
	yearView struct {
		Year         int
		Summary      template.HTML // per month: requests, answers, days, shares, extensions
		Details      []template.HTML
		OnTimeChart  template.HTML
		MedianChart  template.HTML
		KindChart    template.HTML
		ChannelChart template.HTML
	}
	// figTable is a table of figures: a heading per column, a heading and
	// the formatted numbers per row.
	figTable struct {
		ID      string
		Caption string
		Corner  string // the heading of the row headings' column
		Heads   []string
		Rows    []figRow
	}
	figRow struct {
		Head  string
		Cells []string
		Total bool
	}
)

func (s *Server) dashboardPage(c *gin.Context) {
	d, err := s.stats.Dashboard(c.Request.Context(), staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	lang := langOf(c)
	p := dashboardPage{Today: d.Today, Open: d.Open, Warnings: d.Warnings}
	statuses := figTable{ID: "open-by-status", Caption: s.text("dash_status_chart", lang), Corner: s.text("col_status", lang),
		Heads: []string{s.text("dash_cases_col", lang)}}
	var items []chartItem
	for _, st := range dsr.Statuses {
		if st == dsr.StatusClosed {
			continue
		}
		n := d.Open.ByStatus[st]
		label := s.text("status_"+string(st), lang)
		items = append(items, chartItem{Label: label, Value: float64(n), Text: fmtInt(n, lang)})
		statuses.Rows = append(statuses.Rows, figRow{Head: label, Cells: []string{fmtInt(n, lang)}})
	}
	statuses.Rows = append(statuses.Rows, figRow{Head: s.text("stats_total", lang), Cells: []string{fmtInt(d.Open.Total, lang)}, Total: true})
	if p.Statuses, err = renderFigure("table", statuses); err != nil {
		s.fail(c, err)
		return
	}
	if p.StatusChart, err = renderFigure("chart", barsChart("chart-status", s.text("dash_status_chart", lang), items)); err != nil {
		s.fail(c, err)
		return
	}
	if p.Year, err = s.yearView(d.Year, lang); err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "dashboard", s.text("dashboard_title", lang), p)
}

func (s *Server) statsPage(c *gin.Context) {
	y, ok := s.readYear(c)
	if !ok {
		return
	}
	lang := langOf(c)
	last := dsr.Day(s.now()).Year()
	p := statsPage{First: stats.FirstYear, Last: last}
	if y.Year > stats.FirstYear {
		p.Prev = y.Year - 1
	}
	if y.Year < last {
		p.Next = y.Year + 1
	}
	var err error
	if p.Year, err = s.yearView(*y, lang); err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "stats", fmt.Sprintf("%s %d", s.text("stats_title", lang), y.Year), p)
}

// readYear reads ?year= and returns that year's statistics, or reports
// the error and returns false.
func (s *Server) readYear(c *gin.Context) (*stats.Year, bool) {
	year, err := s.stats.ParseYear(c.Query("year"))
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	y, err := s.stats.Year(c.Request.Context(), year, staffActor(c))
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	return y, true
}

func (s *Server) statsCSV(c *gin.Context) {
	y, ok := s.readYear(c)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := writeStatsCSV(&buf, y); err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="dsrdesk-statistik-%d.csv"`, y.Year))
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

func (s *Server) apiStats(c *gin.Context) {
	y, ok := s.readYear(c)
	if !ok {
		return
	}
	out := statsJSON{Year: y.Year, Total: toFiguresJSON(y.Total)}
	for _, m := range y.Months {
		out.Months = append(out.Months, toFiguresJSON(m))
	}
	c.JSON(http.StatusOK, out)
}

// yearView lays out a year's figures in tables and charts in a language.
func (s *Server) yearView(y stats.Year, lang string) (yearView, error) {
	v := yearView{Year: y.Year}
	var summary, kindTable, channelTable, refusalTable figTable
	periods := append(append([]stats.Figures{}, y.Months...), y.Total)
	head := func(f stats.Figures) string {
		if len(f.Period) == 4 {
			return s.text("stats_total", lang) + " " + f.Period
		}
		return s.monthName(f.Period, lang)
	}
	summary = figTable{ID: "figures-" + strconv.Itoa(y.Year), Caption: s.text("stats_summary", lang), Corner: s.text("stats_month", lang)}
	for _, k := range []string{"stats_requests", "stats_answered", "stats_median", "stats_p95", "stats_on_time", "stats_same_day", "stats_extensions"} {
		summary.Heads = append(summary.Heads, s.text(k, lang))
	}
	kindTable = figTable{ID: "kinds-" + strconv.Itoa(y.Year), Caption: s.text("stats_by_kind", lang), Corner: s.text("stats_month", lang)}
	for _, k := range dsr.Kinds {
		kindTable.Heads = append(kindTable.Heads, s.text("kind_"+string(k), lang))
	}
	channelTable = figTable{ID: "channels-" + strconv.Itoa(y.Year), Caption: s.text("stats_by_channel", lang), Corner: s.text("stats_month", lang)}
	for _, ch := range dsr.Channels {
		channelTable.Heads = append(channelTable.Heads, s.text("ch_"+string(ch), lang))
	}
	refusalTable = figTable{ID: "refusals-" + strconv.Itoa(y.Year), Caption: s.text("stats_refusals", lang), Corner: s.text("stats_month", lang)}
	for _, r := range stats.RefusalGrounds {
		refusalTable.Heads = append(refusalTable.Heads, s.text("refusal_"+string(r.Outcome), lang))
	}
	for _, f := range periods {
		total := len(f.Period) == 4
		summary.Rows = append(summary.Rows, figRow{Head: head(f), Total: total, Cells: []string{
			fmtInt(f.Requests, lang), fmtInt(f.Answered, lang), fmtDays(f.MedianDays, lang), fmtDaysInt(f.P95Days, lang),
			fmtShare(f.OnTimeShare, lang), fmtShare(f.SameDayShare, lang), fmtInt(f.Extensions, lang)}})
		kindTable.Rows = append(kindTable.Rows, figRow{Head: head(f), Total: total, Cells: counts(f.Kinds, lang)})
		channelTable.Rows = append(channelTable.Rows, figRow{Head: head(f), Total: total, Cells: counts(f.Channels, lang)})
		var refusals []string
		for _, r := range f.Refusals {
			refusals = append(refusals, fmtInt(r.N, lang))
		}
		refusalTable.Rows = append(refusalTable.Rows, figRow{Head: head(f), Total: total, Cells: refusals})
	}
	var onTime, median, kinds, channels []chartItem
	for _, m := range y.Months {
		label := s.monthName(m.Period, lang)
		onTime = append(onTime, chartItem{Label: label, Value: share(m.OnTimeShare) * 100, Text: fmtShare(m.OnTimeShare, lang), Empty: m.OnTimeShare == nil})
		days := 0.0
		if m.MedianDays != nil {
			days = *m.MedianDays
		}
		median = append(median, chartItem{Label: label, Value: days, Text: fmtDays(m.MedianDays, lang), Empty: m.MedianDays == nil})
	}
	for i, k := range y.Total.Kinds {
		kinds = append(kinds, chartItem{Label: kindTable.Heads[i], Value: float64(k.N), Text: fmtInt(k.N, lang)})
	}
	for i, ch := range y.Total.Channels {
		channels = append(channels, chartItem{Label: channelTable.Heads[i], Value: float64(ch.N), Text: fmtInt(ch.N, lang)})
	}
	id := strconv.Itoa(y.Year)
	v.Details = make([]template.HTML, 3)
	for _, f := range []struct {
		out  *template.HTML
		name string
		data any
	}{
		{&v.Summary, "table", summary},
		{&v.Details[0], "table", kindTable},
		{&v.Details[1], "table", channelTable},
		{&v.Details[2], "table", refusalTable},
		{&v.OnTimeChart, "chart", columnsChart("chart-on-time-"+id, s.text("stats_on_time_chart", lang), onTime, 100)},
		{&v.MedianChart, "chart", columnsChart("chart-median-"+id, s.text("stats_median_chart", lang), median, 0)},
		{&v.KindChart, "chart", barsChart("chart-kinds-"+id, s.text("stats_by_kind", lang)+", "+id, kinds)},
		{&v.ChannelChart, "chart", barsChart("chart-channels-"+id, s.text("stats_by_channel", lang)+", "+id, channels)},
	} {
		html, err := renderFigure(f.name, f.data)
		if err != nil {
			return v, err
		}
		*f.out = html
	}
	return v, nil
}

// monthName is a month (YYYY-MM) as a page names it: "mars 2026".
func (s *Server) monthName(month, lang string) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return month
	}
	return s.text(fmt.Sprintf("month_%02d", int(t.Month())), lang) + " " + strconv.Itoa(t.Year())
}

func counts(cs []stats.Count, lang string) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, fmtInt(c.N, lang))
	}
	return out
}

func share(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}

// fmtInt writes a count with its thousands grouped as the language does:
// 12 345 in Swedish (a no-break space), 12,345 in English.
func fmtInt(n int, lang string) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := "\u00a0"
	if lang == "en" {
		sep = ","
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// fmtDecimal writes a number with at most one decimal, with the language's
// decimal sign.
func fmtDecimal(v float64, lang string) string {
	v = math.Round(v*10) / 10
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if whole := math.Trunc(v); whole == v {
		s = fmtInt(int(whole), lang)
	} else if lang != "en" {
		whole, frac, _ := strings.Cut(s, ".")
		n, _ := strconv.Atoi(whole)
		s = fmtInt(n, lang) + "," + frac
	}
	return s
}

// noFigure stands for a figure a period has no data for.
const noFigure = "–"

func fmtDays(p *float64, lang string) string {
	if p == nil {
		return noFigure
	}
	return fmtDecimal(*p, lang)
}

func fmtDaysInt(p *int, lang string) string {
	if p == nil {
		return noFigure
	}
	return fmtInt(*p, lang)
}

// fmtShare writes a share as a percentage with one decimal: 93,4 % in
// Swedish, 93.4% in English.
func fmtShare(p *float64, lang string) string {
	if p == nil {
		return noFigure
	}
	if lang == "en" {
		return fmtDecimal(*p*100, lang) + "%"
	}
	return fmtDecimal(*p*100, lang) + "\u00a0%"
}

// The charts are SVG drawn on the server: readable without JavaScript,
// each with a title and a description that gives its numbers, and every
// number also in a table beside it.

// figureTemplates draw a chart laid out by barsChart or columnsChart
// ("chart") and a figTable ("table"). Their text comes translated in the
// data, so one set serves both languages.
var figureTemplates = template.Must(template.ParseFS(assets.FS, "templates/figures.html"))

type (
	chart struct {
		ID, Title, Desc string
		Width, Height   int
		Axis            chartLine
		Bars            []chartBar
	}
	chartLine struct{ X1, Y1, X2, Y2 int }
	chartBar  struct {
		X, Y, W, H                     int
		Label, Value                   string
		LabelX, LabelY, ValueX, ValueY int
		LabelAnchor, ValueAnchor       string
		Empty                          bool // no data: the value reads "–"
	}
	// chartItem is one bar: its label, its length and its value as shown.
	chartItem struct {
		Label string
		Value float64
		Text  string
		Empty bool
	}
)

// renderFigure draws a chart or a table for a page to place as it is.
func renderFigure(name string, data any) (template.HTML, error) {
	var buf bytes.Buffer
	if err := figureTemplates.ExecuteTemplate(&buf, name, data); err != nil {
		return "", fmt.Errorf("draw %s: %w", name, err)
	}
	return template.HTML(buf.String()), nil // escaped by html/template above
}

// describe is a chart's numbers as one sentence for its description.
func describe(items []chartItem) string {
	parts := make([]string, 0, len(items))
	for _, it := range items {
		parts = append(parts, it.Label+": "+it.Text)
	}
	return strings.Join(parts, "; ") + "."
}

// scale is the length of a bar of value v when max fills length.
func scale(v, max float64, length int) int {
	if max <= 0 || v <= 0 {
		return 0
	}
	return int(math.Round(math.Min(v, max) / max * float64(length)))
}

func largest(items []chartItem) float64 {
	m := 0.0
	for _, it := range items {
		m = math.Max(m, it.Value)
	}
	return m
}

// barsChart lays out horizontal bars, one row per item, the longest
// filling the width.
func barsChart(id, title string, items []chartItem) chart {
	const width, labelW, rowH, barMax = 640, 220, 26, 330
	c := chart{ID: id, Title: title, Desc: describe(items), Width: width, Height: rowH*len(items) + 8}
	c.Axis = chartLine{labelW, 0, labelW, c.Height}
	max := largest(items)
	for i, it := range items {
		y := 4 + i*rowH
		w := scale(it.Value, max, barMax)
		c.Bars = append(c.Bars, chartBar{X: labelW, Y: y + 3, W: w, H: rowH - 8, Label: it.Label, Value: it.Text, Empty: it.Empty,
			LabelX: labelW - 8, LabelY: y + rowH/2 + 4, LabelAnchor: "end",
			ValueX: labelW + w + 6, ValueY: y + rowH/2 + 4, ValueAnchor: "start"})
	}
	return c
}

// columnsChart lays out a column per item (a month), scaled so that max
// fills the height, or the largest value when max is 0.
func columnsChart(id, title string, items []chartItem, max float64) chart {
	const width, height, top, bottom, side = 640, 220, 22, 24, 8
	c := chart{ID: id, Title: title, Desc: describe(items), Width: width, Height: height}
	c.Axis = chartLine{side, height - bottom, width - side, height - bottom}
	if max == 0 {
		max = largest(items)
	}
	if len(items) == 0 {
		return c
	}
	slot := (width - 2*side) / len(items)
	plot := height - top - bottom
	for i, it := range items {
		h := scale(it.Value, max, plot)
		x := side + i*slot
		label, _, _ := strings.Cut(it.Label, " ") // the month without its year
		c.Bars = append(c.Bars, chartBar{X: x + slot/6, Y: height - bottom - h, W: slot * 2 / 3, H: h, Label: label, Value: it.Text, Empty: it.Empty,
			LabelX: x + slot/2, LabelY: height - 8, LabelAnchor: "middle",
			ValueX: x + slot/2, ValueY: height - bottom - h - 5, ValueAnchor: "middle"})
	}
	return c
}

// The API's and the CSV export's shape of the figures.
type (
	statsJSON struct {
		Year   int           `json:"year"`
		Months []figuresJSON `json:"months"`
		Total  figuresJSON   `json:"total"`
	}
	figuresJSON struct {
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
		Refusals       []refusalJSON  `json:"refusals"`
	}
	refusalJSON struct {
		Outcome dsr.CaseOutcome `json:"outcome"`
		Ground  string          `json:"ground"`
		Count   int             `json:"count"`
	}
)

func toFiguresJSON(f stats.Figures) figuresJSON {
	out := figuresJSON{Period: f.Period, Requests: f.Requests, Kinds: map[string]int{}, Channels: map[string]int{}, Extensions: f.Extensions,
		Answered: f.Answered, MedianDays: f.MedianDays, P95Days: f.P95Days, OnTime: f.OnTime, OnTimeShare: f.OnTimeShare,
		AccessAnswered: f.AccessAnswered, AccessSameDay: f.AccessSameDay, SameDayShare: f.SameDayShare, Refusals: []refusalJSON{}}
	for _, k := range f.Kinds {
		out.Kinds[k.Key] = k.N
	}
	for _, ch := range f.Channels {
		out.Channels[ch.Key] = ch.N
	}
	for _, r := range f.Refusals {
		out.Refusals = append(out.Refusals, refusalJSON{Outcome: r.Outcome, Ground: r.Ground, Count: r.N})
	}
	return out
}

// writeStatsCSV writes a year's figures as CSV: a header, a row per month
// and a row for the year, the same figures the API gives.
func writeStatsCSV(w io.Writer, y *stats.Year) error {
	cw := csv.NewWriter(w)
	head := []string{"period", "requests"}
	for _, k := range dsr.Kinds {
		head = append(head, "kind_"+string(k))
	}
	for _, ch := range dsr.Channels {
		head = append(head, "channel_"+string(ch))
	}
	head = append(head, "extensions", "answered", "median_days", "p95_days", "on_time", "on_time_share",
		"access_answered", "access_same_day", "same_day_share")
	for _, r := range stats.RefusalGrounds {
		head = append(head, "refusals_"+groundColumn(r.Ground))
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, f := range append(append([]stats.Figures{}, y.Months...), y.Total) {
		row := []string{f.Period, strconv.Itoa(f.Requests)}
		for _, k := range f.Kinds {
			row = append(row, strconv.Itoa(k.N))
		}
		for _, ch := range f.Channels {
			row = append(row, strconv.Itoa(ch.N))
		}
		row = append(row, strconv.Itoa(f.Extensions), strconv.Itoa(f.Answered), csvFloat(f.MedianDays), csvInt(f.P95Days),
			strconv.Itoa(f.OnTime), csvFloat(f.OnTimeShare), strconv.Itoa(f.AccessAnswered), strconv.Itoa(f.AccessSameDay), csvFloat(f.SameDayShare))
		for _, r := range f.Refusals {
			row = append(row, strconv.Itoa(r.N))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// groundColumn turns "Art. 12(5)" into "art_12_5".
func groundColumn(ground string) string {
	f := strings.FieldsFunc(strings.ToLower(ground), func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') })
	return strings.Join(f, "_")
}

func csvFloat(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

func csvInt(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

// caseListWarnings are the due-date warnings the case list shows; nil when
// no open case is due in 1, 3 or 7 days.
func (s *Server) caseListWarnings(c *gin.Context) ([]stats.Warning, error) {
	if s.stats == nil {
		return nil, nil
	}
	w, err := s.stats.Warnings(c.Request.Context(), staffActor(c))
	if err != nil {
		return nil, err
	}
	for _, x := range w {
		if x.Count > 0 {
			return w, nil
		}
	}
	return nil, nil
}
