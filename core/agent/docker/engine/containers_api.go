package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// CreateContainer creates a container named name and returns its id.
func (c *Client) CreateContainer(ctx context.Context, name string, cfg *CreateConfig) (string, error) {
	var out struct {
		ID string `json:"Id"`
	}
	q := url.Values{"name": {name}}
	if err := c.doJSON(ctx, http.MethodPost, "/containers/create", q, cfg, &out); err != nil {
		return "", fmt.Errorf("create container %s: %w", name, err)
	}
	return out.ID, nil
}

// StartContainer starts a created container (starting a running one is
// not an error).
func (c *Client) StartContainer(ctx context.Context, id string) error {
	if err := c.doJSON(ctx, http.MethodPost, "/containers/"+url.PathEscape(id)+"/start", nil, nil, nil); err != nil {
		return fmt.Errorf("start container %s: %w", id, err)
	}
	return nil
}

// InspectContainer returns a container's state and configuration.
func (c *Client) InspectContainer(ctx context.Context, id string) (*ContainerJSON, error) {
	resp, err := c.request(ctx, http.MethodGet, "/containers/"+url.PathEscape(id)+"/json", nil, nil)
	if err != nil {
		return nil, fmt.Errorf("inspect container %s: %w", id, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("inspect container %s: %w", id, err)
	}
	out := &ContainerJSON{}
	if err := json.Unmarshal(raw, out); err != nil {
		return nil, fmt.Errorf("inspect container %s: %w", id, err)
	}
	out.Raw = raw
	return out, nil
}

// WaitContainer blocks until the container is not running and returns
// its exit code.
func (c *Client) WaitContainer(ctx context.Context, id string) (int, error) {
	var out struct {
		StatusCode int `json:"StatusCode"`
		Error      *struct {
			Message string `json:"Message"`
		} `json:"Error"`
	}
	q := url.Values{"condition": {"not-running"}}
	if err := c.doJSON(ctx, http.MethodPost, "/containers/"+url.PathEscape(id)+"/wait", q, nil, &out); err != nil {
		return 0, fmt.Errorf("wait for container %s: %w", id, err)
	}
	if out.Error != nil && out.Error.Message != "" {
		return out.StatusCode, fmt.Errorf("wait for container %s: %s", id, out.Error.Message)
	}
	return out.StatusCode, nil
}

// StopContainer sends the container's stop signal (SIGTERM) and kills it
// after timeout (whole seconds, as docker stop -t). Stopping a stopped
// container is not an error.
func (c *Client) StopContainer(ctx context.Context, id string, timeout time.Duration) error {
	q := url.Values{"t": {strconv.Itoa(int(timeout / time.Second))}}
	if err := c.doJSON(ctx, http.MethodPost, "/containers/"+url.PathEscape(id)+"/stop", q, nil, nil); err != nil {
		return fmt.Errorf("stop container %s: %w", id, err)
	}
	return nil
}

// RemoveContainer removes a container, killing it first when force is
// set, with its anonymous volumes.
func (c *Client) RemoveContainer(ctx context.Context, id string, force bool) error {
	q := url.Values{"v": {"1"}}
	if force {
		q.Set("force", "1")
	}
	if err := c.doJSON(ctx, http.MethodDelete, "/containers/"+url.PathEscape(id), q, nil, nil); err != nil {
		return fmt.Errorf("remove container %s: %w", id, err)
	}
	return nil
}

// ListContainers lists the containers (running or not) that carry every
// label given as key=value.
func (c *Client) ListContainers(ctx context.Context, labels ...string) ([]ContainerSummary, error) {
	q := url.Values{"all": {"1"}}
	if len(labels) > 0 {
		f, _ := json.Marshal(map[string][]string{"label": labels})
		q.Set("filters", string(f))
	}
	var out []ContainerSummary
	if err := c.doJSON(ctx, http.MethodGet, "/containers/json", q, nil, &out); err != nil {
		return nil, fmt.Errorf("list containers: %w", err)
	}
	return out, nil
}

// UpdateContainer changes a running container's resource limits.
func (c *Client) UpdateContainer(ctx context.Context, id string, u *UpdateConfig) error {
	if err := c.doJSON(ctx, http.MethodPost, "/containers/"+url.PathEscape(id)+"/update", nil, u, nil); err != nil {
		return fmt.Errorf("update container %s: %w", id, err)
	}
	return nil
}

// ContainerStats reads one sample of a container's resource usage.
func (c *Client) ContainerStats(ctx context.Context, id string) (*Stats, error) {
	out := &Stats{}
	q := url.Values{"stream": {"0"}}
	if err := c.doJSON(ctx, http.MethodGet, "/containers/"+url.PathEscape(id)+"/stats", q, nil, out); err != nil {
		return nil, fmt.Errorf("stats of container %s: %w", id, err)
	}
	return out, nil
}

// FollowLogs copies what the container writes to stdout and stderr, from
// its start, until it stops (or ctx ends).
func (c *Client) FollowLogs(ctx context.Context, id string, stdout, stderr io.Writer) error {
	q := url.Values{"follow": {"1"}, "stdout": {"1"}, "stderr": {"1"}}
	resp, err := c.request(ctx, http.MethodGet, "/containers/"+url.PathEscape(id)+"/logs", q, nil)
	if err != nil {
		return fmt.Errorf("logs of container %s: %w", id, err)
	}
	defer resp.Body.Close()
	if err := Demux(resp.Body, stdout, stderr); err != nil {
		return fmt.Errorf("logs of container %s: %w", id, err)
	}
	return nil
}
