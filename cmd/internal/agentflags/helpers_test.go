package agentflags

import (
	"log/slog"
	"testing"

	"github.com/gomesos/mesos/core/agent"
)

// loadConfig loads an agent's flags from a command line (a master and a
// work_dir, then args) and turns them into its Config, as mesos-agent does.
func loadConfig(t *testing.T, args ...string) (agent.Config, error) {
	t.Helper()
	fs, f := New()
	fs.SetLogger(slog.New(slog.DiscardHandler))
	all := append([]string{"--master=127.0.0.1:5050", "--work_dir=" + t.TempDir()}, args...)
	if err := fs.Load(fs.Sources(all, nil, ConfigLayout())); err != nil {
		return agent.Config{}, err
	}
	return f.Config(fs, nil, slog.New(slog.DiscardHandler))
}
