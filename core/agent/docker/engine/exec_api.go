package engine

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// ExecConfig is a command to run in a running container (docker exec).
type ExecConfig struct {
	Cmd          []string `json:"Cmd"`
	Env          []string `json:"Env,omitempty"`
	AttachStdout bool     `json:"AttachStdout"`
	AttachStderr bool     `json:"AttachStderr"`
}

// Exec runs a command in a running container, copies its output to
// stdout and stderr (nil: discarded) and returns its exit code. When ctx
// ends first the call returns ctx's error; the command keeps running in
// the container (the Engine API cannot kill an exec, nor does docker
// exec's own cancellation).
func (c *Client) Exec(ctx context.Context, container string, cfg *ExecConfig, stdout, stderr io.Writer) (int, error) {
	var created struct {
		ID string `json:"Id"`
	}
	cfg.AttachStdout, cfg.AttachStderr = true, true
	if err := c.doJSON(ctx, http.MethodPost, "/containers/"+url.PathEscape(container)+"/exec", nil, cfg, &created); err != nil {
		return 0, fmt.Errorf("exec in container %s: %w", container, err)
	}
	resp, err := c.request(ctx, http.MethodPost, "/exec/"+url.PathEscape(created.ID)+"/start", nil, map[string]bool{"Detach": false, "Tty": false})
	if err != nil {
		return 0, fmt.Errorf("start exec in container %s: %w", container, err)
	}
	if stdout == nil {
		stdout = io.Discard
	}
	if stderr == nil {
		stderr = io.Discard
	}
	// The stream ends when the command does.
	err = Demux(resp.Body, stdout, stderr)
	resp.Body.Close()
	if ctx.Err() != nil {
		return 0, ctx.Err()
	}
	if err != nil {
		return 0, fmt.Errorf("exec in container %s: %w", container, err)
	}
	var inspect struct {
		Running  bool `json:"Running"`
		ExitCode *int `json:"ExitCode"`
	}
	if err := c.doJSON(ctx, http.MethodGet, "/exec/"+url.PathEscape(created.ID)+"/json", nil, nil, &inspect); err != nil {
		return 0, fmt.Errorf("inspect exec in container %s: %w", container, err)
	}
	if inspect.Running || inspect.ExitCode == nil {
		return 0, fmt.Errorf("exec in container %s: no exit code after its output ended", container)
	}
	return *inspect.ExitCode, nil
}
