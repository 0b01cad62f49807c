package agent

import (
	"fmt"
	"os"
	"path/filepath"
)

// The helper programs the agent runs, as Mesos installs them in its
// libexec directory (--launcher_dir): the container supervisor and the
// built-in executors. `make build` builds them next to the daemons.
const (
	supervisorProgram = "mesos-containerizer"
	executorProgram   = "mesos-executor"
)

// helperPrograms are the absolute paths of the helper programs. Each is
// either the dedicated binary or the agent's own binary, which plays every
// helper's part in a hidden mode (slower to start: it is the whole agent).
// An empty supervisor is the running binary as /proc/self/exe (the
// launcher's default), which survives the file being replaced.
type helperPrograms struct {
	supervisor string
	executor   string
}

// findHelpers looks for the helper programs in launcherDir when it is
// given (they must be there) and else next to the running binary, falling
// back to the running binary itself.
func findHelpers(launcherDir string) (helperPrograms, error) {
	self, err := os.Executable()
	if err != nil {
		return helperPrograms{}, fmt.Errorf("find the agent's own binary: %w", err)
	}
	if launcherDir != "" {
		var h helperPrograms
		for _, p := range []struct {
			name string
			to   *string
		}{{supervisorProgram, &h.supervisor}, {executorProgram, &h.executor}} {
			path := filepath.Join(launcherDir, p.name)
			if !isExecutable(path) {
				return helperPrograms{}, fmt.Errorf("--launcher_dir: no executable '%s' in '%s'", p.name, launcherDir)
			}
			*p.to = path
		}
		return h, nil
	}
	h := helperPrograms{executor: self}
	dir := filepath.Dir(self)
	if p := filepath.Join(dir, supervisorProgram); isExecutable(p) {
		h.supervisor = p
	}
	if p := filepath.Join(dir, executorProgram); isExecutable(p) {
		h.executor = p
	}
	return h, nil
}

func isExecutable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0
}
