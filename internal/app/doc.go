// Package app wires dsrdesk together: it opens the case store and the
// source registers, builds every service over them and the HTTP handler on
// top. The command and the end-to-end tests build the same App, so what the
// tests drive is what runs.
package app
