package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// DefaultSocket is Mesos's --docker_socket default.
const DefaultSocket = "/var/run/docker.sock"

// The API versions this client speaks: every request it makes exists with
// the same meaning from MinAPIVersion to MaxAPIVersion.
const (
	MinAPIVersion = "1.25"
	MaxAPIVersion = "1.41"
)

// Client is a Docker Engine API client over a unix socket. It is safe
// for concurrent use.
type Client struct {
	socket string
	http   *http.Client

	mu      sync.Mutex
	version string // negotiated; "" until the first request
}

// NewClient returns a client of the daemon listening on socket (a path,
// or unix:///path as Docker writes it).
func NewClient(socket string) *Client {
	socket = strings.TrimPrefix(socket, "unix://")
	if socket == "" {
		socket = DefaultSocket
	}
	transport := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", socket)
		},
		MaxIdleConnsPerHost: 4,
	}
	return &Client{socket: socket, http: &http.Client{Transport: transport}}
}

// Socket is the daemon's socket path.
func (c *Client) Socket() string { return c.socket }

// APIError is an error answer of the daemon.
type APIError struct {
	Status  int
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("docker daemon answered %d: %s", e.Status, e.Message)
}

// IsNotFound reports whether err is the daemon's 404 (no such container
// or image).
func IsNotFound(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == http.StatusNotFound
}

// Version is what the daemon says of itself (GET /version).
type Version struct {
	Version       string
	APIVersion    string `json:"ApiVersion"`
	MinAPIVersion string `json:"MinAPIVersion"`
	Os            string
	Arch          string
}

// ServerVersion asks the daemon for its version (unversioned path).
func (c *Client) ServerVersion(ctx context.Context) (*Version, error) {
	var v Version
	if err := c.doJSON(ctx, http.MethodGet, "/version", nil, nil, &v); err != nil {
		return nil, fmt.Errorf("docker version: %w", err)
	}
	return &v, nil
}

// APIVersion negotiates (once) and returns the API version requests use:
// the daemon's own, capped at MaxAPIVersion, refused below MinAPIVersion.
func (c *Client) APIVersion(ctx context.Context) (string, error) {
	c.mu.Lock()
	v := c.version
	c.mu.Unlock()
	if v != "" {
		return v, nil
	}
	sv, err := c.ServerVersion(ctx)
	if err != nil {
		return "", err
	}
	v, err = negotiate(sv.APIVersion)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	c.version = v
	c.mu.Unlock()
	return v, nil
}

// negotiate picks the version to speak with a daemon of API version
// server.
func negotiate(server string) (string, error) {
	s, err := parseAPIVersion(server)
	if err != nil {
		return "", fmt.Errorf("docker daemon API version %q: %w", server, err)
	}
	lo, _ := parseAPIVersion(MinAPIVersion)
	hi, _ := parseAPIVersion(MaxAPIVersion)
	switch {
	case s.less(lo):
		return "", fmt.Errorf("docker daemon speaks API %s, older than %s, the oldest this agent speaks", server, MinAPIVersion)
	case hi.less(s):
		return MaxAPIVersion, nil
	}
	return s.String(), nil
}

type apiVersion struct{ major, minor int }

func (v apiVersion) less(o apiVersion) bool {
	return v.major < o.major || v.major == o.major && v.minor < o.minor
}

func (v apiVersion) String() string { return strconv.Itoa(v.major) + "." + strconv.Itoa(v.minor) }

// parseAPIVersion reads "1.41".
func parseAPIVersion(s string) (apiVersion, error) {
	maj, min, ok := strings.Cut(strings.TrimSpace(s), ".")
	if !ok {
		return apiVersion{}, errors.New("expected major.minor")
	}
	a, err1 := strconv.Atoi(maj)
	b, err2 := strconv.Atoi(min)
	if err1 != nil || err2 != nil || a < 0 || b < 0 {
		return apiVersion{}, errors.New("expected major.minor")
	}
	return apiVersion{a, b}, nil
}

// request sends a request to the versioned path and returns the response
// of a 2xx answer; other answers become an *APIError.
func (c *Client) request(ctx context.Context, method, path string, query url.Values, body any) (*http.Response, error) {
	v, err := c.APIVersion(ctx)
	if err != nil {
		return nil, err
	}
	return c.send(ctx, method, "/v"+v+path, query, body, nil)
}

// requestHeader is request with extra headers (X-Registry-Auth).
func (c *Client) requestHeader(ctx context.Context, method, path string, query url.Values, header http.Header) (*http.Response, error) {
	v, err := c.APIVersion(ctx)
	if err != nil {
		return nil, err
	}
	return c.send(ctx, method, "/v"+v+path, query, nil, header)
}

func (c *Client) send(ctx context.Context, method, path string, query url.Values, body any, header http.Header) (*http.Response, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		r = bytes.NewReader(b)
	}
	u := "http://docker" + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, r)
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("cannot reach the docker daemon at %s: %w", c.socket, err)
	}
	if resp.StatusCode/100 != 2 {
		defer resp.Body.Close()
		return nil, readAPIError(resp)
	}
	return resp, nil
}

// readAPIError reads the daemon's {"message": "..."} answer.
func readAPIError(resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var m struct {
		Message string `json:"message"`
	}
	msg := strings.TrimSpace(string(b))
	if json.Unmarshal(b, &m) == nil && m.Message != "" {
		msg = m.Message
	}
	if msg == "" {
		msg = resp.Status
	}
	return &APIError{Status: resp.StatusCode, Message: msg}
}

// doJSON sends a request (to an unversioned path when raw is set by the
// caller through send, else versioned) and decodes a JSON answer into
// out (nil: the answer is discarded).
func (c *Client) doJSON(ctx context.Context, method, path string, query url.Values, body, out any) error {
	var resp *http.Response
	var err error
	if path == "/version" {
		resp, err = c.send(ctx, method, path, query, body, nil)
	} else {
		resp, err = c.request(ctx, method, path, query, body)
	}
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("read the docker daemon's answer to %s %s: %w", method, path, err)
	}
	return nil
}
