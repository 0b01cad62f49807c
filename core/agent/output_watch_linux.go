package agent

import (
	"log/slog"
	"os"

	"golang.org/x/sys/unix"
)

// watchWrites returns a channel that receives (coalesced) when a file in
// one of dirs is written or created, and a function that stops the
// watch. A streamed container's output is read when it says so, at once,
// rather than at the next poll: an interactive session (`mesos task exec
// --tty`) sees its echo without the poll's delay. Polling stays as the
// fallback (a file system without inotify, a watch that failed): a nil
// channel, which never receives, and the caller polls as before.
func watchWrites(log *slog.Logger, dirs ...string) (<-chan struct{}, func()) {
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		log.Debug("no inotify for streamed output; polling only", "err", err)
		return nil, func() {}
	}
	for _, dir := range dirs {
		if _, err := unix.InotifyAddWatch(fd, dir, unix.IN_MODIFY|unix.IN_CREATE|unix.IN_CLOSE_WRITE); err != nil {
			log.Debug("cannot watch streamed output; polling only", "dir", dir, "err", err)
			unix.Close(fd)
			return nil, func() {}
		}
	}
	// Non-blocking, so reads go through the runtime's poller and Close
	// ends a pending one.
	f := os.NewFile(uintptr(fd), "inotify")
	wake := make(chan struct{}, 1)
	go func() {
		buf := make([]byte, 4096)
		for {
			if _, err := f.Read(buf); err != nil {
				return // closed
			}
			select {
			case wake <- struct{}{}:
			default: // a wake-up is pending already
			}
		}
	}()
	return wake, func() { f.Close() }
}
