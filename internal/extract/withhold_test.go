package extract

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"dsrdesk/internal/catalogue"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
)

// payments is a register with two payments, the second to an account the
// catalogue (in these tests) withholds by default.
type payments struct {
	protected bool
	empty     bool
}

func (p payments) Person(context.Context, pnr.PNR) (dsr.Person, error) {
	if p.empty {
		return dsr.Person{}, dsr.Errorf(dsr.ENOTFOUND, "registers.not_found", "No such person.")
	}
	prot := dsr.ProtectionNone
	if p.protected {
		prot = dsr.ProtectionMarking
	}
	return dsr.Person{Name: "Åsa Öberg", Street: "Storgatan 1", Protection: prot}, nil
}

func (p payments) sections(address string) []dsr.Section {
	day := func(s string) dsr.Value { d, _ := time.Parse(dsr.DateLayout, s); return dsr.DateValue(d) }
	return []dsr.Section{
		{Register: dsr.Register{ID: "utbetalningar", Name: dsr.Text{SV: "Utbetalningar"}}, Fields: []string{"paid_on", "amount", "account"},
			Rows:      [][]dsr.Value{{day("2023-05-25"), dsr.AmountValue(100), dsr.TextValue("")}, {day("2024-05-25"), dsr.AmountValue(200), dsr.TextValue("Sambons konto")}},
			RecordIDs: []string{"u1", "u2"}},
		{Register: dsr.Register{ID: "folkbokforing", Name: dsr.Text{SV: "Folkbokföring"}}, Fields: []string{"name", "street"},
			Rows: [][]dsr.Value{{dsr.TextValue("Åsa Öberg"), dsr.TextValue(address)}}, RecordIDs: []string{"f1"}},
	}
}

func (p payments) Sections(context.Context, pnr.PNR) ([]dsr.Section, error) {
	if p.protected {
		return p.sections("Skyddad adress"), nil
	}
	return p.sections("Storgatan 1"), nil
}

func (p payments) SubjectSections(context.Context, pnr.PNR) ([]dsr.Section, error) {
	return p.sections("Storgatan 1"), nil
}

// textRenderer "renders" an extract as the values it would show.
type textRenderer struct{ last *dsr.Extract }

func (r *textRenderer) ExtractBytes(e *dsr.Extract) ([]byte, int, error) {
	r.last = e
	var b []byte
	for _, s := range e.Sections {
		b = append(b, s.Register.ID+":"...)
		for _, row := range s.Rows {
			b = append(b, " ["+dsr.RowSummary(row, "sv")+"]"...)
		}
		for _, w := range s.Withheld {
			b = append(b, " withheld "+w.Provision.Short()...)
		}
		b = append(b, '\n')
	}
	return b, 1, nil
}

func TestWithheldData(t *testing.T) {
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) }
	cat := testCatalogue(t)
	for i := range cat.Registers {
		if cat.Registers[i].ID == "utbetalningar" {
			cat.Registers[i].Withhold = append(cat.Registers[i].Withhold, catalogueWithhold("account", dsr.ProvisionOSL28_1))
		}
	}
	c := &dsr.Case{ID: uuid.NewString(), Number: "DSR-2026-000007", Kinds: []dsr.Kind{dsr.KindAccess}, Status: dsr.StatusReceived, Language: "sv"}
	store := &memStore{c: c}
	r := &textRenderer{}
	s := NewService(store, payments{}, r, cat, settings, now)

	// The catalogue withholds the co-habitant's account by default: no
	// officer clicks, and the case is a partial refusal for the DPO.
	info, err := s.Assemble(ctx, c.ID, officer)
	if err != nil {
		t.Fatal(err)
	}
	if info.Withheld != 1 || c.Outcome != dsr.CasePartlyRefused || !c.HasFlag(dsr.FlagWithheld) || c.SignOff.State != dsr.SignOffPending {
		t.Fatalf("withheld %d, outcome %s, flags %v, sign-off %+v", info.Withheld, c.Outcome, c.Flags, c.SignOff)
	}
	want := "utbetalningar: [2023-05-25 · 1,00 kr] [2024-05-25 · 2,00 kr · [maskerad]] withheld OSL 28:1\nfolkbokforing: [Åsa Öberg · Storgatan 1]\n"
	if string(store.pdf) != want {
		t.Errorf("extract =\n%s\nwant\n%s", store.pdf, want)
	}
	if len(store.saved.Defaults) != 1 || store.saved.Defaults[0].Record != "u2" {
		t.Errorf("defaults saved = %+v", store.saved.Defaults)
	}

	// The officer withholds a whole record under DSL 5 kap. and discloses
	// the default after all.
	if _, err := s.Withhold(ctx, c.ID, Withholding{Register: "utbetalningar", Record: "u1", Kind: dsr.WithholdItem, Provision: dsr.ProvisionDSL5}, officer); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Withhold(ctx, c.ID, Withholding{Register: "utbetalningar", Record: "u2", Field: "account", Kind: dsr.WithholdDisclose}, officer); err != nil {
		t.Fatal(err)
	}
	want = "utbetalningar: [2024-05-25 · 2,00 kr · Sambons konto] withheld DSL 5 kap.\nfolkbokforing: [Åsa Öberg · Storgatan 1]\n"
	if string(store.pdf) != want {
		t.Errorf("after the officer's decisions the extract =\n%s\nwant\n%s", store.pdf, want)
	}

	bad := []Withholding{
		{Register: "nope", Record: "u1", Kind: dsr.WithholdItem, Provision: dsr.ProvisionDSL5},
		{Register: "utbetalningar", Record: "", Kind: dsr.WithholdItem, Provision: dsr.ProvisionDSL5},
		{Register: "utbetalningar", Record: "u1", Field: "account", Kind: dsr.WithholdRedact, Provision: "osl_99"},
		{Register: "utbetalningar", Record: "u1", Field: "shoe_size", Kind: dsr.WithholdRedact, Provision: dsr.ProvisionOSL28_1},
		{Register: "utbetalningar", Record: "u1", Kind: dsr.WithholdRedact, Provision: dsr.ProvisionOSL28_1},
	}
	for _, w := range bad {
		if _, err := s.Withhold(ctx, c.ID, w, officer); dsr.ErrorCode(err) != dsr.EINVALID {
			t.Errorf("Withhold(%+v) = %v, want invalid", w, err)
		}
	}
	if _, err := s.Withhold(ctx, c.ID, Withholding{Register: "utbetalningar", Record: "u1", Kind: dsr.WithholdItem, Provision: dsr.ProvisionDSL5},
		dsr.Actor{Kind: dsr.ActorStaff, Role: dsr.RolePrint}); dsr.ErrorCode(err) != dsr.EFORBIDDEN {
		t.Errorf("the print operator withheld data: %v", err)
	}
}

