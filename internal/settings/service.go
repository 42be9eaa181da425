package settings

import (
	"context"
	"fmt"
	"strings"

	"dsrdesk/internal/dsr"
)

// Store is what settings need from the case store.
type Store interface {
	Settings(ctx context.Context, defaults dsr.Settings) (dsr.Settings, error)
	SaveSettings(ctx context.Context, s dsr.Settings, actor string, ev dsr.AuditEvent) error
}

// Service reads and changes the settings in force.
type Service struct {
	store    Store
	defaults dsr.Settings
}

// NewService returns a settings service over store; defaults are the
// configuration's, used for what no administrator has set.
func NewService(store Store, defaults dsr.Settings) *Service {
	return &Service{store: store, defaults: defaults}
}

// Settings returns the settings in force: what an administrator saved,
// over the configuration's defaults. It needs no permission, because
// services read it to do their own work; pass the method value (a
// func(context.Context) (dsr.Settings, error)) to the services that need
// it, so that a change holds from the next call, without a restart.
func (s *Service) Settings(ctx context.Context) (dsr.Settings, error) {
	return s.store.Settings(ctx, s.defaults)
}

// Defaults returns the configuration's defaults.
func (s *Service) Defaults() dsr.Settings { return s.defaults }

// Read returns the settings in force for an administrator to change.
func (s *Service) Read(ctx context.Context, actor dsr.Actor) (dsr.Settings, error) {
	if err := dsr.Require(actor, dsr.PermManageUsers); err != nil {
		return dsr.Settings{}, err
	}
	return s.Settings(ctx)
}

// Save checks and stores the settings an administrator entered, with an
// audit entry naming every value and which of them changed, in one
// transaction. Settings that do not pass dsr.Settings.Check change nothing.
func (s *Service) Save(ctx context.Context, next dsr.Settings, actor dsr.Actor) (dsr.Settings, error) {
	if err := dsr.Require(actor, dsr.PermManageUsers); err != nil {
		return dsr.Settings{}, err
	}
	prev, err := s.Settings(ctx)
	if err != nil {
		return dsr.Settings{}, err
	}
	// A form that does not show retention_years leaves it as it was.
	if next.RetentionYears == 0 {
		next.RetentionYears = prev.RetentionYears
	}
	if err := next.Check(); err != nil {
		return dsr.Settings{}, err
	}
	if err := s.store.SaveSettings(ctx, next, actor.String(), dsr.Event(actor, dsr.ActionSettingsChanged, "", detail(prev, next))); err != nil {
		return dsr.Settings{}, err
	}
	return next, nil
}

// detail is the audit entry's text: every setting's new value, then the
// names of those that changed ("changed=-" when none did).
func detail(prev, next dsr.Settings) string {
	var changed []string
	if prev.RequireSignOff != next.RequireSignOff {
		changed = append(changed, "require_signoff")
	}
	if prev.PauseClockForIdentity != next.PauseClockForIdentity {
		changed = append(changed, "pause_clock_for_identity")
	}
	if prev.IdentityWaitDays != next.IdentityWaitDays {
		changed = append(changed, "identity_wait_days")
	}
	if prev.RetentionYears != next.RetentionYears {
		changed = append(changed, "retention_years")
	}
	list := "-"
	if len(changed) > 0 {
		list = strings.Join(changed, ",")
	}
	return fmt.Sprintf("require_signoff=%s pause_clock_for_identity=%t identity_wait_days=%d retention_years=%d changed=%s",
		next.RequireSignOff, next.PauseClockForIdentity, next.IdentityWaitDays, next.Retention(), list)
}
