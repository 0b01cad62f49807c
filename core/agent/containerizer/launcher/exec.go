package launcher

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// execCommand is the main of the command's process before it becomes the
// command: it sets the rlimits (as root, so hard limits can be raised),
// switches user, enters the working directory and execs. It returns only
// on failure, with the shell's codes: 127 for a command not found, 126 for
// one that cannot be executed.
func execCommand(dir string) int {
	spec, err := readSpec(dir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "Failed to read the launch spec: %v\n", err)
		return 126
	}
	for _, rl := range spec.Rlimits {
		lim := unix.Rlimit{Cur: rl.Soft, Max: rl.Hard}
		if err := unix.Setrlimit(rl.Resource, &lim); err != nil {
			fmt.Fprintf(os.Stderr, "Failed to set rlimit %d: %v\n", rl.Resource, err)
			return 126
		}
	}
	if spec.User != "" {
		if err := switchUser(spec.User); err != nil {
			fmt.Fprintf(os.Stderr, "Failed to switch to user '%s': %v\n", spec.User, err)
			return 126
		}
	}
	if err := os.Chdir(spec.WorkDir); err != nil {
		fmt.Fprintf(os.Stderr, "Failed to change to working directory '%s': %v\n", spec.WorkDir, err)
		return 126
	}
	path, err := lookPath(spec.program(), spec.Env)
	if err != nil {
		fmt.Fprintf(os.Stderr, "Failed to execute '%s': %v\n", spec.program(), err)
		return 127
	}
	err = syscall.Exec(path, spec.Argv, spec.Env)
	fmt.Fprintf(os.Stderr, "Failed to execute '%s': %v\n", path, err)
	if errors.Is(err, syscall.ENOENT) {
		return 127
	}
	return 126
}

// switchUser makes the process run as the named user, with its groups.
func switchUser(name string) error {
	cred, err := lookupCredential(name)
	if err != nil {
		return err
	}
	groups := make([]int, len(cred.Groups))
	for i, g := range cred.Groups {
		groups[i] = int(g)
	}
	if err := syscall.Setgroups(groups); err != nil {
		return fmt.Errorf("setgroups: %w", err)
	}
	if err := syscall.Setgid(int(cred.Gid)); err != nil {
		return fmt.Errorf("setgid: %w", err)
	}
	if err := syscall.Setuid(int(cred.Uid)); err != nil {
		return fmt.Errorf("setuid: %w", err)
	}
	return nil
}

// lookupCredential is the named user's uid, primary gid and groups (the
// primary one first).
func lookupCredential(name string) (*syscall.Credential, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return nil, err
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("uid %q: %w", u.Uid, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("gid %q: %w", u.Gid, err)
	}
	cred := &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{uint32(gid)}}
	if ids, err := u.GroupIds(); err == nil {
		for _, s := range ids {
			if g, err := strconv.ParseUint(s, 10, 32); err == nil && uint32(g) != cred.Gid {
				cred.Groups = append(cred.Groups, uint32(g))
			}
		}
	}
	return cred, nil
}

// lookPath finds a command in the PATH of the command's environment, not
// ours.
func lookPath(name string, env []string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	path := ""
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
	}
	for _, d := range filepath.SplitList(path) {
		if d == "" {
			d = "."
		}
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("not found in PATH %q", path)
}
