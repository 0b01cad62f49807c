//go:build !unix

package registry

import (
	"errors"
	"fmt"
	"os"
)

// fileLock on systems without flock: the lock file is created exclusively
// and removed on release. A crash leaves it behind, and the message says so.
type fileLock struct{ path string }

func acquireLock(path string) (*fileLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("%w: %s exists; if no master is running with this --work_dir, remove it", ErrLocked, path)
		}
		return nil, fmt.Errorf("creating lock file %s: %w", path, err)
	}
	fmt.Fprintf(f, "%d\n", os.Getpid())
	f.Close()
	return &fileLock{path: path}, nil
}

func (l *fileLock) release() error { return os.Remove(l.path) }
