package launcher

import (
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gomesos/mesos/core/agent/containerizer/procfs"
)

// openProcess opens a pidfd on pid if it still is the process that
// started at start. ok is false when that process is gone.
func openProcess(pid int, start uint64) (f *os.File, ok bool, err error) {
	fd, err := unix.PidfdOpen(pid, unix.PIDFD_NONBLOCK)
	if errors.Is(err, unix.ESRCH) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("pidfd_open %d: %w", pid, err)
	}
	f = os.NewFile(uintptr(fd), fmt.Sprintf("pidfd:%d", pid))
	// Check identity after opening: from now on the pidfd pins this
	// process, so the check cannot race a pid reuse.
	st, err := procfs.Stat(pid)
	if err != nil || st.StartTicks != start || st.Zombie() {
		f.Close()
		if err != nil && !errors.Is(err, procfs.ErrNotExist) {
			return nil, false, err
		}
		return nil, false, nil
	}
	return f, true, nil
}

// waitPidfd blocks until the process behind the pidfd exits, then closes
// it. It waits in the runtime's poller when it can and polls otherwise.
func waitPidfd(f *os.File) {
	defer f.Close()
	exited := func(fd uintptr) bool {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, 0)
		return err == nil && n > 0
	}
	if rc, err := f.SyscallConn(); err == nil {
		if err := rc.Read(exited); err == nil {
			return
		}
	}
	// Not pollable by the runtime: block in poll(2) on a thread, waking
	// now and then to survive EINTR.
	fd := int32(f.Fd())
	for {
		fds := []unix.PollFd{{Fd: fd, Events: unix.POLLIN}}
		n, err := unix.Poll(fds, int(time.Second/time.Millisecond))
		if err == nil && n > 0 {
			return
		}
		if err != nil && !errors.Is(err, unix.EINTR) {
			return
		}
	}
}
