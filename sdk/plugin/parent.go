package plugin

import (
	"errors"
	"log/slog"
	"os"
	"time"
)

// parentPoll is how often the parent pid is checked, for the platforms
// (and the rare cases on Linux) where no signal tells us the parent died.
const parentPoll = 250 * time.Millisecond

// exitWithParent makes the process exit when the process that started it
// goes away, so that a dead host leaves no plugin behind: the kernel
// signals it where it can (Linux), and a goroutine notices a new parent
// pid everywhere. hostPID is the pid the host says it has (0: unknown): a
// plugin already adopted by init while the host is another process has
// lost its host before it could watch it.
func exitWithParent(log *slog.Logger, hostPID int, exit func(int)) error {
	ppid := os.Getppid()
	if ppid <= 0 {
		return errors.New("no parent process")
	}
	if err := setParentDeathSignal(); err != nil {
		log.Warn("no parent-death signal; polling the parent pid only", "error", err)
	}
	now := os.Getppid()
	if now != ppid || (now == 1 && hostPID > 1) {
		log.Warn("the host process is gone: exiting", "host_pid", hostPID)
		exit(0)
		return nil
	}
	if ppid == 1 {
		// The host is init: the signal is enough (and if it dies, so does
		// everything else).
		return nil
	}
	go func() {
		t := time.NewTicker(parentPoll)
		defer t.Stop()
		for range t.C {
			if os.Getppid() != ppid {
				log.Warn("the host process is gone: exiting")
				exit(0)
				return
			}
		}
	}()
	return nil
}
