//go:build linux

package plugin

import (
	"fmt"
	"os"
)

// sameExecutable reports whether process pid runs the file path (so that
// it is safe to kill as ours).
func sameExecutable(pid int, path string) bool {
	if pid <= 0 {
		return false
	}
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	return err == nil && exe == path
}
