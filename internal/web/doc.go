// Package web is dsrdesk's HTTP layer and the only package that imports gin:
// the pages for individuals and staff, the JSON API under /api/v1, sessions
// and tokens on the way in, and the one place where errors become statuses
// and pages. Handlers parse input, call one service and render.
package web
