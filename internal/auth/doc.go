// Package auth owns who may do what: staff passwords (argon2id), browser
// sessions for staff and for individuals signed in with e-ID, API bearer
// tokens, and the limit on sign-in attempts. It depends on a small store
// interface, not on SQL.
package auth
