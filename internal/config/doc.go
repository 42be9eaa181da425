// Package config reads dsrdesk's settings from the environment (with
// defaults and *_FILE variants for secrets), validates them, and prints them
// with secrets redacted. Configuration is a value passed down, never global.
package config
