package containerizer

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gomesos/mesos/core/agent/containerizer/launcher"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// defaultPath is the PATH a command gets when nobody sets one (Mesos's
// os::host_default_path).
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// namedLaunchInfo is what one isolator's Prepare returned.
type namedLaunchInfo struct {
	isolator string
	info     *isolator.ContainerLaunchInfo
}

// buildSpec merges the isolators' launch infos (in --isolation order) with
// the container's config and the agent's environment into what the
// launcher runs, and rejects what an isolator may not ask for.
func buildSpec(cfg *isolator.ContainerConfig, agentEnv map[string]string, infos []namedLaunchInfo) (*launcher.Spec, error) {
	command := cfg.GetCommandInfo()
	var commandFrom, userFrom, workDirFrom string
	spec := &launcher.Spec{
		WorkDir: cfg.GetDirectory(),
		User:    cfg.GetUser(),
		Stdout:  filepath.Join(cfg.GetDirectory(), "stdout"),
		Stderr:  filepath.Join(cfg.GetDirectory(), "stderr"),
	}
	env := map[string]string{}
	for k, v := range agentEnv {
		env[k] = v
	}
	var mounts []*isolator.ContainerMountInfo
	rlimits := map[mesospb.RLimitInfo_RLimit_Type]*mesospb.RLimitInfo_RLimit{}

	for _, n := range infos {
		li := n.info
		if li == nil {
			continue
		}
		fail := func(format string, args ...any) error {
			return fmt.Errorf("isolator %s: %s", n.isolator, fmt.Sprintf(format, args...))
		}
		if li.GetCommand() != nil {
			if commandFrom != "" {
				return nil, fail("replaces the command already replaced by isolator %s", commandFrom)
			}
			command, commandFrom = li.GetCommand(), n.isolator
		}
		if li.GetUser() != "" {
			if userFrom != "" {
				return nil, fail("sets the user already set by isolator %s", userFrom)
			}
			spec.User, userFrom = li.GetUser(), n.isolator
		}
		if wd := li.GetWorkingDirectory(); wd != "" {
			if workDirFrom != "" {
				return nil, fail("sets the working directory already set by isolator %s", workDirFrom)
			}
			if !filepath.IsAbs(wd) {
				return nil, fail("working directory %q is not absolute", wd)
			}
			spec.WorkDir, workDirFrom = filepath.Clean(wd), n.isolator
		}
		for _, ns := range li.GetCloneNamespaces() {
			if !allowed(ns) {
				return nil, fail("asks for unsupported namespace %#x", ns)
			}
			spec.CloneFlags |= uintptr(ns)
		}
		for _, pre := range li.GetPreExecCommands() {
			if !pre.GetShell() || strings.TrimSpace(pre.GetValue()) == "" {
				return nil, fail("pre-exec commands must be non-empty shell commands")
			}
			spec.PreExec = append(spec.PreExec, pre.GetValue())
		}
		for _, m := range li.GetMounts() {
			if !filepath.IsAbs(m.GetTarget()) {
				return nil, fail("mount target %q is not absolute", m.GetTarget())
			}
			if m.GetFlags()&isolator.MountBind != 0 && !filepath.IsAbs(m.GetSource()) {
				return nil, fail("bind mount source %q is not absolute", m.GetSource())
			}
			mounts = append(mounts, m)
		}
		if err := addEnvironment(env, li.GetEnvironment()); err != nil {
			return nil, fail("%v", err)
		}
		for _, rl := range li.GetRlimits().GetRlimits() {
			if _, ok := rlimitResource(rl.GetType()); !ok {
				return nil, fail("unknown rlimit type %v", rl.GetType())
			}
			if rl.Soft != nil && rl.Hard != nil && rl.GetSoft() > rl.GetHard() {
				return nil, fail("rlimit %v soft limit %d above hard limit %d", rl.GetType(), rl.GetSoft(), rl.GetHard())
			}
			rlimits[rl.GetType()] = rl
		}
	}
	if len(mounts) > 0 && spec.CloneFlags&uintptr(isolator.CloneNewNS) == 0 {
		return nil, errors.New("isolators ask for mounts but none asks for a mount namespace")
	}
	for _, m := range mounts {
		spec.Mounts = append(spec.Mounts, launcher.Mount{
			Source: m.GetSource(), Target: filepath.Clean(m.GetTarget()), Type: m.GetType(),
			Flags: uintptr(m.GetFlags()), Options: m.GetOptions(),
		})
	}

	// The command's own environment wins over the isolators', which wins
	// over the agent's.
	if err := addEnvironment(env, command.GetEnvironment()); err != nil {
		return nil, fmt.Errorf("command environment: %w", err)
	}
	if _, ok := env["PATH"]; !ok {
		env["PATH"] = defaultPath
	}
	names := make([]string, 0, len(env))
	for k := range env {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		spec.Env = append(spec.Env, k+"="+env[k])
	}

	path, argv, err := commandArgv(command)
	if err != nil {
		return nil, err
	}
	spec.Path, spec.Argv = path, argv
	for t, rl := range rlimits {
		res, _ := rlimitResource(t)
		spec.Rlimits = append(spec.Rlimits, launcher.Rlimit{Resource: res, Soft: rlimitValue(rl.Soft), Hard: rlimitValue(rl.Hard)})
	}
	sort.Slice(spec.Rlimits, func(i, j int) bool { return spec.Rlimits[i].Resource < spec.Rlimits[j].Resource })
	return spec, spec.Validate()
}

