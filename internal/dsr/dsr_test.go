package dsr

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestWorkflow(t *testing.T) {
	due := time.Date(2026, 12, 23, 0, 0, 0, 0, time.UTC)
	onDue := time.Date(2026, 12, 23, 12, 0, 0, 0, time.UTC)
	after := time.Date(2026, 12, 24, 12, 0, 0, 0, time.UTC)
	ext := time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)
	access := []Kind{KindAccess}
	erasure := []Kind{KindErasure}
	tests := []struct {
		name     string
		kinds    []Kind
		status   Status
		extended *time.Time
		action   Action
		today    time.Time
		key      string // "" when allowed
		next     Status
	}{
		{"assemble a new access request", access, StatusReceived, nil, ActAssemble, onDue, "", StatusAssembled},
		{"re-assemble before sending", access, StatusAssembled, nil, ActAssemble, onDue, "", StatusAssembled},
		{"an answered case keeps its extract", access, StatusSent, nil, ActAssemble, onDue, "case.extract_closed", ""},
		{"only access requests have an extract", erasure, StatusReceived, nil, ActAssemble, onDue, "case.no_extract", ""},
		{"nothing to send before an extract", access, StatusReceived, nil, ActSend, onDue, "case.not_assembled", ""},
		{"send an assembled extract", access, StatusAssembled, nil, ActSend, onDue, "", StatusSent},
		{"extend on the due date", access, StatusReceived, nil, ActExtend, onDue, "", StatusReceived},
		{"extend late on the due date in Stockholm", access, StatusReceived, nil, ActExtend, time.Date(2026, 12, 23, 22, 59, 0, 0, time.UTC), "", StatusReceived},
		{"no extension once the due date is over in Stockholm", access, StatusReceived, nil, ActExtend, time.Date(2026, 12, 23, 23, 0, 0, 0, time.UTC), "case.deadline_passed", ""},
		{"extend an erasure request", erasure, StatusReceived, nil, ActExtend, onDue, "", StatusReceived},
		{"no extension after the due date", access, StatusAssembled, nil, ActExtend, after, "case.deadline_passed", ""},
		{"no second extension", access, StatusReceived, &ext, ActExtend, onDue, "case.already_extended", ""},
		{"no extension of an answered case", access, StatusSent, nil, ActExtend, onDue, "case.answered", ""},
		{"close an answered case", access, StatusSent, nil, ActClose, after, "", StatusClosed},
		{"evaluate an erasure request", erasure, StatusReceived, nil, ActEvaluate, onDue, "", StatusEvaluated},
		{"evaluate it again", erasure, StatusEvaluated, nil, ActEvaluate, onDue, "", StatusEvaluated},
		{"override an outcome", erasure, StatusEvaluated, nil, ActDecide, onDue, "", StatusEvaluated},
		{"no override before an evaluation", erasure, StatusReceived, nil, ActDecide, onDue, "case.not_evaluated", ""},
		{"no execution before an evaluation", erasure, StatusReceived, nil, ActExecute, onDue, "case.not_evaluated", ""},
		{"execute the decision", erasure, StatusEvaluated, nil, ActExecute, onDue, "", StatusExecuted},
		{"no evaluation once executed", erasure, StatusExecuted, nil, ActEvaluate, onDue, "case.executed", ""},
		{"the decision letter leaves after execution", erasure, StatusExecuted, nil, ActSend, onDue, "", StatusSent},
		{"no letter before execution", erasure, StatusEvaluated, nil, ActSend, onDue, "case.not_executed", ""},
		{"an access request has no items", access, StatusReceived, nil, ActEvaluate, onDue, "case.no_items", ""},
		{"an objection is evaluated too", []Kind{KindObjection}, StatusReceived, nil, ActEvaluate, onDue, "", StatusEvaluated},
		{"a closed case allows nothing", access, StatusClosed, nil, ActClose, after, "case.action_refused", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Case{Kinds: tt.kinds, Status: tt.status, DueOn: due, ExtendedDueOn: tt.extended, Outcome: CaseAnswered}
			err := c.Check(tt.action, tt.today)
			if tt.key == "" {
				if err != nil {
					t.Fatalf("Check(%s) = %v, want allowed", tt.action, err)
				}
				if got := c.Next(tt.action); got != tt.next {
					t.Errorf("Next(%s) = %s, want %s", tt.action, got, tt.next)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != ECONFLICT || e.Key != tt.key {
				t.Fatalf("Check(%s) = %v, want a conflict with key %s", tt.action, err, tt.key)
			}
			if c.Can(tt.action, tt.today) {
				t.Error("Can disagrees with Check")
			}
		})
	}
}

