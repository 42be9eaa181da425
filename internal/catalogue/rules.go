package catalogue

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"dsrdesk/internal/dsr"
)

// Rules are what the law lets the agency do with one register's data when a
// person asks to rectify, complete, erase, restrict or object (RULES §5),
// declared as data so that the exemption engine can decide item by item and
// the connector can carry the decision out. Every register has rules; a
// catalogue whose rules are incomplete is refused, naming the register.
type Rules struct {
	// Basis lists the points of GDPR Art. 6(1) the processing rests on:
	// "a" (consent), "c" (legal obligation), "e" (official authority).
	Basis []string `json:"basis"`
	// Retention is how long the data are kept, counted from a date field,
	// and the weeding rule that says so.
	Retention Retention `json:"retention"`
	// Erasure says whether data can be erased on request: ErasureYes,
	// ErasureAfterRetention or ErasureNever.
	Erasure string `json:"erasure"`
	// Archiving: the records are public documents that arkivlagen
	// (1990:782) requires the agency to keep (Art. 17(3)(d)).
	Archiving bool `json:"archiving,omitempty"`
	// Rectifiable lists the fields the agency corrects itself.
	Rectifiable []string `json:"rectifiable,omitempty"`
	// ReferTo names the authority that corrects the data at their source,
	// when the register is a copy of another authority's register.
	ReferTo *dsr.Text `json:"refer_to,omitempty"`
	// Assessments lists the fields that hold an assessment in a decision:
	// disputing one is answered with a supplementary statement (and the
	// ordinary request for reconsideration), not a correction.
	Assessments []string `json:"assessments,omitempty"`
	// Restrictable: the records can be flagged so that they are only stored.
	Restrictable bool `json:"restrictable,omitempty"`
	// Objection is what an objection (Art. 21(1)) to data held under
	// Art. 6(1)(e) leads to: ObjectionStop, or ObjectionCompelling with the
	// compelling legitimate grounds in Compelling. Data held under
	// Art. 6(1)(c) are outside Art. 21 whatever this says.
	Objection  string   `json:"objection,omitempty"`
	Compelling dsr.Text `json:"compelling,omitempty"`
	// DisclosedVia lists the disclosure-log registers (those with a
	// recipients_query) whose recipients received this register's data and
	// are told of changes to it (Art. 19).
	DisclosedVia []string `json:"disclosed_via,omitempty"`
	// Statements change a person's rows in the source database.
	Statements Statements `json:"statements"`
}

// Retention is a register's storage period (Art. 15(1)(d)) as a rule the
// engine can count with.
type Retention struct {
	Years int      `json:"years"` // 0: as long as the statutory task needs the data
	From  string   `json:"from"`  // the field of a date column the period counts from
	Rule  dsr.Text `json:"rule"`  // the weeding rule, as the decision cites it
}

// Statements are the SQL statements that carry a decision out in the
// source database. Each names the person as :pnr and the record as
// :record; Correct also takes :value, Restrict :ground and :today,
// Annotate :text, :today and :key (a key unique to the item, so that
// running it twice attaches one statement). Every statement must be safe
// to run again: a crash between changing a register and recording the
// change is repaired by running the step once more.
type Statements struct {
	Erase      string            `json:"erase,omitempty"`
	Correct    map[string]string `json:"correct,omitempty"` // per rectifiable field
	Restrict   string            `json:"restrict,omitempty"`
	Unrestrict string            `json:"unrestrict,omitempty"` // lifts a restriction
	Annotate   string            `json:"annotate,omitempty"`
}

// The values of Rules.Erasure and Rules.Objection.
const (
	ErasureYes            = "yes"
	ErasureAfterRetention = "after_retention"
	ErasureNever          = "never"
	ObjectionStop         = "stop"
	ObjectionCompelling   = "compelling"
)

// HasBasis reports whether the processing rests on Art. 6(1) point p.
func (r *Rules) HasBasis(p string) bool { return slices.Contains(r.Basis, p) }

// Field returns the column whose field name is f and its index.
func (e *Entry) Field(f string) (Column, int, bool) {
	for i, c := range e.Columns {
		if c.Field != "" && c.Field == f {
			return c, i, true
		}
	}
	return Column{}, -1, false
}

