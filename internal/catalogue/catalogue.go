package catalogue

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"dsrdesk/internal/dsr"
)

// defaultCatalogue is the catalogue shipped with dsrdesk. go:embed needs a
// package-level variable; it is never written, and Default hands out copies
// only.
//
//go:embed catalogue.json
var defaultCatalogue []byte

// Default returns a copy of the register catalogue shipped with dsrdesk, the
// file the demonstration seed writes as registers.json when none exists.
func Default() []byte { return bytes.Clone(defaultCatalogue) }

// The column formats a catalogue may ask for. A format says what kind of
// value a column holds (dsr.ValueKind), which a connector uses to type the
// values it reads.
const (
	FormatText   = "text"   // free text, as stored (the default): dsr.TextValue
	FormatDate   = "date"   // a calendar date, shown YYYY-MM-DD: dsr.DateValue
	FormatSEK    = "sek"    // an amount in kronor, shown "1 234,00 kr": dsr.AmountValue
	FormatNumber = "number" // a whole number, shown "20 480": dsr.NumberValue
	FormatCode   = "code"   // a value from a register's code list, such as a benefit: dsr.CodeValue
)

// Column is one column of a register's data: its heading in Swedish and
// English and, optionally, what kind of value it holds (FormatText,
// FormatDate, FormatSEK, FormatNumber or FormatCode; empty means FormatText).
type Column struct {
	dsr.Text
	// Field names the column for changes: rectification items, the
	// rules and their statements. Optional for a column nothing changes.
	Field  string `json:"field,omitempty"`
	Format string `json:"format,omitempty"`
}

// Entry is one register in the catalogue: the Art. 15 information about it
// (the embedded dsr.Register; name.sv and third_countries.sv, whether the
// data leave the EU/EEA, are required), the columns of its data and the
// queries that select one person's rows from the source database.
//
// Query selects the person's rows, in the order they are shown: first the
// record's id in its register (never shown; changes name the record by it),
// then exactly len(Columns) columns. It names the person with the parameter :pnr
// (which it may use more than once) or with a single ?. The queries are SQL
// for the source database; this package checks only what can be seen
// without one, and the connector checks the rest when it opens. RecipientsQuery,
// when present, lists each specific disclosure of the person's data with
// five result columns: organisation, organisation number, benefit, date and
// legal basis (RULES §4(c), CJEU C-154/21).
type Entry struct {
	dsr.Register
	Columns         []Column `json:"columns"`
	Query           string   `json:"query"`
	RecipientsQuery string   `json:"recipients_query,omitempty"`
	Rules           *Rules   `json:"rules"`
	// Withhold lists the fields withheld by default from the person's
	// extract (Art. 15(4)): another person's data in the person's record,
	// such as a co-habitant's income, redacted under a provision so that
	// the common case needs no officer's click. An officer can disclose
	// one again.
	Withhold []Withhold `json:"withhold,omitempty"`
}

// Withhold is one field withheld by default, and the provision it is
// withheld under.
type Withhold struct {
	Field     string        `json:"field"`
	Provision dsr.Provision `json:"provision"`
}

// Catalogue is the register catalogue: every source register a register
// extract covers, in the order the extract shows them.
type Catalogue struct {
	// Comment is free text for the operator who edits the file.
	Comment   string  `json:"comment,omitempty"`
	Registers []Entry `json:"registers"`
	// Codes is the code list of the registers' code columns (FormatCode)
	// and of the benefits in recipients queries: each code as the
	// registers store it, with its text in Swedish and English, so that an
	// extract in English says "Sickness benefit" where the register says
	// "Sjukpenning". A code missing from it is shown as stored.
	Codes map[string]dsr.Text `json:"codes,omitempty"`
	// RestrictionsQuery lists the person's restricted records: register id
	// and record id. StatementsQuery lists the statements attached to the
	// person's records: register id, record id, text and date. The extract
	// marks the one and shows the other.
	RestrictionsQuery string `json:"restrictions_query"`
	StatementsQuery   string `json:"statements_query"`
	// Organisations are the recipients of disclosures with the postal
	// address their Art. 19 notices go to.
	Organisations []Organisation `json:"organisations,omitempty"`
}

