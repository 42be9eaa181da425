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
