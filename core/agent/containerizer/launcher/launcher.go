package launcher

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"

	"github.com/gomesos/mesos/core/agent/containerizer/procfs"
)

// ErrNotLaunched is returned by Recover for a runtime directory whose
// supervisor was never started (the agent stopped in the middle of a
// launch).
var ErrNotLaunched = errors.New("container was never launched")

// Options configure a Launcher.
type Options struct {
	// Executable is re-executed as the supervisor; it must call
	// MaybeRunHelper first thing in main (or TestMain). Default:
	// /proc/self/exe, the running binary.
	Executable string
	Logger     *slog.Logger
}

// Launcher starts containers' supervisors, recovers them after an agent
// restart and kills containers. It has no state of its own: everything is
// in the containers' runtime directories.
type Launcher struct {
	exe string
	log *slog.Logger
}

// New returns a Launcher.
func New(opts Options) *Launcher {
	l := &Launcher{exe: opts.Executable, log: opts.Logger}
	if l.exe == "" {
		l.exe = "/proc/self/exe"
	}
	if l.log == nil {
		l.log = slog.Default()
	}
	return l
}

// Fork starts the supervisor of a container whose runtime directory is
// dir, in the namespaces of spec.CloneFlags, and returns once it is
// running and checkpointed. It waits for Continue before it runs the
// command. The supervisor outlives ctx (and the agent).
func (l *Launcher) Fork(ctx context.Context, dir string, spec *Spec) (Process, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create runtime directory: %w", err)
	}
	var files []*os.File
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	var term []*os.File // the terminal's master and slave, for the supervisor
	if spec.TTY != nil {
		tty := *spec.TTY
		master, slave, path, err := openPTY(&tty, spec.User)
		if err != nil {
			return nil, err
		}
		files = append(files, master, slave)
		term = []*os.File{master, slave}
		tty.Path = path
		withTTY := *spec
		withTTY.TTY = &tty
		spec = &withTTY
		if err := writeFileAtomic(filepath.Join(dir, ttyFile), []byte(path), 0o644); err != nil {
			return nil, err
		}
	}
	if spec.Stdin != "" && spec.TTY == nil && !spec.SelfSupervised && !spec.RelayStdin {
		relayed := *spec
		relayed.RelayStdin = true
		spec = &relayed
	}
	if !spec.SelfSupervised {
		// Read by the supervisor (and its exec step) only.
		if err := writeSpec(dir, spec); err != nil {
			return nil, err
		}
	}
	open := func(path string) (*os.File, error) {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
		files = append(files, f)
		return f, nil
	}
	stdout, err := open(spec.Stdout)
	if err != nil {
		return nil, err
	}
	stderr, err := open(spec.Stderr)
	if err != nil {
		return nil, err
	}
	syncR, syncW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("create go-ahead pipe: %w", err)
	}
	files = append(files, syncR)

	var cmd *exec.Cmd
	if spec.SelfSupervised {
		cmd, err = selfSupervisedCommand(dir, spec, syncR, stdout, stderr, func(f *os.File) { files = append(files, f) })
	} else {
		cmd, err = l.supervisorCommand(dir, spec, syncR, stdout, stderr, term, open, func(f *os.File) { files = append(files, f) })
	}
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		syncW.Close()
		return nil, fmt.Errorf("start supervisor: %w", err)
	}
	p := &process{dir: dir, pid: cmd.Process.Pid, sync: syncW, done: make(chan struct{})}
	go func() {
		err := cmd.Wait()
		fallback := ExitStatus{}
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && (err != nil || spec.SelfSupervised) {
			// Killed or failed before writing the command's status: what
			// happened to the supervisor is all there is to say. (A
			// self-supervised command's own status is the command's.)
			fallback = ExitStatus{WaitStatus: ws, Known: true}
		}
		p.finish(fallback)
	}()

	st, err := procfs.Stat(p.pid)
	if err == nil {
		p.start = st.StartTicks
		err = writePidFile(dir, p.pid, p.start)
	}
	if err != nil {
		p.abort()
		_ = cmd.Process.Kill()
		<-p.done
		return nil, fmt.Errorf("checkpoint supervisor pid: %w", err)
	}
	l.log.Debug("forked container supervisor", "dir", dir, "pid", p.pid)
	return p, nil
}

// supervisorCommand starts the supervisor, which runs the command.
// term is the terminal's master and slave when the spec has a TTY.
//
// The command's stdin is opened here, not by the supervisor: a FIFO
// then has a reader from the start, so that what the agent writes to it
// and closes before the supervisor gets to run (a client's whole input
// and end of file, on a loaded host) stays in the pipe instead of being
// dropped with the pipe's last descriptor.
func (l *Launcher) supervisorCommand(dir string, spec *Spec, syncR, stdout, stderr *os.File, term []*os.File, open func(string) (*os.File, error), keep func(*os.File)) (*exec.Cmd, error) {
	logf, err := open(filepath.Join(dir, supervisorLog))
	if err != nil {
		return nil, err
	}
	stdin, err := openStdin(spec.Stdin)
	if err != nil {
		return nil, err
	}
	keep(stdin)
	return &exec.Cmd{
		Path:   l.exe,
		Args:   []string{supervisorArg0, dir},
		Env:    []string{helperEnv + "=" + modeSupervise},
		Stdout: logf,
		Stderr: logf,
		// Seen by the supervisor as fds 3 to 6 (see supervise), then the
		// terminal's master and slave as 7 and 8.
		ExtraFiles: append([]*os.File{syncR, stdout, stderr, stdin}, term...),
		SysProcAttr: &syscall.SysProcAttr{
			Setsid:     true,
			Cloneflags: spec.CloneFlags,
		},
	}, nil
}

// Recover finds the supervisor of the container whose runtime directory is
// dir again after an agent restart. The returned Process is Done already
// when the supervisor exited while the agent was away; Continue fails on
// it. ErrNotLaunched means no supervisor was ever checkpointed there.
func (l *Launcher) Recover(ctx context.Context, dir string) (Process, error) {
	rec, err := readPidFile(dir)
	if err != nil {
		return nil, err
	}
	if !rec.ok {
		return nil, ErrNotLaunched
	}
	p := &process{dir: dir, pid: int(rec.pid), start: rec.start, done: make(chan struct{})}
	f, alive, err := openProcess(p.pid, p.start)
	if err != nil {
		return nil, err
	}
	if !alive {
		l.log.Info("container supervisor exited while the agent was down", "dir", dir, "pid", p.pid)
		p.finish(ExitStatus{})
		return p, nil
	}
	l.log.Info("recovered container supervisor", "dir", dir, "pid", p.pid)
	go func() {
		waitPidfd(f)
		p.finish(ExitStatus{})
	}()
	return p, nil
}

// Destroy kills every process of the container (the supervisor, its
// descendants and anything left in its session) and waits for the
// supervisor to be gone.
func (l *Launcher) Destroy(ctx context.Context, p Process) error {
	if pp, ok := p.(*process); ok {
		pp.abort()
		if pp.endedClean() {
			// The usual end of a container: nothing to kill, and no
			// need to read every process of the host to be sure.
			return nil
		}
	}
	if err := killContainer(ctx, p.Pid(), p.StartTicks()); err != nil {
		return fmt.Errorf("kill container of supervisor %d: %w", p.Pid(), err)
	}
	select {
	case <-p.Done():
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for supervisor %d: %w", p.Pid(), ctx.Err())
	}
}
