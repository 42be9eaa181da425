package forms

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"dsrdesk/internal/dsr"
)

// Option is one choice of a radio, select, register or ground field.
type Option struct {
	Value string   `json:"value"`
	Label dsr.Text `json:"label"`
}

// Condition makes a field required when another field has a value, or,
// with Filled, when another field has any value at all.
type Condition struct {
	Field  string `json:"field"`
	Value  string `json:"value"`
	Filled bool   `json:"filled"`
}

// holds reports whether the condition is met by the answers.
func (c *Condition) holds(answers map[string]string) bool {
	if c.Filled {
		return answers[c.Field] != ""
	}
	return answers[c.Field] == c.Value
}

// The field types. Besides plain inputs, four types fill a request to
// change data (dsr.ChangeRequest), at most one of each per form:
const (
	// TypeRegisters is a choice of registers (checkboxes), offered from
	// the register catalogue given to Load: the request's scope. A
	// register field with a condition counts only when it is met (the
	// registers under "chosen registers").
	TypeRegisters = "registers"
	// TypeGround is a choice of one Art. 17(1) or 18(1) ground (dsr.Ground…),
	// each described in plain words by the definition.
	TypeGround = "ground"
	// TypeStatement is a supplementary statement (Art. 16, completion).
	TypeStatement = "statement"
	// TypeCorrections is the person's own data, each value of which they
	// can mark as wrong and correct (Art. 16, rectification). The values
	// offered are given to Values and Submit; the field itself has none.
	TypeCorrections = "corrections"
)

// Field is one input of a form.
type Field struct {
	Name       string     `json:"name"`
	Type       string     `json:"type"` // text, textarea, tel, radio, select, or one of the Type… constants
	Required   bool       `json:"required"`
	RequiredIf *Condition `json:"required_if"`
	MaxLength  int        `json:"max_length"`
	Pattern    string     `json:"pattern"`
	Label      dsr.Text   `json:"label"`
	Help       dsr.Text   `json:"help"`
	Options    []Option   `json:"options"`

	re *regexp.Regexp
}

// Form is a request form. Kinds are the kinds of request it makes; on a
// form with corrections or a statement, rectification and completion are
// made only when the person marked a value or wrote a statement.
type Form struct {
	ID     string     `json:"id"`
	Number string     `json:"number"` // the paper form's number, when there is one
	Title  dsr.Text   `json:"title"`
	Intro  dsr.Text   `json:"intro"`
	Kinds  []dsr.Kind `json:"kinds"`
	Fields []Field    `json:"fields"`
}

// Load reads and checks every *.json form in fsys, keyed by form id. The
// registers are what a register field offers: the catalogue's registers,
// by id and name, in its order.
func Load(fsys fs.FS, registers []Option) (map[string]*Form, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	out := map[string]*Form{}
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, fmt.Errorf("read form %s: %w", n, err)
		}
		f, err := Parse(b)
		if err != nil {
			return nil, fmt.Errorf("form %s: %w", n, err)
		}
		if _, dup := out[f.ID]; dup {
			return nil, fmt.Errorf("form %s: id %q used twice", n, f.ID)
		}
		if fd := f.field(TypeRegisters); fd != nil {
			if len(registers) == 0 {
				return nil, fmt.Errorf("form %s: field %s offers registers, but there are none", n, fd.Name)
			}
			fd.Options = slices.Clone(registers)
		}
		out[f.ID] = f
	}
	return out, nil
}

