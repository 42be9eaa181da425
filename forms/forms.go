// Package forms holds the request-form definitions (data, not code) from
// which the e-service builds and validates its forms.
package forms

import "embed"

// FS contains every form definition, one JSON file per form.
//
//go:embed *.json
var FS embed.FS
