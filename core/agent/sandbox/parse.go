package sandbox

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Run names one executor run by its four IDs.
type Run struct {
	AgentID, FrameworkID, ExecutorID, ContainerID string
}

// Dir is the run's directory in the tree.
func (r Run) Dir(t Tree) (RunDir, error) {
	a, err := t.Agent(r.AgentID)
	if err != nil {
		return RunDir{}, err
	}
	f, err := a.Framework(r.FrameworkID)
	if err != nil {
		return RunDir{}, err
	}
	e, err := f.Executor(r.ExecutorID)
	if err != nil {
		return RunDir{}, err
	}
	return e.Run(r.ContainerID)
}

// ParseRunPath reads the IDs back from a run directory (or a path inside
// one) under root, as Mesos's parseExecutorRunPath: the path must be
// root/slaves/<a>/frameworks/<f>/executors/<e>/runs/<c>[/...].
func ParseRunPath(root, dir string) (Run, error) {
	root = filepath.Clean(root)
	dir = filepath.Clean(dir)
	rel, err := filepath.Rel(root, dir)
	if err != nil || rel == "." || !filepath.IsLocal(rel) {
		return Run{}, fmt.Errorf("directory '%s' does not fall under the root directory: %s", dir, root)
	}
	tokens := strings.Split(filepath.ToSlash(rel), "/")
	if len(tokens) < 8 {
		return Run{}, fmt.Errorf("path after root directory is not long enough to be an executor run path: %s", rel)
	}
	if tokens[0] != SlavesDir || tokens[2] != FrameworksDir || tokens[4] != ExecutorsDir || tokens[6] != RunsDir {
		return Run{}, fmt.Errorf("could not parse executor run path from directory: %s", dir)
	}
	r := Run{AgentID: tokens[1], FrameworkID: tokens[3], ExecutorID: tokens[5], ContainerID: tokens[7]}
	if _, err := r.Dir(NewTree(root)); err != nil {
		return Run{}, fmt.Errorf("executor run path %s: %w", dir, err)
	}
	return r, nil
}
