package executors

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"strings"
	"syscall"

	"github.com/gomesos/mesos/core/agent/execmode"
	"github.com/gomesos/mesos/core/proto/executorlitepb"
)

// process is a task's command, run in its own process group so that a
// kill reaches everything it started.
type process struct {
	cmd  *exec.Cmd
	pid  int
	done chan struct{}
	// status is the command's wait status, valid once done is closed.
	status syscall.WaitStatus
	err    error
}

// startOptions say where and how a task's command runs.
type startOptions struct {
	dir            string
	env            []string
	stdout, stderr *os.File
	// switchUser runs the command as its CommandInfo's user.
	switchUser bool
}

// commandArgv is Mesos's reading of a CommandInfo: a shell command runs
// under /bin/sh -c; otherwise value is the program and arguments its
// whole argv (argv[0] included), or just the program.
func commandArgv(c *executorlitepb.CommandInfo) (path string, argv []string, err error) {
	if c.GetValue() == "" {
		if c.GetShell() {
			return "", nil, errors.New("shell command is not specified")
		}
		return "", nil, errors.New("executable is not specified")
	}
	if c.GetShell() {
		return "/bin/sh", []string{"/bin/sh", "-c", c.GetValue()}, nil
	}
	if len(c.GetArguments()) == 0 {
		return c.GetValue(), []string{c.GetValue()}, nil
	}
	return c.GetValue(), append([]string(nil), c.GetArguments()...), nil
}

// taskEnvironment is the executor's environment (without its own mode
// variables and its authentication token) with the command's variables
// over it.
func taskEnvironment(base []string, c *executorlitepb.CommandInfo, overrides map[string]string) []string {
	env := map[string]string{}
	var order []string
	set := func(k, v string) {
		if _, ok := env[k]; !ok {
			order = append(order, k)
		}
		env[k] = v
	}
	for _, kv := range base {
		if k, v, ok := strings.Cut(kv, "="); ok && k != execmode.Env && k != execmode.SwitchUserEnv && k != EnvAuthToken {
			set(k, v)
		}
	}
	for _, v := range c.GetEnvironment().GetVariables() {
		if v.GetType() == executorlitepb.Environment_Variable_SECRET {
			continue
		}
		set(v.GetName(), v.GetValue())
	}
	for k, v := range overrides {
		set(k, v)
	}
	out := make([]string, 0, len(order))
	for _, k := range order {
		out = append(out, k+"="+env[k])
	}
	return out
}

// taskOverrides are the variables the executor sets for a task over the
// command's own, as Mesos's command and default executors set them: its
// sandbox and MESOS_ALLOCATION_ROLE, the role its resources are allocated
// to (a task's resources are of one role, MESOS-6636).
func taskOverrides(ti *executorlitepb.TaskInfo, sandbox string) map[string]string {
	env := map[string]string{"MESOS_SANDBOX": sandbox}
	for _, r := range ti.GetResources() {
		if role := r.GetAllocationInfo().GetRole(); role != "" {
			env["MESOS_ALLOCATION_ROLE"] = role
			break
		}
	}
	return env
}

// startProcess starts a task's command.
func startProcess(c *executorlitepb.CommandInfo, opts startOptions) (*process, error) {
	path, argv, err := commandArgv(c)
	if err != nil {
		return nil, err
	}
	if !strings.Contains(path, "/") {
		if p, err := lookPath(path, opts.env); err == nil {
			path = p
		}
	}
	cmd := &exec.Cmd{
		Path:        path,
		Args:        argv,
		Env:         opts.env,
		Dir:         opts.dir,
		Stdout:      opts.stdout,
		Stderr:      opts.stderr,
		SysProcAttr: &syscall.SysProcAttr{Setpgid: true},
	}
	if name := c.GetUser(); name != "" && opts.switchUser {
		cred, err := credential(name)
		if err != nil {
			return nil, err
		}
		cmd.SysProcAttr.Credential = cred
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, pid: cmd.Process.Pid, done: make(chan struct{})}
	go func() {
		err := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok {
			p.status = ws
		} else {
			p.err = err
		}
		close(p.done)
	}()
	return p, nil
}

// signal sends sig to the task's process group.
func (p *process) signal(sig syscall.Signal) {
	if err := syscall.Kill(-p.pid, sig); err != nil {
		_ = syscall.Kill(p.pid, sig)
	}
}

// lookPath finds a program in the PATH of env.
func lookPath(name string, env []string) (string, error) {
	path := "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
	}
	for _, dir := range strings.Split(path, ":") {
		if dir == "" {
			dir = "."
		}
		candidate := dir + "/" + name
		if st, err := os.Stat(candidate); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return candidate, nil
		}
	}
	return "", fmt.Errorf("%s: not found in PATH", name)
}

// credential is the uid and gids of a user to run a task as; nil when it
// is the executor's own user.
func credential(name string) (*syscall.Credential, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("failed to find user '%s': %w", name, err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, err
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, err
	}
	if int(uid) == os.Getuid() {
		return nil, nil
	}
	var groups []uint32
	if ids, err := u.GroupIds(); err == nil {
		for _, s := range ids {
			if g, err := strconv.ParseUint(s, 10, 32); err == nil {
				groups = append(groups, uint32(g))
			}
		}
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: groups}, nil
}

// describeStatus says how a command ended, as Mesos's WSTRINGIFY does
// ("exited with status 1", "terminated with signal Killed").
func describeStatus(ws syscall.WaitStatus) string {
	switch {
	case ws.Exited():
		return fmt.Sprintf("exited with status %d", ws.ExitStatus())
	case ws.Signaled():
		name := ws.Signal().String()
		if name != "" {
			name = strings.ToUpper(name[:1]) + name[1:]
		}
		return "terminated with signal " + name
	}
	return fmt.Sprintf("wait status %#x", uint32(ws))
}