func TestPermissions(t *testing.T) {
	officer := Actor{Kind: ActorStaff, ID: "u1", Role: RoleOfficer}
	dpo := Actor{Kind: ActorStaff, ID: "u2", Role: RoleDPO}
	printer := Actor{Kind: ActorStaff, ID: "u3", Role: RolePrint}
	protected := Actor{Kind: ActorStaff, ID: "u4", Role: RolePrintProtected}
	admin := Actor{Kind: ActorStaff, ID: "u5", Role: RoleAdmin}
	person := Actor{Kind: ActorIndividual, ID: "p-1"}
	tests := []struct {
		actor Actor
		perm  Permission
		want  bool
	}{
		{officer, PermHandle, true},
		{officer, PermOverride, false}, // only the DPO overrides
		{officer, PermSignOff, false},
		{dpo, PermOverride, true},
		{dpo, PermSignOff, true},
		{dpo, PermHandle, true},
		{printer, PermPrintOrdinary, true},
		{printer, PermPrintProtected, false},
		{printer, PermReadCases, false},
		{protected, PermPrintProtected, true},
		{admin, PermManageUsers, true},
		{admin, PermReadCases, false},
		{person, PermOwnRequests, true},
		{person, PermReadCases, false},
		{Actor{}, PermOwnRequests, false},
		{Actor{Kind: ActorStaff, Role: "janitor"}, PermReadCases, false},
		{SystemActor, PermManageUsers, true},
	}
	for _, tt := range tests {
		if got := Can(tt.actor, tt.perm); got != tt.want {
			t.Errorf("Can(%s %s, %s) = %t, want %t", tt.actor.Kind, tt.actor.Role, tt.perm, got, tt.want)
		}
	}
	if err := Require(officer, PermOverride); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("Require = %v, want forbidden", err)
	}
}

func TestValueDisplay(t *testing.T) {
	tests := []struct {
		v    Value
		want string
	}{
		{AmountValue(123450), "1 234,50 kr"},
		{AmountValue(-5), "-0,05 kr"},
		{NumberValue(20480), "20 480"},
		{DateValue(time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)), "2026-03-05"},
		{Value{Kind: ValueDate, Text: "okänt"}, "okänt"},
		{CodeValue("SJP"), "SJP"},
		{TextValue("Åsa"), "Åsa"},
	}
	for _, tt := range tests {
		if got := tt.v.Display("sv"); got != tt.want {
			t.Errorf("%+v.Display = %q, want %q", tt.v, got, tt.want)
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
	c := &Case{Kinds: []Kind{KindAccess}, Status: StatusReceived, DueOn: due}
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
	late := time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC)
	// A sent letter does not answer the case until it reaches the person.
	c.Status = StatusSent
	if !c.Overdue(late) || c.Answered() || !c.Open() {
		t.Error("a case whose paper letter has not been handed to the post is answered")
	}
	on := time.Date(2027, 1, 30, 0, 0, 0, 0, time.UTC)
	c.LetterReached(&Letter{Purpose: PurposeAnswer, Status: LetterHandedOver}, on)
	if c.Overdue(late) || !c.Answered() || c.Open() || !c.AnsweredOn.Equal(on) {
		t.Error("an answered case is overdue or open")
	}
	// Returned mail opens it again, in its own queue, until it is resent.
	c.SetFlag(FlagReturnedMail, true)
	if !c.Open() || c.Stage(late) != StageReturned || !c.Answered() {
		t.Errorf("returned mail: open %t, stage %q", c.Open(), c.Stage(late))
	}
	c.Status = StatusClosed
	if c.Open() || c.Stage(late) != StageNone {
		t.Error("a closed case is open")
	}
}

func TestErrorHelpers(t *testing.T) {
	err := fmt.Errorf("create case: %w", FieldError("subject", "pnr.check_digit", "Wrong check digit."))
	if ErrorCode(err) != EINVALID || ErrorField(err) != "subject" || ErrorMessage(err) != "Wrong check digit." {
		t.Errorf("wrapped application error lost its details: %v", err)
	}
	bug := errors.New("sql: database is locked")
	if ErrorCode(bug) != EINTERNAL || ErrorMessage(bug) != "Internal error." {
		t.Error("an internal error leaks its text")
	}
}

func TestJoinOr(t *testing.T) {
	if got := JoinOr(Statuses); got != "received, assembled, evaluated, decided, executed, sent or closed" {
		t.Errorf("JoinOr(Statuses) = %q", got)
	}
	if got := JoinOr([]Role{RoleAdmin}); got != "admin" {
		t.Errorf("JoinOr of one = %q", got)
	}
}

func TestOrgNumberDigits(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		ok       bool
	}{
		{"202100-5521", "2021005521", true},
		{"2021005521", "2021005521", true},
		{"502006-1585", "5020061585", true},
		{"202100-5522", "", false}, // wrong check digit
		{"811218-9876", "", false}, // a personal identity number
		{"20210055", "", false},
		{"20210a5521", "", false},
	} {
		got, err := OrgNumberDigits(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("%s: %q %v", tt.in, got, err)
		}
		if err != nil && strings.Contains(err.Error(), tt.in) {
			t.Errorf("%s: the error repeats the value", tt.in)
		}
	}
}