// validate checks a register's rules against its columns: every field they
// name exists, and every capability they declare has its statement.
func (r *Rules) validate(e *Entry) error {
	if r == nil {
		return errors.New("rules are missing: every register declares its legal basis, retention, erasure, restriction and statements")
	}
	if len(r.Basis) == 0 {
		return errors.New("rules.basis is missing (the Art. 6(1) points: a, c or e)")
	}
	for _, b := range r.Basis {
		if b != "a" && b != "c" && b != "e" {
			return fmt.Errorf("rules.basis: unknown point %q (use a, c or e)", b)
		}
	}
	if strings.TrimSpace(r.Retention.Rule.SV) == "" {
		return errors.New("rules.retention.rule.sv is missing (the weeding rule a decision cites)")
	}
	if r.Retention.Years < 0 {
		return errors.New("rules.retention.years cannot be negative")
	}
	if r.Retention.Years > 0 {
		c, _, ok := e.Field(r.Retention.From)
		if !ok || c.Format != FormatDate {
			return fmt.Errorf("rules.retention.from must name the field of a date column, not %q", r.Retention.From)
		}
	}
	switch r.Erasure {
	case ErasureYes:
	case ErasureAfterRetention:
		if r.Retention.Years == 0 {
			return errors.New("rules.erasure is after_retention, but rules.retention.years is not set")
		}
	case ErasureNever:
	default:
		return fmt.Errorf("rules.erasure must be yes, after_retention or never, not %q", r.Erasure)
	}
	if r.Erasure != ErasureNever && r.Statements.Erase == "" {
		return errors.New("rules.statements.erase is missing: the register's data can be erased")
	}
	for _, f := range append(slices.Clone(r.Rectifiable), r.Assessments...) {
		if _, _, ok := e.Field(f); !ok {
			return fmt.Errorf("rules name the field %q, which no column has", f)
		}
	}
	for _, f := range r.Rectifiable {
		if r.Statements.Correct[f] == "" {
			return fmt.Errorf("rules.statements.correct.%s is missing: the field is rectifiable", f)
		}
	}
	for f := range r.Statements.Correct {
		if !slices.Contains(r.Rectifiable, f) {
			return fmt.Errorf("rules.statements.correct.%s: the field is not listed as rectifiable", f)
		}
	}
	if r.ReferTo != nil && strings.TrimSpace(r.ReferTo.SV) == "" {
		return errors.New("rules.refer_to.sv is empty")
	}
	if r.ReferTo == nil && r.Statements.Annotate == "" {
		return errors.New("rules.statements.annotate is missing: a person may complete the register's data with a statement")
	}
	if r.Restrictable && r.Statements.Restrict == "" {
		return errors.New("rules.statements.restrict is missing: the register is restrictable")
	}
	if r.Statements.Restrict != "" && r.Statements.Unrestrict == "" {
		return errors.New("rules.statements.unrestrict is missing: a restriction must be possible to lift (Art. 18(3))")
	}
	if r.HasBasis("e") && !r.HasBasis("c") {
		switch r.Objection {
		case ObjectionStop:
			if r.Statements.Restrict == "" {
				return errors.New("rules.statements.restrict is missing: an objection stops the processing, which restricts the records")
			}
		case ObjectionCompelling:
			if strings.TrimSpace(r.Compelling.SV) == "" {
				return errors.New("rules.compelling.sv is missing: an objection is met with compelling grounds")
			}
		default:
			return errors.New("rules.objection must be stop or compelling: the data are held under Art. 6(1)(e)")
		}
	}
	checks := []struct{ name, stmt string }{
		{"erase", r.Statements.Erase}, {"restrict", r.Statements.Restrict}, {"unrestrict", r.Statements.Unrestrict}, {"annotate", r.Statements.Annotate},
	}
	for f, s := range r.Statements.Correct {
		checks = append(checks, struct{ name, stmt string }{"correct." + f, s})
	}
	for _, c := range checks {
		if c.stmt == "" {
			continue
		}
		if err := checkStatement("rules.statements."+c.name, c.stmt); err != nil {
			return err
		}
	}
	return nil
}

// checkStatement catches what can be seen of a change statement without a
// database: one statement that names the person and the record.
func checkStatement(field, q string) error {
	q = strings.TrimSpace(q)
	if strings.Contains(strings.TrimSuffix(q, ";"), ";") {
		return fmt.Errorf("%s must be a single SQL statement", field)
	}
	if !strings.Contains(q, ":pnr") || !strings.Contains(q, ":record") {
		return fmt.Errorf("%s must name the person as :pnr and the record as :record", field)
	}
	return nil
}
