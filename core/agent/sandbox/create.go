package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Permissions of what this package creates: parents as os::mkdir makes them,
// sandboxes closed to "others" as Mesos's createSandboxDirectory does.
const (
	dirPerm     os.FileMode = 0o755
	sandboxPerm os.FileMode = 0o750
)

// CreateAgent creates <root>/slaves/<agent_id> and points <root>/slaves/latest
// at it (Mesos's createSlaveDirectory). Call it for both trees.
func CreateAgent(t Tree, agentID string) (AgentDir, error) {
	a, err := t.Agent(agentID)
	if err != nil {
		return AgentDir{}, err
	}
	if err := os.MkdirAll(a.Path(), dirPerm); err != nil {
		return AgentDir{}, fmt.Errorf("create agent directory: %w", err)
	}
	if err := pointLatest(t.LatestAgent(), a.Path()); err != nil {
		return AgentDir{}, err
	}
	return a, nil
}

// CreateRun creates the sandbox of an executor run and points the
// executor's runs/latest at it (Mesos's createExecutorDirectory). The
// sandbox is mode 0750 and, when user is not empty, owned by that user.
func CreateRun(t Tree, r Run, user string) (RunDir, error) {
	run, err := r.Dir(t)
	if err != nil {
		return RunDir{}, err
	}
	if err := CreateSandboxDir(run.Path(), user); err != nil {
		return RunDir{}, err
	}
	if err := pointLatest(run.LatestLink(), run.Path()); err != nil {
		return RunDir{}, err
	}
	return run, nil
}

// CreateSandboxDir creates dir (and its parents) as a task sandbox: mode
// 0750 and owned by user when one is given. It is for nested sandboxes too.
// A user that does not exist, or a chown the agent may not make, is an
// error and the directory is removed again.
func CreateSandboxDir(dir, user string) error {
	if err := os.MkdirAll(dir, dirPerm); err != nil {
		return fmt.Errorf("create sandbox %s: %w", dir, err)
	}
	// MkdirAll is subject to the umask and leaves an existing directory
	// as it was: set the mode explicitly.
	if err := os.Chmod(dir, sandboxPerm); err != nil {
		return fmt.Errorf("chmod sandbox %s: %w", dir, err)
	}
	if user == "" {
		return nil
	}
	uid, gid, err := LookupUser(user)
	if err != nil {
		_ = os.Remove(dir)
		return fmt.Errorf("create sandbox %s: %w", dir, err)
	}
	if err := os.Chown(dir, uid, gid); err != nil {
		_ = os.Remove(dir)
		return fmt.Errorf("chown sandbox %s to user '%s': %w", dir, user, err)
	}
	return nil
}

// pointLatest makes link a symlink to target, replacing what was there in
// one rename so readers never see it missing. A link that is not there yet
// (an executor's first run) is made in place: creating a file is what
// costs, and a rename on top of it is another directory update.
func pointLatest(link, target string) error {
	if err := os.Symlink(target, link); err == nil {
		return nil
	} else if !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("symlink %s to %s: %w", link, target, err)
	}
	var suffix [8]byte
	_, _ = rand.Read(suffix[:])
	tmp := filepath.Join(filepath.Dir(link), "."+filepath.Base(link)+"."+hex.EncodeToString(suffix[:]))
	if err := os.Symlink(target, tmp); err != nil {
		return fmt.Errorf("symlink %s to %s: %w", link, target, err)
	}
	if err := os.Rename(tmp, link); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("symlink %s to %s: %w", link, target, err)
	}
	return nil
}
