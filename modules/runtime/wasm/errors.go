package wasm

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/runtime/wasm/abi"
	"github.com/tetratelabs/wazero/sys"
)

// CallError is a call that ended its instance: the guest trapped, exited
// (a Go panic exits with status 2), ran out of memory, or ran past its
// deadline. The instance was discarded. It wraps modules.ErrCrashed, and
// context.DeadlineExceeded or context.Canceled when the deadline or the
// caller ended it.
type CallError struct {
	Module string // library/name
	Method string
	// Reason says how the instance ended, e.g. "timed out after 5s".
	Reason string
	// Stderr is the end of what the instance wrote to stderr.
	Stderr string
	cause  error
}

func (e *CallError) Error() string {
	s := fmt.Sprintf("wasm module %s: %s: instance %s", e.Module, e.Method, e.Reason)
	if e.Stderr != "" {
		s += "; stderr: " + e.Stderr
	}
	return s
}

func (e *CallError) Unwrap() []error {
	if e.cause == nil {
		return []error{modules.ErrCrashed}
	}
	return []error{modules.ErrCrashed, e.cause}
}

// ModuleError is an error the module's implementation returned (or its
// refusal of a request): the instance is fine and stays in the pool.
type ModuleError struct {
	Module string
	Method string
	Status abi.Status
	Msg    string
}

func (e *ModuleError) Error() string {
	if e.Status == abi.StatusError {
		return fmt.Sprintf("wasm module %s: %s: %s", e.Module, e.Method, e.Msg)
	}
	return fmt.Sprintf("wasm module %s: %s: %s: %s", e.Module, e.Method, e.Status, e.Msg)
}

// ErrProtocol marks a module that broke the ABI (a response outside its
// memory, an empty or undecodable response). The instance is discarded.
var ErrProtocol = errors.New("wasm module broke the ABI")

// ErrClosed is returned by calls to a module after its Close.
var ErrClosed = errors.New("wasm module closed")

// failure turns what wazero returned for a call of in into a *CallError.
func failure(in *instance, method string, timeout string, err error) *CallError {
	ce := &CallError{Module: in.m.id, Method: method, Stderr: in.stderr.tail()}
	var exit *sys.ExitError
	var stopped *interruptedError
	switch {
	case errors.As(err, &stopped) && stopped.cause == context.DeadlineExceeded:
		ce.Reason, ce.cause = "timed out after "+stopped.limit.Round(time.Millisecond).String(), context.DeadlineExceeded
	case errors.As(err, &stopped):
		ce.Reason, ce.cause = "canceled by the caller", stopped.cause
	case errors.As(err, &exit) && exit.ExitCode() == sys.ExitCodeDeadlineExceeded:
		ce.Reason, ce.cause = "timed out after "+timeout, context.DeadlineExceeded
	case errors.As(err, &exit) && exit.ExitCode() == sys.ExitCodeContextCanceled:
		ce.Reason, ce.cause = "canceled by the caller", context.Canceled
	case errors.As(err, &exit):
		ce.Reason = fmt.Sprintf("exited with status %d", exit.ExitCode())
	case errors.Is(err, ErrProtocol):
		ce.Reason, ce.cause = "broke the ABI: "+err.Error(), ErrProtocol
	default:
		// wazero appends the wasm stack trace; the log has it.
		msg, _, _ := strings.Cut(err.Error(), "\n")
		ce.Reason = "trapped: " + msg
	}
	if in.atMemoryLimit() || strings.Contains(ce.Stderr, "out of memory") {
		ce.Reason += fmt.Sprintf(" (out of memory: %d of its limit of %d pages in use)", in.pages(), in.m.limitPages)
	}
	return ce
}
