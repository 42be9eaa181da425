package exemptions

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"dsrdesk/internal/catalogue"
	"dsrdesk/internal/dsr"
)

// Request is what the person asked, as the engine needs it.
type Request struct {
	Kinds     []dsr.Kind
	Scope     []string     // register ids; empty means every register
	Changes   []dsr.Change // rectification: the values the person says are right
	Statement string       // completion: the person's supplementary statement
	Grounds   []string     // the Art. 17(1) and 18(1) grounds the person gave
}

// Register is one catalogue register with the person's data in it.
type Register struct {
	Entry   catalogue.Entry
	Section dsr.Section
}

// Evaluate proposes an outcome, with its legal ground, for every item the
// request affects, on the calendar date today. Items come in the order of
// the request's kinds, then of the catalogue, then of the rows.
func Evaluate(req Request, regs []Register, today time.Time) ([]dsr.Item, error) {
	today = dsr.Day(today)
	var out []dsr.Item
	for _, k := range req.Kinds {
		var items []dsr.Item
		var err error
		switch k {
		case dsr.KindErasure, dsr.KindRestriction, dsr.KindObjection:
			items = recordItems(req, regs, k, today)
		case dsr.KindRectify:
			items, err = rectifyItems(req, regs)
		case dsr.KindComplete:
			items = completeItems(req, regs)
		default:
			continue // access is answered with an extract, not items
		}
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
	}
	for i := range out {
		out[i].Outcome, out[i].Ground = out[i].Proposed, out[i].ProposedGround
	}
	return out, nil
}

// inScope reports whether the request covers the register.
func inScope(req Request, id string) bool {
	return len(req.Scope) == 0 || slices.Contains(req.Scope, id)
}

// recordItems are the items of an erasure, restriction or objection: every
// record of every register in scope.
func recordItems(req Request, regs []Register, k dsr.Kind, today time.Time) []dsr.Item {
	var out []dsr.Item
	for _, r := range regs {
		if !inScope(req, r.Entry.ID) {
			continue
		}
		for i, row := range r.Section.Rows {
			it := dsr.Item{Kind: k, Register: r.Entry.ID, Record: r.Section.RecordIDs[i], Value: dsr.RowSummary(row, "sv")}
			switch k {
			case dsr.KindErasure:
				it.Proposed, it.ProposedGround = erasure(r.Entry, row, req, today)
			case dsr.KindRestriction:
				it.Proposed, it.ProposedGround = restriction(r.Entry, req)
			case dsr.KindObjection:
				it.Proposed, it.ProposedGround = objection(r.Entry)
			}
			out = append(out, it)
		}
	}
	return out
}

// keptUnder cites what keeps a register's data: Art. 17(3)(b), and (d)
// when arkivlagen requires the records kept.
func keptUnder(rules *catalogue.Rules) string {
	if rules.Archiving {
		return "GDPR Art. 17(3)(b), (d)"
	}
	return "GDPR Art. 17(3)(b)"
}

// erasure decides one record of an erasure request.
func erasure(e catalogue.Entry, row []dsr.Value, req Request, today time.Time) (dsr.Outcome, dsr.Ground) {
	rules := e.Rules
	if rules.ReferTo != nil {
		return dsr.OutcomeRefer, dsr.Ground{Cite: "GDPR Art. 17(3)(b)", Text: dsr.Text{
			SV: fmt.Sprintf("Uppgifterna är en kopia av ett register som %s ansvarar för och behövs för att handlägga dina ärenden. Försäkringskassan kan inte radera dem i källan; vänd dig till %s.", rules.ReferTo.SV, rules.ReferTo.SV),
			EN: fmt.Sprintf("The data are a copy of a register kept by %s and are needed to handle your matters. Försäkringskassan cannot erase them at the source; please contact %s.", rules.ReferTo.In("en"), rules.ReferTo.In("en")),
		}}
	}
	switch rules.Erasure {
	case catalogue.ErasureYes:
		if rules.HasBasis("a") {
			return dsr.OutcomeErase, dsr.Ground{Cite: "GDPR Art. 17(1)(b)", Text: dsr.Text{
				SV: "Uppgifterna behandlas med ditt samtycke. När du återkallar samtycket raderas de.",
				EN: "The data are processed on your consent. As you withdraw it, they are erased.",
			}}
		}
		return dsr.OutcomeErase, dsr.Ground{Cite: "GDPR Art. 17(1)(a)", Text: dsr.Text{
			SV: "Uppgifterna behövs inte längre och kan raderas.",
			EN: "The data are no longer needed and can be erased.",
		}}
	case catalogue.ErasureAfterRetention:
		// The ground is the same for every record it covers (a decision
		// letter lists each ground once); the record's own date is in
		// its value.
		if end, known := retentionEnd(e, row); known && today.After(end) {
			return dsr.OutcomeErase, dsr.Ground{Cite: "GDPR Art. 17(1)(a)", Text: dsr.Text{
				SV: "Bevarandetiden har gått ut: " + rules.Retention.Rule.SV + " Uppgifterna behövs inte längre och raderas.",
				EN: "The retention period has ended: " + rules.Retention.Rule.In("en") + " The data are no longer needed and are erased.",
			}}
		}
	}
	return dsr.OutcomeKeep, keep(e)
}

