package launcher

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// startCommand forks the container's command with its stdio on fds 0-2.
// Without rlimits it is forked and executed directly, as its user and in
// its working directory (both done by the kernel between fork and exec):
// no second process image is loaded. Rlimits cannot be set that way
// (SysProcAttr has no rlimits, and setting them on the supervisor would
// limit the supervisor), so a spec with rlimits goes through the exec
// helper, the binary re-executed in modeExec. On failure code is the
// shell's: 127 for a command not found, 126 for one that cannot run.
//
// With a TTY, stdio is the terminal's slave three times, and the command
// leads a new session whose controlling terminal it is (so that it gets
// the terminal's signals: SIGWINCH on a resize, SIGINT on ^C, SIGHUP
// when the terminal hangs up).
func startCommand(dir string, spec *Spec, stdio []uintptr) (pid, code int, err error) {
	sys := &syscall.SysProcAttr{}
	if spec.TTY != nil {
		sys.Setsid, sys.Setctty, sys.Ctty = true, true, 0
	}
	if len(spec.Rlimits) > 0 {
		pid, err = syscall.ForkExec("/proc/self/exe", []string{execArg0, dir}, &syscall.ProcAttr{
			Env:   []string{helperEnv + "=" + modeExec},
			Files: stdio,
			Sys:   sys,
		})
		if err != nil {
			return 0, 126, fmt.Errorf("Failed to start the command: %w", err)
		}
		return pid, 0, nil
	}
	attr := &syscall.ProcAttr{Dir: spec.WorkDir, Env: spec.Env, Files: stdio, Sys: sys}
	if spec.User != "" {
		cred, err := lookupCredential(spec.User)
		if err != nil {
			return 0, 126, fmt.Errorf("Failed to switch to user '%s': %w", spec.User, err)
		}
		attr.Sys.Credential = cred
	}
	if st, err := os.Stat(spec.WorkDir); err != nil || !st.IsDir() {
		if err == nil {
			err = syscall.ENOTDIR
		}
		return 0, 126, fmt.Errorf("Failed to change to working directory '%s': %w", spec.WorkDir, err)
	}
	path, err := lookPath(spec.program(), spec.Env)
	if err != nil {
		return 0, 127, fmt.Errorf("Failed to execute '%s': %w", spec.program(), err)
	}
	pid, err = syscall.ForkExec(path, spec.Argv, attr)
	if err != nil {
		code = 126
		if errors.Is(err, syscall.ENOENT) {
			code = 127
		}
		return 0, code, fmt.Errorf("Failed to execute '%s': %w", path, err)
	}
	return pid, 0, nil
}
