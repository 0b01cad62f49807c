package plugin

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/gomesos/mesos/modules"
)

var pluginVersionRE = regexp.MustCompile(`Plugin version: (\d+)`)

// startError explains why a plugin did not start, with what it last
// wrote, in the terms of the module errors.
func (ln *launcher) startError(ctx context.Context, err error, out *pluginOutput) error {
	if ce, ok := errors.AsType[*configureError](err); ok {
		return ce.err
	}
	msg := err.Error()
	tail := out.lastLines()
	withTail := func(s string) string {
		if tail == "" {
			return s
		}
		return s + "; its last output: " + tail
	}
	// What the plugin said before it exited, when it refused to serve.
	switch {
	case strings.Contains(tail, "This binary is a plugin") || strings.Contains(tail, "This program is a Mesos module plugin"):
		return fmt.Errorf("handshake refused: the magic cookie does not match (a plugin for another host, or not started as a module?); %s", withTail("the plugin exited"))
	case strings.Contains(tail, "does not serve a module"):
		return fmt.Errorf("%w: %s", modules.ErrNotFound, withTail("the plugin does not serve the module"))
	case strings.Contains(tail, ", not a "):
		return fmt.Errorf("%w: %s", modules.ErrKindMismatch, withTail("the plugin serves another kind"))
	}
	switch {
	case strings.Contains(msg, "incompatible API version"):
		speaks := "a version the host does not speak"
		if m := pluginVersionRE.FindStringSubmatch(msg); m != nil {
			speaks = "v" + m[1]
		}
		if d, derr := describe(ctx, ln.path, ln.spec); derr == nil {
			if m, ok := moduleOf(d, ln.spec.Name); ok {
				speaks = fmt.Sprintf("versions %v", m.APIVersions)
			}
		}
		return fmt.Errorf("%w: the module speaks %s %s, the host speaks %s", modules.ErrAPIVersion, ln.kind.kind, speaks, ln.kind.versions)
	case strings.Contains(msg, "exited before we could connect"):
		return fmt.Errorf("%s", withTail("the plugin exited before the handshake"))
	case strings.Contains(msg, "timeout while waiting for plugin to start"):
		return fmt.Errorf("%s", withTail(fmt.Sprintf("no handshake within %v", ln.opts.StartTimeout)))
	case strings.Contains(msg, "Unrecognized remote plugin message"):
		first, _, _ := strings.Cut(msg, "\n")
		said := strings.TrimSpace(strings.TrimPrefix(first, "Unrecognized remote plugin message:"))
		if said == "" {
			return fmt.Errorf("%s", withTail("the plugin exited without a handshake"))
		}
		return fmt.Errorf("not a go-plugin plugin: its first line was %q", said)
	}
	return fmt.Errorf("starting the plugin: %w", err)
}

// configureError is a failure of the Module service's Configure, already
// explained.
type configureError struct{ err error }

func (e *configureError) Error() string { return e.err.Error() }
func (e *configureError) Unwrap() error { return e.err }
