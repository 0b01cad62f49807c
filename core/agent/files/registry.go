package files

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// Authorize decides whether the request behind ctx may see an attached
// path. The HTTP handlers pass the request's context: the agent's
// authentication puts the principal there.
type Authorize func(ctx context.Context) (bool, error)

// Options configure a Files registry.
type Options struct {
	// Logger receives request logs; nil discards.
	Logger *slog.Logger
	// DebugAuthorize guards /files/debug (Mesos authorizes that endpoint
	// as a whole); nil allows.
	DebugAuthorize Authorize
	// MaxReadLength caps one read; zero is Mesos's 16 pages.
	MaxReadLength int64
}

// Files maps virtual paths to real directories and files. Safe for
// concurrent use.
type Files struct {
	log      *slog.Logger
	debugAuz Authorize
	maxRead  int64

	mu    sync.RWMutex
	paths map[string]attachment // by normalized virtual path
}

type attachment struct {
	real      string // canonical (symlinks resolved) at attach time
	authorize Authorize
}

// New makes an empty registry.
func New(opts Options) *Files {
	f := &Files{log: opts.Logger, debugAuz: opts.DebugAuthorize, maxRead: opts.MaxReadLength, paths: map[string]attachment{}}
	if f.log == nil {
		f.log = slog.New(slog.DiscardHandler)
	}
	if f.maxRead <= 0 {
		f.maxRead = int64(os.Getpagesize()) * 16
	}
	return f
}

// Attach makes the file or directory at realPath visible as virtualPath,
// replacing what was attached there. The real path is resolved now; it must
// exist and be readable. authorize may be nil (no check).
func (f *Files) Attach(realPath, virtualPath string, authorize Authorize) error {
	return f.AttachAll(realPath, []string{virtualPath}, authorize)
}

// AttachAll attaches realPath under each of virtualPaths, as Attach does
// for each, resolving and checking the real path once (an executor's
// sandbox is shown under three paths, and resolving it walks every
// element of a deep path). A virtual path that is refused does not stop
// the others; the errors are joined.
func (f *Files) AttachAll(realPath string, virtualPaths []string, authorize Authorize) error {
	real, err := filepath.EvalSymlinks(fromURI(realPath))
	if err != nil {
		return fmt.Errorf("failed to get realpath of '%s': %w", realPath, err)
	}
	real, err = filepath.Abs(real)
	if err != nil {
		return fmt.Errorf("failed to get realpath of '%s': %w", realPath, err)
	}
	file, err := os.Open(real)
	if err != nil {
		return fmt.Errorf("failed to access '%s': %w", realPath, err)
	}
	file.Close()
	var errs []error
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, virtualPath := range virtualPaths {
		tokens, err := splitVirtual(virtualPath)
		if err != nil {
			errs = append(errs, fmt.Errorf("attach '%s': %w", virtualPath, err))
			continue
		}
		f.paths[joinVirtual(tokens)] = attachment{real: real, authorize: authorize}
	}
	return errors.Join(errs...)
}

// Detach removes an attachment.
func (f *Files) Detach(virtualPath string) {
	tokens, err := splitVirtual(virtualPath)
	if err != nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.paths, joinVirtual(tokens))
}

// Attached lists the attachments, virtual path to real path (/files/debug).
func (f *Files) Attached() map[string]string {
	f.mu.RLock()
	defer f.mu.RUnlock()
	out := make(map[string]string, len(f.paths))
	for v, a := range f.paths {
		out[v] = a.real
	}
	return out
}

// fromURI drops a file:// prefix, as stout's path::from_uri.
func fromURI(p string) string { return strings.TrimPrefix(p, "file://") }

// errDotDot refuses any ".." in a virtual path.
var errDotDot = errors.New("'..' is not allowed in a path")

// splitVirtual breaks a virtual path into its elements: empty and "."
// elements go (so "//a/./b/" is "/a/b"), ".." and NUL are refused.
func splitVirtual(p string) ([]string, error) {
	p = fromURI(p)
	if strings.ContainsRune(p, 0) {
		return nil, errors.New("NUL in path")
	}
	var tokens []string
	for _, t := range strings.Split(p, "/") {
		switch t {
		case "", ".":
		case "..":
			return nil, errDotDot
		default:
			tokens = append(tokens, t)
		}
	}
	return tokens, nil
}

func joinVirtual(tokens []string) string { return "/" + strings.Join(tokens, "/") }

// target is a virtual path found in the registry.
type target struct {
	virtual string     // the normalized request path
	att     attachment // the attachment it lies under
	rel     []string   // the elements below the attachment
}

// lookup authorizes and finds the longest attached prefix of a virtual
// path. Authorization comes first, as in Mesos: the nearest attached
// ancestor with an authorizer decides.
func (f *Files) lookup(ctx context.Context, virtual string) (*target, error) {
	tokens, err := splitVirtual(virtual)
	if err != nil {
		if errors.Is(err, errDotDot) {
			return nil, &Error{Kind: Forbidden, Msg: fmt.Sprintf("'%s' is inaccessible", printable(virtual)), Err: err}
		}
		return nil, &Error{Kind: Invalid, Msg: "invalid path", Err: err}
	}
	f.mu.RLock()
	var authorize Authorize
	var found *target
	for n := len(tokens); n >= 0; n-- {
		a, ok := f.paths[joinVirtual(tokens[:n])]
		if !ok {
			continue
		}
		if authorize == nil && a.authorize != nil {
			authorize = a.authorize
		}
		if found == nil {
			found = &target{virtual: joinVirtual(tokens), att: a, rel: tokens[n:]}
		}
	}
	f.mu.RUnlock()
	if authorize != nil {
		ok, err := authorize(ctx)
		if err != nil {
			return nil, &Error{Kind: Unknown, Msg: "authorization failed", Err: err}
		}
		if !ok {
			return nil, newError(Forbidden, "not authorized to access '%s'", printable(virtual))
		}
	}
	if found == nil {
		return nil, newError(NotFound, "'%s' is not attached", printable(virtual))
	}
	return found, nil
}

// sortedKeys is for deterministic output.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// printable escapes control characters for messages.
func printable(s string) string {
	q := fmt.Sprintf("%q", s)
	return q[1 : len(q)-1]
}
