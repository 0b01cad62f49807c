//go:build linux

package fetcher

import (
	"fmt"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// openAsUser opens a local file with the user's file-system identity, so
// the kernel decides what the user may read, as Mesos's fetcher does by
// su-ing to the task's user before copying. An agent that is not root
// (it cannot take another identity, and may only read what it may read
// anyway) and a root owner open as the agent.
//
// The identity is taken by one OS thread only: setfsuid, setfsgid and the
// raw setgroups are per-thread on Linux (unlike syscall.Setgroups, which
// changes every thread). That thread is locked to its goroutine and never
// unlocked, so the runtime ends it when the goroutine returns instead of
// handing it, with the user's identity, to other goroutines.
func openAsUser(path string, o *owner) (*os.File, error) {
	if o == nil || o.uid == 0 || os.Geteuid() != 0 {
		return os.Open(path)
	}
	type opened struct {
		f   *os.File
		err error
	}
	done := make(chan opened, 1)
	go func() {
		runtime.LockOSThread()
		if err := takeFSIdentity(o); err != nil {
			done <- opened{err: err}
			return
		}
		f, err := os.Open(path)
		done <- opened{f: f, err: err}
	}()
	r := <-done
	return r.f, r.err
}

// takeFSIdentity gives the calling thread the owner's groups and file-system
// uid and gid; the groups go first, while the thread may still set them.
func takeFSIdentity(o *owner) error {
	if err := unix.Setgroups(o.groups); err != nil {
		return fmt.Errorf("set the groups of user '%s': %w", o.name, err)
	}
	if err := unix.Setfsgid(o.gid); err != nil {
		return fmt.Errorf("set the file-system gid of user '%s': %w", o.name, err)
	}
	if err := unix.Setfsuid(o.uid); err != nil {
		return fmt.Errorf("set the file-system uid of user '%s': %w", o.name, err)
	}
	// setfsuid reports no failure of its own: read the value back.
	if cur, _ := unix.SetfsuidRetUid(-1); cur != o.uid {
		return fmt.Errorf("could not take the file-system uid %d of user '%s' (still %d)", o.uid, o.name, cur)
	}
	if cur, _ := unix.SetfsgidRetGid(-1); cur != o.gid {
		return fmt.Errorf("could not take the file-system gid %d of user '%s' (still %d)", o.gid, o.name, cur)
	}
	return nil
}
