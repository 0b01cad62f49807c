package decorate

import (
	"errors"
	"fmt"
	"time"

	"github.com/gomesos/mesos/modules"
)

// Class is what kind of failure a call had.
type Class string

const (
	// ClassError: the module returned an error.
	ClassError Class = "error"
	// ClassTimeout: the call overran its deadline.
	ClassTimeout Class = "timeout"
	// ClassPanic: the call panicked (recovered).
	ClassPanic Class = "panic"
	// ClassCrash: the module's process or instance is gone
	// (modules.ErrCrashed).
	ClassCrash Class = "crash"
	// ClassRejected: the module answered, but the core refused the answer.
	ClassRejected Class = "rejected"
	// ClassCanceled: the caller gave up (its context ended); not the
	// module's failure, and not counted as one.
	ClassCanceled Class = "canceled"
)

// failureClasses are the classes counted as the module's failures.
func failureClasses() [5]Class {
	return [...]Class{ClassError, ClassTimeout, ClassPanic, ClassCrash, ClassRejected}
}

// CallError is a failed call to a module, naming the module, its kind, the
// method and the class of failure.
type CallError struct {
	Module string // library/name
	Kind   modules.Kind
	Method string
	Class  Class
	// Timeout is the deadline the call overran (ClassTimeout).
	Timeout time.Duration
	Err     error
}

func (e *CallError) Error() string {
	prefix := fmt.Sprintf("%s module '%s' %s", e.Kind, e.Module, e.Method)
	switch e.Class {
	case ClassTimeout:
		return fmt.Sprintf("%s timed out after %v: %v", prefix, e.Timeout, e.Err)
	case ClassPanic:
		return fmt.Sprintf("%s panicked: %v", prefix, e.Err)
	case ClassRejected:
		return fmt.Sprintf("%s: output rejected: %v", prefix, e.Err)
	case ClassCanceled:
		return fmt.Sprintf("%s canceled: %v", prefix, e.Err)
	}
	return fmt.Sprintf("%s: %v", prefix, e.Err)
}

func (e *CallError) Unwrap() error { return e.Err }

// ClassOf returns the class of a failed call's error ("" for nil, and
// ClassError for errors that did not come from Call).
func ClassOf(err error) Class {
	if err == nil {
		return ""
	}
	var ce *CallError
	if errors.As(err, &ce) {
		return ce.Class
	}
	return ClassError
}

// PanicError is a recovered panic.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprint(e.Value) }
