//go:build !(linux || darwin || freebsd)

package sandbox

import (
	"errors"
	"runtime"
)

// DiskUsage is not available on this platform.
func DiskUsage(path string) (float64, error) {
	return 0, errors.New("disk usage is not supported on " + runtime.GOOS)
}
