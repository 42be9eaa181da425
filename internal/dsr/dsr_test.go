package dsr

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"
)

func TestStatusTransitions(t *testing.T) {
	tests := []struct {
		from, to Status
		ok       bool
	}{
		{StatusReceived, StatusAssembled, true},
		{StatusReceived, StatusSent, false}, // nothing to send before an extract
		{StatusReceived, StatusClosed, true},
		{StatusAssembled, StatusAssembled, true}, // re-assemble before sending
		{StatusAssembled, StatusSent, true},
		{StatusSent, StatusAssembled, false}, // an answered case keeps its extract
		{StatusSent, StatusClosed, true},
		{StatusClosed, StatusReceived, false},
	}
	for _, tt := range tests {
		if got := tt.from.CanMove(tt.to); got != tt.ok {
			t.Errorf("%s → %s = %t, want %t", tt.from, tt.to, got, tt.ok)
		}
	}
}

func TestAddressLines(t *testing.T) {
	tests := []struct {
		name string
		p    Person
		want []string
	}{
		{"plain", Person{Name: "Åsa Öberg", Street: "Storgatan 1", Postcode: "11346", Town: "STOCKHOLM"},
			[]string{"Åsa Öberg", "Storgatan 1", "113 46  STOCKHOLM"}},
		{"c/o", Person{Name: "Hanna G", CareOf: "Ivar F", Street: "Box 12", Postcode: "70210", Town: "ÖREBRO"},
			[]string{"Hanna G", "c/o Ivar F", "Box 12", "702 10  ÖREBRO"}},
		{"protected: only the name", Person{Name: "Cecilia S", Street: "Hemliga gränd 7", Postcode: "75220", Town: "UPPSALA", Protection: ProtectionProtected},
			[]string{"Cecilia S"}},
		{"sekretessmarkering: only the name", Person{Name: "Dag D", Street: "Gatan 1", Postcode: "90325", Town: "UMEÅ", Protection: ProtectionMarking},
			[]string{"Dag D"}},
	}
	for _, tt := range tests {
		if got := tt.p.AddressLines(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestDaysLeftAndOverdue(t *testing.T) {
	due := time.Date(2026, 12, 23, 0, 0, 0, 0, time.UTC)
	c := &Case{Status: StatusReceived, DueOn: due}
	// 23:30 UTC on 22 December is already 23 December in Stockholm.
	if d := c.DaysLeft(time.Date(2026, 12, 22, 23, 30, 0, 0, time.UTC)); d != 0 {
		t.Errorf("days left on the due date in Stockholm = %d", d)
	}
	if !c.Overdue(time.Date(2026, 12, 24, 8, 0, 0, 0, time.UTC)) {
		t.Error("a case past its due date is not overdue")
	}
	ext := time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)
	c.ExtendedDueOn = &ext
	if c.Overdue(time.Date(2026, 12, 24, 8, 0, 0, 0, time.UTC)) {
		t.Error("an extended case is overdue before its extended deadline")
	}
	c.Status = StatusSent
	if c.Overdue(time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC)) {
		t.Error("an answered case is overdue")
	}
}

func TestErrorHelpers(t *testing.T) {
	err := fmt.Errorf("create case: %w", FieldError("subject", "Wrong check digit."))
	if ErrorCode(err) != EINVALID || ErrorField(err) != "subject" || ErrorMessage(err) != "Wrong check digit." {
		t.Errorf("wrapped application error lost its details: %v", err)
	}
	bug := errors.New("sql: database is locked")
	if ErrorCode(bug) != EINTERNAL || ErrorMessage(bug) != "Internal error." {
		t.Error("an internal error leaks its text")
	}
}
