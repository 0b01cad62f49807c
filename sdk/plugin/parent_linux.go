//go:build linux

package plugin

import (
	"golang.org/x/sys/unix"
)

// setParentDeathSignal asks the kernel to send SIGTERM when the parent
// dies.
func setParentDeathSignal() error {
	return unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGTERM), 0, 0, 0)
}
