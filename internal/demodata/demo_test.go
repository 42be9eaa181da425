package demodata

import (
	"encoding/json"
	"strings"
	"testing"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
)

func TestDemoPeople(t *testing.T) {
	people := DemoPeople()
	if len(people) < 9 {
		t.Fatalf("%d demo people, want at least 9", len(people))
	}
	seen := map[pnr.PNR]bool{}
	byPNR := map[pnr.PNR]DemoPerson{}
	var mailbox, paper, protectedPaper, child, coordination bool
	for _, p := range people {
		if !p.PNR.Valid() {
			t.Errorf("%s: %s is not a valid number (check digit or date)", p.Name, p.PNR)
		}
		if serial := p.PNR[8:10]; serial != "98" {
			t.Errorf("%s: serial %s is not a test serial 98x", p.Name, p.PNR[8:11])
		}
		if seen[p.PNR] {
			t.Errorf("%s: number used twice", p.Name)
		}
		seen[p.PNR] = true
		byPNR[p.PNR] = p
		switch {
		case p.DigitalMailbox:
			mailbox = true
		case p.Protection == dsr.ProtectionProtected:
			protectedPaper = true
		default:
			paper = true
		}
		if p.PNR.IsCoordination() {
			coordination = true
		}
		if p.Protection.Protected() && p.Postcode != "" {
			t.Errorf("%s: a protected person's postcode is listed", p.Name)
		}
		if p.Note == "" {
			t.Errorf("%s: no note saying what the person demonstrates", p.Name)
		}
	}
	for _, p := range people {
		if strings.HasPrefix(string(p.PNR), "2015") {
			g, ok := byPNR[p.GuardianPNR]
			if !ok {
				t.Errorf("%s: the child's guardian is not a demo person", p.Name)
			} else if strings.HasPrefix(string(g.PNR), "20") {
				t.Errorf("%s: the guardian is a child too", p.Name)
			}
			child = true
		}
	}
	for what, ok := range map[string]bool{"a digital mailbox": mailbox, "paper only": paper,
		"skyddad folkbokföring without a mailbox": protectedPaper, "a child born 2015": child, "a samordningsnummer": coordination} {
		if !ok {
			t.Errorf("no demo person with %s", what)
		}
	}
}

func TestDemoPeopleJSON(t *testing.T) {
	b, err := json.Marshal(DemoPeople()[0])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"pnr", "name", "digital_mailbox", "protection", "postcode"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, b)
		}
	}
	if m["protection"] != "none" {
		t.Errorf("protection = %v, want none", m["protection"])
	}
	if s, ok := m["pnr"].(string); !ok || len(s) != 12 || strings.Trim(s, "0123456789") != "" {
		t.Errorf("pnr = %#v, want the 12-digit string", m["pnr"])
	}
	if _, ok := m["guardian_pnr"]; ok {
		t.Errorf("an adult has a guardian_pnr: %s", b)
	}
	for _, p := range DemoPeople() {
		if p.GuardianPNR == "" {
			continue
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `"guardian_pnr":"`+string(p.GuardianPNR)+`"`) {
			t.Errorf("a child's guardian is not the 12-digit string: %s", b)
		}
	}
}