// Parse reads one form definition and checks that it is usable. A register
// field has no options until Load gives it the catalogue's.
func Parse(b []byte) (*Form, error) {
	var f Form
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	if f.ID == "" || f.Title.SV == "" {
		return nil, fmt.Errorf("a form needs an id and a Swedish title")
	}
	if len(f.Kinds) == 0 {
		return nil, fmt.Errorf("a form needs at least one request kind")
	}
	for _, k := range f.Kinds {
		if !k.Valid() {
			return nil, fmt.Errorf("unknown request kind %q", k)
		}
	}
	names := map[string]bool{}
	types := map[string]bool{}
	for i := range f.Fields {
		fd := &f.Fields[i]
		if fd.Name == "" || names[fd.Name] || strings.ContainsAny(fd.Name, "/ ") || fd.Name == "wrong" || fd.Name == "request_key" {
			return nil, fmt.Errorf("field %d: missing, repeated or reserved name %q", i, fd.Name)
		}
		names[fd.Name] = true
		switch fd.Type {
		case "text", "textarea", "tel":
		case "radio", "select":
			if len(fd.Options) == 0 {
				return nil, fmt.Errorf("field %s: a %s needs options", fd.Name, fd.Type)
			}
		case TypeRegisters:
			if len(fd.Options) > 0 {
				return nil, fmt.Errorf("field %s: register choices come from the catalogue, not the definition", fd.Name)
			}
		case TypeGround:
			if len(fd.Options) == 0 {
				return nil, fmt.Errorf("field %s: a ground field needs options", fd.Name)
			}
			for _, o := range fd.Options {
				if k, ok := dsr.GroundKind(o.Value); !ok || !slices.Contains(f.Kinds, k) {
					return nil, fmt.Errorf("field %s: %q is not a ground of this form's kinds of request", fd.Name, o.Value)
				}
			}
		case TypeStatement:
			if !slices.Contains(f.Kinds, dsr.KindComplete) {
				return nil, fmt.Errorf("field %s: a statement belongs to a form for completion", fd.Name)
			}
		case TypeCorrections:
			if !slices.Contains(f.Kinds, dsr.KindRectify) {
				return nil, fmt.Errorf("field %s: corrections belong to a form for rectification", fd.Name)
			}
		default:
			return nil, fmt.Errorf("field %s: unknown type %q", fd.Name, fd.Type)
		}
		if changePart(fd.Type) != "" {
			if types[fd.Type] {
				return nil, fmt.Errorf("field %s: a form has at most one %s field", fd.Name, fd.Type)
			}
			types[fd.Type] = true
		}
		if fd.Pattern != "" {
			re, err := regexp.Compile(fd.Pattern)
			if err != nil {
				return nil, fmt.Errorf("field %s: pattern: %w", fd.Name, err)
			}
			fd.re = re
		}
		if fd.MaxLength == 0 {
			fd.MaxLength = 200
		}
	}
	for _, fd := range f.Fields {
		if fd.RequiredIf != nil && !names[fd.RequiredIf.Field] {
			return nil, fmt.Errorf("field %s: required_if names unknown field %q", fd.Name, fd.RequiredIf.Field)
		}
	}
	for _, k := range []dsr.Kind{dsr.KindRectify, dsr.KindComplete} {
		if slices.Contains(f.Kinds, k) && !types[TypeCorrections] && !types[TypeStatement] {
			return nil, fmt.Errorf("a form for %s needs a corrections or a statement field", k)
		}
	}
	return &f, nil
}

// changePart names the part of a change request a field type fills, as the
// casework service names it in its field errors; "" for a plain field.
func changePart(typ string) string {
	switch typ {
	case TypeRegisters:
		return "scope"
	case TypeGround:
		return "grounds"
	case TypeStatement:
		return "statement"
	case TypeCorrections:
		return "changes"
	}
	return ""
}

// field returns the form's field of a type, or nil.
func (f *Form) field(typ string) *Field {
	for i := range f.Fields {
		if f.Fields[i].Type == typ {
			return &f.Fields[i]
		}
	}
	return nil
}

// HasCorrections reports whether the form shows the person's own data for
// correction, so that its page and its submission need them.
func (f *Form) HasCorrections() bool { return f.field(TypeCorrections) != nil }

// FieldFor returns the name of the form's field that fills part of a change
// request ("scope", "grounds", "statement" or "changes", as a service's
// field error names it), or "" when the form has none.
func (f *Form) FieldFor(part string) string {
	for _, fd := range f.Fields {
		if part != "" && changePart(fd.Type) == part {
			return fd.Name
		}
	}
	return ""
}

// CellKey names one value of the person's own data on a form with
// corrections: its register, record and field. The page posts "wrong" with
// the key when the value is marked, and "fix/"+key with the right value.
func CellKey(c dsr.Change) string { return c.Register + "/" + c.Record + "/" + c.Field }

// Values reads a posted form: each field's value (a register field's
// choices separated by spaces) and, for each value offered for
// correction, "wrong/"+key when marked and "fix/"+key with what was typed.
func (f *Form) Values(posted url.Values, offered []dsr.Change) map[string]string {
	values := map[string]string{}
	for _, fd := range f.Fields {
		switch fd.Type {
		case TypeCorrections:
		case TypeRegisters:
			values[fd.Name] = strings.Join(posted[fd.Name], " ")
		default:
			values[fd.Name] = posted.Get(fd.Name)
		}
	}
	if f.HasCorrections() {
		marked := posted["wrong"]
		for _, c := range offered {
			k := CellKey(c)
			if slices.Contains(marked, k) {
				values["wrong/"+k] = "on"
			}
			if v := posted.Get("fix/" + k); v != "" {
				values["fix/"+k] = v
			}
		}
	}
	return values
}

// Errors maps a field name to what is wrong with it, in the page language.
type Errors map[string]string

func msg(lang, sv, en string) string { return dsr.Text{SV: sv, EN: en}.In(lang) }

