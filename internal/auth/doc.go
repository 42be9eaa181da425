// Package auth owns who may do what: staff passwords (argon2id), browser
// sessions for staff and for individuals signed in with e-ID, API bearer
// tokens, the limit on sign-in attempts, and what an administrator does
// with accounts and tokens (accounts.go). It depends on a small store
// interface, not on SQL.
package auth
