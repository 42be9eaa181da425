// Package eid is dsrdesk's e-ID sign-in for individuals: an OpenID Connect
// relying party, as Swedish agencies connect BankID and Freja eID through an
// e-ID broker under the Sweden Connect OIDC profile. go-oidc and
// golang.org/x/oauth2 do the protocol (discovery, JWKS, the code exchange
// with PKCE, the ID token's signature and claims); this package adds what
// the agency decides: the level of assurance (LoA 3, RULES §3), the
// personal identity number claim, and that a sign-in is finished once, in
// the browser that started it.
package eid
