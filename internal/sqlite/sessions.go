package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"dsrdesk/internal/dsr"
)

// ActiveSession finds a session by the hash of its cookie that has neither
// reached its absolute expiry nor been idle for idle or longer (no idle
// limit when idle is zero), and records the use: last_seen is written only
// when the one stored is touchEvery old or older, so that a busy session
// does not cost a write on every request.
func (db *DB) ActiveSession(ctx context.Context, tokenHash string, idle, touchEvery time.Duration) (*dsr.Session, error) {
	now := db.now()
	idleSince := time.Time{}
	if idle > 0 {
		idleSince = now.Add(-idle)
	}
	var s dsr.Session
	var uid sql.NullString
	var expires, seen string
	err := db.r.QueryRowContext(ctx, `SELECT token_hash, kind, user_id, subject_pnr, subject_name, subject_ref, expires_at,
			CASE WHEN last_seen = '' THEN created_at ELSE last_seen END
		FROM sessions WHERE token_hash = ? AND expires_at > ?
			AND CASE WHEN last_seen = '' THEN created_at ELSE last_seen END > ?`,
		tokenHash, fmtTime(now), fmtTime(idleSince)).
		Scan(&s.TokenHash, &s.Kind, &uid, &s.SubjectPNR, &s.SubjectName, &s.SubjectRef, &expires, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dsr.Errorf(dsr.EUNAUTHORIZED, "auth.session_ended", "Your session has ended. Please sign in again.")
	} else if err != nil {
		return nil, fmt.Errorf("find session: %w", err)
	}
	s.UserID, s.ExpiresAt = uid.String, parseTime(expires)
	if s.SubjectPNR, err = db.openPNR(s.SubjectPNR, sessionAD(s.TokenHash)); err != nil {
		return nil, err
	}
	if !parseTime(seen).After(now.Add(-touchEvery)) {
		if _, err := db.w.ExecContext(ctx, `UPDATE sessions SET last_seen = ? WHERE token_hash = ?`, fmtTime(now), tokenHash); err != nil {
			return nil, fmt.Errorf("record session use: %w", err)
		}
	}
	return &s, nil
}