// Validate checks submitted values against the form's fields and returns
// the cleaned answers (only the form's own fields, trimmed) or the errors
// per field.
func (f *Form) Validate(values map[string]string, lang string) (map[string]string, Errors) {
	clean := map[string]string{}
	errs := Errors{}
	for _, fd := range f.Fields {
		clean[fd.Name] = strings.TrimSpace(values[fd.Name])
		if fd.Type == TypeRegisters {
			clean[fd.Name] = strings.Join(uniq(strings.Fields(clean[fd.Name])), " ")
		}
	}
	for _, fd := range f.Fields {
		v := clean[fd.Name]
		required := fd.Required || (fd.RequiredIf != nil && fd.RequiredIf.holds(clean))
		switch {
		case v == "" && required && fd.Type == TypeRegisters:
			errs[fd.Name] = msg(lang, "Välj minst ett register.", "Choose at least one register.")
		case v == "" && required && fd.Type == TypeGround:
			errs[fd.Name] = msg(lang, "Välj ett skäl.", "Choose a reason.")
		case v == "" && required:
			errs[fd.Name] = msg(lang, "Fyll i det här fältet.", "Please fill in this field.")
		case v == "":
		case fd.Type == TypeRegisters:
			for _, id := range strings.Fields(v) {
				if !hasOption(fd.Options, id) {
					errs[fd.Name] = msg(lang, "Välj bland registren i listan.", "Choose among the registers listed.")
				}
			}
		case !utf8.ValidString(v):
			errs[fd.Name] = msg(lang, "Texten innehåller ogiltiga tecken.", "The text contains invalid characters.")
		case utf8.RuneCountInString(v) > fd.MaxLength:
			errs[fd.Name] = fmt.Sprintf(msg(lang, "Högst %d tecken.", "At most %d characters."), fd.MaxLength)
		case len(fd.Options) > 0 && !hasOption(fd.Options, v):
			errs[fd.Name] = msg(lang, "Välj ett av alternativen.", "Choose one of the options.")
		case fd.re != nil && !fd.re.MatchString(v):
			errs[fd.Name] = msg(lang, "Kontrollera formatet.", "Check the format.")
		}
		if v == "" {
			delete(clean, fd.Name)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return clean, nil
}

// Submission is a valid submission as the case it makes: its kinds, the
// change it asks for, and the other answers (the case's details).
type Submission struct {
	Kinds   []dsr.Kind
	Change  dsr.ChangeRequest
	Answers map[string]string
}

// Submit validates submitted values (as Values reads them) and builds the
// request they make; offered are the values of the person's own data the
// form offered for correction. The errors are per field, and per marked
// value under "fix/"+key.
func (f *Form) Submit(values map[string]string, offered []dsr.Change, lang string) (*Submission, Errors) {
	clean, errs := f.Validate(values, lang)
	if errs == nil {
		errs = Errors{}
	}
	sub := &Submission{Answers: map[string]string{}}
	if cf := f.field(TypeCorrections); cf != nil {
		for _, c := range offered {
			k := CellKey(c)
			v, marked := strings.TrimSpace(values["fix/"+k]), values["wrong/"+k] != ""
			// A value typed without the mark counts as marked: the person
			// said what is right.
			switch {
			case v == "" && !marked:
				continue
			case v == "":
				errs["fix/"+k] = msg(lang, "Skriv vad som är rätt.", "Write what is right.")
			case !utf8.ValidString(v):
				errs["fix/"+k] = msg(lang, "Texten innehåller ogiltiga tecken.", "The text contains invalid characters.")
			case utf8.RuneCountInString(v) > cf.MaxLength:
				errs["fix/"+k] = fmt.Sprintf(msg(lang, "Högst %d tecken.", "At most %d characters."), cf.MaxLength)
			default:
				c.Value = v
				sub.Change.Changes = append(sub.Change.Changes, c)
			}
		}
		if len(errs) > 0 && errs[cf.Name] == "" && hasCellError(errs) {
			errs[cf.Name] = msg(lang, "Skriv vad som är rätt för varje uppgift du har markerat som fel.", "Write what is right for each value you have marked as wrong.")
		}
	}
	for _, fd := range f.Fields {
		v, ok := clean[fd.Name]
		if !ok {
			continue
		}
		switch fd.Type {
		case TypeRegisters:
			if fd.RequiredIf == nil || fd.RequiredIf.holds(clean) {
				sub.Change.Scope = strings.Fields(v)
			}
		case TypeGround:
			sub.Change.Grounds = []string{v}
		case TypeStatement:
			sub.Change.Statement = v
		default:
			sub.Answers[fd.Name] = v
		}
	}
	for _, k := range f.Kinds {
		if k == dsr.KindRectify && len(sub.Change.Changes) == 0 || k == dsr.KindComplete && sub.Change.Statement == "" {
			continue
		}
		sub.Kinds = append(sub.Kinds, k)
	}
	if len(sub.Kinds) == 0 && len(errs) == 0 {
		name := f.FieldFor("changes")
		if name == "" {
			name = f.FieldFor("statement")
		}
		errs[name] = msg(lang, "Markera minst en uppgift som är fel och skriv vad som är rätt, eller skriv ett kompletterande yttrande.",
			"Mark at least one value as wrong and write what is right, or write a supplementary statement.")
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return sub, nil
}

func hasCellError(errs Errors) bool {
	for k := range errs {
		if strings.HasPrefix(k, "fix/") {
			return true
		}
	}
	return false
}

func uniq(ids []string) []string {
	var out []string
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

func hasOption(opts []Option, v string) bool {
	for _, o := range opts {
		if o.Value == v {
			return true
		}
	}
	return false
}
