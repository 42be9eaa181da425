package app

import (
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"io"
	"iter"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"dsrdesk/internal/demodata"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
	"dsrdesk/internal/printzip"
)

// realLetter sends a demo person's answer to paper and returns its case
// and the letter's PDF and pages, as the outbox stored them.
func (e *env) realLetter() (caseID string, pdf []byte, pages int) {
	e.t.Helper()
	paper := person(e.t, func(p demodata.DemoPerson) bool {
		return !p.DigitalMailbox && p.Protection == dsr.ProtectionNone && strings.Contains(p.Note, "print batch")
	})
	c, _ := e.sendToPaper(string(paper.PNR))
	letters, err := e.app.Store.CaseLetters(context.Background(), c.ID)
	if err != nil || len(letters) == 0 {
		e.t.Fatalf("the case's letters: %v", err)
	}
	pdf, err = e.app.Store.LetterPDF(context.Background(), letters[0].ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return c.ID, pdf, letters[0].Pages
}

// queueSyntheticLetters queues n letters of one case for the ordinary
// print route, all with the same PDF, to fictional addressees spread over
// Sweden's postcodes in random order (and one in a hundred abroad).
func (e *env) queueSyntheticLetters(caseID string, pdf []byte, pages, n int) {
	e.t.Helper()
	rng := rand.New(rand.NewPCG(9, uint64(n)))
	towns := []string{"STOCKHOLM", "GÖTEBORG", "MALMÖ", "UPPSALA", "LINKÖPING", "ÖREBRO", "UMEÅ", "KIRUNA"}
	letters := func(yield func(dsr.Letter) bool) {
		for i := range n {
			id := pnr.OpaqueID(func() string { return uuid.Must(uuid.NewV7()).String() }) // as the outbox draws print record ids
			l := dsr.Letter{ID: id, Purpose: dsr.PurposeAnswer, Key: "synthetic:" + id, MessageID: uuid.Must(uuid.NewV7()).String(),
				Addressee: dsr.Addressee{Kind: dsr.AddresseeSubject, Name: "Syntetisk Mottagare"}, Subject: "Registerutdrag",
				Channel: dsr.DeliveryPostal, Country: "SE"}
			name := fmt.Sprintf("Åsa Öberg %d", i)
			if i%100 == 99 {
				l.Country, l.Postcode = "NO", fmt.Sprintf("%04d", rng.IntN(9000)+1000)
				l.AddressLines = []string{name, "Storgata 1", l.Postcode + " OSLO", "NORGE"}
			} else {
				l.Postcode = fmt.Sprintf("%05d", rng.IntN(88000)+10000)
				l.AddressLines = []string{name, fmt.Sprintf("Storgatan %d", rng.IntN(200)+1), l.Postcode[:3] + " " + l.Postcode[3:] + "  " + towns[rng.IntN(len(towns))]}
			}
			if !yield(l) {
				return
			}
		}
	}
	ev := dsr.Event(dsr.Actor{Kind: dsr.ActorSystem, ID: "bench"}, dsr.ActionBatchCreated, "", fmt.Sprintf("synthetic letters=%d", n))
	if got, err := e.app.Store.BulkLetters(context.Background(), caseID, iter.Seq[dsr.Letter](letters), pdf, pages, ev); err != nil || got != n {
		e.t.Fatalf("queue %d synthetic letters: %d, %v", n, got, err)
	}
}

// batchStatus is GET /api/v1/print/batches/{id}.
type batchStatus struct {
	ID      string `json:"id"`
	Letters int    `json:"letters"`
	File    string `json:"file"`
	Written int    `json:"written"`
}

// waitForBatchFile polls a batch until its file is built.
func (e *env) waitForBatchFile(id, token string, within time.Duration) batchStatus {
	e.t.Helper()
	var st batchStatus
	for deadline := time.Now().Add(within); st.File != "ready"; time.Sleep(20 * time.Millisecond) {
		if code, raw := e.call("GET", "/api/v1/print/batches/"+id, token, nil, &st); code != http.StatusOK || st.File == "failed" || time.Now().After(deadline) {
			var why []string
			for _, line := range strings.Split(e.log.String(), "\n") {
				if strings.Contains(line, "print batch") {
					why = append(why, line)
				}
			}
			e.t.Fatalf("batch %s: %d %s\n%s", id, code, raw, strings.Join(why, "\n"))
		}
	}
	return st
}

// TestLargeBatchShowsItsProgress: while a large batch's file is built, the
// print operator's page shows how far it is with a labelled progress bar
// and reloads itself (an operator can stop that); then it offers the
// download, and the batch holds every letter in PostNord's order.
func TestLargeBatchShowsItsProgress(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	caseID, pdf, pages := e.realLetter()
	const n = 4000
	e.queueSyntheticLetters(caseID, pdf, pages, n)
	users := DemoUsers()
	page := e.staffClient(users[2].Email, users[2].Password)
	if resp, _ := e.form(page, "/staff/print/batches", nil, e.srv.URL); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create from the page: %d", resp.StatusCode)
	}
	var sawProgress, sawReload bool
	var id string
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		resp, body := e.get(page, "/staff/print")
		if id == "" {
			if i := strings.Index(body, `<tr id="batch-`); i >= 0 {
				id = body[i+len(`<tr id="batch-`) : i+len(`<tr id="batch-`)+36]
			}
		}
		if strings.Contains(body, "<progress") {
			if !strings.Contains(body, `<label for="build-`+id+`">`) || !strings.Contains(body, `<progress id="build-`+id+`" max="`+fmt.Sprint(n+1)+`"`) {
				t.Fatalf("the progress bar is not labelled:\n%s", body)
			}
			sawProgress = true
		}
		if resp.Header.Get("Refresh") != "" {
			sawReload = strings.Contains(body, `href="/staff/print?reload=off"`)
			// (Unless the build finished in between: then there is
			// nothing to reload for.)
			if _, off := e.get(page, "/staff/print?reload=off"); !strings.Contains(off, `id="reload"`) && strings.Contains(off, "<progress") {
				t.Fatal("stopping the reload does not say so")
			}
		}
		if strings.Contains(body, `/staff/print/batches/`+id+`/export`) {
			if resp.Header.Get("Refresh") != "" {
				t.Fatal("the page keeps reloading after the file is ready")
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the batch's file was not built:\n%s", body)
		}
	}
	if !sawProgress || !sawReload {
		t.Errorf("never saw the build's progress (%t) or the page reloading (%t)", sawProgress, sawReload)
	}
	resp, zipped := e.get(page, "/staff/print/batches/"+id+"/export")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("download: %d", resp.StatusCode)
	}
	if err := printzip.Verify(strings.NewReader(zipped), int64(len(zipped))); err != nil {
		t.Fatal(err)
	}
	rows, err := printzip.ReadManifest(bytes.NewReader(readZip(t, []byte(zipped))[printzip.ManifestName]))
	if err != nil || len(rows) != n+1 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	// ReadManifest refuses rows out of order; check the order anyway.
	abroad := false
	for i := 1; i < len(rows); i++ {
		if !printzip.SortsBefore(rows[i-1], rows[i]) {
			t.Fatalf("row %d does not sort after row %d", i+1, i)
		}
		if rows[i].Country != "SE" {
			abroad = true
		} else if abroad {
			t.Fatalf("a Swedish letter (row %d) after letters abroad", i+1)
		}
	}
}

