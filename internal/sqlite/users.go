package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"dsrdesk/internal/dsr"
)

// CreateUser adds a staff account. A taken e-mail address is a conflict.
func (db *DB) CreateUser(ctx context.Context, u *dsr.User, actor dsr.Actor) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			u.ID, u.Email, u.Name, u.Role, u.PasswordHash, fmtTime(db.now()))
		if isUniqueViolation(err, "users.email") {
			return &dsr.Error{Code: dsr.ECONFLICT, Field: "email", Message: "A user with that e-mail address already exists."}
		} else if err != nil {
			return fmt.Errorf("create user: %w", err)
		}
		return db.appendAudit(ctx, tx, actor, "user.created", "", "user="+u.ID+" role="+string(u.Role))
	})
}

// SetPassword replaces a user's password hash.
func (db *DB) SetPassword(ctx context.Context, userID, hash string, actor dsr.Actor) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID)
		if err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return dsr.Errorf(dsr.ENOTFOUND, "No user with that id.")
		}
		return db.appendAudit(ctx, tx, actor, "user.password_set", "", "user="+userID)
	})
}

const userColumns = `id, email, name, role, password_hash`

func (db *DB) oneUser(ctx context.Context, where string, arg any) (*dsr.User, error) {
	var u dsr.User
	err := db.r.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg).Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.PasswordHash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dsr.Errorf(dsr.ENOTFOUND, "No such user.")
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
func (db *DB) CreateToken(ctx context.Context, userID, tokenHash string, actor dsr.Actor) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (token_hash, user_id, created_at) VALUES (?, ?, ?)`,
			tokenHash, userID, fmtTime(db.now())); err != nil {
			return fmt.Errorf("create token: %w", err)
		}
		return db.appendAudit(ctx, tx, actor, "token.created", "", "user="+userID)
	})
}

// CreateSession stores a new browser session.
func (db *DB) CreateSession(ctx context.Context, s *dsr.Session, actor dsr.Actor) error {
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
		return db.appendAudit(ctx, tx, actor, "session.signed_in", "", "kind="+s.Kind)
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
		return nil, dsr.Errorf(dsr.EUNAUTHORIZED, "Your session has ended. Please sign in again.")
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