func TestScopeLimitsTheExtract(t *testing.T) {
	c := &dsr.Case{ID: uuid.NewString(), Number: "DSR-2026-000008", Kinds: []dsr.Kind{dsr.KindAccess}, Status: dsr.StatusReceived,
		Change: dsr.ChangeRequest{Scope: []string{"utbetalningar"}, From: "2024-01-01", To: "2024-12-31"}}
	store := &memStore{c: c}
	r := &textRenderer{}
	s := NewService(store, payments{}, r, testCatalogue(t), settings, time.Now)
	if _, err := s.Assemble(context.Background(), c.ID, officer); err != nil {
		t.Fatal(err)
	}
	if want := "utbetalningar: [2024-05-25 · 2,00 kr · Sambons konto]\n"; string(store.pdf) != want {
		t.Errorf("scoped extract =\n%s\nwant\n%s", store.pdf, want)
	}
	if sc := r.last.Scope; len(sc.Registers) != 1 || sc.Registers[0].SV != "Utbetalningar" || dsr.FormatDate(*sc.From) != "2024-01-01" {
		t.Errorf("the cover letter's scope = %+v", sc)
	}
}

func TestOwnAddressUnderSecrecyMarking(t *testing.T) {
	c := &dsr.Case{ID: uuid.NewString(), Number: "DSR-2026-000009", Kinds: []dsr.Kind{dsr.KindAccess}, Status: dsr.StatusReceived}
	store := &memStore{c: c}
	s := NewService(store, payments{protected: true}, &textRenderer{}, testCatalogue(t), settings, time.Now)
	if _, err := s.Assemble(context.Background(), c.ID, officer); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(store.pdf), "Storgatan 1") {
		t.Errorf("the person's own extract hides their own address:\n%s", store.pdf)
	}
	staff, _, _ := s.PDF(context.Background(), c.ID, officer)
	if strings.Contains(string(staff), "Storgatan 1") || !strings.Contains(string(staff), "Skyddad adress") {
		t.Errorf("staff see the protected address:\n%s", staff)
	}
	if !c.HasFlag(dsr.FlagProtected) || !c.SignOff.Required {
		t.Errorf("a protected person's case: flags %v, sign-off %+v", c.Flags, c.SignOff)
	}
}

func TestNoData(t *testing.T) {
	c := &dsr.Case{ID: uuid.NewString(), Number: "DSR-2026-000010", Kinds: []dsr.Kind{dsr.KindAccess}, Status: dsr.StatusReceived}
	store := &memStore{c: c}
	s := NewService(store, payments{empty: true}, &textRenderer{}, testCatalogue(t), settings, time.Now)
	info, err := s.Assemble(context.Background(), c.ID, officer)
	if err != nil {
		t.Fatal(err)
	}
	if !info.NoData || c.Outcome != dsr.CaseNoData || c.Status != dsr.StatusDecided || store.pdf != nil {
		t.Errorf("a person in no register: %+v, case %s %s", info, c.Outcome, c.Status)
	}
}

func catalogueWithhold(field string, p dsr.Provision) catalogue.Withhold {
	return catalogue.Withhold{Field: field, Provision: p}
}
