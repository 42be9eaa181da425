package catalogue

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"dsrdesk/internal/dsr"
)

func TestDefaultIsValid(t *testing.T) {
	cat, err := Parse("catalogue.json", Default())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range cat.Registers {
		ids = append(ids, e.ID)
		texts := map[string][2]string{
			"name":                {e.Name.SV, e.Name.EN},
			"purposes":            {e.Purposes.SV, e.Purposes.EN},
			"categories":          {e.Categories.SV, e.Categories.EN},
			"recipients":          {e.Recipients.SV, e.Recipients.EN},
			"retention":           {e.Retention.SV, e.Retention.EN},
			"legal_basis":         {e.LegalBasis.SV, e.LegalBasis.EN},
			"source":              {e.Source.SV, e.Source.EN},
			"automated_decisions": {e.AutomatedDecisions.SV, e.AutomatedDecisions.EN},
			"third_countries":     {e.ThirdCountries.SV, e.ThirdCountries.EN},
		}
		for field, sv := range texts {
			if sv[0] == "" || sv[1] == "" {
				t.Errorf("register %s: %s lacks a Swedish or English text", e.ID, field)
			}
		}
		for i, c := range e.Columns {
			if c.EN == "" {
				t.Errorf("register %s: column %d has no English heading", e.ID, i+1)
			}
		}
	}
	want := "folkbokforing formansbeslut bostadsbidrag handlingar parter_andra_arenden utbetalningar kontakter paminnelser lefi lefi_prenumeration"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("registers = %s, want %s", got, want)
	}
	if e, ok := cat.Lookup("lefi"); !ok || e.RecipientsQuery == "" {
		t.Error("the LEFI register must name its recipients with a recipients_query")
	}
	if _, ok := cat.Lookup("nosuch"); ok {
		t.Error("Lookup found a register that does not exist")
	}
}

func TestDefaultIsACopy(t *testing.T) {
	a := Default()
	a[0] = 'X'
	if Default()[0] == 'X' {
		t.Fatal("Default hands out the embedded bytes themselves")
	}
}

// entryJSON is a valid catalogue entry with one field replaced or removed.
func entryJSON(id string, change func(map[string]any)) map[string]any {
	e := map[string]any{
		"id":              id,
		"name":            map[string]string{"sv": "Testregister", "en": "Test register"},
		"third_countries": map[string]string{"sv": "Uppgifterna överförs inte utanför EU/EES."},
		"columns":         []map[string]string{{"sv": "Datum", "en": "Date", "format": "date"}},
		"query":           "SELECT id, paid_on FROM payments WHERE pnr = :pnr",
		"rules":           minimalRules(),
	}
	if change != nil {
		change(e)
	}
	return e
}

// minimalRules are the rules of a register whose data are never erased,
// corrected or restricted: only completed with a statement.
func minimalRules() map[string]any {
	return map[string]any{
		"basis":      []string{"c"},
		"retention":  map[string]any{"years": 0, "rule": map[string]string{"sv": "Bevaras för alltid."}},
		"erasure":    "never",
		"statements": map[string]string{"annotate": "INSERT OR IGNORE INTO statements (key, register, record_id, pnr, text, added_on) VALUES (:key, 'x', :record, :pnr, :text, :today)"},
	}
}

