package forms

import (
	"net/url"
	"reflect"
	"strings"
	"testing"

	formfiles "dsrdesk/forms"
	"dsrdesk/internal/dsr"
)

// testRegisters stand in for the register catalogue.
var testRegisters = []Option{
	{Value: "folkbokforing", Label: dsr.Text{SV: "Folkbokföringsuppgifter", EN: "Population registration data"}},
	{Value: "kontakter", Label: dsr.Text{SV: "Kontakter med Försäkringskassan", EN: "Contacts with Försäkringskassan"}},
	{Value: "paminnelser", Label: dsr.Text{SV: "Påminnelser via e-post", EN: "E-mail reminders"}},
}

func loadForm(t *testing.T, id string) *Form {
	t.Helper()
	all, err := Load(formfiles.FS, testRegisters)
	if err != nil {
		t.Fatal(err)
	}
	f := all[id]
	if f == nil {
		t.Fatalf("form %s missing", id)
	}
	return f
}

func form9352(t *testing.T) *Form { return loadForm(t, "9352") }

func TestForm9352Validate(t *testing.T) {
	f := form9352(t)
	tests := []struct {
		name    string
		values  map[string]string
		wantErr string // field with an error, "" for valid
	}{
		{"all data", map[string]string{"scope": "all", "language": "sv"}, ""},
		{"limited with details", map[string]string{"scope": "limited", "scope_details": "Sjukpenning 2024", "language": "en"}, ""},
		{"limited without details", map[string]string{"scope": "limited", "language": "sv"}, "scope_details"},
		{"scope missing", map[string]string{"language": "sv"}, "scope"},
		{"unknown option", map[string]string{"scope": "everything", "language": "sv"}, "scope"},
		{"unknown language", map[string]string{"scope": "all", "language": "de"}, "language"},
		{"bad phone", map[string]string{"scope": "all", "language": "sv", "phone": "call me"}, "phone"},
		{"good phone", map[string]string{"scope": "all", "language": "sv", "phone": "+46 8 123 45 67"}, ""},
		{"too long", map[string]string{"scope": "limited", "scope_details": strings.Repeat("å", 2001), "language": "sv"}, "scope_details"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clean, errs := f.Validate(tt.values, "sv")
			if tt.wantErr == "" {
				if len(errs) > 0 {
					t.Fatalf("unexpected errors %v", errs)
				}
				if clean["scope"] != tt.values["scope"] {
					t.Fatalf("clean = %v", clean)
				}
				return
			}
			if errs[tt.wantErr] == "" {
				t.Fatalf("want an error on %s, got %v", tt.wantErr, errs)
			}
		})
	}
}

func TestValidateDropsUnknownFields(t *testing.T) {
	clean, errs := form9352(t).Validate(map[string]string{"scope": "all", "language": "sv", "subject": "x"}, "en")
	if errs != nil {
		t.Fatal(errs)
	}
	if _, ok := clean["subject"]; ok {
		t.Fatal("a field the form does not define was kept")
	}
}

func TestParseRejectsBrokenDefinitions(t *testing.T) {
	for name, def := range map[string]string{
		"no id":                             `{"title":{"sv":"x"},"kinds":["access"],"fields":[]}`,
		"bad kind":                          `{"id":"1","title":{"sv":"x"},"kinds":["nope"],"fields":[]}`,
		"radio no opts":                     `{"id":"1","title":{"sv":"x"},"kinds":["access"],"fields":[{"name":"a","type":"radio"}]}`,
		"unknown type":                      `{"id":"1","title":{"sv":"x"},"kinds":["access"],"fields":[{"name":"a","type":"file"}]}`,
		"bad pattern":                       `{"id":"1","title":{"sv":"x"},"kinds":["access"],"fields":[{"name":"a","type":"text","pattern":"("}]}`,
		"unknown key":                       `{"id":"1","title":{"sv":"x"},"kinds":["access"],"fields":[],"extra":1}`,
		"dangling cond":                     `{"id":"1","title":{"sv":"x"},"kinds":["access"],"fields":[{"name":"a","type":"text","required_if":{"field":"b","value":"c"}}]}`,
		"repeated field":                    `{"id":"1","title":{"sv":"x"},"kinds":["access"],"fields":[{"name":"a","type":"text"},{"name":"a","type":"text"}]}`,
		"reserved name":                     `{"id":"1","title":{"sv":"x"},"kinds":["access"],"fields":[{"name":"wrong","type":"text"}]}`,
		"ground of another kind":            `{"id":"1","title":{"sv":"x"},"kinds":["erasure"],"fields":[{"name":"g","type":"ground","options":[{"value":"18.1.a"}]}]}`,
		"unknown ground":                    `{"id":"1","title":{"sv":"x"},"kinds":["erasure"],"fields":[{"name":"g","type":"ground","options":[{"value":"17.1.z"}]}]}`,
		"registers listed":                  `{"id":"1","title":{"sv":"x"},"kinds":["erasure"],"fields":[{"name":"r","type":"registers","options":[{"value":"kontakter"}]}]}`,
		"two register fields":               `{"id":"1","title":{"sv":"x"},"kinds":["erasure"],"fields":[{"name":"r","type":"registers"},{"name":"s","type":"registers"}]}`,
		"statement without completion":      `{"id":"1","title":{"sv":"x"},"kinds":["erasure"],"fields":[{"name":"s","type":"statement"}]}`,
		"corrections without rectification": `{"id":"1","title":{"sv":"x"},"kinds":["completion"],"fields":[{"name":"s","type":"statement"},{"name":"c","type":"corrections"}]}`,
		"rectification without corrections": `{"id":"1","title":{"sv":"x"},"kinds":["rectification"],"fields":[]}`,
	} {
		if _, err := Parse([]byte(def)); err == nil {
			t.Errorf("%s: Parse accepted a broken definition", name)
		}
	}
}

