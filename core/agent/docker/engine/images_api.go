package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// ImageExists reports whether the daemon has the image locally.
func (c *Client) ImageExists(ctx context.Context, ref string) (bool, error) {
	err := c.doJSON(ctx, http.MethodGet, "/images/"+escapeImage(ref)+"/json", nil, nil, nil)
	switch {
	case err == nil:
		return true, nil
	case IsNotFound(err):
		return false, nil
	}
	return false, fmt.Errorf("inspect image '%s': %w", ref, err)
}

// escapeImage escapes an image reference for a path, keeping the slashes
// of repository names (the daemon routes /images/{name:.*}/json).
func escapeImage(ref string) string {
	parts := strings.Split(ref, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// PullImage pulls an image from its registry (errors do not repeat the
// reference), with auth the registry's credential (nil: anonymously).
// The daemon answers 200 and then reports progress, and failures, as a
// stream of JSON messages.
func (c *Client) PullImage(ctx context.Context, ref string, auth *AuthConfig) error {
	repo, tag := SplitReference(ref)
	q := url.Values{"fromImage": {repo}}
	if tag != "" {
		q.Set("tag", tag)
	}
	header, err := registryAuthHeader(auth)
	if err != nil {
		return err
	}
	resp, err := c.requestHeader(ctx, http.MethodPost, "/images/create", q, header)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return readPullStream(resp.Body)
}

// readPullStream reads the daemon's progress messages and returns the
// first error one.
func readPullStream(r io.Reader) error {
	dec := json.NewDecoder(r)
	for {
		var m struct {
			Error       string `json:"error"`
			ErrorDetail struct {
				Message string `json:"message"`
			} `json:"errorDetail"`
		}
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read the pull's progress: %w", err)
		}
		if m.ErrorDetail.Message != "" {
			return errors.New(m.ErrorDetail.Message)
		}
		if m.Error != "" {
			return errors.New(m.Error)
		}
	}
}

// SplitReference splits an image reference into repository and tag (or
// digest); a reference without either gets "latest", as docker pull
// does.
func SplitReference(ref string) (repo, tag string) {
	if i := strings.LastIndexByte(ref, '@'); i >= 0 {
		return ref[:i], ref[i+1:]
	}
	slash := strings.LastIndexByte(ref, '/')
	if i := strings.LastIndexByte(ref, ':'); i > slash {
		return ref[:i], ref[i+1:]
	}
	return ref, "latest"
}
