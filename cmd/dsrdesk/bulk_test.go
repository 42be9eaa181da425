package main

import (
	"strings"
	"testing"
)

// TestDemoBulk: `dsrdesk demo bulk` adds the synthetic cases it is asked
// for to demo data, and only to demo data.
func TestDemoBulk(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	dsrdesk(t, "", "demo", "seed", "--data", data)
	if out := dsrdesk(t, "", "demo", "bulk", "--data", data, "--cases", "250"); !strings.HasPrefix(out, "added 250 synthetic cases to "+data) {
		t.Fatalf("demo bulk says %q", out)
	}
	if out, err := runCmd("", "demo", "bulk", "--data", t.TempDir(), "--cases", "10"); err == nil || !strings.Contains(out, "not demo data") {
		t.Fatalf("bulk into a folder without demo data: %v %s", err, out)
	}
	if out, err := runCmd("", "demo", "bulk", "--data", data); err == nil || !strings.Contains(out, "number of cases") {
		t.Fatalf("bulk without --cases: %v %s", err, out)
	}
	if out := dsrdesk(t, "", "audit", "verify", "--data", data); !strings.Contains(out, "audit trail intact") {
		t.Fatalf("after the bulk: %s", out)
	}
}
