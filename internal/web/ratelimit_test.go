package web

import (
	"strconv"
	"testing"
	"time"
)

// TestAPILimiterForgetsIdleCallers: buckets that have filled up again are
// dropped, so a spray of addresses does not keep memory, while a caller
// still short of calls keeps its bucket (and its wait).
func TestAPILimiterForgetsIdleCallers(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	l := newAPILimiter(1, 2, func() time.Time { return now })
	for i := range 1000 {
		if ok, _ := l.take("addr:" + strconv.Itoa(i)); !ok {
			t.Fatalf("caller %d refused its first call", i)
		}
	}
	// A minute on, a new caller sweeps the full buckets away.
	now = now.Add(time.Minute)
	for range 2 {
		l.take("token:busy")
	}
	if n := len(l.buckets); n != 1 {
		t.Fatalf("%d buckets kept, want only the new caller's", n)
	}
	if ok, wait := l.take("token:busy"); ok || wait != time.Second {
		t.Fatalf("a third call at once: allowed %t, wait %s", ok, wait)
	}
	// A caller still using its bucket keeps it through the next sweep.
	now = now.Add(time.Minute + time.Second)
	l.take("token:busy")
	l.take("token:new")
	if n := len(l.buckets); n != 2 {
		t.Fatalf("%d buckets kept, want the busy token's and the new one", n)
	}
}
