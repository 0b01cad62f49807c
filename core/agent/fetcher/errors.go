package fetcher

import (
	"fmt"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// Error is a failed fetch. URI is the URI as given (with any password in
// it hidden); the agent turns this into TASK_FAILED with
// REASON_FETCHER_FAILED.
type Error struct {
	URI string
	Err error
}

func (e *Error) Error() string { return fmt.Sprintf("failed to fetch '%s': %v", e.URI, e.Err) }

func (e *Error) Unwrap() error { return e.Err }

// fetchError names the URI (trimmed, password hidden) in an error.
func fetchError(u *mesospb.CommandInfo_URI, err error) *Error {
	return &Error{URI: redact(trimURI(u.GetValue())), Err: err}
}
