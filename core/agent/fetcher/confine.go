package fetcher

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"time"
)

// checkEntryName refuses archive entry names that could land outside the
// destination: absolute paths, ".." elements (anywhere, as libarchive's
// NODOTDOT does, even where they would cancel out), NUL.
func checkEntryName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: empty name", ErrUnsafeArchive)
	case strings.ContainsRune(name, 0):
		return fmt.Errorf("%w: '%s' contains NUL", ErrUnsafeArchive, printable(name))
	case strings.HasPrefix(name, "/"):
		return fmt.Errorf("%w: '%s' is an absolute path", ErrUnsafeArchive, printable(name))
	}
	for _, elem := range strings.Split(name, "/") {
		if elem == ".." {
			return fmt.Errorf("%w: '%s' contains '..'", ErrUnsafeArchive, printable(name))
		}
	}
	return nil
}

// cleanEntry checks an entry name and returns it cleaned; "." is the
// destination itself.
func cleanEntry(name string) (string, error) {
	if err := checkEntryName(name); err != nil {
		return "", err
	}
	return path.Clean(name), nil
}

// checkLinkTarget refuses a symlink whose target leaves the destination:
// absolute targets and relative ones that climb above it from where the
// link is. (Parents are checked to hold no symlink, so where the link is
// written is where its name says.)
func checkLinkTarget(name, target string) error {
	if target == "" || strings.ContainsRune(target, 0) {
		return fmt.Errorf("%w: symlink '%s' has an invalid target", ErrUnsafeArchive, printable(name))
	}
	if strings.HasPrefix(target, "/") {
		return fmt.Errorf("%w: symlink '%s' points to the absolute path '%s'", ErrUnsafeArchive, printable(name), printable(target))
	}
	resolved := path.Join(path.Dir(name), target)
	if resolved == ".." || strings.HasPrefix(resolved, "../") {
		return fmt.Errorf("%w: symlink '%s' points outside the destination ('%s')", ErrUnsafeArchive, printable(name), printable(target))
	}
	return nil
}

// checkParents refuses to write name through a symlink: every existing
// directory on the way must be a real directory.
func (x *extractor) checkParents(name string) error {
	dir := path.Dir(name)
	if dir == "." {
		return nil
	}
	prefix := ""
	for _, elem := range strings.Split(dir, "/") {
		prefix = path.Join(prefix, elem)
		st, err := x.root.Lstat(prefix)
		if err != nil {
			if os.IsNotExist(err) {
				return nil // the rest will be created as directories
			}
			return err
		}
		if st.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("%w: '%s' would be written through the symlink '%s'", ErrUnsafeArchive, printable(name), printable(prefix))
		}
		if !st.IsDir() {
			return fmt.Errorf("'%s': '%s' is not a directory", printable(name), printable(prefix))
		}
	}
	return nil
}

// prepare makes the parent directories of name and removes a symlink or
// file at name (never a directory), so the entry replaces it rather than
// writing through it.
func (x *extractor) prepare(name string) error {
	if err := x.checkParents(name); err != nil {
		return err
	}
	if dir := path.Dir(name); dir != "." {
		if err := x.root.MkdirAll(dir, dirMode); err != nil {
			return err
		}
	}
	st, err := x.root.Lstat(name)
	if err == nil && !st.IsDir() {
		return x.root.Remove(name)
	}
	return nil
}

// writeFile writes a regular file from r.
func (x *extractor) writeFile(name string, r io.Reader, mode fs.FileMode) error {
	if err := x.ctx.Err(); err != nil {
		return err
	}
	if err := x.prepare(name); err != nil {
		return err
	}
	f, err := x.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode.Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, budgeted{x: x, r: r}); err != nil {
		f.Close()
		return fmt.Errorf("write '%s': %w", printable(name), err)
	}
	return f.Close()
}

// mkdir makes a directory entry, keeping it writable for what follows.
func (x *extractor) mkdir(name string, mode fs.FileMode) error {
	if name == "." {
		return nil
	}
	if err := x.checkParents(name); err != nil {
		return err
	}
	if st, err := x.root.Lstat(name); err == nil && st.Mode()&fs.ModeSymlink != 0 {
		return fmt.Errorf("%w: directory '%s' would replace a symlink", ErrUnsafeArchive, printable(name))
	}
	if err := x.root.MkdirAll(name, dirMode); err != nil {
		return err
	}
	return x.root.Chmod(name, mode.Perm()|0o700)
}

// symlink makes a symlink entry that stays inside the destination.
func (x *extractor) symlink(name, target string) error {
	if err := checkLinkTarget(name, target); err != nil {
		return err
	}
	if err := x.prepare(name); err != nil {
		return err
	}
	return x.root.Symlink(target, name)
}

// hardlink makes a hard link entry to an earlier entry.
func (x *extractor) hardlink(name, target string) error {
	target, err := cleanEntry(target)
	if err != nil {
		return err
	}
	if target == "." {
		return fmt.Errorf("%w: hard link '%s' to the destination itself", ErrUnsafeArchive, printable(name))
	}
	if err := x.checkParents(target); err != nil {
		return err
	}
	// Linking a symlink would copy its target to a new place, where it
	// may point elsewhere: only regular files.
	st, err := x.root.Lstat(target)
	if err != nil {
		return fmt.Errorf("hard link '%s': %w", printable(name), err)
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%w: hard link '%s' to '%s', which is not a regular file", ErrUnsafeArchive, printable(name), printable(target))
	}
	if err := x.prepare(name); err != nil {
		return err
	}
	return x.root.Link(target, name)
}

// setTime restores an entry's modification time (libarchive's
// ARCHIVE_EXTRACT_TIME); failures are only logged.
func (x *extractor) setTime(name string, mtime time.Time) {
	if mtime.IsZero() {
		return
	}
	if err := x.root.Chtimes(name, mtime, mtime); err != nil {
		x.log.Debug("Could not set modification time", "entry", name, "error", err)
	}
}
