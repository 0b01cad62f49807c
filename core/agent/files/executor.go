package files

import (
	"fmt"

	"github.com/gomesos/mesos/core/agent/sandbox"
)

// AttachExecutor attaches an executor run's sandbox the two ways Mesos
// does: under its real path (what the web UI links to) and as
// /frameworks/<f>/executors/<e>/runs/latest, which then shows this run.
func (f *Files) AttachExecutor(sandboxDir, frameworkID, executorID string, authorize Authorize) error {
	virtual, err := sandbox.ExecutorVirtualPath(frameworkID, executorID)
	if err != nil {
		return fmt.Errorf("attach executor sandbox: %w", err)
	}
	if err := f.Attach(sandboxDir, sandboxDir, authorize); err != nil {
		return err
	}
	if err := f.Attach(sandboxDir, virtual, authorize); err != nil {
		f.Detach(sandboxDir)
		return err
	}
	return nil
}

// DetachExecutor removes the real-path attachment of a run's sandbox
// (when it is garbage collected) and, when latest is true (the run was the
// executor's newest), the /frameworks/.../runs/latest alias too.
func (f *Files) DetachExecutor(sandboxDir, frameworkID, executorID string, latest bool) {
	f.Detach(sandboxDir)
	if !latest {
		return
	}
	if virtual, err := sandbox.ExecutorVirtualPath(frameworkID, executorID); err == nil {
		f.Detach(virtual)
	}
}
