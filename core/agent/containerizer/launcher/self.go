package launcher

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// selfSupervisedEnv tells a program started by the launcher as a
// self-supervised container's first process how many descriptors it
// inherited after stderr: the go-ahead pipe (3), the status file (4) and
// held FIFOs.
const selfSupervisedEnv = "GOMESOS_SELF_SUPERVISED"

// selfSupervisedCommand starts a self-supervised container's command
// directly, as its user, in its own session, with the go-ahead pipe and
// the status file it writes when it ends. keep takes the descriptors the
// launch closes once the command has its copies.
func selfSupervisedCommand(dir string, spec *Spec, syncR, stdout, stderr *os.File, keep func(*os.File)) (*exec.Cmd, error) {
	path, err := lookPath(spec.program(), spec.Env)
	if err != nil {
		return nil, fmt.Errorf("find '%s': %w", spec.program(), err)
	}
	status, err := os.OpenFile(filepath.Join(dir, statusFile), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("create status file: %w", err)
	}
	keep(status)
	stdin, err := openStdin(spec.Stdin)
	if err != nil {
		return nil, err
	}
	keep(stdin)
	extra := []*os.File{syncR, status}
	for _, f := range holdFIFOs(spec) {
		keep(f)
		extra = append(extra, f)
	}
	attr := &syscall.SysProcAttr{Setsid: true}
	if spec.User != "" {
		if attr.Credential, err = lookupCredential(spec.User); err != nil {
			return nil, fmt.Errorf("Failed to switch to user '%s': %w", spec.User, err)
		}
	}
	return &exec.Cmd{
		Path:        path,
		Args:        spec.Argv,
		Env:         append(slices.Clone(spec.Env), selfSupervisedEnv+"="+strconv.Itoa(len(extra))),
		Dir:         spec.WorkDir,
		Stdin:       stdin,
		Stdout:      stdout,
		Stderr:      stderr,
		ExtraFiles:  extra,
		SysProcAttr: attr,
	}, nil
}

// RunSelfSupervised runs main, the whole program, and returns its exit
// code. When the launcher started the program as a self-supervised
// container's first process, it first plays the supervisor's part: it
// waits for the go-ahead (after isolation), becomes the reaper of every
// orphan of the container, and once main returns kills what is left and
// checkpoints main's exit status for an agent that restarted meanwhile.
// Otherwise it just runs main. Call it from main, before anything else.
func RunSelfSupervised(main func() int) int {
	v := os.Getenv(selfSupervisedEnv)
	if v == "" {
		return main()
	}
	os.Unsetenv(selfSupervisedEnv)
	inherited, err := strconv.Atoi(v)
	if err != nil || inherited < 2 {
		fmt.Fprintf(os.Stderr, "%s=%q: want the number of inherited descriptors\n", selfSupervisedEnv, v)
		return 2
	}
	// The descriptors stay ours: not the commands' we run.
	for fd := 3; fd < 3+inherited; fd++ {
		syscall.CloseOnExec(fd)
	}
	goAhead := os.NewFile(3, "go-ahead")
	status := os.NewFile(4, "status")
	var b [1]byte
	n, _ := io.ReadFull(goAhead, b[:])
	goAhead.Close()
	if n != 1 {
		return 1 // the launch was aborted before the go-ahead
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil)).With("supervisor", "self", "pid", os.Getpid())
	surviveHangupAndPipe()
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		log.Error("Failed to become a child subreaper", "err", err)
		return 1
	}
	code := main()
	clean := killLeftovers(log)
	data := strconv.FormatUint(uint64(uint32(exitedStatus(code))), 10)
	if clean {
		data += cleanMark
	}
	// One small write to a file nobody else writes: a reader sees all
	// of it or nothing.
	if _, err := status.WriteString(data); err != nil {
		log.Error("checkpoint exit status", "err", err)
	}
	status.Close()
	return code
}
