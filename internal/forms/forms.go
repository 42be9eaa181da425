package forms

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"unicode/utf8"

	"dsrdesk/internal/dsr"
)

// Option is one choice of a radio or select field.
type Option struct {
	Value string   `json:"value"`
	Label dsr.Text `json:"label"`
}

// Condition makes a field required when another field has a value.
type Condition struct {
	Field string `json:"field"`
	Value string `json:"value"`
}

// Field is one input of a form.
type Field struct {
	Name       string     `json:"name"`
	Type       string     `json:"type"` // text, textarea, tel, radio, select
	Required   bool       `json:"required"`
	RequiredIf *Condition `json:"required_if"`
	MaxLength  int        `json:"max_length"`
	Pattern    string     `json:"pattern"`
	Label      dsr.Text   `json:"label"`
	Help       dsr.Text   `json:"help"`
	Options    []Option   `json:"options"`

	re *regexp.Regexp
}

// Form is a request form.
type Form struct {
	ID     string     `json:"id"`
	Title  dsr.Text   `json:"title"`
	Intro  dsr.Text   `json:"intro"`
	Kinds  []dsr.Kind `json:"kinds"`
	Fields []Field    `json:"fields"`
}

// Load reads and checks every *.json form in fsys, keyed by form id.
func Load(fsys fs.FS) (map[string]*Form, error) {
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
		out[f.ID] = f
	}
	return out, nil
}

// Parse reads one form definition and checks that it is usable.
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
	for i := range f.Fields {
		fd := &f.Fields[i]
		if fd.Name == "" || names[fd.Name] {
			return nil, fmt.Errorf("field %d: missing or repeated name %q", i, fd.Name)
		}
		names[fd.Name] = true
		switch fd.Type {
		case "text", "textarea", "tel":
		case "radio", "select":
			if len(fd.Options) == 0 {
				return nil, fmt.Errorf("field %s: a %s needs options", fd.Name, fd.Type)
			}
		default:
			return nil, fmt.Errorf("field %s: unknown type %q", fd.Name, fd.Type)
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
	return &f, nil
}

// Errors maps a field name to what is wrong with it, in the page language.
type Errors map[string]string

// Validate checks submitted values against the form and returns the cleaned
// answers (only the form's own fields, trimmed) or the errors per field.
func (f *Form) Validate(values map[string]string, lang string) (map[string]string, Errors) {
	clean := map[string]string{}
	errs := Errors{}
	for _, fd := range f.Fields {
		clean[fd.Name] = strings.TrimSpace(values[fd.Name])
	}
	msg := func(sv, en string) string {
		return dsr.Text{SV: sv, EN: en}.In(lang)
	}
	for _, fd := range f.Fields {
		v := clean[fd.Name]
		required := fd.Required || (fd.RequiredIf != nil && clean[fd.RequiredIf.Field] == fd.RequiredIf.Value)
		switch {
		case v == "" && required:
			errs[fd.Name] = msg("Fyll i det här fältet.", "Please fill in this field.")
		case v == "":
		case !utf8.ValidString(v):
			errs[fd.Name] = msg("Texten innehåller ogiltiga tecken.", "The text contains invalid characters.")
		case utf8.RuneCountInString(v) > fd.MaxLength:
			errs[fd.Name] = fmt.Sprintf(msg("Högst %d tecken.", "At most %d characters."), fd.MaxLength)
		case len(fd.Options) > 0 && !hasOption(fd.Options, v):
			errs[fd.Name] = msg("Välj ett av alternativen.", "Choose one of the options.")
		case fd.re != nil && !fd.re.MatchString(v):
			errs[fd.Name] = msg("Kontrollera formatet.", "Check the format.")
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

func hasOption(opts []Option, v string) bool {
	for _, o := range opts {
		if o.Value == v {
			return true
		}
	}
	return false
}
