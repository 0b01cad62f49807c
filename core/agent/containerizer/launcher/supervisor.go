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
// pipe), 4 and 5 (the sandbox's stdout and stderr), 6 (the command's
// stdin: /dev/null or the input FIFO's read end, which it relays to the
// command with Spec.RelayStdin or a TTY) and with a TTY 7 and 8 (the
// terminal's master and slave); its own stdout and stderr are the
// runtime directory's supervisor.log.
func supervise(dir string) int {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil)).With("pid", os.Getpid())
	goAhead := os.NewFile(3, "go-ahead")
	stdout := os.NewFile(4, "stdout")
	stderr := os.NewFile(5, "stderr")
	const stdinFd = 6
	// The command gets them as its fds 0, 1 and 2, not as 4 to 6 again.
	syscall.CloseOnExec(4)
	syscall.CloseOnExec(5)
	syscall.CloseOnExec(stdinFd)

	// fail reports a failure to start the command where the task's owner
	// sees it (the sandbox's stderr) and checkpoints it as exit status 1.
	failWith := func(code int, format string, args ...any) int {
		msg := fmt.Sprintf(format, args...)
		log.Error(msg)
		fmt.Fprintln(stderr, msg)
		if err := writeStatus(dir, exitedStatus(code), false); err != nil {
			log.Error("checkpoint exit status", "err", err)
		}
		return code
	}
	fail := func(format string, args ...any) int { return failWith(1, format, args...) }

	spec, err := readSpec(dir)
	if err != nil {
		return fail("Failed to read the launch spec: %v", err)
	}
	for _, f := range holdFIFOs(spec) {
		defer f.Close()
	}
	var term *terminal
	if spec.TTY != nil {
		if term, err = inheritTerminal(log); err != nil {
			return fail("Failed to take the container's terminal: %v", err)
		}
	}

	var b [1]byte
	n, _ := io.ReadFull(goAhead, b[:])
	goAhead.Close()
	if n != 1 {
		log.Info("launch aborted before the command started")
		return 1
	}

	surviveHangupAndPipe()
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

	var pid, code int
	if term != nil {
		if err := term.takeInput(stdinFd, spec.Stdin); err != nil {
			return fail("Failed to open the command's stdin: %v", err)
		}
		pid, code, err = startCommand(dir, spec, term.stdio())
		if err == nil {
			term.started(stdout)
		}
	} else if spec.RelayStdin && spec.Stdin != "" {
		relay, rerr := newStdinRelay(stdinFd, spec.Stdin, log)
		if rerr != nil {
			return fail("Failed to open the command's stdin: %v", rerr)
		}
		pid, code, err = startCommand(dir, spec, []uintptr{relay.stdin(), stdout.Fd(), stderr.Fd()})
		if err == nil {
			relay.started()
		} else {
			relay.abort()
		}
	} else {
		stdin := os.NewFile(stdinFd, "stdin")
		pid, code, err = startCommand(dir, spec, []uintptr{stdin.Fd(), stdout.Fd(), stderr.Fd()})
		stdin.Close()
	}
	if err != nil {
		return failWith(code, "%v", err)
	}
	log.Info("started the command", "command_pid", pid, "tty", spec.TTY != nil)

	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGQUIT)
	go func() {
		for s := range sigs {
			_ = syscall.Kill(pid, s.(syscall.Signal))
		}
	}()

	status, usage := reapUntil(pid, log)
	log.Info("command ended", "status", ExitStatus{WaitStatus: status, Known: true}.String(),
		"user_cpu", timeval(usage.Utime), "system_cpu", timeval(usage.Stime))
	clean := killLeftovers(log)
	if term != nil {
		term.finish(5 * time.Second)
	}
	if err := writeStatus(dir, status, clean); err != nil {
		log.Error("checkpoint exit status", "err", err)
	}
	return exitCode(status)
}

// reapUntil reaps children (the command and adopted orphans) until the
// command is reaped, and returns its wait status and resource usage (the
// command's and that of the descendants it waited for).
func reapUntil(pid int, log *slog.Logger) (syscall.WaitStatus, syscall.Rusage) {
	for {
		var ws syscall.WaitStatus
		var ru syscall.Rusage
		wpid, err := syscall.Wait4(-1, &ws, 0, &ru)
		switch {
		case errors.Is(err, syscall.EINTR):
			continue
		case err != nil:
			log.Error("wait for the command", "err", err)
			return killedStatus(), syscall.Rusage{}
		case wpid == pid:
			return ws, ru
		}
	}
}

func timeval(tv syscall.Timeval) time.Duration {
	return time.Duration(tv.Sec)*time.Second + time.Duration(tv.Usec)*time.Microsecond
}

// killLeftovers kills and reaps whatever the command left running: a
// container ends with its command, as in Mesos. It reports whether it saw
// nothing left in the end.
func killLeftovers(log *slog.Logger) bool {
	if noChildren() {
		// Every orphan of the container is re-parented to us (a child
		// subreaper), so no children means no descendants: the usual
		// case, known without reading every process of the host.
		return true
	}
	self := selfInProc()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		all, err := procfs.All()
		if err != nil {
			log.Error("list leftover processes", "err", err)
			return false
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
			return true
		}
		if left > 0 {
			log.Info("killed processes the command left behind", "count", left)
		}
		time.Sleep(10 * time.Millisecond)
	}
	log.Error("processes the command left behind survive")
	return false
}

// noChildren reaps exited children and reports whether none is left.
func noChildren() bool {
	for {
		var ws syscall.WaitStatus
		wpid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
		switch {
		case errors.Is(err, syscall.ECHILD):
			return true
		case errors.Is(err, syscall.EINTR) || (err == nil && wpid > 0):
			continue
		default:
			return false // children still running (wpid 0), or an error
		}
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

// openStdin opens the command's stdin: /dev/null, or the given file. A
// FIFO is opened without waiting for a writer (the agent holds one open
// already), then made blocking again for the command.
func openStdin(path string) (*os.File, error) {
	if path == "" {
		return os.Open(os.DevNull)
	}
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := unix.SetNonblock(fd, false); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("make %s blocking: %w", path, err)
	}
	return os.NewFile(uintptr(fd), path), nil
}

// surviveHangupAndPipe keeps SIGHUP and SIGPIPE from ending the process.
// They are caught and dropped rather than ignored: an ignored signal
// stays ignored across exec, and the commands the process starts must get
// the default dispositions (a shell on a terminal that hangs up must end,
// and so must a writer to a closed pipe), as Mesos's commands do.
func surviveHangupAndPipe() {
	dropped := make(chan os.Signal, 1)
	signal.Notify(dropped, syscall.SIGHUP, syscall.SIGPIPE)
	go func() {
		for range dropped {
		}
	}()
}
