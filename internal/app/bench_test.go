package app

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"dsrdesk/internal/casework"
	"dsrdesk/internal/demodata"
	"dsrdesk/internal/dsr"
)

// peakRSSMB is the process's peak resident memory (VmHWM) in MB.
func peakRSSMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return -1
}

// resetPeakRSS forgets the peak so far (Linux: clear_refs 5), so that the
// figure covers the benchmark loop and not the seeding before it.
func resetPeakRSS() {
	runtime.GC()
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// BenchmarkExtractLongHistory assembles the extract of the demo person with
// more than 20,000 payment rows: source-register queries, the PDF, and
// storing it with the case. peak-RSS-MB is the process's peak resident
// memory during the loop.
func BenchmarkExtractLongHistory(b *testing.B) {
	e := newEnv(b)
	long := demodata.DemoPeople()[0]
	for _, p := range demodata.DemoPeople() {
		if strings.Contains(p.Note, "Long history") {
			long = p
		}
	}
	officer := dsr.Actor{Kind: dsr.ActorStaff, ID: "bench", Role: dsr.RoleOfficer}
	ctx := context.Background()
	c, _, err := e.app.Cases.Create(ctx, casewReq(string(long.PNR)), officer)
	if err != nil {
		b.Fatal(err)
	}
	var pages int
	resetPeakRSS()
	b.ResetTimer()
	for b.Loop() {
		sum, err := e.app.Extracts.Assemble(ctx, c.ID, officer)
		if err != nil {
			b.Fatal(err)
		}
		pages = sum.Pages
	}
	b.ReportMetric(float64(pages), "pages")
	b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
}

// BenchmarkAPICreateCase posts cases over real HTTP to a store with durable
// commits (synchronous=FULL), from several clients at once, and reports
// cases per second.
func BenchmarkAPICreateCase(b *testing.B) {
	e := newEnv(b)
	body := []byte(fmt.Sprintf(`{"kinds":["access"],"subject":%q,"channel":"letter","received_on":"2026-11-20"}`, string(demodata.DemoPeople()[1].PNR)))
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	start := time.Now()
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/cases", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+e.officer)
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "cases/s")
}

// BenchmarkEraseLongHistory evaluates, executes and writes the decision
// letter of an erasure of everything for the demo person with more than
// 20,000 payments: every record checked against its register's rules, the
// records past their retention erased in the source registers, every item
// recorded, and a decision letter listing every item. Each round starts
// from a fresh copy of the demo data, which is not timed.
func BenchmarkEraseLongHistory(b *testing.B) {
	long := person(b, func(p demodata.DemoPerson) bool { return strings.Contains(p.Note, "Long history") })
	officer := dsr.Actor{Kind: dsr.ActorStaff, ID: "bench", Role: dsr.RoleOfficer}
	ctx := context.Background()
	var items, pages int
	resetPeakRSS()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := b.TempDir()
		copySeeded(b, dir)
		a := openDir(b, dir)
		c, _, err := a.Cases.Create(ctx, casework.Request{Kinds: []dsr.Kind{dsr.KindErasure}, Subject: string(long.PNR), Channel: dsr.ChannelLetter}, officer)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		evaluated, err := a.Changes.Evaluate(ctx, c.ID, officer)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := a.Changes.Execute(ctx, c.ID, officer); err != nil {
			b.Fatal(err)
		}
		pdf, err := a.Delivery.Preview(ctx, c.ID, officer)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		items, pages = len(evaluated), bytes.Count(pdf, []byte("/Type /Page\n"))+bytes.Count(pdf, []byte("/Type /Page "))
		a.Close()
	}
	b.ReportMetric(float64(items), "items")
	b.ReportMetric(float64(pages), "pages")
	b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
}
