package agent

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/checkpoint"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/resources"
)

// TestExecutorEnvironment checks the environment an executor (and its
// task) gets, as WIRE.md lists it.
func TestExecutorEnvironment(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	a := startAgent(t, agentConfig(t, m.addr, work))
	s := subscribeScheduler(t, m.addr, frameworkInfo("env", true))
	o := s.offer()
	task := commandTask("env", "env > env.txt", "cpus:0.1;mem:32")
	task.Command.Environment = &mesospb.Environment{Variables: []*mesospb.Environment_Variable{
		{Name: proto.String("FROM_TASK"), Value: proto.String("yes")},
	}}
	s.launch(o, task)
	s.waitState("env", mesospb.TaskState_TASK_FINISHED)
	run := filepath.Join(work, "slaves", a.agentIDForFetch(), "frameworks", s.id, "executors", "env", "runs", "latest")
	dir, err := filepath.EvalSymlinks(run)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "env.txt"))
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			env[k] = v
		}
	}
	want := map[string]string{
		"MESOS_FRAMEWORK_ID":                   s.id,
		"MESOS_EXECUTOR_ID":                    "env",
		"MESOS_AGENT_ID":                       a.agentIDForFetch(),
		"MESOS_SLAVE_ID":                       a.agentIDForFetch(),
		"MESOS_DIRECTORY":                      dir,
		"MESOS_SANDBOX":                        dir,
		"MESOS_AGENT_ENDPOINT":                 a.Endpoint(),
		"MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD": "5secs",
		"MESOS_CHECKPOINT":                     "1",
		"MESOS_RECOVERY_TIMEOUT":               "15mins",
		"MESOS_SUBSCRIPTION_BACKOFF_MAX":       "2secs",
		"FROM_TASK":                            "yes",
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s=%q, want %q", k, env[k], v)
		}
	}
	if _, ok := env["GOMESOS_EXECUTOR"]; ok {
		t.Error("the executor mode leaked into the task's environment")
	}
	a.stop(t)
	checkNoProcesses(t, work)
}

// TestDetectedResources: what --resources leaves out comes from the host.
func TestDetectedResources(t *testing.T) {
	work := t.TempDir()
	r, err := totalResources("cpus:2", "*", work)
	if err != nil {
		t.Fatal(err)
	}
	if cpus, _ := r.CPUs(); cpus != 2 {
		t.Errorf("cpus %v", cpus)
	}
	mem, _ := r.Mem()
	total, _ := memTotal()
	wantMem := float64(total-gigabyte) / megabyte
	if total < 2*gigabyte {
		wantMem = float64(total/2) / megabyte
	}
	if d := mem - wantMem; d > 0.01 || d < -0.01 {
		t.Errorf("mem %v, want %v", mem, wantMem)
	}
	if ports, _ := r.Ports(); ports.String() != "[31000-32000]" {
		t.Errorf("ports %s", ports)
	}
	if disk, _ := r.Disk(); disk <= 0 {
		t.Errorf("disk %v", disk)
	}
	r, err = totalResources("", "*", work)
	if err != nil {
		t.Fatal(err)
	}
	if cpus, _ := r.CPUs(); cpus != float64(runtime.NumCPU()) {
		t.Errorf("detected cpus %v", cpus)
	}
	if _, err := totalResources("cpus:x", "*", work); err == nil {
		t.Error("bad --resources accepted")
	}
}

// TestReserve: a RESERVE the master applies is checkpointed by the agent
// and reported again after a restart.
func TestReserve(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, work)
	a := startAgent(t, cfg)
	info := frameworkInfo("reserve", false)
	info.Roles = []string{"web"}
	info.Principal = proto.String("ops")
	s := subscribeScheduler(t, m.addr, info)
	o := s.offer()
	reserved := &mesospb.Resource{
		Name: proto.String("cpus"), Type: mesospb.Value_SCALAR.Enum(),
		Scalar:         &mesospb.Value_Scalar{Value: proto.Float64(1)},
		Reservations:   []*mesospb.Resource_ReservationInfo{{Type: mesospb.Resource_ReservationInfo_DYNAMIC.Enum(), Role: proto.String("web"), Principal: proto.String("ops")}},
		AllocationInfo: &mesospb.Resource_AllocationInfo{Role: proto.String("web")},
	}
	s.send(&schedulerpb.Call{Type: schedulerpb.Call_ACCEPT.Enum(), Accept: &schedulerpb.Call_Accept{
		OfferIds: []*mesospb.OfferID{o.GetId()},
		Operations: []*mesospb.Offer_Operation{{
			Type: mesospb.Offer_Operation_RESERVE.Enum(), Reserve: &mesospb.Offer_Operation_Reserve{Resources: []*mesospb.Resource{reserved}},
		}},
	}})
	var msg agentmasterpb.AgentEvent_ApplyOperations
	eventually(t, "the checkpointed reservation", func() bool {
		return checkpoint.Read(a.layout.ResourcesInfoPath(), &msg) == nil && len(msg.GetCheckpointedResources()) == 1
	})
	if got := resources.New(msg.GetCheckpointedResources()...); got.ReservedTo("web").IsEmpty() {
		t.Errorf("checkpointed %s", got)
	}
	cfg.Port = a.port
	a.stop(t)
	b := startAgent(t, cfg)
	eventually(t, "re-registration", func() bool {
		var ok bool
		_ = b.call(t.Context(), func() { ok = b.state == stateRunning && b.checkpointed.Len() == 1 })
		return ok
	})
	var total resources.Resources
	_ = b.call(t.Context(), func() { total = b.totalResources() })
	if r := total.ReservedTo("web"); r.IsEmpty() {
		t.Errorf("total after restart %s", total)
	}
	b.stop(t)
}
