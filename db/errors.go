package db

import (
	"errors"
	"fmt"
)

// Error codes, one per way a store call can fail that the caller can act on.
// Anything else is an internal error.
const (
	ENOTFOUND  = "not_found"
	EINVALID   = "invalid"
	ECONFLICT  = "conflict"
	EDUPLICATE = "duplicate"
	EFORBIDDEN = "forbidden"
	EINTERNAL  = "internal"
)

// Error is an error the store means a person to read: Message is safe to show
// to a user, and Field, when set, names the form field it belongs beside.
type Error struct {
	Code    string
	Field   string
	Message string
	// Format and Args are what Message was made of, for a page to say it
	// in its reader's language (lang.Lang.Say).
	Format string
	Args   []any
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s: %s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// FieldErrorf returns an *Error about one form field.
func FieldErrorf(code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// ErrorCode returns the code of err if it is (or wraps) an *Error, and
// EINTERNAL for any other non-nil error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err, or a generic one for an
// internal error, whose details are for the log only.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong. Please try again."
}

// ErrorField returns the form field err is about, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
