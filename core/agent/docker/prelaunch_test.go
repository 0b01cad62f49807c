package docker

import (
	"context"
	"log/slog"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// TestPreLaunchSetsTheHooksVariables: the variables the hooks return are
// set in a copy of the executor's environment, a later one of a name
// winning over the agent's and an earlier one; the hooks see the
// container's name, the sandbox and its path in the container; without
// hooks the environment is left as it is.
func TestPreLaunchSetsTheHooksVariables(t *testing.T) {
	var got *PreLaunchRequest
	c := &Containerizer{log: slog.New(slog.DiscardHandler), opts: Options{
		MappedDirectory: "/mnt/mesos/sandbox",
		PreLaunch: func(_ context.Context, req *PreLaunchRequest) PreLaunchResult {
			got = req
			v := func(k, v string) *mesospb.Environment_Variable {
				return &mesospb.Environment_Variable{Name: proto.String(k), Value: proto.String(v)}
			}
			return PreLaunchResult{
				ExecutorEnvironment: &mesospb.Environment{Variables: []*mesospb.Environment_Variable{v("A", "hook"), v("B", "one"), v("B", "two")}},
				TaskEnvironment:     &mesospb.Environment{Variables: []*mesospb.Environment_Variable{v("T", "one"), v("T", "two")}},
			}
		},
	}}
	ct := &container{id: &mesospb.ContainerID{Value: proto.String("c1")}, name: "mesos-c1"}
	cfg := &isolator.ContainerConfig{Directory: "/sandbox", TaskInfo: &mesospb.TaskInfo{TaskId: &mesospb.TaskID{Value: proto.String("t1")}}}
	env := map[string]string{"A": "agent", "C": "agent"}
	out, task := c.preLaunch(context.Background(), ct, cfg, env)
	if out["A"] != "hook" || out["B"] != "two" || out["C"] != "agent" || len(out) != 3 {
		t.Errorf("environment %v", out)
	}
	if task["T"] != "two" || len(task) != 1 {
		t.Errorf("task environment %v", task)
	}
	if both := withTaskEnvironment(out, task); both["T"] != "two" || both["A"] != "hook" || len(both) != 4 || len(out) != 3 {
		t.Errorf("executor and task environments %v (executor's now %v)", both, out)
	}
	if env["A"] != "agent" || len(env) != 2 {
		t.Errorf("the agent's environment was changed: %v", env)
	}
	if got.ContainerName != "mesos-c1" || got.ContainerWorkDirectory != "/sandbox" || got.MappedSandboxDirectory != "/mnt/mesos/sandbox" ||
		got.Task.GetTaskId().GetValue() != "t1" || got.Env["C"] != "agent" {
		t.Errorf("request %+v", got)
	}
	c.opts.PreLaunch = nil
	if out, task := c.preLaunch(context.Background(), ct, cfg, env); len(out) != 2 || out["A"] != "agent" || task != nil {
		t.Errorf("without hooks: %v, %v", out, task)
	}
}
