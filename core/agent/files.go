package agent

import (
	"context"
	"net/http"
	"path/filepath"

	"github.com/gomesos/mesos/core/agent/files"
	"github.com/gomesos/mesos/core/agent/sandbox"
	"github.com/gomesos/mesos/core/proto/agentpb"
)

// mountFiles serves /files/browse, /files/read, /files/download and
// /files/debug (and .json) over the attached sandboxes, read-only
// authenticated (auth.go).
func (a *Agent) mountFiles(mux *http.ServeMux) {
	if !a.cfg.AuthenticateHTTPReadOnly {
		a.files.Register(mux)
		return
	}
	sub := http.NewServeMux()
	a.files.Register(sub)
	mux.Handle("/files/", a.readOnly(sub.ServeHTTP))
}

// sandboxPaths are the virtual paths a sandbox is shown under, as in
// Mesos: its real path, the executor's runs/latest under the work
// directory, and /frameworks/<f>/executors/<e>/runs/latest.
func (a *Agent) sandboxPaths(e *executor) []string {
	paths := []string{e.directory}
	if dir, err := a.layout.Sandboxes().Agent(a.agentIDForFetch()); err == nil {
		if fw, err := dir.Framework(e.frameworkID); err == nil {
			if ex, err := fw.Executor(e.id); err == nil {
				paths = append(paths, ex.LatestRun())
			}
		}
	}
	if v, err := sandbox.ExecutorVirtualPath(e.frameworkID, e.id); err == nil {
		paths = append(paths, v)
	}
	return paths
}

// attachSandbox makes an executor's sandbox visible through the files API.
func (a *Agent) attachSandbox(e *executor) {
	if err := a.files.AttachAll(e.directory, a.sandboxPaths(e), a.sandboxAuthorizer(e)); err != nil {
		a.log.Warn("failed to attach the sandbox to the files API", "path", e.directory, "error", err)
	}
}

// detachSandbox hides a removed sandbox; the "latest" paths go only if a
// newer run did not take them over.
func (a *Agent) detachSandbox(e *executor) {
	real, err := filepath.EvalSymlinks(e.directory)
	if err != nil {
		real = e.directory
	}
	attached := a.files.Attached()
	for _, p := range a.sandboxPaths(e) {
		if r, ok := attached[filepath.Clean(p)]; ok && (r == real || r == e.directory) {
			a.files.Detach(p)
		}
	}
}

func (a *Agent) listFiles(ctx context.Context, path string) (*agentpb.Response, error) {
	resp, err := a.files.ListFiles(ctx, &agentpb.Call_ListFiles{Path: &path})
	if err != nil {
		return nil, &operatorError{status: files.StatusCode(err), msg: err.Error()}
	}
	return resp, nil
}

func (a *Agent) readFile(ctx context.Context, path string, offset uint64, length *uint64) (*agentpb.Response, error) {
	resp, err := a.files.ReadFile(ctx, &agentpb.Call_ReadFile{Path: &path, Offset: &offset, Length: length})
	if err != nil {
		return nil, &operatorError{status: files.StatusCode(err), msg: err.Error()}
	}
	return resp, nil
}
