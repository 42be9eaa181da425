package app

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"dsrdesk/internal/demodata"
	"dsrdesk/internal/dsr"
)

// formKey reads the request key a form page carries.
func formKey(t *testing.T, page string) string {
	t.Helper()
	const attr = `name="request_key" value="`
	i := strings.Index(page, attr)
	if i < 0 {
		t.Fatal("the form carries no request key")
	}
	k := page[i+len(attr):]
	return k[:strings.IndexByte(k, '"')]
}

// cellKey reads, from the rectification form, the key of the first cell
// that shows the value shown and belongs to the register's field.
func cellKey(t *testing.T, page, register, field, shown string) string {
	t.Helper()
	rest := page
	for {
		i := strings.Index(rest, `<span class="value">`+shown+`</span>`)
		if i < 0 {
			t.Fatalf("the form shows no %s value %q", register, shown)
		}
		rest = rest[i:]
		const attr = `name="wrong" value="`
		k := rest[strings.Index(rest, attr)+len(attr):]
		k = html.UnescapeString(k[:strings.IndexByte(k, '"')])
		if strings.HasPrefix(k, register+"/") && strings.HasSuffix(k, "/"+field) {
			return k
		}
		rest = rest[1:]
	}
}

// TestEServiceForms: a person signed in with the test e-ID finds the four
// forms for requests to change data on the start page; each renders in
// Swedish, re-renders a bad submission with the field's message, and makes
// a case of the right kinds from a good one, with a receipt that says what
// happens next and by when. No URL carries the identity number.
func TestEServiceForms(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	elin := demodata.DemoPeople()[4]
	if !strings.Contains(elin.Note, "LEFI") {
		t.Fatalf("demo person 4 is %s, not the LEFI person", elin.Name)
	}
	c := e.individualClient(elin)
	var urls []string // every URL the flows visit or are sent to
	_, start := e.get(c, "/")
	for _, id := range []string{"9352", "rattelse", "radering", "begransning", "invandning"} {
		if !strings.Contains(start, `href="/request/`+id+`"`) {
			t.Errorf("the start page offers no form %s", id)
		}
	}
	ctx := context.Background()
	officer, err := e.app.Auth.Bearer(ctx, e.officer)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		form  string
		shows []string // on the form page, in Swedish
		// bad is a submission the form refuses with msg; good is one it
		// accepts. Both may read the form page for its keys.
		bad   func(page string) url.Values
		msg   string
		good  func(page string) url.Values
		kinds []dsr.Kind
		next  string // on the receipt
		check func(t *testing.T, cs *dsr.Case, page string)
	}{
		{
			form: "rattelse",
			shows: []string{"Begäran om rättelse eller komplettering", "Fråga om utlämnande till försäkringsbolag", "Exempelgatan 5", "elin.lefistrom@example.se",
				"Uppgifterna kommer från Skatteverket (folkbokföringen), som också rättar dem. Försäkringskassan kan inte rätta dem själv.", "bedömningar i ett beslut", "omprövning", "Beviljad (förlängning)"},
			bad: func(page string) url.Values {
				return url.Values{"statement_registers": {"kontakter"}}
			},
			msg: "Markera minst en uppgift som är fel och skriv vad som är rätt, eller skriv ett kompletterande yttrande.",
			good: func(page string) url.Values {
				note := cellKey(t, page, "kontakter", "subject", "Fråga om utlämnande till försäkringsbolag")
				street := cellKey(t, page, "folkbokforing", "street", "Exempelgatan 5")
				return url.Values{"wrong": {note, street}, "fix/" + note: {"Fråga om utlämnande till Folksam"}, "fix/" + street: {"Exempelgatan 7"},
					"statement": {"Beslutet bygger på fel inkomstuppgift."}, "statement_registers": {"formansbeslut"}}
			},
			kinds: []dsr.Kind{dsr.KindRectify, dsr.KindComplete},
			next:  "Uppgifter från folkbokföringen rättas av Skatteverket",
			check: func(t *testing.T, cs *dsr.Case, page string) {
				ch := cs.Change
				if len(ch.Changes) != 2 || ch.Statement != "Beslutet bygger på fel inkomstuppgift." || !slices.Equal(ch.Scope, []string{"formansbeslut"}) {
					t.Fatalf("change %+v", ch)
				}
				// The engine finds the records the form named.
				var ev struct {
					Items []struct{ Kind, Register, Field, Requested, Outcome string }
				}
				if st, raw := e.call("POST", "/api/v1/cases/"+cs.ID+"/evaluation", e.officer, nil, &ev); st != http.StatusOK {
					t.Fatalf("evaluate: %d %s", st, raw)
				}
				got := map[string]string{}
				for _, it := range ev.Items {
					if it.Kind == "rectification" {
						got[it.Register+"."+it.Field] = it.Outcome + ":" + it.Requested
					}
				}
				if len(got) != 2 || got["kontakter.subject"] != "rectify:Fråga om utlämnande till Folksam" || got["folkbokforing.street"] != "refer:Exempelgatan 7" {
					t.Fatalf("rectification items %v", got)
				}
			},
		},
		{
			form:  "radering",
			shows: []string{"Begäran om radering", "Uppgifterna behövs inte längre", "Påminnelser via e-post", "Kontakter med Försäkringskassan"},
			bad: func(string) url.Values {
				return url.Values{"scope": {"chosen"}, "registers": {"paminnelser"}, "details": {"Sluta påminna mig."}}
			},
			msg: "Välj ett skäl.",
			good: func(string) url.Values {
				return url.Values{"scope": {"chosen"}, "registers": {"paminnelser", "kontakter"}, "ground": {dsr.GroundConsentWithdrawn}, "details": {"Sluta påminna mig."}}
			},
			kinds: []dsr.Kind{dsr.KindErasure},
			next:  "Vi prövar varje uppgift mot de regler som kan kräva att vi sparar den",
			check: func(t *testing.T, cs *dsr.Case, _ string) {
				if ch := cs.Change; !slices.Equal(ch.Scope, []string{"paminnelser", "kontakter"}) || !slices.Equal(ch.Grounds, []string{"17.1.b"}) {
					t.Fatalf("change %+v", ch)
				}
				if cs.Details["details"] != "Sluta påminna mig." {
					t.Fatalf("details %v", cs.Details)
				}
			},
		},
		{
			form:  "begransning",
			shows: []string{"Begäran om begränsning av behandling", "Begränsa dem medan det utreds"},
			bad: func(string) url.Values {
				return url.Values{"scope": {"chosen"}, "ground": {dsr.GroundContested}}
			},
			msg: "Välj minst ett register.",
			good: func(string) url.Values {
				return url.Values{"scope": {"all"}, "registers": {"kontakter"}, "ground": {dsr.GroundContested}}
			},
			kinds: []dsr.Kind{dsr.KindRestriction},
			next:  "du får besked innan en begränsning tas bort",
			check: func(t *testing.T, cs *dsr.Case, _ string) {
				if ch := cs.Change; len(ch.Scope) != 0 || !slices.Equal(ch.Grounds, []string{"18.1.a"}) {
					t.Fatalf("change %+v: all data, contested accuracy expected", ch)
				}
			},
		},
		{
			form:  "invandning",
			shows: []string{"Invändning mot behandling", "myndighetsutövning (artikel 6.1 e)", "Den gäller inte uppgifter som vi enligt lag är skyldiga att behandla"},
			bad: func(string) url.Values {
				return url.Values{"scope": {"all"}, "reasons": {"   "}}
			},
			msg: "Fyll i det här fältet.",
			good: func(string) url.Values {
				return url.Values{"scope": {"chosen"}, "registers": {"kontakter"}, "reasons": {"Anteckningarna rör min hälsa och behövs inte längre."}}
			},
			kinds: []dsr.Kind{dsr.KindObjection},
			next:  "Där rätten att invända gäller slutar vi behandla uppgifterna",
			check: func(t *testing.T, cs *dsr.Case, _ string) {
				if !slices.Equal(cs.Change.Scope, []string{"kontakter"}) || cs.Details["reasons"] != "Anteckningarna rör min hälsa och behövs inte längre." {
					t.Fatalf("change %+v, details %v", cs.Change, cs.Details)
				}
			},
		},
	}
	for _, tt := range tests {
		path := "/request/" + tt.form
		urls = append(urls, path)
		resp, page := e.get(c, path)
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, `<html lang="sv">`) {
			t.Fatalf("%s: %d, want a Swedish page", tt.form, resp.StatusCode)
		}
		for _, s := range tt.shows {
			if !strings.Contains(page, s) {
				t.Errorf("%s does not show %q", tt.form, s)
			}
		}
		key := formKey(t, page)

		bad := tt.bad(page)
		bad.Set("request_key", key)
		resp, body := e.form(c, path, bad, e.srv.URL)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `<p class="error"`) || !strings.Contains(body, tt.msg) {
			t.Fatalf("%s, bad submission: %d, want 400 with %q", tt.form, resp.StatusCode, tt.msg)
		}
		if formKey(t, body) != key {
			t.Fatalf("%s: the re-rendered form lost its request key", tt.form)
		}

		good := tt.good(page)
		good.Set("request_key", key)
		// A form posted from another site is refused and makes no case.
		if resp, _ := e.form(c, path, good, "https://evil.example"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("%s, cross-origin post: %d, want 403", tt.form, resp.StatusCode)
		}
		resp, _ = e.form(c, path, good, e.srv.URL)
		receipt := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(receipt, "/request/receipt/") {
			t.Fatalf("%s, good submission: %d %s", tt.form, resp.StatusCode, receipt)
		}
		urls = append(urls, receipt)
		if resp, _ := e.form(c, path, good, e.srv.URL); resp.Header.Get("Location") != receipt {
			t.Fatalf("%s: a resubmitted form made another case", tt.form)
		}
		id := strings.TrimPrefix(receipt, "/request/receipt/")
		var cr caseResp
		if st, raw := e.call("GET", "/api/v1/cases/"+id, e.officer, nil, &cr); st != http.StatusOK {
			t.Fatalf("%s: read the case back: %d %s", tt.form, st, raw)
		}
		var kinds []string
		for _, k := range tt.kinds {
			kinds = append(kinds, string(k))
		}
		if !slices.Equal(cr.Kinds, kinds) || cr.Channel != "eservice" || cr.DueOn != "2026-12-23" {
			t.Fatalf("%s: case %+v, want kinds %v from the e-service due 2026-12-23", tt.form, cr, kinds)
		}
		resp, body = e.get(c, receipt)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, cr.Number) || !strings.Contains(body, tt.next) || !strings.Contains(body, "senast 2026-12-23") {
			t.Fatalf("%s: receipt %d does not name case %s, the next step %q and the due date", tt.form, resp.StatusCode, cr.Number, tt.next)
		}
		cs, err := e.app.Cases.Get(ctx, id, dsr.StaffActor(officer))
		if err != nil {
			t.Fatal(err)
		}
		if cs.Details["form"] != tt.form {
			t.Errorf("%s: details %v do not name the form", tt.form, cs.Details)
		}
		tt.check(t, cs, page)
	}

	// A value marked as wrong without the right one is shown again, marked,
	// with the message on that value.
	_, page := e.get(c, "/request/rattelse")
	note := cellKey(t, page, "kontakter", "subject", "Sjukanmälan")
	resp, body := e.form(c, "/request/rattelse", url.Values{"request_key": {formKey(t, page)}, "wrong": {note}}, e.srv.URL)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `value="`+note+`" checked`) || !strings.Contains(body, "Skriv vad som är rätt.") {
		t.Fatalf("a marked value without the right one: %d", resp.StatusCode)
	}
	// The same form in English.
	e.get(c, "/lang/en?next=/")
	if _, page := e.get(c, "/request/rattelse"); !strings.Contains(page, "Request for rectification or completion") ||
		!strings.Contains(page, "come from the Swedish Tax Agency (the population register), which also corrects them") {
		t.Error("the rectification form is not in English after switching")
	}

	for _, u := range urls {
		for _, f := range pnrForms(string(elin.PNR)) {
			if strings.Contains(u, f) {
				t.Fatalf("URL %s carries an identity number", u)
			}
		}
	}
	e.checkAuditAndLogs()
}