// keep is the ground for keeping data the agency must keep.
func keep(e catalogue.Entry) dsr.Ground {
	rules := e.Rules
	archive := dsr.Text{}
	if rules.Archiving {
		archive = dsr.Text{
			SV: " Handlingarna är allmänna handlingar som arkivlagen (1990:782) kräver att myndigheten bevarar.",
			EN: " The records are public documents that the Archives Act (1990:782) requires the agency to keep.",
		}
	}
	return dsr.Ground{Cite: keptUnder(rules), Text: dsr.Text{
		SV: "Försäkringskassan måste spara uppgifterna för att fullgöra sina uppgifter enligt lag (" + e.LegalBasis.SV + ")." + archive.SV + " " + rules.Retention.Rule.SV,
		EN: "Försäkringskassan must keep the data to carry out its tasks under the law (" + e.LegalBasis.In("en") + ")." + archive.EN + " " + rules.Retention.Rule.In("en"),
	}}
}

// retentionEnd is the last day a record is kept: its date field plus the
// register's retention period. known is false when the record has no
// readable date, and then it cannot be shown to be past its period.
func retentionEnd(e catalogue.Entry, row []dsr.Value) (end time.Time, known bool) {
	_, i, ok := e.Field(e.Rules.Retention.From)
	if !ok || i >= len(row) || row[i].Kind != dsr.ValueDate || row[i].Date.IsZero() {
		return time.Time{}, false
	}
	return row[i].Date.AddDate(e.Rules.Retention.Years, 0, 0), true
}

// restriction decides one record of a restriction request.
func restriction(e catalogue.Entry, req Request) (dsr.Outcome, dsr.Ground) {
	if !e.Rules.Restrictable {
		return dsr.OutcomeKeep, dsr.Ground{Cite: "GDPR Art. 18(2), Art. 6(1)(c)", Text: dsr.Text{
			SV: "Uppgifterna kan inte begränsas: myndigheten är skyldig enligt lag att behandla dem (" + e.LegalBasis.SV + ").",
			EN: "The data cannot be restricted: the agency is obliged by law to process them (" + e.LegalBasis.In("en") + ").",
		}}
	}
	point, text := "a", dsr.Text{SV: "du har bestritt att uppgifterna är riktiga; de begränsas till dess att det är utrett", EN: "you contest the accuracy of the data; they are restricted until that is settled"}
	for _, g := range req.Grounds {
		switch g {
		case dsr.GroundUnlawfulRestrict:
			point, text = "b", dsr.Text{SV: "behandlingen är olaglig och du vill att uppgifterna begränsas i stället för raderas", EN: "the processing is unlawful and you ask for restriction instead of erasure"}
		case dsr.GroundLegalClaims:
			point, text = "c", dsr.Text{SV: "du behöver uppgifterna för att kunna göra gällande ett rättsligt anspråk", EN: "you need the data for a legal claim"}
		case dsr.GroundObjectionPending:
			point, text = "d", dsr.Text{SV: "du har invänt mot behandlingen; uppgifterna begränsas medan invändningen prövas", EN: "you have objected to the processing; the data are restricted while the objection is decided"}
		}
	}
	return dsr.OutcomeRestrict, dsr.Ground{Cite: "GDPR Art. 18(1)(" + point + ")", Text: dsr.Text{
		SV: "Uppgifterna begränsas eftersom " + text.SV + ". Medan de är begränsade sparas de bara. Du får besked innan begränsningen hävs.",
		EN: "The data are restricted because " + text.EN + ". While restricted they are only stored. You will be told before the restriction is lifted.",
	}}
}

