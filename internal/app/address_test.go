package app

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"

	"dsrdesk/internal/demodata"
	"dsrdesk/internal/printzip"
)

// TestSpecialPostalAddress follows the demo person with a särskild
// postadress (RULES §9) from request to print shop: her extract shows her
// registered address and her särskild postadress apart, the letter's
// address block is the särskild postadress (a Box address), and so are the
// address lines and postcode the print shop gets.
func TestSpecialPostalAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := person(t, func(p demodata.DemoPerson) bool { return strings.Contains(p.Note, "Särskild postadress") })
	if p.DigitalMailbox {
		t.Fatal("the demo person with a särskild postadress has a digital mailbox: her letter would not go on paper")
	}
	const (
		registeredStreet = "Provstigen 21"
		registeredTown   = "BROMMA"
		box              = "Box 4711"
		boxPostcode      = "10321"
		boxPlace         = "103 21  STOCKHOLM"
	)

	c := e.createCase(string(p.PNR), "letter", "2026-11-20")
	if st, raw := e.call("POST", "/api/v1/cases/"+c.ID+"/extract", e.officer, nil, nil); st != http.StatusOK {
		t.Fatalf("extract: %d %s", st, raw)
	}
	st, pdf := e.call("GET", "/api/v1/cases/"+c.ID+"/extract.pdf", e.officer, nil, nil)
	if st != http.StatusOK {
		t.Fatalf("extract.pdf: %d", st)
	}
	// The population register's section shows both addresses, each under
	// its own headings.
	all := pdfText(t, pdf, "-raw")
	for _, want := range []string{registeredStreet, registeredTown, "Särskild postadress", box + ", 103 21 STOCKHOLM"} {
		if !strings.Contains(all, want) {
			t.Errorf("the extract does not show %q", want)
		}
	}
	// Page 1's address block, in the envelope window, is the särskild
	// postadress, and the registered address is not on page 1.
	page1 := pdfText(t, pdf, "-f", "1", "-l", "1")
	if flat := strings.Join(strings.Fields(page1), " "); !strings.Contains(flat, p.Name+" "+box+" 103 21 STOCKHOLM") {
		t.Errorf("page 1 is not addressed to the särskild postadress:\n%s", page1)
	}
	if strings.Contains(page1, registeredStreet) || strings.Contains(page1, registeredTown) {
		t.Errorf("page 1 shows the registered address:\n%s", page1)
	}

	var sent struct {
		Channel string `json:"channel"`
	}
	if st, raw := e.call("POST", "/api/v1/cases/"+c.ID+"/send", e.officer, nil, &sent); st != http.StatusOK || sent.Channel != "postal" {
		t.Fatalf("send: %d %s", st, raw)
	}
	var batch struct {
		ID      string `json:"id"`
		Letters int    `json:"letters"`
	}
	if st, raw := e.call("POST", "/api/v1/print/batches", e.printer, nil, &batch); st != http.StatusCreated || batch.Letters != 1 {
		t.Fatalf("create batch: %d %s", st, raw)
	}
	st, zipped := e.call("GET", "/api/v1/print/batches/"+batch.ID+"/export", e.printer, nil, nil)
	if st != http.StatusOK {
		t.Fatalf("export: %d %s", st, zipped)
	}
	files := readZip(t, zipped)
	rows, err := printzip.ReadManifest(bytes.NewReader(files["manifest.csv"]))
	if err != nil || len(rows) != 1 {
		t.Fatalf("manifest: %d rows, %v", len(rows), err)
	}
	r := rows[0]
	if want := []string{p.Name, box, boxPlace}; !slices.Equal(r.AddressLines, want) || r.Postcode != boxPostcode || r.Country != "SE" {
		t.Errorf("the print shop gets address lines %q, postcode %q, country %q; want %q, %q, SE", r.AddressLines, r.Postcode, r.Country, want, boxPostcode)
	}
	if strings.Contains(string(files["manifest.csv"]), registeredStreet) {
		t.Error("the manifest carries the registered address")
	}
}
