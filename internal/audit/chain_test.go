package audit

import (
	"strings"
	"testing"
	"time"

	"dsrdesk/internal/dsr"
)

func chain(n int) []dsr.AuditEvent {
	prev := Genesis
	var out []dsr.AuditEvent
	for i := 1; i <= n; i++ {
		e := dsr.AuditEvent{Seq: int64(i), At: time.Date(2026, 11, 23, 10, 0, i, 0, time.UTC), Actor: "staff:u1", Action: "case.read", CaseID: "c1"}
		Seal(&e, prev)
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func TestVerifyAcceptsIntactChain(t *testing.T) {
	if n, err := Verify(chain(5)); err != nil || n != 5 {
		t.Fatalf("Verify = %d, %v; want 5, nil", n, err)
	}
}

func TestVerifyFindsTampering(t *testing.T) {
	tests := []struct {
		name   string
		tamper func([]dsr.AuditEvent) []dsr.AuditEvent
		want   string
	}{
		{"altered detail", func(c []dsr.AuditEvent) []dsr.AuditEvent { c[2].Detail = "x"; return c }, "entry 3: content"},
		{"altered actor", func(c []dsr.AuditEvent) []dsr.AuditEvent { c[0].Actor = "staff:u2"; return c }, "entry 1: content"},
		{"deleted entry", func(c []dsr.AuditEvent) []dsr.AuditEvent { return append(c[:1], c[2:]...) }, "entry 3: does not follow"},
		{"moved text between fields", func(c []dsr.AuditEvent) []dsr.AuditEvent { c[1].Action, c[1].CaseID = "case.readc", "1"; return c }, "entry 2: content"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Verify(tt.tamper(chain(4)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Verify error = %v; want it to contain %q", err, tt.want)
			}
		})
	}
}
