package pnr

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
)

// MinKeyLen is the shortest key NewHasher accepts, in bytes.
const MinKeyLen = 32

// Hasher computes the look-up key stored instead of a personal identity
// number: a keyed HMAC-SHA256. A plain hash would not do, because there are
// few enough valid numbers to hash them all and reverse it by brute force.
// A Hasher is safe for concurrent use.
type Hasher struct {
	key []byte
}

// NewHasher returns a Hasher keyed with a copy of key. It rejects keys
// shorter than MinKeyLen bytes.
func NewHasher(key []byte) (*Hasher, error) {
	if len(key) < MinKeyLen {
		return nil, errors.New("pnr: the look-up key must be at least 32 bytes")
	}
	return &Hasher{key: append([]byte(nil), key...)}, nil
}

// Sum returns the lower-case hex HMAC-SHA256 of the 12 digits of p: the same
// number under the same key always gives the same look-up key, and a
// different key gives an unrelated one.
func (h *Hasher) Sum(p PNR) string {
	mac := hmac.New(sha256.New, h.key)
	mac.Write([]byte(p))
	return hex.EncodeToString(mac.Sum(nil))
}