// Lookup returns the catalogue entry with the given register id.
func (c *Catalogue) Lookup(id string) (Entry, bool) {
	for _, e := range c.Registers {
		if e.ID == id {
			return e, true
		}
	}
	return Entry{}, false
}

// RegisterName is a register's name; the id itself for a register the
// catalogue no longer has.
func (c *Catalogue) RegisterName(id string) dsr.Text {
	if e, ok := c.Lookup(id); ok {
		return e.Name
	}
	return dsr.Text{SV: id, EN: id}
}

// FieldName is the heading of a register's field; empty for the whole
// record or a field the catalogue does not have.
func (c *Catalogue) FieldName(register, field string) dsr.Text {
	e, _ := c.Lookup(register)
	if col, _, ok := e.Field(field); ok {
		return col.Text
	}
	return dsr.Text{}
}

// Load reads and validates the register catalogue at path. Its errors name
// the file and the register id (or position) that is wrong.
func Load(path string) (*Catalogue, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read register catalogue: %w", err)
	}
	return Parse(path, data)
}

// Parse parses and validates a register catalogue; name is used in error
// messages, normally the file the data came from.
func Parse(name string, data []byte) (*Catalogue, error) {
	top, err := splitCatalogue(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	cat := &Catalogue{Comment: top.comment, Registers: make([]Entry, 0, len(top.entries)),
		RestrictionsQuery: top.restrictions, StatementsQuery: top.statements, Codes: top.codes, Organisations: top.organisations}
	if err := checkOrganisations(top.organisations); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := checkCodes(top.codes); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := checkQuery("restrictions_query", cat.RestrictionsQuery); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := checkQuery("statements_query", cat.StatementsQuery); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	seen := make(map[string]int, len(top.entries))
	for i, raw := range top.entries {
		var e Entry
		d := json.NewDecoder(bytes.NewReader(raw.data))
		d.DisallowUnknownFields()
		if err := d.Decode(&e); err != nil {
			return nil, fmt.Errorf("%s: %s: %s", name, entryLabel(i, raw.data), describeJSONError(data, raw.offset, err))
		}
		if err := e.validate(); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", name, entryLabel(i, raw.data), err)
		}
		if j, dup := seen[e.ID]; dup {
			return nil, fmt.Errorf("%s: register %q: duplicate id (registers %d and %d)", name, e.ID, j+1, i+1)
		}
		seen[e.ID] = i
		cat.Registers = append(cat.Registers, e)
	}
	for _, e := range cat.Registers {
		for _, via := range e.Rules.DisclosedVia {
			log, ok := cat.Lookup(via)
			if !ok || log.RecipientsQuery == "" {
				return nil, fmt.Errorf("%s: register %q: rules.disclosed_via names %q, which is not a register with a recipients_query", name, e.ID, via)
			}
		}
	}
	return cat, nil
}

// rawEntry is one undecoded catalogue entry and where it starts in the file.
type rawEntry struct {
	data   json.RawMessage
	offset int64
}

type rawCatalogue struct {
	comment       string
	restrictions  string
	statements    string
	codes         map[string]dsr.Text
	organisations []Organisation
	entries       []rawEntry
}

