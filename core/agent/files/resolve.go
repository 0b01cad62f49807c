package files

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// resolved is a target located on disk.
type resolved struct {
	root string // the attached real path
	rel  string // the target below it, symlinks resolved ("." for the root)
	dir  bool   // the attachment is a directory (else rel is ".")
}

// resolve finds where a target is and checks that it stays inside its
// attachment once symlinks are followed (Mesos's resolve, with the prefix
// check done on whole path elements).
func resolve(t *target) (*resolved, error) {
	st, err := os.Stat(t.att.real)
	if err != nil {
		return nil, newError(NotFound, "'%s' no longer exists", printable(t.virtual))
	}
	if !st.IsDir() {
		if len(t.rel) > 0 {
			// Asking for something below an attached file.
			return nil, newError(NotFound, "'%s' not found", printable(t.virtual))
		}
		return &resolved{root: t.att.real, rel: "."}, nil
	}
	full := filepath.Join(append([]string{t.att.real}, t.rel...)...)
	rel, err := confine(t.att.real, full)
	if err != nil {
		return nil, withPath(err, t.virtual)
	}
	return &resolved{root: t.att.real, rel: rel, dir: true}, nil
}

// errOutside marks a path that resolves outside its root.
var errOutside = errors.New("outside the attached directory")

// confine resolves full (under root) and returns it relative to root, or
// errOutside, or the error of a missing or unresolvable path.
func confine(root, full string) (string, error) {
	ev, err := filepath.EvalSymlinks(full)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(root, ev)
	if err != nil || !(rel == "." || filepath.IsLocal(rel)) {
		return "", errOutside
	}
	return rel, nil
}

// withPath turns a resolution error into a files error.
func withPath(err error, virtual string) error {
	switch {
	case errors.Is(err, errOutside):
		return &Error{Kind: Forbidden, Msg: "'" + printable(virtual) + "' is inaccessible", Err: err}
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		return newError(NotFound, "'%s' not found", printable(virtual))
	}
	return &Error{Kind: Invalid, Msg: "failed to determine canonical path of '" + printable(virtual) + "'", Err: err}
}

// open opens a resolved target through an os.Root, so that a symlink
// swapped in after resolve cannot lead outside.
// O_NONBLOCK keeps a FIFO planted in a sandbox from blocking the open.
func (r *resolved) open() (*os.File, error) {
	const flags = os.O_RDONLY | syscall.O_NONBLOCK
	if !r.dir {
		return os.OpenFile(r.root, flags, 0)
	}
	root, err := os.OpenRoot(r.root)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	return root.OpenFile(r.rel, flags, 0)
}

// openTarget resolves and opens, mapping errors to files errors.
func openTarget(t *target) (*os.File, fs.FileInfo, error) {
	r, err := resolve(t)
	if err != nil {
		return nil, nil, err
	}
	file, err := r.open()
	if err != nil {
		return nil, nil, withOpenError(err, t.virtual)
	}
	st, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, nil, &Error{Kind: Unknown, Msg: "failed to stat '" + printable(t.virtual) + "'", Err: err}
	}
	if !st.Mode().IsRegular() && !st.IsDir() {
		file.Close()
		return nil, nil, newError(Invalid, "'%s' is not a regular file", printable(t.virtual))
	}
	return file, st, nil
}

func withOpenError(err error, virtual string) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return newError(NotFound, "'%s' not found", printable(virtual))
	case errors.Is(err, fs.ErrPermission):
		return &Error{Kind: Unknown, Msg: "failed to open '" + printable(virtual) + "'", Err: err}
	}
	// os.Root refuses paths that escape it.
	return &Error{Kind: Forbidden, Msg: "'" + printable(virtual) + "' is inaccessible", Err: err}
}
