package sqlite

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"dsrdesk/internal/pnr"
)

// Identity numbers at rest (RULES §6). The columns that hold a person's
// identity number — cases.subject_pnr, cases.representative (the
// representative's number and name, as JSON) and sessions.subject_pnr —
// hold it sealed with AES-256-GCM under the store's sealing key, never in
// plain text: a copy of the database file, its write-ahead log or a backup
// shows no identity number without the key. Look-ups never need the plain
// number: they use the keyed HMAC columns (subject_hmac,
// representative_hmac), so sealing costs only the rows a request reads.
//
// A sealed value is sealedPrefix followed by the unpadded base64url of a
// random 96-bit nonce, the ciphertext and the tag. The row it belongs to is
// the additional data (column and row key), so that a sealed value copied
// into another row does not open there.
const sealedPrefix = "gcm1:"

// ErrWrongKey is the store's answer when its sealing key does not open the
// identity numbers already in it.
var ErrWrongKey = errors.New("the identity-number encryption key does not open the identity numbers in this case store: " +
	"start it with the key the store was made with (pnr-seal.key or DSRDESK_PNR_SEAL_KEY)")

// sealer seals and opens the identity-number columns.
type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (*sealer, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("the identity-number encryption key must be 32 bytes, not %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

// seal seals plain for the column and row named by where; "" stays "" (no
// number to hide).
func (s *sealer) seal(plain, where string) string {
	if plain == "" {
		return ""
	}
	return sealedPrefix + base64.RawURLEncoding.EncodeToString(s.aead.Seal(nil, nil, []byte(plain), []byte(where)))
}

// open opens what seal made for the same column and row.
func (s *sealer) open(sealed, where string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	body, ok := strings.CutPrefix(sealed, sealedPrefix)
	if !ok {
		return "", fmt.Errorf("%s is not sealed", where)
	}
	raw, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		return "", fmt.Errorf("%s: malformed sealed value", where)
	}
	plain, err := s.aead.Open(nil, nil, raw, []byte(where))
	if err != nil {
		return "", fmt.Errorf("%s: %w", where, ErrWrongKey)
	}
	return string(plain), nil
}

// openPNR opens a sealed identity-number column.
func (db *DB) openPNR(sealed pnr.PNR, where string) (pnr.PNR, error) {
	plain, err := db.seal.open(string(sealed), where)
	return pnr.PNR(plain), err
}

// The additional data of each sealed column: the column and the row's key.
func subjectAD(caseID string) string    { return "cases.subject_pnr/" + caseID }
func repAD(caseID string) string        { return "cases.representative/" + caseID }
func sessionAD(tokenHash string) string { return "sessions.subject_pnr/" + tokenHash }

// sealNullable seals an optional column.
func (s *sealer) sealNullable(v sql.NullString, where string) sql.NullString {
	if !v.Valid {
		return v
	}
	return sql.NullString{String: s.seal(v.String, where), Valid: true}
}

// sealStored seals the identity numbers that a store written before sealing
// (or by a seed that wrote them plain) holds in plain text, in one
// transaction, and then checks that the key opens what is sealed. With
// secure_delete on, SQLite overwrites the plain values' old cells; the
// write-ahead log is checkpointed and truncated after, so that no copy of
// them is left in the files. It returns how many values it sealed.
func (db *DB) sealStored(ctx context.Context) (int, error) {
	type plain struct{ table, column, keyColumn, key, value string }
	var todo []plain
	for _, q := range []struct{ table, column, key string }{
		{"cases", "subject_pnr", "id"},
		{"cases", "representative", "id"},
		{"sessions", "subject_pnr", "token_hash"},
	} {
		rows, err := db.w.QueryContext(ctx, fmt.Sprintf(`SELECT %s, %s FROM %s WHERE %s <> '' AND substr(%s, 1, %d) <> '%s'`,
			q.key, q.column, q.table, q.column, q.column, len(sealedPrefix), sealedPrefix))
		if err != nil {
			return 0, fmt.Errorf("find identity numbers to seal: %w", err)
		}
		for rows.Next() {
			p := plain{table: q.table, column: q.column, keyColumn: q.key}
			if err := rows.Scan(&p.key, &p.value); err != nil {
				rows.Close()
				return 0, fmt.Errorf("find identity numbers to seal: %w", err)
			}
			todo = append(todo, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, fmt.Errorf("find identity numbers to seal: %w", err)
		}
	}
	if len(todo) > 0 {
		err := db.inTx(ctx, func(tx *sql.Tx) error {
			for _, p := range todo {
				where := p.table + "." + p.column + "/" + p.key
				q := fmt.Sprintf(`UPDATE %s SET %s = ? WHERE %s = ?`, p.table, p.column, p.keyColumn)
				if _, err := tx.ExecContext(ctx, q, db.seal.seal(p.value, where), p.key); err != nil {
					return fmt.Errorf("seal %s.%s: %w", p.table, p.column, err)
				}
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
		if _, err := db.w.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			return 0, fmt.Errorf("checkpoint after sealing: %w", err)
		}
	}
	var id, sealed string
	err := db.w.QueryRowContext(ctx, `SELECT id, subject_pnr FROM cases WHERE subject_pnr <> '' LIMIT 1`).Scan(&id, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return len(todo), nil
	} else if err != nil {
		return 0, fmt.Errorf("check the sealing key: %w", err)
	}
	if _, err := db.seal.open(sealed, subjectAD(id)); err != nil {
		return 0, err
	}
	return len(todo), nil
}

// CheckSealKey reports whether key opens the identity numbers sealed in the
// store file at path (a backup before it is restored), reading it only. A
// store with nothing sealed passes with any key, and with none (nil); one
// with sealed numbers needs the key they were sealed with (ErrWrongKey).
func CheckSealKey(ctx context.Context, path string, key []byte) error {
	db, err := openReadOnly(path)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	var id, sealed string
	err = db.QueryRowContext(ctx, `SELECT id, subject_pnr FROM cases WHERE substr(subject_pnr, 1, ?) = ? LIMIT 1`,
		len(sealedPrefix), sealedPrefix).Scan(&id, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if key == nil {
		return ErrWrongKey
	}
	s, err := newSealer(key)
	if err != nil {
		return err
	}
	_, err = s.open(sealed, subjectAD(id))
	return err
}