// splitCatalogue reads the top-level object, keeping each register entry
// undecoded with its position so that an error in it can name the entry and
// the line in the file.
func splitCatalogue(data []byte) (rawCatalogue, error) {
	var out rawCatalogue
	dec := json.NewDecoder(bytes.NewReader(data))
	if len(bytes.TrimSpace(data)) == 0 {
		return out, errors.New("the file is empty")
	}
	fail := func(err error) (rawCatalogue, error) {
		// The streaming decoder's offsets are not always absolute; the
		// whole-document parser's are, so let it find a syntax error.
		var v any
		if uerr := json.Unmarshal(data, &v); uerr != nil {
			err = uerr
		}
		return rawCatalogue{}, errors.New(describeJSONError(data, 0, err))
	}
	if tok, err := dec.Token(); err != nil {
		return fail(err)
	} else if tok != json.Delim('{') {
		return rawCatalogue{}, errors.New("the catalogue must be a JSON object")
	}
	haveRegisters := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		switch key := tok.(string); key {
		case "comment":
			if err := dec.Decode(&out.comment); err != nil {
				return fail(err)
			}
		case "restrictions_query":
			if err := dec.Decode(&out.restrictions); err != nil {
				return fail(err)
			}
		case "statements_query":
			if err := dec.Decode(&out.statements); err != nil {
				return fail(err)
			}
		case "codes":
			if err := dec.Decode(&out.codes); err != nil {
				_, err := fail(err)
				return rawCatalogue{}, fmt.Errorf("codes: each code needs an object with its sv and en text: %w", err)
			}
		case "organisations":
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return fail(err)
			}
			od := json.NewDecoder(bytes.NewReader(raw))
			od.DisallowUnknownFields()
			if err := od.Decode(&out.organisations); err != nil {
				return rawCatalogue{}, fmt.Errorf("organisations: a list of objects with org_number, name, care_of (optional), street, postcode and town: %w", err)
			}
		case "registers":
			haveRegisters = true
			if tok, err := dec.Token(); err != nil {
				return fail(err)
			} else if tok != json.Delim('[') {
				return rawCatalogue{}, errors.New(`"registers" must be a list`)
			}
			for dec.More() {
				before := dec.InputOffset()
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					return fail(err)
				}
				at := before + int64(bytes.Index(data[before:], raw))
				out.entries = append(out.entries, rawEntry{data: raw, offset: at})
			}
			if _, err := dec.Token(); err != nil {
				return fail(err)
			}
		default:
			return rawCatalogue{}, fmt.Errorf("unknown field %q (the catalogue has \"comment\", \"registers\", \"codes\", \"organisations\", \"restrictions_query\" and \"statements_query\")", key)
		}
	}
	if _, err := dec.Token(); err != nil {
		return fail(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return rawCatalogue{}, errors.New("unexpected data after the catalogue object")
	}
	if !haveRegisters {
		return rawCatalogue{}, errors.New(`the catalogue has no "registers" list`)
	}
	return out, nil
}

// validID reports whether id is lower-case letters, digits, '-' and '_',
// starting with a letter or digit: safe in a file name, a URL or a CSS class.
func validID(id string) bool {
	for i, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		case (r == '-' || r == '_') && i > 0:
		default:
			return false
		}
	}
	return id != ""
}