// BenchmarkPrintBatch100k: the print route's figure (issue 9). A store is
// filled with 100,000 letters queued for the ordinary print route, each
// the same real rendered answer letter (not timed). Then, timed, the
// print operator makes the batch over HTTP, the server builds its ZIP in
// the background (streamed from the store in postcode order into a file
// in the data folder), and the operator downloads it over HTTP. It
// reports the whole in seconds and its parts, and peak-RSS-MB: the
// process's peak resident memory (VmHWM, reset after the fill) over
// making, building and downloading. The ZIP is verified afterwards.
func BenchmarkPrintBatch100k(b *testing.B) {
	const n = 100_000
	var create, build, download time.Duration
	var size int64
	var letterKB, deflated float64
	var peak float64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e := newEnv(b)
		caseID, pdf, pages := e.realLetter()
		letterKB = float64(len(pdf)) / 1024
		var z bytes.Buffer
		fw, _ := flate.NewWriter(&z, flate.DefaultCompression)
		fw.Write(pdf)
		fw.Close()
		deflated = float64(z.Len()) / float64(len(pdf))
		e.queueSyntheticLetters(caseID, pdf, pages, n)
		resetPeakRSS()
		b.StartTimer()

		began := time.Now()
		var made struct {
			ID      string `json:"id"`
			Letters int    `json:"letters"`
		}
		if st, raw := e.call("POST", "/api/v1/print/batches", e.printer, nil, &made); st != http.StatusCreated || made.Letters != n+1 {
			b.Fatalf("create: %d %s", st, raw)
		}
		create = time.Since(began)
		e.waitForBatchFile(made.ID, e.printer, 10*time.Minute)
		build = time.Since(began) - create
		req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/print/batches/"+made.ID+"/export", nil)
		req.Header.Set("Authorization", "Bearer "+e.printer)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("download: %v %v", resp, err)
		}
		if size, err = io.Copy(io.Discard, resp.Body); err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		download = time.Since(began) - create - build
		b.StopTimer()
		peak = peakRSSMB()

		f, err := os.Open(filepath.Join(e.app.Config.DataDir, "print", made.ID+".zip"))
		if err != nil {
			b.Fatal(err)
		}
		if err := printzip.Verify(f, size); err != nil {
			b.Fatalf("the batch does not verify: %v", err)
		}
		f.Close()
		b.StartTimer()
	}
	b.ReportMetric((create + build + download).Seconds(), "s/batch")
	b.ReportMetric(create.Seconds(), "create-s")
	b.ReportMetric(build.Seconds(), "build-s")
	b.ReportMetric(download.Seconds(), "download-s")
	b.ReportMetric(peak, "peak-RSS-MB")
	b.ReportMetric(float64(size)/(1<<20), "ZIP-MB")
	b.ReportMetric(letterKB, "letter-kB")
	b.ReportMetric(deflated, "deflate-ratio")
}
