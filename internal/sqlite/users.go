package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

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

const userColumns = `id, email, name, role, password_hash, disabled_at`

func scanUser(row scanner) (*dsr.User, error) {
	var u dsr.User
	var disabled sql.NullString
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.PasswordHash, &disabled); err != nil {
		return nil, err
	}
	u.DisabledAt = nullTime(disabled)
	return &u, nil
}

// nullTime reads an optional instant.
func nullTime(s sql.NullString) *time.Time {
	if !s.Valid || s.String == "" {
		return nil
	}
	t := parseTime(s.String)
	return &t
}

func userErr(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return dsr.Errorf(dsr.ENOTFOUND, "user.not_found", "No such user.")
	}
	return fmt.Errorf("find user: %w", err)
}

func (db *DB) oneUser(ctx context.Context, where string, arg any) (*dsr.User, error) {
	u, err := scanUser(db.r.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg))
	if err != nil {
		return nil, userErr(err)
	}
	return u, nil
}

// UserByEmail finds a staff account by e-mail address, disabled or not:
// the caller decides what a disabled account may do.
func (db *DB) UserByEmail(ctx context.Context, email string) (*dsr.User, error) {
	return db.oneUser(ctx, `email = ?`, email)
}

// UserByID finds a staff account by id, disabled or not.
func (db *DB) UserByID(ctx context.Context, id string) (*dsr.User, error) {
	return db.oneUser(ctx, `id = ?`, id)
}

// UserByToken finds the staff account an unrevoked API token belongs to,
// disabled or not.
func (db *DB) UserByToken(ctx context.Context, tokenHash string) (*dsr.User, error) {
	return db.oneUser(ctx, `id = (SELECT user_id FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL)`, tokenHash)
}

// Users lists every staff account by name, disabled ones too.
func (db *DB) Users(ctx context.Context) ([]dsr.User, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY name COLLATE NOCASE, email`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []dsr.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		out = append(out, *u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return out, nil
}

// UpdateUser changes a staff account's role or whether it is disabled, in
// one transaction: decide gets the account as it is and the number of
// enabled administrators, changes u and returns the audit events to
// record; no events means nothing to change. Disabling an account ends its
// sessions in the same transaction. The count is read inside the write
// transaction, so two administrators demoting each other at once cannot
// both pass a last-administrator check.
func (db *DB) UpdateUser(ctx context.Context, id string, decide func(u *dsr.User, admins int) ([]dsr.AuditEvent, error)) (*dsr.User, error) {
	var out *dsr.User
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
		if err != nil {
			return userErr(err)
		}
		var admins int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role = ? AND disabled_at IS NULL`, dsr.RoleAdmin).Scan(&admins); err != nil {
			return fmt.Errorf("count administrators: %w", err)
		}
		events, err := decide(u, admins)
		if err != nil {
			return err
		}
		out = u
		if len(events) == 0 {
			return nil
		}
		var disabled sql.NullString
		if u.DisabledAt != nil {
			disabled = sql.NullString{String: fmtTime(*u.DisabledAt), Valid: true}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET role = ?, disabled_at = ? WHERE id = ?`, u.Role, disabled, u.ID); err != nil {
			return fmt.Errorf("update user: %w", err)
		}
		if u.DisabledAt != nil {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, u.ID); err != nil {
				return fmt.Errorf("end sessions of a disabled user: %w", err)
			}
		}
		return db.appendAudit(ctx, tx, events...)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CreateToken stores a new API token, by its id and the hash of the token;
// the token itself is never stored.
func (db *DB) CreateToken(ctx context.Context, t dsr.APIToken, tokenHash string, ev dsr.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (id, token_hash, user_id, created_at) VALUES (?, ?, ?, ?)`,
			t.ID, tokenHash, t.UserID, fmtTime(t.CreatedAt)); err != nil {
			return fmt.Errorf("create token: %w", err)
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

const tokenColumns = `id, user_id, created_at, revoked_at`

func scanToken(row scanner) (*dsr.APIToken, error) {
	var t dsr.APIToken
	var created string
	var revoked sql.NullString
	if err := row.Scan(&t.ID, &t.UserID, &created, &revoked); err != nil {
		return nil, err
	}
	t.CreatedAt, t.RevokedAt = parseTime(created), nullTime(revoked)
	return &t, nil
}

// Tokens lists a user's API tokens, newest first, without their hashes.
func (db *DB) Tokens(ctx context.Context, userID string) ([]dsr.APIToken, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC, id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []dsr.APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		out = append(out, *t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return out, nil
}

// RevokeToken revokes an API token by its id, in one transaction: decide
// gets the token as it is, sets RevokedAt and returns the audit events to
// record; no events means nothing to change (a token revoked before).
func (db *DB) RevokeToken(ctx context.Context, id string, decide func(t *dsr.APIToken) ([]dsr.AuditEvent, error)) (*dsr.APIToken, error) {
	var out *dsr.APIToken
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		t, err := scanToken(tx.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return dsr.Errorf(dsr.ENOTFOUND, "token.not_found", "No such API token.")
		} else if err != nil {
			return fmt.Errorf("find token: %w", err)
		}
		events, err := decide(t)
		if err != nil {
			return err
		}
		out = t
		if len(events) == 0 || t.RevokedAt == nil {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, fmtTime(*t.RevokedAt), t.ID); err != nil {
			return fmt.Errorf("revoke token: %w", err)
		}
		return db.appendAudit(ctx, tx, events...)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CreateSession stores a new browser session.
func (db *DB) CreateSession(ctx context.Context, s *dsr.Session, ev dsr.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var uid sql.NullString
		if s.UserID != "" {
			uid = sql.NullString{String: s.UserID, Valid: true}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, kind, user_id, subject_pnr, subject_name, subject_ref, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, s.TokenHash, s.Kind, uid, db.seal.seal(string(s.SubjectPNR), sessionAD(s.TokenHash)), s.SubjectName, s.SubjectRef,
			fmtTime(db.now()), fmtTime(s.ExpiresAt)); err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// Session finds an unexpired session by the hash of its cookie, without an
// idle limit and without recording the use.
func (db *DB) Session(ctx context.Context, tokenHash string) (*dsr.Session, error) {
	return db.ActiveSession(ctx, tokenHash, 0, math.MaxInt64)
}

// DeleteSession signs a session out, and drops sessions that have expired.
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ? OR expires_at <= ?`, tokenHash, fmtTime(db.now()))
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}
