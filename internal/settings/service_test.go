package settings_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/settings"
	"dsrdesk/internal/sqlite"
)

func newService(t *testing.T, defaults dsr.Settings) (*settings.Service, *sqlite.DB) {
	t.Helper()
	clock := func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) }
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "dsrdesk.db"), sqlite.Options{SealKey: testSealKey, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return settings.NewService(db, defaults), db
}

var admin = dsr.Actor{Kind: dsr.ActorStaff, ID: "u-admin", Role: dsr.RoleAdmin}

// TestSettingsInForce: the configuration's defaults hold until an
// administrator saves, then what was saved holds, read through the one
// method every service calls.
func TestSettingsInForce(t *testing.T) {
	ctx := context.Background()
	defaults := dsr.Settings{RequireSignOff: dsr.SignOffOff, PauseClockForIdentity: true, IdentityWaitDays: 45}
	s, db := newService(t, defaults)
	var read func(context.Context) (dsr.Settings, error) = s.Settings // what services are given
	if got, err := read(ctx); err != nil || got != defaults {
		t.Fatalf("before any save: %+v %v, want the configuration's %+v", got, err, defaults)
	}
	want := dsr.Settings{RequireSignOff: dsr.SignOffAll, PauseClockForIdentity: false, IdentityWaitDays: 30}
	if _, err := s.Save(ctx, want, admin); err != nil {
		t.Fatal(err)
	}
	if got, err := read(ctx); err != nil || got != want {
		t.Fatalf("after saving: %+v %v, want %+v", got, err, want)
	}
	if got, err := s.Read(ctx, admin); err != nil || got != want {
		t.Fatalf("the administrator reads %+v %v", got, err)
	}
	events, err := db.AuditEvents(ctx, "")
	if err != nil || len(events) != 1 {
		t.Fatalf("audit: %d entries, %v", len(events), err)
	}
	if e := events[0]; e.Action != dsr.ActionSettingsChanged || e.Actor != "staff:u-admin" ||
		e.Detail != "require_signoff=all pause_clock_for_identity=false identity_wait_days=30 retention_years=2 changed=require_signoff,pause_clock_for_identity,identity_wait_days" {
		t.Fatalf("audit entry %+v", e)
	}
}

// TestSettingsAreCheckedAndGuarded: only an administrator may read or
// change the settings page's values, and a value Check refuses changes
// nothing.
func TestSettingsAreCheckedAndGuarded(t *testing.T) {
	ctx := context.Background()
	s, db := newService(t, dsr.DefaultSettings())
	for _, role := range []dsr.Role{dsr.RoleOfficer, dsr.RoleDPO, dsr.RolePrint, dsr.RolePrintProtected} {
		a := dsr.Actor{Kind: dsr.ActorStaff, ID: "u", Role: role}
		if _, err := s.Save(ctx, dsr.DefaultSettings(), a); dsr.ErrorCode(err) != dsr.EFORBIDDEN {
			t.Errorf("%s saved settings: %v", role, err)
		}
		if _, err := s.Read(ctx, a); dsr.ErrorCode(err) != dsr.EFORBIDDEN {
			t.Errorf("%s read the settings page: %v", role, err)
		}
	}
	for _, tc := range []struct {
		name  string
		s     dsr.Settings
		field string
	}{
		{"unknown policy", dsr.Settings{RequireSignOff: "sometimes", IdentityWaitDays: 30}, "require_signoff"},
		{"no policy", dsr.Settings{IdentityWaitDays: 30}, "require_signoff"},
		{"6 days", dsr.Settings{RequireSignOff: dsr.SignOffAll, IdentityWaitDays: 6}, "identity_wait_days"},
		{"91 days", dsr.Settings{RequireSignOff: dsr.SignOffAll, IdentityWaitDays: 91}, "identity_wait_days"},
		{"negative", dsr.Settings{RequireSignOff: dsr.SignOffAll, IdentityWaitDays: -1}, "identity_wait_days"},
		{"11 years", dsr.Settings{RequireSignOff: dsr.SignOffAll, IdentityWaitDays: 30, RetentionYears: 11}, "retention_years"},
		{"negative years", dsr.Settings{RequireSignOff: dsr.SignOffAll, IdentityWaitDays: 30, RetentionYears: -1}, "retention_years"},
	} {
		if _, err := s.Save(ctx, tc.s, admin); dsr.ErrorCode(err) != dsr.EINVALID || dsr.ErrorField(err) != tc.field {
			t.Errorf("%s: %v, want a field error on %s", tc.name, err, tc.field)
		}
	}
	for _, edge := range []int{7, 90} {
		if _, err := s.Save(ctx, dsr.Settings{RequireSignOff: dsr.SignOffDefault, IdentityWaitDays: edge}, admin); err != nil {
			t.Errorf("%d days: %v", edge, err)
		}
	}
	events, _ := db.AuditEvents(ctx, "")
	if len(events) != 2 || !strings.HasSuffix(events[1].Detail, "changed=identity_wait_days") {
		t.Fatalf("only the two accepted saves are audited: %+v", events)
	}
}

// TestRetentionYears: closed cases are kept 1 to 10 years, 2 until an
// administrator says otherwise, and a save that leaves retention_years
// out (0) keeps what was set.
func TestRetentionYears(t *testing.T) {
	ctx := context.Background()
	s, _ := newService(t, dsr.DefaultSettings())
	if got, _ := s.Settings(ctx); got.Retention() != 2 {
		t.Fatalf("default retention %d years, want 2", got.Retention())
	}
	for _, years := range []int{1, 10} {
		got, err := s.Save(ctx, dsr.Settings{RequireSignOff: dsr.SignOffDefault, IdentityWaitDays: 30, RetentionYears: years}, admin)
		if err != nil || got.Retention() != years {
			t.Fatalf("%d years: %+v %v", years, got, err)
		}
	}
	if _, err := s.Save(ctx, dsr.Settings{RequireSignOff: dsr.SignOffAll, IdentityWaitDays: 30}, admin); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Settings(ctx); got.Retention() != 10 || got.RequireSignOff != dsr.SignOffAll {
		t.Fatalf("a save without retention_years: %+v, want 10 years kept", got)
	}
}
