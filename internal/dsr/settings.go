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
	return nil
}