// validate checks one entry on its own; the connector later checks its
// queries against the database.
func (e *Entry) validate() error {
	switch {
	case e.ID == "":
		return errors.New("id is missing")
	case !validID(e.ID):
		return errors.New("id must be lower-case letters, digits, '-' or '_'")
	case strings.TrimSpace(e.Name.SV) == "":
		return errors.New("name.sv is missing")
	case strings.TrimSpace(e.ThirdCountries.SV) == "":
		// The extract must say, for every register, whether data leave
		// the EU/EEA, and "no" is an answer too (Art. 15(2)).
		return errors.New("third_countries.sv is missing (whether the data are transferred outside the EU/EEA, Art. 15(2))")
	case len(e.Columns) == 0:
		return errors.New("columns are missing: a register needs at least one column")
	}
	for i, c := range e.Columns {
		if strings.TrimSpace(c.SV) == "" {
			return fmt.Errorf("column %d: sv heading is missing", i+1)
		}
		switch c.Format {
		case "", FormatText, FormatDate, FormatSEK, FormatNumber, FormatCode:
		default:
			return fmt.Errorf("column %d: unknown format %q (use text, date, sek, number or code)", i+1, c.Format)
		}
	}
	if err := checkQuery("query", e.Query); err != nil {
		return err
	}
	withheld := map[string]bool{}
	for i, w := range e.Withhold {
		if withheld[w.Field] {
			return fmt.Errorf("withhold %d: the field %q is listed twice", i+1, w.Field)
		}
		withheld[w.Field] = true
		if _, _, ok := e.Field(w.Field); !ok {
			return fmt.Errorf("withhold %d: no column has the field %q", i+1, w.Field)
		}
		if !w.Provision.Valid() {
			return fmt.Errorf("withhold %d: unknown provision %q (use %s)", i+1, w.Provision, dsr.JoinOr(dsr.Provisions))
		}
	}
	if e.RecipientsQuery != "" {
		if err := checkQuery("recipients_query", e.RecipientsQuery); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	for i, c := range e.Columns {
		if c.Field == "" {
			continue
		}
		if !validID(c.Field) || seen[c.Field] {
			return fmt.Errorf("column %d: field %q must be a unique name of lower-case letters, digits, '-' or '_'", i+1, c.Field)
		}
		seen[c.Field] = true
	}
	return e.Rules.validate(e)
}

// checkCodes refuses a code list entry without a text in both languages:
// a code is there to be read in the letter's language.
func checkCodes(codes map[string]dsr.Text) error {
	for _, code := range slices.Sorted(maps.Keys(codes)) {
		t := codes[code]
		switch {
		case strings.TrimSpace(code) == "":
			return errors.New("codes: an empty code")
		case strings.TrimSpace(t.SV) == "" || strings.TrimSpace(t.EN) == "":
			return fmt.Errorf("codes: %q needs a text in Swedish (sv) and English (en)", code)
		}
	}
	return nil
}

// checkQuery catches the mistakes that can be seen without a database.
func checkQuery(field, q string) error {
	q = strings.TrimSpace(q)
	if q == "" {
		return fmt.Errorf("%s is missing", field)
	}
	if strings.Contains(strings.TrimSuffix(q, ";"), ";") {
		return fmt.Errorf("%s must be a single SQL statement", field)
	}
	if !NamesPNR(q) && !strings.Contains(q, "?") {
		return fmt.Errorf("%s must select the person's rows with the parameter :pnr or ?", field)
	}
	return nil
}

// NamesPNR reports whether a catalogue query names the person with the
// parameter :pnr (or @pnr or $pnr, which SQLite also accepts) rather than
// with a single ?, so that a connector knows how to bind the person.
func NamesPNR(q string) bool {
	return strings.Contains(q, ":pnr") || strings.Contains(q, "@pnr") || strings.Contains(q, "$pnr")
}

// entryLabel names a catalogue entry in an error: by its id when it has one
// that can be read, otherwise by its position.
func entryLabel(i int, msg json.RawMessage) string {
	var head struct {
		ID any `json:"id"`
	}
	if json.Unmarshal(msg, &head) == nil {
		if id, ok := head.ID.(string); ok && id != "" {
			return fmt.Sprintf("register %q", id)
		}
	}
	return fmt.Sprintf("register %d", i+1)
}

// describeJSONError turns a decoding error into a message with a line and
// column in data, which is what an operator editing the file needs; base is
// where the decoded part starts in data.
func describeJSONError(data []byte, base int64, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := position(data, base+syn.Offset)
		return fmt.Sprintf("invalid JSON at line %d, column %d: %v", line, col, syn)
	case errors.As(err, &typ):
		line, col := position(data, base+typ.Offset)
		return fmt.Sprintf("field %q at line %d, column %d must be %v, not a JSON %s", typ.Field, line, col, jsonKind(typ.Type.Kind().String()), typ.Value)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "invalid JSON: the file ends too early"
	}
	return err.Error()
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "slice":
		return "a list"
	case "struct":
		return "an object"
	}
	return "a " + goKind
}

// position converts a byte offset into a 1-based line and column.
func position(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}
