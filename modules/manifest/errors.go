package manifest

import (
	"errors"
	"strings"
)

// Reasons specific to the manifest, for errors.Is; the others are the
// modules package's (ErrUnknownKind, ErrFileMissing, ErrDuplicate).
var (
	// ErrSyntax: the document is not JSON of the manifest's shape.
	ErrSyntax = errors.New("malformed manifest")
	// ErrInvalid: a field's value is wrong.
	ErrInvalid = errors.New("invalid manifest")
)

// Error is a manifest error naming where the manifest came from, the
// library and the module (the last two when known).
type Error struct {
	// Source is "--modules" or the manifest file's path.
	Source string
	// Library is the library's file, or its name, or "#n" (its position,
	// from 1) when it has neither.
	Library string
	Module  string
	Err     error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("module manifest ")
	b.WriteString(e.Source)
	if e.Library != "" {
		b.WriteString(": library '" + e.Library + "'")
	}
	if e.Module != "" {
		b.WriteString(": module '" + e.Module + "'")
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }
