package launcher

import (
	"fmt"
	"syscall"
)

// ExitStatus is how a container's command ended.
type ExitStatus struct {
	// WaitStatus is the raw status waitpid(2) reported, as Mesos reports
	// it in ContainerTermination.status.
	WaitStatus syscall.WaitStatus
	// Known is false when nobody saw the command end (its supervisor was
	// killed, or died while the agent was down).
	Known bool
}

// String describes the status as Mesos's WSTRINGIFY does.
func (s ExitStatus) String() string {
	switch {
	case !s.Known:
		return "unknown exit status"
	case s.WaitStatus.Exited():
		return fmt.Sprintf("exited with status %d", s.WaitStatus.ExitStatus())
	case s.WaitStatus.Signaled():
		return fmt.Sprintf("terminated with signal %s", s.WaitStatus.Signal())
	default:
		return fmt.Sprintf("wait status %#x", uint32(s.WaitStatus))
	}
}

// killedStatus is the wait status of a process killed by SIGKILL.
func killedStatus() syscall.WaitStatus { return syscall.WaitStatus(syscall.SIGKILL) }
