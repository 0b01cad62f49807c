//go:build linux

package plugin

import "syscall"

// procAttr: an attached plugin is killed by the kernel when the thread of
// the daemon that started it dies (the SDK also watches its parent, which
// covers plugins whose starting thread outlives the daemon's end); a
// detached one gets a process group of its own, out of reach of signals
// sent to the daemon's group.
func procAttr(detached bool) *syscall.SysProcAttr {
	if detached {
		return &syscall.SysProcAttr{Setpgid: true}
	}
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
