package agent

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// TestLogrotateContainerLogger: with --container_logger=logrotate the
// agent forwards a chatty task's stdout to the logger, which keeps the
// sandbox's stdout under its maximum size and the older output in
// rotated files; the output survives whole.
func TestLogrotateContainerLogger(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, work)
	cfg.Modules = manifestOf(t, builtinLib("builtin", mod("logrotate", "ContainerLogger",
		"max_stdout_size", "16KB", "logrotate_stdout_options", "rotate 20")))
	cfg.ContainerLogger = "logrotate"
	a := startAgent(t, cfg)

	s := subscribeScheduler(t, m.addr, frameworkInfo("chatty", false))
	o := s.offer()
	// About 100 KB: 2000 lines of 50 bytes.
	s.launch(o, commandTask("chatty", `i=0; while [ $i -lt 2000 ]; do printf 'line %06d ......................................\n' $i; i=$((i+1)); done`, "cpus:0.1;mem:32"))
	s.waitState("chatty", mesospb.TaskState_TASK_FINISHED)

	dir := sandboxOf(a, s.id, "chatty")
	eventually(t, "the last line in stdout", func() bool {
		return strings.Contains(readFile(filepath.Join(dir, "stdout")), "line 001999")
	})
	st, err := os.Stat(filepath.Join(dir, "stdout"))
	if err != nil || st.Size() > 16<<10 {
		t.Fatalf("stdout: %v, size %d, want at most 16 KB", err, st.Size())
	}
	rotated, _ := filepath.Glob(filepath.Join(dir, "stdout.*"))
	if len(rotated) < 4 {
		t.Fatalf("rotated files %v, want at least 4", rotated)
	}
	all := readFile(filepath.Join(dir, "stdout"))
	for _, f := range rotated {
		all += readFile(f)
	}
	for _, line := range []string{"line 000000", "line 001000", "line 001999"} {
		if !strings.Contains(all, line) {
			t.Errorf("%q was lost", line)
		}
	}
	if calls := metricsOf(t, a)["modules/builtin/logrotate/Write/calls"]; calls == 0 {
		t.Error("the logger's Write was never called")
	}
	// The FIFOs go with the container.
	eventually(t, "the container's FIFOs removed", func() bool {
		fifos, _ := filepath.Glob(filepath.Join(work, "run", "containers", "*", "*.fifo"))
		return len(fifos) == 0
	})
	a.stop(t)
	checkNoProcesses(t, work)
}

// TestBadModulesStopTheAgent: a manifest that does not load, or a flag
// naming a module that is not there, stops the agent at start-up with an
// error naming the library, the module and the reason.
func TestBadModulesStopTheAgent(t *testing.T) {
	for _, tc := range []struct {
		name   string
		modify func(*Config)
		want   []string
	}{
		{"malformed", func(c *Config) { c.Modules = []byte(`{"libraries": [`) }, []string{"module manifest --modules", "malformed"}},
		{"unknown built-in", func(c *Config) {
			c.Modules = manifestOf(t, builtinLib("builtin", mod("org_nope", "Isolator")))
		}, []string{"failed to load module 'org_nope' of library 'builtin'", "module not found"}},
		{"missing plugin file", func(c *Config) {
			c.Modules = manifestOf(t, fileLib("/nonexistent/gpu-isolator", mod("gpu", "Isolator")))
		}, []string{"module manifest --modules: library '/nonexistent/gpu-isolator'", "module file missing", "does not exist"}},
		{"built-in without its parameters", func(c *Config) {
			c.Modules = manifestOf(t, builtinLib("builtin", mod("fixed", "ResourceEstimator")))
		}, []string{"failed to load module 'fixed' of library 'builtin'", "missing parameter 'resources'"}},
		{"unknown isolator", func(c *Config) { c.Isolation = "posix/cpu,org_gpu" }, []string{"--isolation", "unknown isolator 'org_gpu'"}},
		{"wrong kind", func(c *Config) {
			c.Modules = manifestOf(t, builtinLib("builtin", mod("sandbox", "ContainerLogger")))
			c.Isolation = "sandbox"
		}, []string{"--isolation: module 'sandbox' is a ContainerLogger module, not a Isolator module"}},
		{"unknown hook", func(c *Config) { c.Hooks = "org_nope" }, []string{"--hooks", "No hook module named 'org_nope'"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := agentConfig(t, "127.0.0.1:1", t.TempDir())
			tc.modify(&cfg)
			a, err := New(cfg)
			if err == nil {
				a.listener.Close()
				t.Fatal("the agent started")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}
