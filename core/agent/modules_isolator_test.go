package agent

import (
	"context"
	"errors"
	"strings"
	"syscall"
	"testing"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/isolator"
	"github.com/gomesos/mesos/modules/runtime/plugin"
	"github.com/gomesos/mesos/sdk/examples/plugin/env-isolator/envisolator"
)

// TestIsolatorModules: --isolation takes a built-in, a built-in the
// daemon registered under a name of its own (loaded by a manifest) and a
// plugin isolator (the SDK's env-isolator, built here); every container
// goes through all three, so the task sees both isolators' variables and
// the plugin's open-files limit. Across an agent restart the plugin keeps
// running (detached) and the next agent reattaches to it, its container
// still isolated.
func TestIsolatorModules(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	envIsolator := buildPlugin(t, "sdk/examples/plugin/env-isolator")
	cfg := agentConfig(t, m.addr, work)
	cfg.Catalog = testCatalog(t, entry(modules.KindIsolator, "org_example_env", func(p map[string]string) (any, error) {
		return envisolator.New(p)
	}))
	cfg.Modules = manifestOf(t,
		builtinLib("org_example", mod("org_example_env", "Isolator", "env.BUILTIN_MARK", "from-builtin", "nofile", "none")),
		fileLib(envIsolator, mod("env", "Isolator", "env.PLUGIN_MARK", "from-plugin", "nofile", "777:888")),
	)
	cfg.Isolation = "posix/cpu,org_example_env,env"
	a := startAgent(t, cfg)

	s := subscribeScheduler(t, m.addr, frameworkInfo("isolated", true))
	o := s.offer()
	s.launch(o,
		commandTask("env", `echo "marks: $BUILTIN_MARK $PLUGIN_MARK"; echo "nofile: $(ulimit -Sn) $(ulimit -Hn)"`, "cpus:0.1;mem:32"),
		commandTask("long", "sleep 60", "cpus:0.1;mem:32"))
	s.waitState("env", mesospb.TaskState_TASK_FINISHED)
	stdout := sandboxOf(a, s.id, "env") + "/stdout"
	eventually(t, "the isolators' marks in the task's output", func() bool {
		out := readFile(stdout)
		return strings.Contains(out, "marks: from-builtin from-plugin") && strings.Contains(out, "nofile: 777 888")
	})

	mods := modulesOf(t, a)
	for name, want := range map[string]struct{ library, runtime string }{
		"posix/cpu":       {"builtin", "builtin"},
		"org_example_env": {"org_example", "builtin"},
		"env":             {envIsolator, "plugin"},
		"sandbox":         {"builtin", "builtin"},
	} {
		got, ok := mods[name]
		if !ok || got.Kind != "Isolator" && name != "sandbox" || got.Library != want.library || got.Runtime != want.runtime || got.State != "healthy" {
			t.Errorf("/modules %s: %+v, want library %s, runtime %s, healthy", name, got, want.library, want.runtime)
		}
	}
	if mods["env"].Calls == 0 {
		t.Error("the plugin isolator was never called")
	}
	metrics := metricsOf(t, a)
	if metrics["modules/env-isolator/env/Prepare/calls"] < 2 || metrics["modules/org_example/org_example_env/Prepare/calls"] < 2 {
		t.Errorf("module metrics: env Prepare %v, org_example_env Prepare %v",
			metrics["modules/env-isolator/env/Prepare/calls"], metrics["modules/org_example/org_example_env/Prepare/calls"])
	}

	// Restart: the plugin outlives the agent and is reattached.
	s.waitState("long", mesospb.TaskState_TASK_RUNNING)
	first := pluginStatus(t, a, "env")
	cfg.Port = a.port
	a.stop(t)
	b := startAgent(t, cfg)
	again := pluginStatus(t, b, "env")
	if !again.Reattached || again.PID != first.PID {
		t.Errorf("after the restart the plugin is %+v; before it was %+v", again, first)
	}
	b.waitRegistered(t)
	s.send(killCall("long", o.GetAgentId()))
	s.waitState("long", mesospb.TaskState_TASK_KILLED)
	// With no container left, stopping the agent stops the plugin too.
	eventually(t, "no container left", func() bool { return len(b.containerizer.Containers()) == 0 })
	b.stop(t)
	checkNoProcesses(t, work)
	if err := syscall.Kill(again.PID, 0); err == nil {
		t.Errorf("the plugin process %d outlived an agent that had no container left", again.PID)
		_ = syscall.Kill(again.PID, syscall.SIGKILL)
	}
}

// pluginStatus is the process state of a loaded plugin module.
func pluginStatus(t *testing.T, ta *testAgent, name string) plugin.Status {
	t.Helper()
	m, ok := ta.mods.host.Lookup(name)
	if !ok {
		t.Fatalf("module %s is not loaded", name)
	}
	sup, ok := m.Instance.Impl.(plugin.Supervised)
	if !ok {
		t.Fatalf("module %s is not a plugin", name)
	}
	return sup.PluginStatus()
}

// failingIsolator fails the Prepare of containers whose command mentions
// "refuse-me".
type failingIsolator struct{ isolator.Nop }

func (failingIsolator) Prepare(_ context.Context, req *isolator.PrepareRequest) (*isolator.PrepareResponse, error) {
	if strings.Contains(req.GetConfig().GetTaskInfo().GetCommand().GetValue(), "refuse-me") {
		return nil, errors.New("no GPU left")
	}
	return &isolator.PrepareResponse{}, nil
}

// TestIsolatorFailureFailsTheLaunch: an isolator module that fails fails
// that container's launch, with the module named; the agent and its other
// containers carry on, and /modules shows the module's last error.
func TestIsolatorFailureFailsTheLaunch(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, work)
	cfg.Catalog = testCatalog(t, entry(modules.KindIsolator, "org_example_gpu", func(map[string]string) (any, error) {
		return failingIsolator{}, nil
	}))
	cfg.Isolation = "posix/cpu,org_example_gpu"
	a := startAgent(t, cfg)
	s := subscribeScheduler(t, m.addr, frameworkInfo("gpu", false))
	o := s.offer()
	s.launch(o, commandTask("refused", "echo refuse-me", "cpus:0.1;mem:32"), commandTask("fine", "echo fine", "cpus:0.1;mem:32"))
	st := s.waitState("refused", mesospb.TaskState_TASK_FAILED)
	if st.GetReason() != mesospb.TaskStatus_REASON_CONTAINER_LAUNCH_FAILED ||
		!strings.Contains(st.GetMessage(), "Isolator module 'builtin/org_example_gpu' Prepare: no GPU left") {
		t.Errorf("refused task: %s %q", st.GetReason(), st.GetMessage())
	}
	s.waitState("fine", mesospb.TaskState_TASK_FINISHED)
	if got := modulesOf(t, a)["org_example_gpu"]; !strings.Contains(got.LastError, "no GPU left") {
		t.Errorf("/modules org_example_gpu: %+v", got)
	}
	if n := metricsOf(t, a)["modules/builtin/org_example_gpu/errors/error"]; n != 1 {
		t.Errorf("modules/builtin/org_example_gpu/errors/error = %v", n)
	}
	a.stop(t)
	checkNoProcesses(t, work)
}
