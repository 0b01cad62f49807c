package logger

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/gomesos/mesos/modules/kinds/containerlogger"
)

// Sandbox sends a container's stdout and stderr to the files "stdout" and
// "stderr" of its sandbox, which the process writes itself: Mesos's
// SandboxContainerLogger, the default. The files survive agent restarts
// and are served by the agent's /files endpoints.
type Sandbox struct{}

var _ containerlogger.ContainerLogger = Sandbox{}

// NewSandbox makes the sandbox logger; it takes no parameters.
func NewSandbox(map[string]string) (containerlogger.ContainerLogger, error) { return Sandbox{}, nil }

// errNotForwarding answers Write and Close: the sandbox logger never asks
// for FORWARD streams.
var errNotForwarding = errors.New("the sandbox container logger does not take forwarded output")

// Recover has nothing to recover.
func (Sandbox) Recover(context.Context, *containerlogger.RecoverRequest) (*containerlogger.RecoverResponse, error) {
	return &containerlogger.RecoverResponse{}, nil
}

// Prepare answers the sandbox's stdout and stderr files.
func (Sandbox) Prepare(_ context.Context, req *containerlogger.PrepareRequest) (*containerlogger.PrepareResponse, error) {
	dir := req.GetContainer().GetDirectory()
	if !filepath.IsAbs(dir) {
		return nil, fmt.Errorf("sandbox container logger: container %s has no absolute sandbox directory (%q)",
			req.GetContainer().GetContainerId().GetValue(), dir)
	}
	return &containerlogger.PrepareResponse{
		Stdout: containerlogger.Path(filepath.Join(dir, "stdout")),
		Stderr: containerlogger.Path(filepath.Join(dir, "stderr")),
	}, nil
}

// Write is never called for the sandbox logger's streams.
func (Sandbox) Write(context.Context, *containerlogger.WriteRequest) (*containerlogger.WriteResponse, error) {
	return nil, errNotForwarding
}

// Close is never called for the sandbox logger's streams.
func (Sandbox) Close(context.Context, *containerlogger.CloseRequest) (*containerlogger.CloseResponse, error) {
	return nil, errNotForwarding
}