// TestDemoShowsEveryPlaceTheDataAre: the demo shows what a search of every
// place the data are finds (EDPB guidelines 01/2022): another person's data
// in the person's own records, the person as a party in someone else's
// case, and the documents in the case files. What it shows must hang
// together with the rest of the demo data.
func TestDemoShowsEveryPlaceTheDataAre(t *testing.T) {
	recs := demoRecords()
	byPNR := map[pnr.PNR]demoRecord{}
	for _, r := range recs {
		byPNR[r.PNR] = r
	}
	var withCohabitant, alone, childParty bool
	withDocuments := 0
	for _, r := range recs {
		for _, h := range r.housing {
			if h.cohabitantIncome > 0 {
				withCohabitant = true
				if !strings.Contains(r.Note, "sambo") {
					t.Errorf("%s: housing allowance with a sambo, but the note does not say so", r.Name)
				}
			} else {
				alone = true
			}
			if h.decidedOn == "" || h.ownIncome <= 0 || h.decision == "" {
				t.Errorf("%s: incomplete housing allowance decision %+v", r.Name, h)
			}
			if h.perMonth > 0 && len(housingPayments(h, r.account)) == 0 {
				t.Errorf("%s: housing allowance %s pays %d kr a month but nothing is paid", r.Name, h.decidedOn, h.perMonth)
			}
		}
		benefits := map[string]bool{}
		for _, d := range r.decisions {
			benefits[d.benefit] = true
		}
		if len(r.housing) > 0 {
			benefits["Bostadsbidrag"] = true
		}
		for _, d := range r.documents {
			if !benefits[d.benefit] {
				t.Errorf("%s: a document (%s) belongs to %s, which the person has no decision on", r.Name, d.docType, d.benefit)
			}
			if d.receivedOn == "" || d.docType == "" || d.caseRef == "" || d.sender == "" {
				t.Errorf("%s: incomplete document %+v", r.Name, d)
			}
		}
		if len(r.documents) > 0 {
			withDocuments++
		}
		for _, p := range r.parties {
			// The case is the guardian's: one of the guardian's decisions,
			// with the same benefit and date, and the guardian as applicant.
			g, ok := byPNR[r.GuardianPNR]
			if !ok {
				t.Errorf("%s: a party in a case, but no guardian among the demo people", r.Name)
				continue
			}
			if p.applicant != g.Name {
				t.Errorf("%s: applicant %q, want the guardian %s", r.Name, p.applicant, g.Name)
			}
			found := false
			for _, d := range g.decisions {
				found = found || d.benefit == p.benefit && d.decidedOn == p.caseDate
			}
			if !found {
				t.Errorf("%s: party in a %s case of %s that %s has no decision for", r.Name, p.benefit, p.caseDate, g.Name)
			}
			if p.benefit == "Tillfällig föräldrapenning" && p.role == "Barn som vården avser" {
				childParty = true
			}
		}
		if len(r.parties) > 0 && !strings.Contains(r.Note, "party") {
			t.Errorf("%s: a party in someone else's case, but the note does not say so", r.Name)
		}
	}
	for what, ok := range map[string]bool{"housing allowance with a sambo": withCohabitant, "housing allowance while living alone": alone,
		"a child as a party in a guardian's VAB case": childParty, "documents for two people": withDocuments >= 2} {
		if !ok {
			t.Errorf("the demo does not show %s", what)
		}
	}
}

// TestDemoSpecialPostalAddress: one demo person has a särskild postadress
// (a Box address) besides a registered address of her own, and her note
// says so; no protected person has one to show.
func TestDemoSpecialPostalAddress(t *testing.T) {
	n := 0
	for _, r := range demoRecords() {
		if r.special.IsZero() {
			continue
		}
		n++
		if r.Protection.Protected() {
			t.Errorf("%s: a protected person with a särskild postadress", r.Name)
		}
		if !strings.HasPrefix(r.special.Street, "Box ") || len(r.special.Postcode) != 5 || r.special.Town == "" {
			t.Errorf("%s: the särskild postadress %+v is not a whole Box address", r.Name, r.special)
		}
		if r.street == "" || r.street == r.special.Street || r.Postcode == r.special.Postcode || len(r.Postcode) != 5 {
			t.Errorf("%s: the registered address (%s, %s) is not one of its own", r.Name, r.street, r.Postcode)
		}
		if !strings.Contains(r.Note, "Särskild postadress") {
			t.Errorf("%s: the note does not say the person has a särskild postadress", r.Name)
		}
	}
	if n != 1 {
		t.Errorf("%d demo people have a särskild postadress; want 1", n)
	}
}

func TestHousingPayments(t *testing.T) {
	got := housingPayments(housingRow{decidedOn: "2021-08-16", from: "2021-09-01", to: "2022-08-31", perMonth: 1300}, "****4821")
	if len(got) != 12 || got[0] != (paymentRow{"2021-09-20", "Bostadsbidrag", 1300, "****4821"}) || got[11].paidOn != "2022-08-20" {
		t.Errorf("payments %+v, want 12 of 1 300 kr, 2021-09-20 to 2022-08-20", got)
	}
	for _, h := range []housingRow{
		{decidedOn: "2022-11-21", from: "2021-01-01", to: "2021-12-31"},                // a final decision: pays nothing
		{decidedOn: "2022-11-21", from: "", to: "2021-12-31", perMonth: 100},           // no period
		{decidedOn: "2022-11-21", from: "2022-01-01", to: "2021-12-31", perMonth: 100}, // backwards
	} {
		if p := housingPayments(h, "x"); p != nil {
			t.Errorf("%+v: payments %+v, want none", h, p)
		}
	}
}
