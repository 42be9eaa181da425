package forms

import (
	"encoding/json"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	formfiles "dsrdesk/forms"
	"dsrdesk/internal/dsr"
)

// The seed corpora are in testdata/fuzz/<FuzzName>/; `go test` runs them,
// `make fuzz` fuzzes each target for a while.

// FuzzSubmit posts any URL-encoded body to each of the real forms (9352 and
// the forms for requests to change data), as the e-service page's handler
// reads it, in Swedish or English. Whatever is posted, Submit does not
// panic; a rejected submission names, for every error, a field of the form
// or a value offered for correction, with a message; an accepted one holds
// only what the form allows (its kinds, its registers, its grounds, values
// trimmed and within their length) and, posted again as the page would post
// it, gives the same submission.
func FuzzSubmit(f *testing.F) {
	all, err := Load(formfiles.FS, testRegisters)
	if err != nil {
		f.Fatal(err)
	}
	ids := make([]string, 0, len(all))
	for id := range all {
		ids = append(ids, id)
	}
	sort.Strings(ids)

	f.Fuzz(func(t *testing.T, which uint8, body string, english bool) {
		form := all[ids[int(which)%len(ids)]]
		lang := "sv"
		if english {
			lang = "en"
		}
		var cells []dsr.Change
		if form.HasCorrections() {
			cells = offered
		}
		// A body that does not parse in full still yields what came before
		// the fault, which a careless handler might go on with.
		posted, _ := url.ParseQuery(body)

		sub, errs := form.Submit(form.Values(posted, cells), cells, lang)
		if len(errs) > 0 {
			if sub != nil {
				t.Fatalf("form %s: a submission along with errors %v", form.ID, errs)
			}
			for field, m := range errs {
				if !namesInput(form, cells, field) || m == "" {
					t.Fatalf("form %s: error %q on %q, which is no field of the form", form.ID, m, field)
				}
			}
			return
		}
		if sub == nil {
			t.Fatalf("form %s: neither a submission nor an error", form.ID)
		}
		checkSubmission(t, form, cells, sub)

		again, errs := form.Submit(form.Values(repost(form, sub), cells), cells, lang)
		if len(errs) > 0 {
			t.Fatalf("form %s: %+v posted again is refused: %v", form.ID, sub, errs)
		}
		if !reflect.DeepEqual(again, sub) {
			t.Fatalf("form %s: posted again, %+v became %+v", form.ID, sub, again)
		}
	})
}

// namesInput reports whether an error key names something the page shows:
// a field of the form, or a value offered for correction.
func namesInput(form *Form, cells []dsr.Change, key string) bool {
	for _, fd := range form.Fields {
		if fd.Name == key {
			return true
		}
	}
	for _, c := range cells {
		if key == "fix/"+CellKey(c) {
			return true
		}
	}
	return false
}

// checkSubmission checks that an accepted submission holds only what the
// form allows.
func checkSubmission(t *testing.T, form *Form, cells []dsr.Change, sub *Submission) {
	t.Helper()
	if len(sub.Kinds) == 0 {
		t.Fatalf("form %s: accepted with no kind of request", form.ID)
	}
	for _, k := range sub.Kinds {
		if !slices.Contains(form.Kinds, k) {
			t.Fatalf("form %s: kind %s is not the form's", form.ID, k)
		}
	}
	text := func(what, v string, max int) {
		if v == "" || v != strings.TrimSpace(v) || !utf8.ValidString(v) || utf8.RuneCountInString(v) > max {
			t.Fatalf("form %s: %s %q is empty, untrimmed, not UTF-8 or longer than %d", form.ID, what, v, max)
		}
	}
	for name, v := range sub.Answers {
		fd := fieldNamed(form, name)
		if fd == nil || changePart(fd.Type) != "" {
			t.Fatalf("form %s: answer %q is no plain field of the form", form.ID, name)
		}
		text(name, v, fd.MaxLength)
		if len(fd.Options) > 0 && !hasOption(fd.Options, v) {
			t.Fatalf("form %s: %s = %q is not one of its options", form.ID, name, v)
		}
		if fd.re != nil && !fd.re.MatchString(v) {
			t.Fatalf("form %s: %s = %q does not match its pattern", form.ID, name, v)
		}
	}
	for _, id := range sub.Change.Scope {
		if !hasOption(testRegisters, id) {
			t.Fatalf("form %s: register %q is not in the catalogue", form.ID, id)
		}
	}
	if len(uniq(sub.Change.Scope)) != len(sub.Change.Scope) {
		t.Fatalf("form %s: a register twice in %v", form.ID, sub.Change.Scope)
	}
	for _, g := range sub.Change.Grounds {
		if fd := form.field(TypeGround); fd == nil || !hasOption(fd.Options, g) {
			t.Fatalf("form %s: ground %q is not offered", form.ID, g)
		}
	}
	if s := sub.Change.Statement; s != "" {
		text("the statement", s, form.field(TypeStatement).MaxLength)
	}
	for _, c := range sub.Change.Changes {
		k := CellKey(c)
		if !slices.ContainsFunc(cells, func(o dsr.Change) bool { return CellKey(o) == k }) {
			t.Fatalf("form %s: a correction of %q, which was not offered", form.ID, k)
		}
		text("the correction", c.Value, form.field(TypeCorrections).MaxLength)
	}
}

func fieldNamed(form *Form, name string) *Field {
	for i := range form.Fields {
		if form.Fields[i].Name == name {
			return &form.Fields[i]
		}
	}
	return nil
}

// repost is what the page posts for a submission: each answer in its field,
// the registers ticked, the ground chosen, the statement, and each
// corrected value marked wrong with what is right.
func repost(form *Form, sub *Submission) url.Values {
	v := url.Values{}
	for name, a := range sub.Answers {
		v.Set(name, a)
	}
	if name := form.FieldFor("scope"); name != "" && len(sub.Change.Scope) > 0 {
		v[name] = slices.Clone(sub.Change.Scope)
	}
	if name := form.FieldFor("grounds"); name != "" && len(sub.Change.Grounds) > 0 {
		v.Set(name, sub.Change.Grounds[0])
	}
	if name := form.FieldFor("statement"); name != "" && sub.Change.Statement != "" {
		v.Set(name, sub.Change.Statement)
	}
	for _, c := range sub.Change.Changes {
		v.Add("wrong", CellKey(c))
		v.Set("fix/"+CellKey(c), c.Value)
	}
	return v
}

// FuzzParseDefinition feeds any bytes to Parse as a form definition: it
// does not panic, and a definition it accepts, written out as JSON again,
// is accepted again as the same form.
func FuzzParseDefinition(f *testing.F) {
	f.Fuzz(func(t *testing.T, def []byte) {
		form, err := Parse(def)
		if err != nil {
			if form != nil {
				t.Fatalf("Parse returned a form along with %v", err)
			}
			return
		}
		out, err := json.Marshal(form)
		if err != nil {
			t.Fatalf("an accepted form does not marshal: %v", err)
		}
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("an accepted form, marshalled, is refused: %v\n%s", err, out)
		}
		if out2, _ := json.Marshal(again); string(out2) != string(out) {
			t.Fatalf("marshalled twice, the form changed:\n%s\n%s", out, out2)
		}
	})
}
