// Package eidsim is an OpenID provider that stands in for the e-ID broker
// in the demo and the tests (`dsrdesk eid-sim`). It is built on
// zitadel/oidc's op package and speaks the Sweden Connect OIDC profile's
// scopes and claims; its clearly labelled test page offers fictional
// people, a level of assurance and faults to produce on purpose (a tampered
// token, a wrong nonce, a wrong audience, an expired token), so that the
// relying party's refusals are tested over the real protocol.
package eidsim
