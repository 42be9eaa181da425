package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"dsrdesk/internal/dsr"
)

// CreateUser adds a staff account. A taken e-mail address is a conflict.
func (db *DB) CreateUser(ctx context.Context, u *dsr.User, ev dsr.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			u.ID, u.Email, u.Name, u.Role, u.PasswordHash, fmtTime(db.now()))
		if isUniqueViolation(err, "users.email") {
			e := dsr.Errorf(dsr.ECONFLICT, "user.email_taken", "A user with that e-mail address already exists.")
			e.Field = "email"
			return e
		} else if err != nil {
			return fmt.Errorf("create user: %w", err)
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

const userColumns = `id, email, name, role, password_hash`

func (db *DB) oneUser(ctx context.Context, where string, arg any) (*dsr.User, error) {
	var u dsr.User
	err := db.r.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg).Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.PasswordHash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dsr.Errorf(dsr.ENOTFOUND, "user.not_found", "No such user.")
	} else if err != nil {
		return nil, fmt.Errorf("find user: %w", err)
	}
	return &u, nil
}

// UserByEmail finds a staff account by e-mail address.
func (db *DB) UserByEmail(ctx context.Context, email string) (*dsr.User, error) {
	return db.oneUser(ctx, `email = ?`, email)
}

// UserByID finds a staff account by id.
func (db *DB) UserByID(ctx context.Context, id string) (*dsr.User, error) {
	return db.oneUser(ctx, `id = ?`, id)
}

// UserByToken finds the staff account an unrevoked API token belongs to.
func (db *DB) UserByToken(ctx context.Context, tokenHash string) (*dsr.User, error) {
	return db.oneUser(ctx, `id = (SELECT user_id FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL)`, tokenHash)
}

// CreateToken stores the hash of a new API token for a user.
func (db *DB) CreateToken(ctx context.Context, userID, tokenHash string, ev dsr.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (token_hash, user_id, created_at) VALUES (?, ?, ?)`,
			tokenHash, userID, fmtTime(db.now())); err != nil {
			return fmt.Errorf("create token: %w", err)
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// CreateSession stores a new browser session.
func (db *DB) CreateSession(ctx context.Context, s *dsr.Session, ev dsr.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var uid sql.NullString
		if s.UserID != "" {
			uid = sql.NullString{String: s.UserID, Valid: true}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, kind, user_id, subject_pnr, subject_name, subject_ref, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, s.TokenHash, s.Kind, uid, s.SubjectPNR, s.SubjectName, s.SubjectRef,
			fmtTime(db.now()), fmtTime(s.ExpiresAt)); err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// Session finds an unexpired session by the hash of its cookie.
func (db *DB) Session(ctx context.Context, tokenHash string) (*dsr.Session, error) {
	var s dsr.Session
	var uid sql.NullString
	var expires string
	err := db.r.QueryRowContext(ctx, `SELECT token_hash, kind, user_id, subject_pnr, subject_name, subject_ref, expires_at
		FROM sessions WHERE token_hash = ? AND expires_at > ?`, tokenHash, fmtTime(db.now())).
		Scan(&s.TokenHash, &s.Kind, &uid, &s.SubjectPNR, &s.SubjectName, &s.SubjectRef, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dsr.Errorf(dsr.EUNAUTHORIZED, "auth.session_ended", "Your session has ended. Please sign in again.")
	} else if err != nil {
		return nil, fmt.Errorf("find session: %w", err)
	}
	s.UserID, s.ExpiresAt = uid.String, parseTime(expires)
	return &s, nil
}

// DeleteSession signs a session out, and drops sessions that have expired.
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ? OR expires_at <= ?`, tokenHash, fmtTime(db.now()))
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}
