package launcher

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gomesos/mesos/core/agent/containerizer/procfs"
)

// supervise is the supervisor's main. It inherits fd 3 (the go-ahead
// pipe), 4 and 5 (the sandbox's stdout and stderr); its own stdout and
// stderr are the runtime directory's supervisor.log.
func supervise(dir string) int {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil)).With("pid", os.Getpid())
	goAhead := os.NewFile(3, "go-ahead")
	stdout := os.NewFile(4, "stdout")
	stderr := os.NewFile(5, "stderr")
	// The command gets them as its fds 1 and 2, not as 4 and 5 again.
	syscall.CloseOnExec(4)
	syscall.CloseOnExec(5)

	// fail reports a failure to start the command where the task's owner
	// sees it (the sandbox's stderr) and checkpoints it as exit status 1.
	fail := func(format string, args ...any) int {
		msg := fmt.Sprintf(format, args...)
		log.Error(msg)
		fmt.Fprintln(stderr, msg)
		if err := writeStatus(dir, exitedStatus(1)); err != nil {
			log.Error("checkpoint exit status", "err", err)
		}
		return 1
	}

	spec, err := readSpec(dir)
	if err != nil {
		return fail("Failed to read the launch spec: %v", err)
	}
	for _, f := range holdFIFOs(spec) {
		defer f.Close()
	}

	var b [1]byte
	n, _ := io.ReadFull(goAhead, b[:])
	goAhead.Close()
	if n != 1 {
		log.Info("launch aborted before the command started")
		return 1
	}

	signal.Ignore(syscall.SIGHUP, syscall.SIGPIPE)
	// Orphans of the command become our children, not init's, so that we
	// can reap them and kill what is left when the command exits.
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return fail("Failed to become a child subreaper: %v", err)
	}
	if spec.CloneFlags&syscall.CLONE_NEWNS != 0 {
		if err := setupMounts(spec.Mounts); err != nil {
			return fail("Failed to set up the container's mounts: %v", err)
		}
	} else if len(spec.Mounts) > 0 {
		return fail("Mounts need a mount namespace")
	}
	for _, pre := range spec.PreExec {
		c := exec.Command("/bin/sh", "-c", pre)
		c.Env = spec.Env
		c.Dir = spec.WorkDir
		c.Stdout, c.Stderr = stdout, stderr
		if err := c.Run(); err != nil {
			return fail("Failed to execute pre-exec command '%s': %v", pre, err)
		}
	}

	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return fail("Failed to open %s: %v", os.DevNull, err)
	}
	pid, err := syscall.ForkExec("/proc/self/exe", []string{execArg0, dir}, &syscall.ProcAttr{
		Env:   []string{helperEnv + "=" + modeExec},
		Files: []uintptr{devnull.Fd(), stdout.Fd(), stderr.Fd()},
	})
	devnull.Close()
	if err != nil {
		return fail("Failed to start the command: %v", err)
	}
	log.Info("started the command", "command_pid", pid)

	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGQUIT)
	go func() {
		for s := range sigs {
			_ = syscall.Kill(pid, s.(syscall.Signal))
		}
	}()

	status := reapUntil(pid, log)
	log.Info("command ended", "status", ExitStatus{WaitStatus: status, Known: true}.String())
	killLeftovers(log)
	if err := writeStatus(dir, status); err != nil {
		log.Error("checkpoint exit status", "err", err)
	}
	return exitCode(status)
}

// reapUntil reaps children (the command and adopted orphans) until the
// command is reaped, and returns its wait status.
func reapUntil(pid int, log *slog.Logger) syscall.WaitStatus {
	for {
		var ws syscall.WaitStatus
		wpid, err := syscall.Wait4(-1, &ws, 0, nil)
		switch {
		case errors.Is(err, syscall.EINTR):
			continue
		case err != nil:
			log.Error("wait for the command", "err", err)
			return killedStatus()
		case wpid == pid:
			return ws
		}
	}
}

// killLeftovers kills and reaps whatever the command left running: a
// container ends with its command, as in Mesos.
func killLeftovers(log *slog.Logger) {
	self := selfInProc()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		all, err := procfs.All()
		if err != nil {
			log.Error("list leftover processes", "err", err)
			return
		}
		left := 0
		for _, p := range procfs.Descendants(all, self) {
			if p.Pid != self && !p.Zombie() {
				_ = syscall.Kill(p.Pid, syscall.SIGKILL)
				left++
			}
		}
		for {
			var ws syscall.WaitStatus
			wpid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
			if wpid <= 0 || err != nil {
				break
			}
		}
		if left == 0 {
			return
		}
		if left > 0 {
			log.Info("killed processes the command left behind", "count", left)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// selfInProc is our pid as the mounted /proc numbers it (it differs from
// os.Getpid in a new PID namespace whose /proc was not remounted).
func selfInProc() int {
	if s, err := os.Readlink("/proc/self"); err == nil {
		if pid, err := strconv.Atoi(s); err == nil {
			return pid
		}
	}
	return os.Getpid()
}

func exitedStatus(code int) syscall.WaitStatus { return syscall.WaitStatus(code << 8) }

// exitCode mirrors the command's status in the supervisor's own, the way a
// shell does.
func exitCode(ws syscall.WaitStatus) int {
	switch {
	case ws.Exited():
		return ws.ExitStatus()
	case ws.Signaled():
		return 128 + int(ws.Signal())
	default:
		return 1
	}
}
