package dsr

import (
	"errors"
	"fmt"
)

// Error codes. The web layer maps each to an HTTP status in one place.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ETOOLARGE     = "too_large"
	EUNAVAILABLE  = "unavailable"
	EINTERNAL     = "internal"
)

// Error is an application error: a code, a key into the text catalogue
// (web/i18n.json) under which pages find the message in their language, the
// message in English (what the API answers), the arguments the message was
// formatted with, optionally the input field it concerns, and optionally
// the error behind it, which is logged and never shown. Neither the message
// nor the arguments may contain personal data such as an identity number.
type Error struct {
	Code    string
	Key     string
	Message string
	Args    []any
	Field   string
	Cause   error
}

// Error implements the error interface.
func (e *Error) Error() string {
	s := fmt.Sprintf("dsr error: code=%s key=%s", e.Code, e.Key)
	if e.Field != "" {
		s += " field=" + e.Field
	}
	s += " message=" + e.Message
	if e.Cause != nil {
		s += ": " + e.Cause.Error()
	}
	return s
}

// Unwrap returns the cause, so that errors.Is and errors.As see it.
func (e *Error) Unwrap() error { return e.Cause }

// Errorf returns an *Error with a code, a catalogue key and an English
// message formatted from format and args.
func Errorf(code, key, format string, args ...any) *Error {
	return &Error{Code: code, Key: key, Message: fmt.Sprintf(format, args...), Args: args}
}

// FieldError returns an EINVALID error about one input field.
func FieldError(field, key, format string, args ...any) *Error {
	e := Errorf(EINVALID, key, format, args...)
	e.Field = field
	return e
}

// WithCause returns e with the error behind it attached.
func (e *Error) WithCause(cause error) *Error {
	c := *e
	c.Cause = cause
	return &c
}

// ErrorCode returns the code of an application error, or EINTERNAL for any
// other non-nil error.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe English message of an application
// error, or "Internal error." for any other error so that bugs never leak
// details.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrorField returns the input field an application error concerns, if any.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// AsError returns the application error in err's chain, or an internal
// error with the catalogue key "error.internal" for anything else.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: EINTERNAL, Key: "error.internal", Message: "Internal error.", Cause: err}
}
