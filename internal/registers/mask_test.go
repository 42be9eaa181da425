package registers

import (
	"context"
	"reflect"
	"testing"

	"dsrdesk/internal/catalogue"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
)

// TestMaskCoversSpecialPostalAddress: a protected person's särskild
// postadress is as hidden as the registered address, whatever register
// data a connector returns it in.
func TestMaskCoversSpecialPostalAddress(t *testing.T) {
	ctx := context.Background()
	p := cecilia
	p.Special = &dsr.Address{CareOf: "Ombud Hemlig", Street: "Box 1234", Postcode: "11122", Town: "NACKA", Country: "SE"}
	given := [][]dsr.Value{
		{day(2024, 3, 12), dsr.CodeValue("Sjukpenning"), dsr.TextValue("Brev till Box 1234")},
		{dsr.Value{}, dsr.CodeValue("NACKA"), dsr.TextValue("111 22")},
		{dsr.Value{}, dsr.CodeValue("Sjukpenning"), dsr.TextValue("c/o Ombud Hemlig")},
		{dsr.Value{}, dsr.CodeValue("Sjukpenning"), dsr.TextValue("Hemliga gränd 7")},
	}
	conn := &fakeConnector{
		PersonFn: func(context.Context, pnr.PNR) (dsr.Person, error) { return p, nil },
		RowsFn: func(_ context.Context, e catalogue.Entry, _ pnr.PNR) ([][]dsr.Value, error) {
			if e.ID == "utlamnanden" {
				return [][]dsr.Value{{dsr.TextValue("Folksam")}}, nil
			}
			return given, nil
		},
		RecipientsFn: func(context.Context, catalogue.Entry, pnr.PNR) ([]dsr.Recipient, error) { return nil, nil },
	}
	secs, err := New(fakeCatalogue(), conn).Sections(ctx, pnr.Complete("19790721984"))
	if err != nil {
		t.Fatal(err)
	}
	masked := dsr.TextValue("Skyddad adress")
	want := [][]dsr.Value{
		{day(2024, 3, 12), dsr.CodeValue("Sjukpenning"), masked},
		{dsr.Value{}, masked, masked},
		{dsr.Value{}, dsr.CodeValue("Sjukpenning"), masked},
		{dsr.Value{}, dsr.CodeValue("Sjukpenning"), masked},
	}
	if !reflect.DeepEqual(secs[0].Rows, want) {
		t.Errorf("rows\n got %+v\nwant %+v", secs[0].Rows, want)
	}
}
