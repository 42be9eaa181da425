package exemptions

import (
	"strings"
	"testing"
	"time"

	"dsrdesk/internal/catalogue"
	"dsrdesk/internal/dsr"
)

func date(s string) time.Time {
	t, err := time.Parse(dsr.DateLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}

func text(sv string) dsr.Text { return dsr.Text{SV: sv, EN: sv + " (en)"} }

// The registers of the tests: a population copy, benefit decisions kept
// ten years for the archives, contacts kept two years, reminders on consent
// and a disclosure log the agency must keep.
var (
	population = catalogue.Entry{Register: dsr.Register{ID: "folkbokforing", LegalBasis: text("Art. 6.1 e; 114 kap. SFB")},
		Columns: []catalogue.Column{{Text: text("Namn"), Field: "name"}, {Text: text("Utdelningsadress"), Field: "street"}},
		Rules: &catalogue.Rules{Basis: []string{"e"}, Erasure: catalogue.ErasureNever, ReferTo: &dsr.Text{SV: "Skatteverket", EN: "the Swedish Tax Agency"},
			Objection: catalogue.ObjectionCompelling, Compelling: text("Adressen behövs för att skicka beslut."),
			Retention: catalogue.Retention{Rule: text("Så länge du har ett ärende.")}}}
	decisions = catalogue.Entry{Register: dsr.Register{ID: "formansbeslut", LegalBasis: text("Art. 6.1 c och e; SFB")},
		Columns: []catalogue.Column{{Text: text("Beslutsdatum"), Field: "decided_on", Format: catalogue.FormatDate}, {Text: text("Beslut"), Field: "decision"}},
		Rules: &catalogue.Rules{Basis: []string{"c", "e"}, Erasure: catalogue.ErasureAfterRetention, Archiving: true, Assessments: []string{"decision"}, Restrictable: true,
			Retention: catalogue.Retention{Years: 10, From: "decided_on", Rule: text("Akter gallras efter tio år.")}}}
	contacts = catalogue.Entry{Register: dsr.Register{ID: "kontakter", LegalBasis: text("Art. 6.1 e; SFB")},
		Columns: []catalogue.Column{{Text: text("Datum"), Field: "on", Format: catalogue.FormatDate}, {Text: text("Ärende"), Field: "subject"}},
		Rules: &catalogue.Rules{Basis: []string{"e"}, Erasure: catalogue.ErasureAfterRetention, Rectifiable: []string{"subject"}, Restrictable: true, Objection: catalogue.ObjectionStop,
			Retention: catalogue.Retention{Years: 2, From: "on", Rule: text("Kontakter gallras efter två år.")}}}
	reminders = catalogue.Entry{Register: dsr.Register{ID: "paminnelser", LegalBasis: text("Art. 6.1 a")},
		Columns: []catalogue.Column{{Text: text("E-post"), Field: "email"}},
		Rules:   &catalogue.Rules{Basis: []string{"a"}, Erasure: catalogue.ErasureYes, Rectifiable: []string{"email"}, Restrictable: true, Retention: catalogue.Retention{Rule: text("Tills du återkallar samtycket.")}}}
	disclosures = catalogue.Entry{Register: dsr.Register{ID: "lefi", LegalBasis: text("Art. 6.1 c")},
		Columns: []catalogue.Column{{Text: text("Datum"), Field: "on", Format: catalogue.FormatDate}},
		Rules:   &catalogue.Rules{Basis: []string{"c"}, Erasure: catalogue.ErasureNever, Retention: catalogue.Retention{Rule: text("Loggen sparas.")}}}
)

func reg(e catalogue.Entry, rows ...[]dsr.Value) Register {
	s := dsr.Section{Register: e.Register, Rows: rows}
	for i := range rows {
		s.RecordIDs = append(s.RecordIDs, string(rune('1'+i)))
	}
	return Register{Entry: e, Section: s}
}

func registers() []Register {
	return []Register{
		reg(population, []dsr.Value{dsr.TextValue("Elin Lefiström"), dsr.TextValue("Exempelgatan 5")}),
		reg(decisions, []dsr.Value{dsr.DateValue(date("2016-11-22")), dsr.TextValue("Beviljad")}),
		reg(contacts, []dsr.Value{dsr.DateValue(date("2024-11-23")), dsr.TextValue("Sjukanmälan")}),
		reg(reminders, []dsr.Value{dsr.TextValue("elin@example.se")}),
		reg(disclosures, []dsr.Value{dsr.DateValue(date("2025-03-10"))}),
	}
}

func TestEvaluateOutcomesAndGrounds(t *testing.T) {
	tests := []struct {
		name     string
		req      Request
		today    string
		register string
		outcome  dsr.Outcome
		cite     string // a part of the ground's citation
		says     string // a part of the ground's Swedish text
	}{
		// Erasure (Art. 17).
		{"population data are referred to Skatteverket", Request{Kinds: []dsr.Kind{dsr.KindErasure}}, "2026-11-23", "folkbokforing", dsr.OutcomeRefer, "17(3)(b)", "vänd dig till Skatteverket"},
		{"a decision inside its ten years is kept for the archives", Request{Kinds: []dsr.Kind{dsr.KindErasure}}, "2026-11-21", "formansbeslut", dsr.OutcomeKeep, "17(3)(b), (d)", "arkivlagen"},
		{"on its last day of retention a decision is still kept", Request{Kinds: []dsr.Kind{dsr.KindErasure}}, "2026-11-22", "formansbeslut", dsr.OutcomeKeep, "17(3)(b), (d)", "Akter gallras efter tio år."},
		{"the day after its retention a decision is erased", Request{Kinds: []dsr.Kind{dsr.KindErasure}}, "2026-11-23", "formansbeslut", dsr.OutcomeErase, "17(1)(a)", "Bevarandetiden har gått ut: Akter gallras efter tio år."},
		{"a contact inside two years is kept, no archiving", Request{Kinds: []dsr.Kind{dsr.KindErasure}}, "2026-11-23", "kontakter", dsr.OutcomeKeep, "GDPR Art. 17(3)(b)", "Kontakter gallras efter två år."},
		{"a contact past two years is erased", Request{Kinds: []dsr.Kind{dsr.KindErasure}}, "2026-11-24", "kontakter", dsr.OutcomeErase, "17(1)(a)", "Kontakter gallras efter två år."},
		{"consent withdrawn: erased", Request{Kinds: []dsr.Kind{dsr.KindErasure}}, "2026-11-23", "paminnelser", dsr.OutcomeErase, "17(1)(b)", "samtycke"},
		{"a log the agency must keep is kept", Request{Kinds: []dsr.Kind{dsr.KindErasure}}, "2026-11-23", "lefi", dsr.OutcomeKeep, "17(3)(b)", "Loggen sparas."},
		// Restriction (Art. 18).
		{"restricted while accuracy is contested", Request{Kinds: []dsr.Kind{dsr.KindRestriction}, Grounds: []string{dsr.GroundContested}}, "2026-11-23", "kontakter", dsr.OutcomeRestrict, "18(1)(a)", "bara"},
		{"restricted for a legal claim", Request{Kinds: []dsr.Kind{dsr.KindRestriction}, Grounds: []string{dsr.GroundLegalClaims}}, "2026-11-23", "formansbeslut", dsr.OutcomeRestrict, "18(1)(c)", "rättsligt anspråk"},
		{"restricted while an objection is decided", Request{Kinds: []dsr.Kind{dsr.KindRestriction}, Grounds: []string{dsr.GroundObjectionPending}}, "2026-11-23", "kontakter", dsr.OutcomeRestrict, "18(1)(d)", "invändningen"},
		{"restricted instead of erased when unlawful", Request{Kinds: []dsr.Kind{dsr.KindRestriction}, Grounds: []string{dsr.GroundUnlawfulRestrict}}, "2026-11-23", "paminnelser", dsr.OutcomeRestrict, "18(1)(b)", "olaglig"},
		{"a register that cannot be restricted is kept", Request{Kinds: []dsr.Kind{dsr.KindRestriction}}, "2026-11-23", "lefi", dsr.OutcomeKeep, "18(2)", "kan inte begränsas"},
		// Objection (Art. 21(1)).
		{"data under official authority: processing stops", Request{Kinds: []dsr.Kind{dsr.KindObjection}}, "2026-11-23", "kontakter", dsr.OutcomeStop, "21(1)", "upphör"},
		{"compelling legitimate grounds are cited", Request{Kinds: []dsr.Kind{dsr.KindObjection}}, "2026-11-23", "folkbokforing", dsr.OutcomeKeep, "tvingande berättigade skäl", "Adressen behövs"},
		{"the kept ground names the legal basis", Request{Kinds: []dsr.Kind{dsr.KindErasure}}, "2026-11-21", "formansbeslut", dsr.OutcomeKeep, "17(3)(b), (d)", "Art. 6.1 c och e; SFB"},
		{"data under a legal obligation are outside Art. 21", Request{Kinds: []dsr.Kind{dsr.KindObjection}}, "2026-11-23", "formansbeslut", dsr.OutcomeKeep, "6(1)(c)", "gäller inte"},
		// Rectification and completion (Art. 16).
		{"a rectifiable field is corrected", Request{Kinds: []dsr.Kind{dsr.KindRectify}, Changes: []dsr.Change{{Register: "kontakter", Field: "subject", Value: "Sjukanmälan för barn"}}}, "2026-11-23", "kontakter", dsr.OutcomeRectify, "Art. 16", "rättas"},
		{"a wrong address is referred to Skatteverket", Request{Kinds: []dsr.Kind{dsr.KindRectify}, Changes: []dsr.Change{{Register: "folkbokforing", Field: "street", Value: "Nygatan 1"}}}, "2026-11-23", "folkbokforing", dsr.OutcomeRefer, "folkbokföringslagen", "Vänd dig till Skatteverket"},
		{"a disputed assessment gets a statement", Request{Kinds: []dsr.Kind{dsr.KindRectify}, Changes: []dsr.Change{{Register: "formansbeslut", Field: "decision", Value: "Beviljad hela perioden"}}}, "2026-11-23", "formansbeslut", dsr.OutcomeSupplement, "omprövning", "bedömning"},
		{"a statement completes the latest record", Request{Kinds: []dsr.Kind{dsr.KindComplete}, Scope: []string{"formansbeslut"}, Statement: "Jag var sjuk hela tiden."}, "2026-11-23", "formansbeslut", dsr.OutcomeSupplement, "Art. 16", "yttrande"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := Evaluate(tt.req, registers(), date(tt.today).Add(10*time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			var got *dsr.Item
			for i := range items {
				if items[i].Register == tt.register {
					got = &items[i]
				}
			}
			if got == nil {
				t.Fatalf("no item for %s in %+v", tt.register, items)
			}
			if got.Proposed != tt.outcome || got.Outcome != tt.outcome {
				t.Errorf("outcome = %s (proposed %s), want %s", got.Outcome, got.Proposed, tt.outcome)
			}
			if !strings.Contains(got.Ground.Cite, tt.cite) || !strings.Contains(got.Ground.Text.SV, tt.says) || got.Ground.Text.EN == "" {
				t.Errorf("ground = %+v, want it to cite %q and say %q, in English too", got.Ground, tt.cite, tt.says)
			}
		})
	}
}

func TestEvaluateScopeAndItems(t *testing.T) {
	items, err := Evaluate(Request{Kinds: []dsr.Kind{dsr.KindErasure}, Scope: []string{"kontakter", "paminnelser"}}, registers(), date("2026-11-23"))
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 || items[0].Register != "kontakter" || items[1].Register != "paminnelser" || items[0].Record != "1" || items[0].Value != "2024-11-23 · Sjukanmälan" {
		t.Errorf("items = %+v, want one per record of the two registers in scope", items)
	}
	all, _ := Evaluate(Request{Kinds: []dsr.Kind{dsr.KindAccess, dsr.KindErasure, dsr.KindRestriction}}, registers(), date("2026-11-23"))
	if len(all) != 10 {
		t.Errorf("%d items for erasure and restriction of everything, want 10 (access has none)", len(all))
	}
}

func TestEvaluateRefusesWhatCannotBeRectified(t *testing.T) {
	tests := []struct {
		change dsr.Change
		key    string
	}{
		{dsr.Change{Register: "bilstod", Field: "x"}, "rectify.unknown_register"},
		{dsr.Change{Register: "kontakter", Field: "colour"}, "rectify.unknown_field"},
		{dsr.Change{Register: "kontakter", Field: "on", Value: "2024-01-01"}, "rectify.not_rectifiable"},
		{dsr.Change{Register: "kontakter", Record: "9", Field: "subject"}, "rectify.unknown_record"},
	}
	for _, tt := range tests {
		_, err := Evaluate(Request{Kinds: []dsr.Kind{dsr.KindRectify}, Changes: []dsr.Change{tt.change}}, registers(), date("2026-11-23"))
		var e *dsr.Error
		if e = dsr.AsError(err); e.Code != dsr.EINVALID || e.Key != tt.key || e.Field != "changes" {
			t.Errorf("%+v: error = %v, want %s", tt.change, err, tt.key)
		}
	}
}

func TestCheck(t *testing.T) {
	cat := &catalogue.Catalogue{Registers: []catalogue.Entry{population, decisions, contacts, reminders, disclosures}}
	rectify := []dsr.Kind{dsr.KindRectify}
	tests := []struct {
		name  string
		kinds []dsr.Kind
		req   dsr.ChangeRequest
		field string // "" when valid
	}{
		{"a rectifiable field", rectify, dsr.ChangeRequest{Changes: []dsr.Change{{Register: "kontakter", Field: "subject", Value: "x"}}}, ""},
		{"an address, referred", rectify, dsr.ChangeRequest{Changes: []dsr.Change{{Register: "folkbokforing", Field: "street", Value: "Nygatan 1"}}}, ""},
		{"an assessment", rectify, dsr.ChangeRequest{Changes: []dsr.Change{{Register: "formansbeslut", Field: "decision", Value: "Beviljad"}}}, ""},
		{"unknown register", rectify, dsr.ChangeRequest{Changes: []dsr.Change{{Register: "bilstod", Field: "x", Value: "y"}}}, "changes"},
		{"unknown field", rectify, dsr.ChangeRequest{Changes: []dsr.Change{{Register: "kontakter", Field: "colour", Value: "y"}}}, "changes"},
		{"a field that is not rectifiable", rectify, dsr.ChangeRequest{Changes: []dsr.Change{{Register: "kontakter", Field: "on", Value: "2020-01-01"}}}, "changes"},
		{"no right value", rectify, dsr.ChangeRequest{Changes: []dsr.Change{{Register: "kontakter", Field: "subject"}}}, "changes"},
		{"nothing to rectify", rectify, dsr.ChangeRequest{}, "changes"},
		{"completion without a statement", []dsr.Kind{dsr.KindComplete}, dsr.ChangeRequest{Statement: "  "}, "statement"},
		{"unknown register in scope", []dsr.Kind{dsr.KindErasure}, dsr.ChangeRequest{Scope: []string{"bilstod"}}, "scope"},
		{"an erasure ground", []dsr.Kind{dsr.KindErasure}, dsr.ChangeRequest{Grounds: []string{dsr.GroundConsentWithdrawn}}, ""},
		{"a restriction ground on an erasure", []dsr.Kind{dsr.KindErasure}, dsr.ChangeRequest{Grounds: []string{dsr.GroundContested}}, "grounds"},
		{"a made-up ground", []dsr.Kind{dsr.KindRestriction}, dsr.ChangeRequest{Grounds: []string{"because"}}, "grounds"},
	}
	for _, tt := range tests {
		err := Check(tt.kinds, tt.req, cat)
		if tt.field == "" && err != nil || tt.field != "" && (dsr.ErrorCode(err) != dsr.EINVALID || dsr.ErrorField(err) != tt.field) {
			t.Errorf("%s: error = %v, want field %q", tt.name, err, tt.field)
		}
	}
}

func TestCompletionGoesWhereThePersonChose(t *testing.T) {
	req := Request{Kinds: []dsr.Kind{dsr.KindRectify, dsr.KindComplete}, Scope: []string{"formansbeslut"}, Statement: "Jag var sjuk hela perioden.",
		Changes: []dsr.Change{{Register: "kontakter", Record: "1", Field: "subject", Value: "Sjukanmälan för barn"}}}
	items, err := Evaluate(req, registers(), date("2026-11-23"))
	if err != nil {
		t.Fatal(err)
	}
	var statements []string
	for _, it := range items {
		if it.Kind == dsr.KindComplete {
			statements = append(statements, it.Register)
		}
	}
	if len(statements) != 1 || statements[0] != "formansbeslut" {
		t.Errorf("the statement is attached to %v, want the register the person chose", statements)
	}
}
