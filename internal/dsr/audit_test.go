package dsr

import (
	"strings"
	"testing"
	"time"
)

func chain(n int) []AuditEvent {
	prev := AuditGenesis
	var out []AuditEvent
	for i := 0; i < n; i++ {
		e := Event(Actor{Kind: ActorStaff, ID: "u1"}, ActionCaseRead, "c1", "")
		e.Seal(int64(i), prev, time.Date(2026, 11, 23, 10, 0, i, 0, time.UTC))
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func TestVerifyChainAcceptsIntactChain(t *testing.T) {
	if n, err := VerifyChain(chain(5)); err != nil || n != 5 {
		t.Fatalf("VerifyChain = %d, %v; want 5, nil", n, err)
	}
}

func TestVerifyChainFindsTampering(t *testing.T) {
	tests := []struct {
		name   string
		tamper func([]AuditEvent) []AuditEvent
		want   string
	}{
		{"altered detail", func(c []AuditEvent) []AuditEvent { c[2].Detail = "x"; return c }, "entry 3: content"},
		{"altered actor", func(c []AuditEvent) []AuditEvent { c[0].Actor = "staff:u2"; return c }, "entry 1: content"},
		{"deleted entry", func(c []AuditEvent) []AuditEvent { return append(c[:1], c[2:]...) }, "entry 3: does not follow"},
		{"moved text between fields", func(c []AuditEvent) []AuditEvent { c[1].Action, c[1].CaseID = "case.readc", "1"; return c }, "entry 2: content"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := VerifyChain(tt.tamper(chain(4)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("VerifyChain error = %v; want it to contain %q", err, tt.want)
			}
		})
	}
}