// objection decides one record of an objection (Art. 21(1)).
func objection(e catalogue.Entry) (dsr.Outcome, dsr.Ground) {
	rules := e.Rules
	switch {
	case rules.HasBasis("c"):
		return dsr.OutcomeKeep, dsr.Ground{Cite: "GDPR Art. 21(1), Art. 6(1)(c)", Text: dsr.Text{
			SV: "Rätten att invända gäller inte här: Försäkringskassan är skyldig enligt lag att behandla uppgifterna (" + e.LegalBasis.SV + ").",
			EN: "The right to object does not apply here: Försäkringskassan is obliged by law to process the data (" + e.LegalBasis.In("en") + ").",
		}}
	case rules.HasBasis("e") && rules.Objection == catalogue.ObjectionCompelling:
		return dsr.OutcomeKeep, dsr.Ground{Cite: "GDPR Art. 21(1) (tvingande berättigade skäl)", Text: dsr.Text{
			SV: "Det finns tvingande berättigade skäl att fortsätta behandlingen: " + rules.Compelling.SV,
			EN: "There are compelling legitimate grounds to continue the processing: " + rules.Compelling.In("en"),
		}}
	}
	return dsr.OutcomeStop, dsr.Ground{Cite: "GDPR Art. 21(1)", Text: dsr.Text{
		SV: "Försäkringskassan upphör att behandla uppgifterna; de sparas bara så länge gallringsreglerna kräver.",
		EN: "Försäkringskassan stops processing the data; they are only stored as long as the weeding rules require.",
	}}
}

// rectifyItems are the items of a rectification: each value the person
// says is wrong, on the record they name, or on each of the register's
// records when they name none.
func rectifyItems(req Request, regs []Register) ([]dsr.Item, error) {
	var out []dsr.Item
	for _, ch := range req.Changes {
		r, ok := find(regs, ch.Register)
		if !ok {
			return nil, dsr.FieldError("changes", "rectify.unknown_register", "There is no register %q.", ch.Register)
		}
		col, fi, ok := r.Entry.Field(ch.Field)
		if !ok {
			return nil, dsr.FieldError("changes", "rectify.unknown_field", "The register %s has no field %q.", ch.Register, ch.Field)
		}
		rules := r.Entry.Rules
		if rules.ReferTo == nil && !slices.Contains(rules.Rectifiable, ch.Field) && !slices.Contains(rules.Assessments, ch.Field) {
			return nil, dsr.FieldError("changes", "rectify.not_rectifiable", "The field %q of %s cannot be rectified.", ch.Field, ch.Register)
		}
		found := false
		for i, id := range r.Section.RecordIDs {
			if ch.Record != "" && id != ch.Record {
				continue
			}
			found = true
			it := dsr.Item{Kind: dsr.KindRectify, Register: r.Entry.ID, Record: id, Field: ch.Field, Value: r.Section.Rows[i][fi].Display("sv"), Requested: ch.Value}
			it.Proposed, it.ProposedGround = rectification(r.Entry, col, ch)
			out = append(out, it)
		}
		if !found {
			return nil, dsr.FieldError("changes", "rectify.unknown_record", "The register %s holds no such record about you.", ch.Register)
		}
	}
	return out, nil
}

// rectification decides one value the person says is wrong.
func rectification(e catalogue.Entry, col catalogue.Column, ch dsr.Change) (dsr.Outcome, dsr.Ground) {
	rules := e.Rules
	switch {
	case rules.ReferTo != nil:
		return dsr.OutcomeRefer, dsr.Ground{Cite: "GDPR Art. 16; folkbokföringslagen (1991:481)", Text: dsr.Text{
			SV: fmt.Sprintf("Uppgiften %s kommer från %s. Försäkringskassan kan inte rätta den; den rättas i källan. Vänd dig till %s, så får även Försäkringskassan den rättade uppgiften.", strings.ToLower(col.SV), rules.ReferTo.SV, rules.ReferTo.SV),
			EN: fmt.Sprintf("The %s comes from %s. Försäkringskassan cannot correct it; it is corrected at the source. Please contact %s, and Försäkringskassan will receive the corrected datum too.", strings.ToLower(col.Text.In("en")), rules.ReferTo.In("en"), rules.ReferTo.In("en")),
		}}
	case slices.Contains(rules.Assessments, ch.Field):
		return dsr.OutcomeSupplement, dsr.Ground{Cite: "GDPR Art. 16; 113 kap. socialförsäkringsbalken (omprövning)", Text: dsr.Text{
			SV: "Uppgiften är en bedömning i ett beslut, inte en felaktig uppgift. Din synpunkt läggs till som ett kompletterande yttrande. Vill du att beslutet ändras kan du begära omprövning.",
			EN: "The datum is an assessment in a decision, not an inaccurate datum. Your view is attached as a supplementary statement. If you want the decision changed, you can ask for it to be reconsidered.",
		}}
	}
	return dsr.OutcomeRectify, dsr.Ground{Cite: "GDPR Art. 16", Text: dsr.Text{
		SV: "Uppgiften rättas till det du har angett.",
		EN: "The datum is corrected to what you have given.",
	}}
}

