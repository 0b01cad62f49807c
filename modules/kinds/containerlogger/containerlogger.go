// Package containerlogger is the contract of the ContainerLogger module
// kind: the Go interface the agent's containerizer calls, and the messages
// (generated from containerlogger.proto) it is called with. Built-in,
// go-plugin and WASM container loggers all implement this one interface.
package containerlogger

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
)

// APIVersion is the version of this contract. A change to the meaning of a
// message or call bumps it; the host and a module agree on the highest
// version both speak when the module is loaded.
const APIVersion = 1

// MaxChunk is the most the agent passes to one Write call.
const MaxChunk = 64 << 10

// ContainerLogger decides where containers' stdout and stderr go (see
// containerlogger.proto for the calls and their order). It may be called
// concurrently for different containers and for the two streams of one
// container; the Writes of one stream are never concurrent and arrive in
// order.
type ContainerLogger interface {
	// Recover is called once, before any other call, with the containers
	// the agent recovered after a restart.
	Recover(ctx context.Context, req *RecoverRequest) (*RecoverResponse, error)
	// Prepare says where a new container's streams go.
	Prepare(ctx context.Context, req *PrepareRequest) (*PrepareResponse, error)
	// Write takes a chunk of a FORWARD stream.
	Write(ctx context.Context, req *WriteRequest) (*WriteResponse, error)
	// Close tells that a FORWARD stream reached end of file.
	Close(ctx context.Context, req *CloseRequest) (*CloseResponse, error)
}

// ErrInvalidIO is wrapped by Check's errors.
var ErrInvalidIO = errors.New("invalid container logger answer")

// Path is the IO of a stream written to the file at path.
func Path(path string) *IO { return &IO{Type: IO_PATH, Path: path} }

// Forward is the IO of a stream whose bytes the agent passes to Write.
func Forward() *IO { return &IO{Type: IO_FORWARD} }

// FileName is the name Mesos gives a stream's file in the sandbox:
// "stdout" or "stderr" ("" for an unspecified stream).
func FileName(s Stream) string {
	switch s {
	case Stream_STDOUT:
		return "stdout"
	case Stream_STDERR:
		return "stderr"
	}
	return ""
}

// Check holds Prepare's answer to the agent's rules: both streams set, each
// PATH with an absolute path or FORWARD.
func Check(resp *PrepareResponse) error {
	for _, s := range []struct {
		name string
		io   *IO
	}{{"stdout", resp.GetStdout()}, {"stderr", resp.GetStderr()}} {
		switch s.io.GetType() {
		case IO_PATH:
			if !filepath.IsAbs(s.io.GetPath()) {
				return fmt.Errorf("%w: %s path %q is not absolute", ErrInvalidIO, s.name, s.io.GetPath())
			}
		case IO_FORWARD:
		default:
			return fmt.Errorf("%w: %s has no IO type", ErrInvalidIO, s.name)
		}
	}
	return nil
}
