package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"dsrdesk/internal/config"
	"dsrdesk/internal/dsr"
	"dsrdesk/migrations"
)

// millionCases is how many synthetic cases the desk benchmarks run over.
const millionCases = 1_000_000

// benchDataVersion changes whenever the synthetic cases do (bulk.go), so
// that a cached store of older cases is made again.
const benchDataVersion = 1

// millionStore returns a data folder holding the demo data and a million
// synthetic cases. Seeding takes about a minute, so the folder is kept in
// the temporary directory, under a name that holds the schema version, the
// demo data's version and benchDataVersion, and made again only when one
// of them changes.
func millionStore(b *testing.B) string {
	b.Helper()
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		b.Fatal(err)
	}
	demo := "demo" + strings.TrimPrefix(demoVersion, "demo data version ")
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("dsrdesk-bench-%d-schema%d-%s-data%d", millionCases, len(names), demo, benchDataVersion))
	done := filepath.Join(dir, ".complete")
	if _, err := os.Stat(done); err == nil {
		return dir
	}
	if err := os.RemoveAll(dir); err != nil {
		b.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.Fatal(err)
	}
	copySeeded(b, dir)
	cfg := config.Defaults()
	cfg.DataDir = dir
	start := time.Now()
	if _, err := AddBulkCases(context.Background(), cfg, millionCases, func() time.Time { return testNow }); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d cases in %s (kept in %s)", millionCases, time.Since(start).Round(time.Second), dir)
	if err := os.WriteFile(done, nil, 0o600); err != nil {
		b.Fatal(err)
	}
	return dir
}

// copyDir copies the files of a data folder, so that a benchmark's own
// writes (the audit entries of its reads) never reach the cached store.
func copyDir(b *testing.B, from, to string) {
	b.Helper()
	entries, err := os.ReadDir(from)
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		src, err := os.Open(filepath.Join(from, e.Name()))
		if err != nil {
			b.Fatal(err)
		}
		dst, err := os.Create(filepath.Join(to, e.Name()))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(dst, src); err != nil {
			b.Fatal(err)
		}
		src.Close()
		if err := dst.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// p95 runs op b.N times, timing each, and reports the 95th and 50th
// percentiles in milliseconds.
func p95(b *testing.B, op func() error) {
	b.Helper()
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		if err := op(); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(times)
	at := func(p int) float64 {
		return float64(times[(p*len(times)+99)/100-1].Microseconds()) / 1000
	}
	b.ReportMetric(at(95), "p95-ms")
	b.ReportMetric(at(50), "p50-ms")
}

// BenchmarkDeskMillion measures, over real HTTP against a store of a
// million cases (and the demo's), the 95th percentile of: the first page
// and the 51st page (by cursor, after 50 pages of 100) of every queue in
// the API, as an officer; and the DPO's dashboard page. Each request is
// what a person's would be: authenticated, audited (a durable write),
// rendered.
func BenchmarkDeskMillion(b *testing.B) {
	src := millionStore(b)
	dir := b.TempDir()
	copyDir(b, src, dir)
	e := &env{t: b, log: &syncBuffer{}}
	cfg := config.Defaults()
	cfg.DataDir, cfg.MailboxURL = dir, "http://127.0.0.1:1"
	a, err := New(context.Background(), cfg, zerolog.Nop(), func() time.Time { return testNow })
	if err != nil {
		b.Fatal(err)
	}
	e.app = a
	b.Cleanup(func() { a.Close() })
	srv := httptest.NewServer(a.Handler)
	b.Cleanup(srv.Close)
	e.srv = srv
	users := DemoUsers()
	officer, err := a.Auth.CreateToken(context.Background(), users[0].Email, dsr.SystemActor)
	if err != nil {
		b.Fatal(err)
	}
	client := &http.Client{}
	get := func(path string, out any) error {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+officer)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			body, _ := io.ReadAll(resp.Body)
			return fmt.Errorf("GET %s: %d %s", path, resp.StatusCode, body)
		}
		if out == nil {
			_, err = io.Copy(io.Discard, resp.Body)
			return err
		}
		return json.NewDecoder(resp.Body).Decode(out)
	}
	type listResp struct {
		Total int    `json:"total"`
		Next  string `json:"next"`
	}
	for _, q := range dsr.Queues {
		first := "/api/v1/cases?limit=100&queue=" + string(q)
		// The cursor of page 51, or of the last page when the queue is
		// shorter.
		cursor, depth, total := "", 1, 0
		for depth <= 50 {
			var page listResp
			if err := get(first+"&cursor="+url.QueryEscape(cursor), &page); err != nil {
				b.Fatal(err)
			}
			total = page.Total
			if page.Next == "" {
				break
			}
			cursor, depth = page.Next, depth+1
		}
		b.Run(fmt.Sprintf("list/%s/first/total=%d", q, total), func(b *testing.B) {
			p95(b, func() error { return get(first, nil) })
		})
		b.Run(fmt.Sprintf("list/%s/page=%d", q, depth), func(b *testing.B) {
			p95(b, func() error { return get(first+"&cursor="+url.QueryEscape(cursor), nil) })
		})
	}
	dpo := e.staffClient(users[1].Email, users[1].Password)
	b.Run("dashboard", func(b *testing.B) {
		p95(b, func() error {
			resp, err := dpo.Get(srv.URL + "/staff/dashboard")
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("dashboard: %d", resp.StatusCode)
			}
			_, err = io.Copy(io.Discard, resp.Body)
			return err
		})
	})
}