// allowed reports whether the launcher can clone a namespace.
func allowed(ns int32) bool {
	switch ns {
	case isolator.CloneNewNS, isolator.CloneNewUTS, isolator.CloneNewIPC, isolator.CloneNewPID, isolator.CloneNewNet:
		return true
	}
	return false
}

// commandArgv is Mesos's reading of a CommandInfo: a shell command runs
// under /bin/sh -c; otherwise value is the program and arguments its whole
// argv (argv[0] included), defaulting to just the program.
func commandArgv(c *mesospb.CommandInfo) (path string, argv []string, err error) {
	if c.GetValue() == "" {
		return "", nil, errors.New("the container has no command")
	}
	if c.GetShell() {
		return "/bin/sh", []string{"/bin/sh", "-c", c.GetValue()}, nil
	}
	if len(c.GetArguments()) == 0 {
		return c.GetValue(), []string{c.GetValue()}, nil
	}
	return c.GetValue(), append([]string{}, c.GetArguments()...), nil
}

func addEnvironment(env map[string]string, e *mesospb.Environment) error {
	for _, v := range e.GetVariables() {
		if v.GetName() == "" {
			return errors.New("environment variable without a name")
		}
		if v.GetType() == mesospb.Environment_Variable_SECRET {
			return fmt.Errorf("environment variable %s is a secret; secrets must be resolved before launch", v.GetName())
		}
		env[v.GetName()] = v.GetValue()
	}
	return nil
}

// rlimitValue maps an unset limit to infinity, as Mesos does.
func rlimitValue(v *uint64) uint64 {
	if v == nil {
		return ^uint64(0)
	}
	return *v
}

// rlimitResource maps Mesos's rlimit types to Linux's RLIMIT_* numbers.
func rlimitResource(t mesospb.RLimitInfo_RLimit_Type) (int, bool) {
	r, ok := map[mesospb.RLimitInfo_RLimit_Type]int{
		mesospb.RLimitInfo_RLimit_RLMT_AS:         9,
		mesospb.RLimitInfo_RLimit_RLMT_CORE:       4,
		mesospb.RLimitInfo_RLimit_RLMT_CPU:        0,
		mesospb.RLimitInfo_RLimit_RLMT_DATA:       2,
		mesospb.RLimitInfo_RLimit_RLMT_FSIZE:      1,
		mesospb.RLimitInfo_RLimit_RLMT_LOCKS:      10,
		mesospb.RLimitInfo_RLimit_RLMT_MEMLOCK:    8,
		mesospb.RLimitInfo_RLimit_RLMT_MSGQUEUE:   12,
		mesospb.RLimitInfo_RLimit_RLMT_NICE:       13,
		mesospb.RLimitInfo_RLimit_RLMT_NOFILE:     7,
		mesospb.RLimitInfo_RLimit_RLMT_NPROC:      6,
		mesospb.RLimitInfo_RLimit_RLMT_RSS:        5,
		mesospb.RLimitInfo_RLimit_RLMT_RTPRIO:     14,
		mesospb.RLimitInfo_RLimit_RLMT_RTTIME:     15,
		mesospb.RLimitInfo_RLimit_RLMT_SIGPENDING: 11,
		mesospb.RLimitInfo_RLimit_RLMT_STACK:      3,
	}[t]
	return r, ok
}
