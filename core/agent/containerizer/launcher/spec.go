package launcher

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Spec is everything the supervisor needs to start a container's command.
// The containerizer builds it from the container's config and the merged
// launch infos of its isolators.
type Spec struct {
	// Path is the program to run; when it has no slash it is looked up in
	// the PATH of Env. Empty means Argv[0].
	Path string `json:"path,omitempty"`
	// Argv is the command's argument vector, Argv[0] included.
	Argv []string `json:"argv"`
	// Env is the command's whole environment, "NAME=value".
	Env []string `json:"env"`
	// WorkDir is the command's working directory.
	WorkDir string `json:"work_dir"`
	// User to run the command as (a name); empty keeps the agent's user.
	User string `json:"user,omitempty"`
	// Stdout and Stderr are the files the command's output is appended to
	// (created when missing).
	Stdout string `json:"stdout"`
	Stderr string `json:"stderr"`
	// Stdin is a file (a FIFO) the command reads as its stdin; empty is
	// /dev/null. With a TTY, what it brings goes to the terminal's input.
	Stdin string `json:"stdin,omitempty"`
	// RelayStdin (without a TTY; Fork sets it when there is a Stdin) has
	// the supervisor relay Stdin to the command through a pipe, so that
	// the command does not see end of file when the agent writing the
	// FIFO goes away, only once it was marked (see MarkStdinEOF).
	RelayStdin bool `json:"relay_stdin,omitempty"`
	// TTY runs the command attached to a pseudo-terminal (see TTY).
	TTY *TTY `json:"tty,omitempty"`
	// CloneFlags are the CLONE_NEW* flags of the namespaces the container
	// is created in.
	CloneFlags uintptr `json:"clone_flags,omitempty"`
	// Mounts are made in order in the container's mount namespace.
	Mounts []Mount `json:"mounts,omitempty"`
	// PreExec are shell commands run as root, in order, inside the
	// container before the command; a failing one fails the container.
	PreExec []string `json:"pre_exec,omitempty"`
	// Rlimits are set for the command.
	Rlimits []Rlimit `json:"rlimits,omitempty"`
	// SelfSupervised starts the command itself as the container's first
	// process, without a supervisor: the command is a program that runs
	// RunSelfSupervised (the agent's command executor), which plays the
	// supervisor's part in its own process. It cannot be combined with
	// namespaces, mounts, pre-exec commands, rlimits or a TTY, which need
	// the supervisor.
	SelfSupervised bool `json:"self_supervised,omitempty"`
}

// Mount is one mount(2) call. A bind mount (MS_BIND) with MS_RDONLY is
// made in two steps, bind then read-only remount, as Linux requires.
type Mount struct {
	Source  string  `json:"source,omitempty"`
	Target  string  `json:"target"`
	Type    string  `json:"type,omitempty"`
	Flags   uintptr `json:"flags,omitempty"`
	Options string  `json:"options,omitempty"`
}

// Rlimit is one setrlimit(2) call. Resource is a Linux RLIMIT_* value.
type Rlimit struct {
	Resource int    `json:"resource"`
	Soft     uint64 `json:"soft"`
	Hard     uint64 `json:"hard"`
}

// Validate checks what the supervisor cannot do without.
func (s *Spec) Validate() error {
	if len(s.Argv) == 0 || s.program() == "" {
		return errors.New("launch spec has no command")
	}
	if !filepath.IsAbs(s.WorkDir) {
		return fmt.Errorf("working directory %q is not absolute", s.WorkDir)
	}
	if s.Stdout == "" || s.Stderr == "" {
		return errors.New("launch spec has no stdout or stderr path")
	}
	if s.SelfSupervised && !s.SelfSupervisable() {
		return errors.New("a self-supervised command cannot have namespaces, mounts, pre-exec commands, rlimits or a TTY")
	}
	return nil
}

func writeSpec(dir string, s *Spec) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode launch spec: %w", err)
	}
	return writeFileAtomic(filepath.Join(dir, specFile), data, 0o600)
}

func readSpec(dir string) (*Spec, error) {
	data, err := os.ReadFile(filepath.Join(dir, specFile))
	if err != nil {
		return nil, fmt.Errorf("read launch spec: %w", err)
	}
	var s Spec
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("decode launch spec %s: %w", filepath.Join(dir, specFile), err)
	}
	return &s, nil
}

// program is what is executed.
func (s *Spec) program() string {
	if s.Path != "" {
		return s.Path
	}
	return s.Argv[0]
}

// SelfSupervisable reports whether the spec asks for nothing that only
// the supervisor can do.
func (s *Spec) SelfSupervisable() bool {
	return s.CloneFlags == 0 && len(s.Mounts) == 0 && len(s.PreExec) == 0 && len(s.Rlimits) == 0 && s.TTY == nil
}
