package files

import (
	"errors"
	"fmt"
	"net/http"
)

// Kind classifies a files error as Mesos's FilesError::Type does.
type Kind int

const (
	// Unknown is a failure of the agent (500).
	Unknown Kind = iota
	// Invalid is a bad request (400).
	Invalid
	// NotFound is a path not attached or not there (404).
	NotFound
	// Forbidden is an access the authorizer refused, or a path leading
	// out of its attached root (403).
	Forbidden
)

// Error is a files API failure.
type Error struct {
	Kind Kind
	Msg  string
	Err  error
}

func (e *Error) Error() string {
	switch {
	case e.Err != nil && e.Msg != "":
		return e.Msg + ": " + e.Err.Error()
	case e.Err != nil:
		return e.Err.Error()
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

func newError(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// StatusCode is the HTTP status Mesos answers an error with.
func StatusCode(err error) int {
	var fe *Error
	if !errors.As(err, &fe) {
		return http.StatusInternalServerError
	}
	switch fe.Kind {
	case Invalid:
		return http.StatusBadRequest
	case NotFound:
		return http.StatusNotFound
	case Forbidden:
		return http.StatusForbidden
	}
	return http.StatusInternalServerError
}