func catalogueJSON(t *testing.T, entries ...map[string]any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(map[string]any{"registers": entries,
		"restrictions_query": "SELECT register, record_id FROM restrictions WHERE pnr = :pnr",
		"statements_query":   "SELECT register, record_id, text, added_on FROM statements WHERE pnr = :pnr"}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCatalogueValidation(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string // the whole error message
	}{
		{"bad JSON", []byte("{\n  \"registers\": [\n    {\"id\": \"a\",,}\n  ]\n}"),
			"registers.json: invalid JSON at line 3, column 17: invalid character ',' looking for beginning of object key string"},
		{"empty file", []byte(""), "registers.json: the file is empty"},
		{"truncated", []byte(`{"registers": [`), "registers.json: invalid JSON at line 1, column 16: unexpected end of JSON input"},
		{"no registers list", []byte(`{}`), `registers.json: the catalogue has no "registers" list`},
		{"no restrictions query", []byte(`{"registers": [], "statements_query": "SELECT 1 WHERE :pnr"}`), `registers.json: restrictions_query is missing`},
		{"not an object", []byte(`[]`), "registers.json: the catalogue must be a JSON object"},
		{"registers not a list", []byte(`{"registers": {}}`), `registers.json: "registers" must be a list`},
		{"unknown top-level field", []byte(`{"registers": [], "version": 2}`), `registers.json: unknown field "version" (the catalogue has "comment", "registers", "codes", "organisations", "restrictions_query" and "statements_query")`},
		{"organisation without postcode", []byte(`{"registers": [], "organisations": [{"org_number": "502006-1585", "name": "Folksam", "street": "Bohusgatan 14", "town": "STOCKHOLM"}]}`), `registers.json: organisations[1] (502006-1585): postcode "" must be five digits without a space`},
		{"organisation number twice", []byte(`{"registers": [], "organisations": [{"org_number": "502006-1585", "name": "A", "street": "S 1", "postcode": "10660", "town": "T"}, {"org_number": "502006-1585", "name": "B", "street": "S 2", "postcode": "10660", "town": "T"}]}`), `registers.json: organisations[2]: org_number 502006-1585 is listed twice`},
		{"organisation number malformed", []byte(`{"registers": [], "organisations": [{"org_number": "5020061585", "name": "A", "street": "S 1", "postcode": "10660", "town": "T"}]}`), `registers.json: organisations[1]: org_number "5020061585" must be NNNNNN-NNNN`},
		{"trailing data", []byte(`{"registers": []} {}`), "registers.json: unexpected data after the catalogue object"},
		{"duplicate id", catalogueJSON(t, entryJSON("betalningar", nil), entryJSON("kontakter", nil), entryJSON("betalningar", nil)),
			`registers.json: register "betalningar": duplicate id (registers 1 and 3)`},
		{"missing query", catalogueJSON(t, entryJSON("ok", nil), entryJSON("betalningar", func(e map[string]any) { delete(e, "query") })),
			`registers.json: register "betalningar": query is missing`},
		{"blank query", catalogueJSON(t, entryJSON("betalningar", func(e map[string]any) { e["query"] = "  " })),
			`registers.json: register "betalningar": query is missing`},
		{"missing id", catalogueJSON(t, entryJSON("ok", nil), entryJSON("", nil)),
			`registers.json: register 2: id is missing`},
		{"bad id", catalogueJSON(t, entryJSON("Betal ningar", nil)),
			`registers.json: register "Betal ningar": id must be lower-case letters, digits, '-' or '_'`},
		{"missing name.sv", catalogueJSON(t, entryJSON("betalningar", func(e map[string]any) { e["name"] = map[string]string{"en": "Payments"} })),
			`registers.json: register "betalningar": name.sv is missing`},
		{"missing third_countries", catalogueJSON(t, entryJSON("betalningar", func(e map[string]any) { delete(e, "third_countries") })),
			`registers.json: register "betalningar": third_countries.sv is missing (whether the data are transferred outside the EU/EEA, Art. 15(2))`},
		{"blank third_countries.sv", catalogueJSON(t, entryJSON("betalningar", func(e map[string]any) {
			e["third_countries"] = map[string]string{"sv": " ", "en": "The data are not transferred outside the EU/EEA."}
		})), `registers.json: register "betalningar": third_countries.sv is missing (whether the data are transferred outside the EU/EEA, Art. 15(2))`},
		{"no columns", catalogueJSON(t, entryJSON("betalningar", func(e map[string]any) { e["columns"] = []any{} })),
			`registers.json: register "betalningar": columns are missing: a register needs at least one column`},
		{"column without heading", catalogueJSON(t, entryJSON("betalningar", func(e map[string]any) { e["columns"] = []map[string]string{{"en": "Date"}} })),
			`registers.json: register "betalningar": column 1: sv heading is missing`},
		{"unknown format", catalogueJSON(t, entryJSON("betalningar", func(e map[string]any) { e["columns"] = []map[string]string{{"sv": "Belopp", "format": "euro"}} })),
			`registers.json: register "betalningar": column 1: unknown format "euro" (use text, date, sek, number or code)`},
		{"query without the person", catalogueJSON(t, entryJSON("betalningar", func(e map[string]any) { e["query"] = "SELECT paid_on FROM payments" })),
			`registers.json: register "betalningar": query must select the person's rows with the parameter :pnr or ?`},
		{"two statements", catalogueJSON(t, entryJSON("betalningar", func(e map[string]any) {
			e["query"] = "SELECT paid_on FROM payments WHERE pnr = :pnr; DROP TABLE payments"
		})), `registers.json: register "betalningar": query must be a single SQL statement`},
		{"recipients query without the person", catalogueJSON(t, entryJSON("lefi", func(e map[string]any) {
			e["recipients_query"] = "SELECT recipient, recipient_org_no, benefit, disclosed_on, legal_basis FROM lefi_disclosures"
		})), `registers.json: register "lefi": recipients_query must select the person's rows with the parameter :pnr or ?`},
		{"misspelt field", catalogueJSON(t, entryJSON("betalningar", func(e map[string]any) { e["retenton"] = map[string]string{"sv": "10 år"} })),
			`registers.json: register "betalningar": json: unknown field "retenton"`},
		{"wrong type", catalogueJSON(t, entryJSON("betalningar", func(e map[string]any) { e["columns"] = "Datum" })),
			`registers.json: register "betalningar": field "columns" at line 4, column 25 must be a list, not a JSON string`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cat, err := Parse("registers.json", tt.data)
			if err == nil {
				t.Fatalf("no error; catalogue %+v", cat)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got %s\nwant %s", err, tt.want)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(filepath.Join(dir, "missing.json")); err == nil || !strings.Contains(err.Error(), "read register catalogue") {
		t.Errorf("missing file: error = %v", err)
	}
	path := filepath.Join(dir, "registers.json")
	if err := os.WriteFile(path, catalogueJSON(t, entryJSON("a", nil), entryJSON("a", nil)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if want := path + `: register "a": duplicate id (registers 1 and 2)`; err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
	if err := os.WriteFile(path, Default(), 0o600); err != nil {
		t.Fatal(err)
	}
	cat, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(cat.Registers) != 10 {
		t.Errorf("%d registers, want 10", len(cat.Registers))
	}
}

func TestEveryFormatIsAccepted(t *testing.T) {
	for _, format := range []string{"", FormatText, FormatDate, FormatSEK, FormatNumber, FormatCode} {
		data := catalogueJSON(t, entryJSON("prov", func(e map[string]any) {
			e["columns"] = []map[string]string{{"sv": "Kolumn", "format": format}}
		}))
		cat, err := Parse("registers.json", data)
		if err != nil {
			t.Errorf("format %q: %v", format, err)
			continue
		}
		if got := cat.Registers[0].Columns[0].Format; got != format {
			t.Errorf("format %q read as %q", format, got)
		}
	}
}

func TestDefaultMarksBenefitsAsCodes(t *testing.T) {
	cat, err := Parse("catalogue.json", Default())
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"formansbeslut", "utbetalningar", "lefi"} {
		e, _ := cat.Lookup(id)
		found := false
		for _, c := range e.Columns {
			if c.SV == "Förmån" {
				found = true
				if c.Format != FormatCode {
					t.Errorf("register %s: the benefit column has format %q, want %q", id, c.Format, FormatCode)
				}
			}
		}
		if !found {
			t.Errorf("register %s has no benefit column", id)
		}
	}
}

func TestNamesPNR(t *testing.T) {
	tests := []struct {
		query string
		want  bool
	}{
		{"SELECT a FROM t WHERE pnr = :pnr", true},
		{"SELECT a FROM t WHERE pnr = @pnr", true},
		{"SELECT a FROM t WHERE pnr = $pnr", true},
		{"SELECT a FROM t WHERE pnr = ?", false},
	}
	for _, tt := range tests {
		if got := NamesPNR(tt.query); got != tt.want {
			t.Errorf("NamesPNR(%q) = %t, want %t", tt.query, got, tt.want)
		}
	}
}

// TestRulesValidation: a catalogue whose rules are incomplete is refused,
// naming the register and what is missing.
func TestRulesValidation(t *testing.T) {
	withRules := func(change func(r map[string]any)) []byte {
		return catalogueJSON(t, entryJSON("kontakter", func(e map[string]any) {
			e["columns"] = []map[string]string{{"sv": "Datum", "field": "on", "format": "date"}, {"sv": "Ärende", "field": "subject"}}
			e["query"] = "SELECT id, contacted_on, subject FROM contacts WHERE pnr = :pnr"
			r := minimalRules()
			change(r)
			e["rules"] = r
		}))
	}
	stmts := func(r map[string]any) map[string]any {
		m := map[string]any{}
		for k, v := range r["statements"].(map[string]string) {
			m[k] = v
		}
		r["statements"] = m
		return m
	}
	tests := []struct {
		name   string
		change func(r map[string]any)
		want   string
	}{
		{"no basis", func(r map[string]any) { delete(r, "basis") }, "rules.basis is missing (the Art. 6(1) points: a, c or e)"},
		{"unknown basis", func(r map[string]any) { r["basis"] = []string{"f"} }, `rules.basis: unknown point "f" (use a, c or e)`},
		{"no weeding rule", func(r map[string]any) { r["retention"] = map[string]any{"years": 0} }, "rules.retention.rule.sv is missing (the weeding rule a decision cites)"},
		{"retention from a text column", func(r map[string]any) {
			r["retention"] = map[string]any{"years": 2, "from": "subject", "rule": map[string]string{"sv": "Två år."}}
		}, `rules.retention.from must name the field of a date column, not "subject"`},
		{"erasure after retention without one", func(r map[string]any) { r["erasure"] = "after_retention" }, "rules.erasure is after_retention, but rules.retention.years is not set"},
		{"unknown erasure", func(r map[string]any) { r["erasure"] = "sometimes" }, `rules.erasure must be yes, after_retention or never, not "sometimes"`},
		{"erasable without a statement", func(r map[string]any) { r["erasure"] = "yes" }, "rules.statements.erase is missing: the register's data can be erased"},
		{"rectifiable field that does not exist", func(r map[string]any) { r["rectifiable"] = []string{"colour"} }, `rules name the field "colour", which no column has`},
		{"rectifiable without a statement", func(r map[string]any) { r["rectifiable"] = []string{"subject"} }, "rules.statements.correct.subject is missing: the field is rectifiable"},
		{"restrictable without a statement", func(r map[string]any) { r["restrictable"] = true }, "rules.statements.restrict is missing: the register is restrictable"},
		{"a restriction that cannot be lifted", func(r map[string]any) {
			r["restrictable"] = true
			stmts(r)["restrict"] = "INSERT INTO restrictions (register, record_id, pnr) VALUES ('k', :record, :pnr)"
		}, "rules.statements.unrestrict is missing: a restriction must be possible to lift (Art. 18(3))"},
		{"no statement to complete with", func(r map[string]any) { delete(r, "statements") }, "rules.statements.annotate is missing: a person may complete the register's data with a statement"},
		{"official authority without an objection rule", func(r map[string]any) { r["basis"] = []string{"e"} }, "rules.objection must be stop or compelling: the data are held under Art. 6(1)(e)"},
		{"compelling grounds not given", func(r map[string]any) { r["basis"] = []string{"e"}; r["objection"] = "compelling" }, "rules.compelling.sv is missing: an objection is met with compelling grounds"},
		{"statement without the record", func(r map[string]any) {
			r["erasure"] = "yes"
			stmts(r)["erase"] = "DELETE FROM contacts WHERE pnr = :pnr"
		}, "rules.statements.erase must name the person as :pnr and the record as :record"},
		{"disclosed through a register that logs nothing", func(r map[string]any) { r["disclosed_via"] = []string{"kontakter"} },
			`rules.disclosed_via names "kontakter", which is not a register with a recipients_query`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("registers.json", withRules(tt.change))
			want := `registers.json: register "kontakter": ` + tt.want
			if err == nil || err.Error() != want {
				t.Errorf("error\n got %v\nwant %s", err, want)
			}
		})
	}
	if _, err := Parse("registers.json", catalogueJSON(t, entryJSON("utan", func(e map[string]any) { delete(e, "rules") }))); err == nil ||
		!strings.Contains(err.Error(), `register "utan": rules are missing`) {
		t.Errorf("a register without rules: %v", err)
	}
}

// TestDefaultWithholdsOtherPeoplesData: the default catalogue withholds
// another person's data in the person's own records without an officer's
// click: a co-habitant's income in a housing allowance decision, and the
// applicant in someone else's case the person is a party in (RULES §4).
func TestDefaultWithholdsOtherPeoplesData(t *testing.T) {
	cat, err := Parse("catalogue.json", Default())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]Withhold{
		"bostadsbidrag":        {{Field: "cohabitant_income", Provision: dsr.ProvisionOSL28_1}},
		"parter_andra_arenden": {{Field: "applicant", Provision: dsr.ProvisionOSL28_1}},
	}
	for _, e := range cat.Registers {
		if !reflect.DeepEqual(e.Withhold, want[e.ID]) {
			t.Errorf("register %s withholds %+v by default, want %+v", e.ID, e.Withhold, want[e.ID])
		}
		for _, w := range e.Withhold {
			if c, _, ok := e.Field(w.Field); !ok || c.EN == "" {
				t.Errorf("register %s: withheld field %q has no column", e.ID, w.Field)
			}
		}
	}
	// The withheld data must be what the register says it does not
	// disclose: its categories tell the person, citing the provision.
	for id := range want {
		e, _ := cat.Lookup(id)
		if !strings.Contains(e.Categories.SV, "28 kap. 1 §") || !strings.Contains(e.Categories.EN, "Chapter 28, Section 1") {
			t.Errorf("register %s: the categories do not say that another person's data are withheld", id)
		}
	}
	// Documents in the case files are listed with type, date received
	// and the benefit they belong to.
	docs, ok := cat.Lookup("handlingar")
	if !ok {
		t.Fatal("no register of the documents in the person's case files")
	}
	for _, f := range []struct{ field, format string }{{"received_on", FormatDate}, {"doc_type", ""}, {"benefit", FormatCode}, {"case_ref", ""}} {
		if c, _, ok := docs.Field(f.field); !ok || c.Format != f.format {
			t.Errorf("handlingar: field %s is %+v, want format %q", f.field, c, f.format)
		}
	}
}

// TestWithholdValidation: a catalogue may withhold a field by default only
// if the register has a column with that field, under a provision the
// extract can cite.
func TestWithholdValidation(t *testing.T) {
	withWithhold := func(ws ...map[string]string) []byte {
		return catalogueJSON(t, entryJSON("bostadsbidrag", func(e map[string]any) {
			e["columns"] = []map[string]string{
				{"sv": "Beslutsdatum", "field": "decided_on", "format": "date"},
				{"sv": "Din inkomst", "field": "own_income", "format": "sek"},
				{"sv": "Sambons inkomst", "field": "cohabitant_income", "format": "sek"},
				{"sv": "Bidrag", "field": "allowance", "format": "sek"},
				{"sv": "Beslut", "field": "decision"},
				{"sv": "Anteckning"},
			}
			e["query"] = "SELECT id, decided_on, own_income_sek, cohabitant_income_sek, allowance_sek, decision, '' FROM housing_allowance WHERE pnr = :pnr"
			e["withhold"] = ws
		}))
	}
	w := func(field, provision string) map[string]string {
		return map[string]string{"field": field, "provision": provision}
	}
	provisions := "osl_28_1, osl_12_1, osl_12_3, osl_21_3 or dsl_5"
	tests := []struct {
		name     string
		withhold []map[string]string
		want     string // the whole error; "" when the catalogue is accepted
	}{
		{"nothing withheld", nil, ""},
		{"a co-habitant's income", []map[string]string{w("cohabitant_income", "osl_28_1")}, ""},
		{"every provision", []map[string]string{w("cohabitant_income", "osl_28_1"), w("own_income", "osl_12_1"), w("decided_on", "osl_12_3"),
			w("allowance", "osl_21_3"), w("decision", "dsl_5")}, ""},
		{"an unknown field", []map[string]string{w("sambo_income", "osl_28_1")},
			`withhold 1: no column has the field "sambo_income"`},
		{"the second names an unknown field", []map[string]string{w("cohabitant_income", "osl_28_1"), w("Sambons inkomst", "osl_28_1")},
			`withhold 2: no column has the field "Sambons inkomst"`},
		{"no field", []map[string]string{w("", "osl_28_1")},
			`withhold 1: no column has the field ""`},
		{"a column heading rather than a field", []map[string]string{w("Anteckning", "osl_28_1")},
			`withhold 1: no column has the field "Anteckning"`},
		{"an unknown provision", []map[string]string{w("cohabitant_income", "osl_99")},
			`withhold 1: unknown provision "osl_99" (use ` + provisions + `)`},
		{"a provision cited as text", []map[string]string{w("cohabitant_income", "OSL 28:1")},
			`withhold 1: unknown provision "OSL 28:1" (use ` + provisions + `)`},
		{"no provision", []map[string]string{{"field": "cohabitant_income"}},
			`withhold 1: unknown provision "" (use ` + provisions + `)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cat, err := Parse("registers.json", withWithhold(tt.withhold...))
			if tt.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				e, _ := cat.Lookup("bostadsbidrag")
				if len(e.Withhold) != len(tt.withhold) {
					t.Errorf("read %d withheld fields, want %d", len(e.Withhold), len(tt.withhold))
				}
				return
			}
			want := `registers.json: register "bostadsbidrag": ` + tt.want
			if err == nil || err.Error() != want {
				t.Errorf("error\n got %v\nwant %s", err, want)
			}
		})
	}
	// A misspelt key in a withhold entry is refused, not ignored.
	data := catalogueJSON(t, entryJSON("bostadsbidrag", func(e map[string]any) {
		e["columns"] = []map[string]string{{"sv": "Sambons inkomst", "field": "cohabitant_income", "format": "sek"}}
		e["withhold"] = []map[string]string{{"field": "cohabitant_income", "provison": "osl_28_1"}}
	}))
	if _, err := Parse("registers.json", data); err == nil || !strings.Contains(err.Error(), `unknown field "provison"`) {
		t.Errorf("a misspelt withhold key: error %v", err)
	}
}

// The code list gives every code a text in both languages; the shipped one
// covers the benefits and decision words of the demonstration registers
// (the registers package checks each value they hold).
func TestCodes(t *testing.T) {
	cat, err := Parse("catalogue.json", Default())
	if err != nil {
		t.Fatal(err)
	}
	if got := cat.Codes["Sjukpenning"]; got.SV != "Sjukpenning" || got.EN != "Sickness benefit" {
		t.Errorf("Sjukpenning is %+v", got)
	}
	for code, text := range cat.Codes {
		if text.SV == "" || text.EN == "" || text.EN == text.SV {
			t.Errorf("code %q: %+v has no English of its own", code, text)
		}
	}
	withCodes := func(codes map[string]any) []byte {
		var file map[string]any
		if err := json.Unmarshal(catalogueJSON(t, entryJSON("kontakter", nil)), &file); err != nil {
			t.Fatal(err)
		}
		file["codes"] = codes
		b, err := json.Marshal(file)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for name, tc := range map[string]struct {
		codes map[string]any
		want  string
	}{
		"no English":    {map[string]any{"Sjukpenning": map[string]string{"sv": "Sjukpenning"}}, `registers.json: codes: "Sjukpenning" needs a text in Swedish (sv) and English (en)`},
		"no Swedish":    {map[string]any{"Sjukpenning": map[string]string{"en": "Sickness benefit"}}, `registers.json: codes: "Sjukpenning" needs a text in Swedish (sv) and English (en)`},
		"an empty code": {map[string]any{" ": map[string]string{"sv": "Tom", "en": "Empty"}}, `registers.json: codes: an empty code`},
		"not texts":     {map[string]any{"Sjukpenning": "Sickness benefit"}, `registers.json: codes: each code needs an object with its sv and en text: field "" at line 1, column 34 must be an object, not a JSON string`},
	} {
		if _, err := Parse("registers.json", withCodes(tc.codes)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %s", name, err, tc.want)
		}
	}
	cat, err = Parse("registers.json", withCodes(map[string]any{"Beviljad": map[string]string{"sv": "Beviljad", "en": "Granted"}}))
	if err != nil || cat.Codes["Beviljad"].EN != "Granted" {
		t.Errorf("a valid code list: %v, %+v", err, cat.Codes)
	}
}
