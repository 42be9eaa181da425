package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"dsrdesk/internal/dsr"
)

// Argon2id parameters (RFC 9106's second recommended option, scaled to
// 64 MiB so that a 2-core server can hash a few passwords at once).
const (
	argonTime    = 3
	argonMemory  = 64 * 1024
	argonThreads = 2
	argonKeyLen  = 32
	saltLen      = 16
)

// HashPassword returns an argon2id hash of password in PHC string format.
func HashPassword(password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches a hash made by HashPassword.
func CheckPassword(hash, password string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, fmt.Errorf("not an argon2id hash")
	}
	var version int
	var mem uint32
	var iter uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, fmt.Errorf("unsupported argon2 version")
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &iter, &threads); err != nil {
		return false, fmt.Errorf("bad argon2 parameters: %w", err)
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, fmt.Errorf("bad salt: %w", err)
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil {
		return false, fmt.Errorf("bad key: %w", err)
	}
	got := argon2.IDKey([]byte(password), salt, iter, mem, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// minPasswordRunes is the shortest password dsrdesk accepts. Length is
// what makes a password strong (NIST SP 800-63B); there is no rule about
// character classes, so a long phrase is fine.
const minPasswordRunes = 12

// commonWords are words that make up most guessed passwords, in Swedish
// and English, and the names of this system and agency. A password that is
// one of them once digits and punctuation are taken away is refused.
var commonWords = map[string]bool{
	"password": true, "passw": true, "losenord": true, "lösenord": true, "qwerty": true, "qwertyuiop": true,
	"asdfghjkl": true, "abcdefghijkl": true, "abc": true, "letmein": true, "welcome": true, "välkommen": true,
	"valkommen": true, "admin": true, "administrator": true, "administratör": true, "sommar": true, "vinter": true,
	"hösten": true, "varen": true, "våren": true, "dsrdesk": true, "försäkringskassan": true, "forsakringskassan": true,
	"fkassan": true, "hemligt": true, "secret": true, "iloveyou": true, "": true,
}

// CheckNewPassword applies the rule for a password an administrator sets:
// at least 12 characters, at most 1 KiB, at least 6 different characters
// (not a run or a short pattern repeated), not the person's e-mail
// address or name, and not a common word dressed up with digits and
// punctuation.
func CheckNewPassword(password, email, name string) error {
	if utf8.RuneCountInString(password) < minPasswordRunes {
		return dsr.FieldError("password", "user.password_short", "The password must be at least %d characters.", minPasswordRunes)
	}
	if len(password) > 1024 {
		return dsr.FieldError("password", "user.password_long", "The password is too long.")
	}
	lower := strings.ToLower(password)
	distinct := map[rune]bool{}
	for _, r := range lower {
		distinct[r] = true
	}
	if len(distinct) < 6 {
		return dsr.FieldError("password", "user.password_simple", "The password must have at least 6 different characters.")
	}
	local, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(email)), "@")
	squash := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) {
				return unicode.ToLower(r)
			}
			return -1
		}, s)
	}
	letters := squash(password)
	if lower == strings.ToLower(strings.TrimSpace(email)) || local != "" && letters == squash(local) || letters == squash(name) {
		return dsr.FieldError("password", "user.password_personal", "The password must not be the user's e-mail address or name.")
	}
	if commonWords[letters] || isRepeat(letters) {
		return dsr.FieldError("password", "user.password_common", "The password is too easy to guess: use a few unrelated words.")
	}
	return nil
}

// isRepeat reports whether s is one short piece repeated, such as
// "abcabcabcabc".
func isRepeat(s string) bool {
	r := []rune(s)
	for n := 1; n <= len(r)/2; n++ {
		if len(r)%n != 0 {
			continue
		}
		if strings.Repeat(string(r[:n]), len(r)/n) == s {
			return true
		}
	}
	return false
}
