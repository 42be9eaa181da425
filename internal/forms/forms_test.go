package forms

import (
	"strings"
	"testing"

	formfiles "dsrdesk/forms"
)

func form9352(t *testing.T) *Form {
	t.Helper()
	all, err := Load(formfiles.FS)
	if err != nil {
		t.Fatal(err)
	}
	f := all["9352"]
	if f == nil {
		t.Fatal("form 9352 missing")
	}
	return f
}

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
		"no id":          `{"title":{"sv":"x"},"kinds":["access"],"fields":[]}`,
		"bad kind":       `{"id":"1","title":{"sv":"x"},"kinds":["nope"],"fields":[]}`,
		"radio no opts":  `{"id":"1","title":{"sv":"x"},"kinds":["access"],"fields":[{"name":"a","type":"radio"}]}`,
		"unknown type":   `{"id":"1","title":{"sv":"x"},"kinds":["access"],"fields":[{"name":"a","type":"file"}]}`,
		"bad pattern":    `{"id":"1","title":{"sv":"x"},"kinds":["access"],"fields":[{"name":"a","type":"text","pattern":"("}]}`,
		"unknown key":    `{"id":"1","title":{"sv":"x"},"kinds":["access"],"fields":[],"extra":1}`,
		"dangling cond":  `{"id":"1","title":{"sv":"x"},"kinds":["access"],"fields":[{"name":"a","type":"text","required_if":{"field":"b","value":"c"}}]}`,
		"repeated field": `{"id":"1","title":{"sv":"x"},"kinds":["access"],"fields":[{"name":"a","type":"text"},{"name":"a","type":"text"}]}`,
	} {
		if _, err := Parse([]byte(def)); err == nil {
			t.Errorf("%s: Parse accepted a broken definition", name)
		}
	}
}
