package dsr

// Settings are the rules an administrator may change while dsrdesk runs
// (RULES §2, §3). Configuration gives the defaults; the case store keeps
// what an administrator set.
type Settings struct {
	// RequireSignOff is which cases need the DPO's approval before any
	// letter leaves them.
	RequireSignOff SignOffPolicy `json:"require_signoff"`
	// PauseClockForIdentity stops the deadline while a case waits for
	// proof of identity (RULES §2 pause_clock_for_identity).
	PauseClockForIdentity bool `json:"pause_clock_for_identity"`
	// IdentityWaitDays is how long a case waits for proof of identity
	// before it may close as "identity not established".
	IdentityWaitDays int `json:"identity_wait_days"`
	// RetentionYears is how long the system keeps its own closed cases,
	// counted from the day each closed, before weeding deletes them
	// (RULES §10); 0 is the default, DefaultRetentionYears (read it
	// through Retention).
	RetentionYears int `json:"retention_years"`
}

// DefaultSettings are the rulebook's defaults.
func DefaultSettings() Settings {
	return Settings{RequireSignOff: SignOffDefault, PauseClockForIdentity: false, IdentityWaitDays: 30}
}

// Check validates settings as an administrator enters them.
func (s Settings) Check() error {
	if !s.RequireSignOff.Valid() {
		return FieldError("require_signoff", "settings.signoff_unknown", "require_signoff must be default, all or off.")
	}
	if s.IdentityWaitDays < 7 || s.IdentityWaitDays > 90 {
		return FieldError("identity_wait_days", "settings.wait_days", "The time to wait for proof of identity must be 7 to 90 days.")
	}
	if s.RetentionYears != 0 && s.RetentionYears < MinRetentionYears || s.RetentionYears > MaxRetentionYears {
		return FieldError("retention_years", "settings.retention_years", "Closed cases must be kept 1 to 10 years before they are weeded.")
	}
	return nil
}

// The bounds of retention_years.
const (
	MinRetentionYears = 1
	MaxRetentionYears = 10
)

// Retention is the retention_years in force: the one set, or the default.
func (s Settings) Retention() int {
	if s.RetentionYears == 0 {
		return DefaultRetentionYears
	}
	return s.RetentionYears
}
