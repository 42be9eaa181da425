// Package web holds the page templates, the interface texts and the static
// assets of dsrdesk, embedded into the binary.
package web

import "embed"

// FS contains templates/*.html, static/* and i18n.json.
//
//go:embed templates static i18n.json
var FS embed.FS
