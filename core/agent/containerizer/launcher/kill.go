package launcher

import (
	"context"
	"errors"
	"os"
	"syscall"
	"time"

	"github.com/gomesos/mesos/core/agent/containerizer/procfs"
)

// killContainer kills the supervisor started at start with pid, all its
// descendants and every process in its session (the supervisor is the
// session leader, so its sid is its pid), then makes sure none is left:
// processes forked meanwhile are caught by the next round. Each round
// stops every victim before killing any, so none can fork away between
// the two.
func killContainer(ctx context.Context, pid int, start uint64) error {
	delay := 5 * time.Millisecond
	for {
		victims, err := containerProcesses(pid, start)
		if err != nil {
			return err
		}
		if len(victims) == 0 {
			return nil
		}
		for _, v := range victims {
			_ = syscall.Kill(v, syscall.SIGSTOP)
		}
		for _, v := range victims {
			if err := syscall.Kill(v, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
				return err
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		if delay < 200*time.Millisecond {
			delay *= 2
		}
	}
}

// containerProcesses lists the live processes of a container.
func containerProcesses(pid int, start uint64) ([]int, error) {
	all, err := procfs.All()
	if err != nil {
		return nil, err
	}
	self := os.Getpid()
	seen := map[int]bool{}
	var out []int
	add := func(p procfs.Process) {
		if p.Pid == self || p.Zombie() || seen[p.Pid] {
			return
		}
		seen[p.Pid] = true
		out = append(out, p.Pid)
	}
	for _, p := range procfs.Descendants(all, pid) {
		if p.Pid == pid && p.StartTicks != start {
			// The pid was reused: not our supervisor, nor its children.
			break
		}
		add(p)
	}
	for _, p := range all {
		if p.Session == pid && p.StartTicks >= start {
			add(p)
		}
	}
	return out, nil
}