// completeItems are the items of a completion: the person's statement is
// attached to the latest record of each register they chose, or, when they
// chose none, to the records their changes name, or else to the latest
// record of every register.
func completeItems(req Request, regs []Register) []dsr.Item {
	var out []dsr.Item
	add := func(r Register, i int) {
		it := dsr.Item{Kind: dsr.KindComplete, Register: r.Entry.ID, Record: r.Section.RecordIDs[i], Value: dsr.RowSummary(r.Section.Rows[i], "sv"), Requested: req.Statement}
		if r.Entry.Rules.ReferTo != nil {
			it.Proposed, it.ProposedGround = rectification(r.Entry, catalogue.Column{Text: r.Entry.Name}, dsr.Change{})
		} else {
			it.Proposed, it.ProposedGround = dsr.OutcomeSupplement, dsr.Ground{Cite: "GDPR Art. 16", Text: dsr.Text{
				SV: "Ditt kompletterande yttrande läggs till uppgifterna.",
				EN: "Your supplementary statement is attached to the data.",
			}}
		}
		out = append(out, it)
	}
	if len(req.Scope) == 0 {
		for _, ch := range req.Changes {
			if r, ok := find(regs, ch.Register); ok && ch.Record != "" {
				if i := slices.Index(r.Section.RecordIDs, ch.Record); i >= 0 {
					add(r, i)
				}
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	for _, r := range regs {
		if inScope(req, r.Entry.ID) && len(r.Section.Rows) > 0 {
			add(r, 0)
		}
	}
	return out
}

func find(regs []Register, id string) (Register, bool) {
	for _, r := range regs {
		if r.Entry.ID == id {
			return r, true
		}
	}
	return Register{}, false
}

// Check validates what a request to change data asks for against the
// catalogue before it is registered: every register in scope exists, every
// change names a register, a field and a value, and the field can be
// rectified (or is referred to its source, or is an assessment that a
// statement answers), and every ground belongs to a kind asked for.
func Check(kinds []dsr.Kind, req dsr.ChangeRequest, cat *catalogue.Catalogue) error {
	for _, id := range req.Scope {
		if _, ok := cat.Lookup(id); !ok {
			return dsr.FieldError("scope", "change.unknown_register", "There is no register %q.", id)
		}
	}
	rectify := slices.Contains(kinds, dsr.KindRectify)
	for _, ch := range req.Changes {
		e, ok := cat.Lookup(ch.Register)
		if !ok {
			return dsr.FieldError("changes", "rectify.unknown_register", "There is no register %q.", ch.Register)
		}
		if _, _, ok := e.Field(ch.Field); !ok {
			return dsr.FieldError("changes", "rectify.unknown_field", "The register %s has no field %q.", ch.Register, ch.Field)
		}
		if !rectify {
			continue // completion names records only
		}
		if strings.TrimSpace(ch.Value) == "" {
			return dsr.FieldError("changes", "rectify.no_value", "Say what the right value of %s in %s is.", ch.Field, ch.Register)
		}
		r := e.Rules
		if r.ReferTo == nil && !slices.Contains(r.Rectifiable, ch.Field) && !slices.Contains(r.Assessments, ch.Field) {
			return dsr.FieldError("changes", "rectify.not_rectifiable", "The field %q of %s cannot be rectified.", ch.Field, ch.Register)
		}
	}
	if rectify && len(req.Changes) == 0 {
		return dsr.FieldError("changes", "rectify.no_changes", "A rectification names at least one value that is wrong and what is right.")
	}
	if slices.Contains(kinds, dsr.KindComplete) && strings.TrimSpace(req.Statement) == "" {
		return dsr.FieldError("statement", "complete.no_statement", "A completion needs the supplementary statement.")
	}
	for _, g := range req.Grounds {
		k, ok := dsr.GroundKind(g)
		if !ok || !slices.Contains(kinds, k) {
			return dsr.FieldError("grounds", "change.unknown_ground", "The ground %q does not belong to the kinds of request asked for.", g)
		}
	}
	return nil
}