func TestLoadNeedsRegistersForARegisterChoice(t *testing.T) {
	if _, err := Load(formfiles.FS, nil); err == nil {
		t.Fatal("forms with a register choice loaded without registers to offer")
	}
}

// The values of the person's own data the rectification form offers.
var (
	contactNote = dsr.Change{Register: "kontakter", Record: "7", Field: "subject"}
	street      = dsr.Change{Register: "folkbokforing", Record: "1", Field: "street"}
	offered     = []dsr.Change{contactNote, street}
)

// TestChangeForms submits the four forms for requests to change data as the
// page posts them, and checks the request each makes or the field an error
// is shown on.
func TestChangeForms(t *testing.T) {
	note, st := CellKey(contactNote), CellKey(street)
	tests := []struct {
		name    string
		form    string
		posted  url.Values
		wantErr string // field with an error, "" for valid
		kinds   []dsr.Kind
		change  dsr.ChangeRequest
		answers map[string]string
	}{
		{name: "rectify one value", form: "rattelse", posted: url.Values{"wrong": {note}, "fix/" + note: {" Fråga om sjukpenning "}},
			kinds:  []dsr.Kind{dsr.KindRectify},
			change: dsr.ChangeRequest{Changes: []dsr.Change{{Register: "kontakter", Record: "7", Field: "subject", Value: "Fråga om sjukpenning"}}}},
		{name: "a typed value counts as marked", form: "rattelse", posted: url.Values{"fix/" + st: {"Storgatan 1"}},
			kinds:  []dsr.Kind{dsr.KindRectify},
			change: dsr.ChangeRequest{Changes: []dsr.Change{{Register: "folkbokforing", Record: "1", Field: "street", Value: "Storgatan 1"}}}},
		{name: "statement only", form: "rattelse", posted: url.Values{"statement": {"Samtalet gällde också sjukpenning."}, "statement_registers": {"kontakter"}},
			kinds:  []dsr.Kind{dsr.KindComplete},
			change: dsr.ChangeRequest{Scope: []string{"kontakter"}, Statement: "Samtalet gällde också sjukpenning."}},
		{name: "correction and statement", form: "rattelse", posted: url.Values{"wrong": {note}, "fix/" + note: {"Sjukpenning"}, "statement": {"Se ovan."}, "statement_registers": {"kontakter", "kontakter"}},
			kinds: []dsr.Kind{dsr.KindRectify, dsr.KindComplete},
			change: dsr.ChangeRequest{Scope: []string{"kontakter"}, Statement: "Se ovan.",
				Changes: []dsr.Change{{Register: "kontakter", Record: "7", Field: "subject", Value: "Sjukpenning"}}}},
		{name: "nothing marked", form: "rattelse", posted: url.Values{}, wantErr: "changes"},
		{name: "a register ticked but no statement", form: "rattelse", posted: url.Values{"statement_registers": {"kontakter"}}, wantErr: "changes"},
		{name: "a value not offered", form: "rattelse", posted: url.Values{"wrong": {"utbetalningar/3/account"}, "fix/utbetalningar/3/account": {"1234"}}, wantErr: "changes"},
		{name: "marked without the right value", form: "rattelse", posted: url.Values{"wrong": {note}}, wantErr: "fix/" + note},
		{name: "right value too long", form: "rattelse", posted: url.Values{"fix/" + note: {strings.Repeat("x", 401)}}, wantErr: "fix/" + note},
		{name: "statement without a register", form: "rattelse", posted: url.Values{"statement": {"Det saknas en uppgift."}}, wantErr: "statement_registers"},

		{name: "erase everything", form: "radering", posted: url.Values{"scope": {"all"}, "ground": {dsr.GroundNoLongerNecessary}, "registers": {"kontakter"}},
			kinds: []dsr.Kind{dsr.KindErasure}, change: dsr.ChangeRequest{Grounds: []string{"17.1.a"}}, answers: map[string]string{"scope": "all"}},
		{name: "erase chosen registers", form: "radering", posted: url.Values{"scope": {"chosen"}, "registers": {"paminnelser", "kontakter"}, "ground": {dsr.GroundConsentWithdrawn}, "details": {"Jag vill inte ha påminnelser."}},
			kinds:   []dsr.Kind{dsr.KindErasure},
			change:  dsr.ChangeRequest{Scope: []string{"paminnelser", "kontakter"}, Grounds: []string{"17.1.b"}},
			answers: map[string]string{"scope": "chosen", "details": "Jag vill inte ha påminnelser."}},
		{name: "erasure without a ground", form: "radering", posted: url.Values{"scope": {"all"}}, wantErr: "ground"},
		{name: "erasure on a restriction ground", form: "radering", posted: url.Values{"scope": {"all"}, "ground": {dsr.GroundContested}}, wantErr: "ground"},
		{name: "chosen but no register", form: "radering", posted: url.Values{"scope": {"chosen"}, "ground": {dsr.GroundUnlawful}}, wantErr: "registers"},
		{name: "unknown register", form: "radering", posted: url.Values{"scope": {"chosen"}, "registers": {"hemligt"}, "ground": {dsr.GroundUnlawful}}, wantErr: "registers"},

		{name: "restrict while contested", form: "begransning", posted: url.Values{"scope": {"chosen"}, "registers": {"kontakter"}, "ground": {dsr.GroundContested}},
			kinds: []dsr.Kind{dsr.KindRestriction}, change: dsr.ChangeRequest{Scope: []string{"kontakter"}, Grounds: []string{"18.1.a"}}, answers: map[string]string{"scope": "chosen"}},
		{name: "restriction without a ground", form: "begransning", posted: url.Values{"scope": {"all"}}, wantErr: "ground"},
		{name: "restriction on an erasure ground", form: "begransning", posted: url.Values{"scope": {"all"}, "ground": {dsr.GroundUnlawful}}, wantErr: "ground"},

		{name: "object with reasons", form: "invandning", posted: url.Values{"scope": {"all"}, "reasons": {"Jag är skyddad."}},
			kinds: []dsr.Kind{dsr.KindObjection}, answers: map[string]string{"scope": "all", "reasons": "Jag är skyddad."}},
		{name: "objection without reasons", form: "invandning", posted: url.Values{"scope": {"all"}, "reasons": {"  "}}, wantErr: "reasons"},
	}
	for _, tt := range tests {
		t.Run(tt.form+"/"+tt.name, func(t *testing.T) {
			f := loadForm(t, tt.form)
			var cells []dsr.Change
			if f.HasCorrections() {
				cells = offered
			}
			sub, errs := f.Submit(f.Values(tt.posted, cells), cells, "sv")
			if tt.wantErr != "" {
				if errs[tt.wantErr] == "" || sub != nil {
					t.Fatalf("want an error on %s, got %v", tt.wantErr, errs)
				}
				return
			}
			if len(errs) > 0 {
				t.Fatalf("unexpected errors %v", errs)
			}
			if !reflect.DeepEqual(sub.Kinds, tt.kinds) {
				t.Errorf("kinds %v, want %v", sub.Kinds, tt.kinds)
			}
			if !reflect.DeepEqual(sub.Change, tt.change) {
				t.Errorf("change %+v, want %+v", sub.Change, tt.change)
			}
			if tt.answers == nil {
				tt.answers = map[string]string{}
			}
			if !reflect.DeepEqual(sub.Answers, tt.answers) {
				t.Errorf("answers %v, want %v", sub.Answers, tt.answers)
			}
		})
	}
}

// TestChangeFormErrorsInEnglish: the page language decides the messages.
func TestChangeFormErrorsInEnglish(t *testing.T) {
	f := loadForm(t, "radering")
	_, errs := f.Submit(f.Values(url.Values{"scope": {"all"}}, nil), nil, "en")
	if errs["ground"] != "Choose a reason." {
		t.Fatalf("errors %v", errs)
	}
	if got := f.FieldFor("grounds"); got != "ground" {
		t.Fatalf("FieldFor(grounds) = %q", got)
	}
}
