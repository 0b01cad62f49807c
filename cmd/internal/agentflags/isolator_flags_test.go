package agentflags

import (
	"log/slog"
	"testing"

	"github.com/gomesos/mesos/core/agent"
)

// TestIsolatorFlags: the cgroups and namespaces flags of Mesos reach the
// built-in isolators' options, off by default as in Mesos.
func TestIsolatorFlags(t *testing.T) {
	load := func(extra ...string) agent.Config {
		t.Helper()
		cfg, err := loadConfig(t, extra...)
		if err != nil {
			t.Fatalf("%v: %v", extra, err)
		}
		return cfg
	}
	def := load().IsolatorOptions
	if def.CgroupsEnableCFS || def.CgroupsLimitSwap || def.DisallowSharingAgentPIDNamespace {
		t.Errorf("defaults: %+v, want all three off", def)
	}
	on := load("--cgroups_enable_cfs", "--cgroups_limit_swap", "--disallow_sharing_agent_pid_namespace").IsolatorOptions
	if !on.CgroupsEnableCFS || !on.CgroupsLimitSwap || !on.DisallowSharingAgentPIDNamespace {
		t.Errorf("set: %+v, want all three on", on)
	}
	if off := load("--no-cgroups_enable_cfs").IsolatorOptions; off.CgroupsEnableCFS {
		t.Error("--no-cgroups_enable_cfs left CFS on")
	}
}

// TestMesosOnlyFlagsAccepted: flags of Mesos's agent that name what this
// agent does differently (a docker CLI, the libprocess command executor)
// are accepted, so Mesos command lines start it, and show in /flags.
func TestMesosOnlyFlagsAccepted(t *testing.T) {
	fs, _ := New()
	fs.SetLogger(slog.New(slog.DiscardHandler))
	args := []string{"--master=127.0.0.1:5050", "--work_dir=" + t.TempDir(), "--docker=/usr/local/bin/docker", "--no-http_command_executor"}
	if err := fs.Load(fs.Sources(args, nil, ConfigLayout())); err != nil {
		t.Fatal(err)
	}
	values := fs.Values()
	if values["docker"] != "/usr/local/bin/docker" || values["http_command_executor"] != "false" {
		t.Errorf("/flags values: docker=%q http_command_executor=%q", values["docker"], values["http_command_executor"])
	}
}
