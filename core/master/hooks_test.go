package master

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/hooks"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	"github.com/gomesos/mesos/modules/kinds/hook"
)

// recordingHook labels tasks, halves their cpus and remembers lost agents.
type recordingHook struct {
	hook.Nop
	mu   sync.Mutex
	lost []string
	// offered is what the resource decorator was given.
	offered []*mesospb.Resource
}

func (h *recordingHook) MasterLaunchTaskLabelDecorator(_ context.Context, req *hook.MasterLaunchTaskLabelDecoratorRequest) (*hook.MasterLaunchTaskLabelDecoratorResponse, error) {
	labels := &mesospb.Labels{Labels: append(req.GetTask().GetLabels().GetLabels(),
		&mesospb.Label{Key: proto.String("agent"), Value: proto.String(req.GetAgent().GetHostname())})}
	return &hook.MasterLaunchTaskLabelDecoratorResponse{Labels: labels}, nil
}

func (h *recordingHook) MasterLaunchTaskResourceDecorator(_ context.Context, req *hook.MasterLaunchTaskResourceDecoratorRequest) (*hook.MasterLaunchTaskResourceDecoratorResponse, error) {
	h.mu.Lock()
	h.offered = req.GetAgentResources()
	h.mu.Unlock()
	out := &hook.ResourceList{}
	for _, r := range req.GetTask().GetResources() {
		r = proto.CloneOf(r)
		if r.GetName() == "cpus" {
			r.Scalar.Value = proto.Float64(r.GetScalar().GetValue() / 2)
		}
		out.Resources = append(out.Resources, r)
	}
	return &hook.MasterLaunchTaskResourceDecoratorResponse{Resources: out}, nil
}

func (h *recordingHook) MasterSlaveLostHook(_ context.Context, req *hook.MasterSlaveLostHookRequest) (*hook.MasterSlaveLostHookResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lost = append(h.lost, req.GetAgent().GetId().GetValue())
	return &hook.MasterSlaveLostHookResponse{}, nil
}

func TestMasterHooks(t *testing.T) {
	h := &recordingHook{}
	manager := hooks.New(nil)
	if err := manager.Add("recorder", h); err != nil {
		t.Fatal(err)
	}
	tm := startMaster(t, func(c *Config) { c.Hooks = manager })
	agent := registerAgent(t, tm, "cpus:4;mem:1024", nil)
	s := subscribe(t, tm, httpapi.JSON, frameworkInfo("hooked"))
	offer := s.nextOffer()
	s.mustSend(launchCall(offer, commandTask(t, "t1", offer, "cpus:2;mem:64")))

	run := agent.next("RUN_TASK", agentmasterpb.AgentEvent_RUN_TASK).GetRunTask().GetTask()
	cpus := scalar(run.GetResources(), "cpus")
	if cpus != 1 {
		t.Errorf("task launched with %v cpus, want the decorated 1", cpus)
	}
	if l := run.GetLabels().GetLabels(); len(l) != 1 || l[0].GetKey() != "agent" || l[0].GetValue() != "agent-host" {
		t.Errorf("task labels %v", l)
	}
	h.mu.Lock()
	offered := scalar(h.offered, "cpus")
	h.mu.Unlock()
	if offered != 4 {
		t.Errorf("the resource decorator saw %v offered cpus, want 4", offered)
	}

	agent.send(&agentmasterpb.AgentCall{Type: agentmasterpb.AgentCall_UNREGISTER.Enum()})
	until(t, "masterSlaveLostHook", func() error {
		h.mu.Lock()
		defer h.mu.Unlock()
		if len(h.lost) != 1 || h.lost[0] != agent.id {
			return errorf("lost agents %v", h.lost)
		}
		return nil
	})
}

func TestWhitelist(t *testing.T) {
	file := t.TempDir() + "/whitelist"
	writeFile(t, file, "other-host\n")
	tm := startMaster(t, func(c *Config) {
		c.Whitelist = file
		c.WhitelistInterval = 20 * time.Millisecond
	})
	registerAgent(t, tm, "cpus:4;mem:1024", nil)
	s := subscribe(t, tm, httpapi.JSON, frameworkInfo("whitelisted"))
	// The HEARTBEAT that follows SUBSCRIBED at once is no offer.
	for quiet := time.After(300 * time.Millisecond); quiet != nil; {
		select {
		case ev := <-s.events.events:
			if ev.GetType() != schedulerpb.Event_HEARTBEAT {
				t.Fatalf("an agent off the whitelist was offered: %v", ev)
			}
		case <-quiet:
			quiet = nil
		}
	}
	writeFile(t, file, "other-host\nagent-host\n")
	if offer := s.nextOffer(); offer.GetHostname() != "agent-host" {
		t.Errorf("offer from %s", offer.GetHostname())
	}
	var events []string
	if err := tm.call(context.Background(), func() {
		for _, ev := range tm.allocatorSnapshot() {
			if w := ev.GetWhitelistUpdated(); w != nil {
				events = append(events, w.GetHostnames()...)
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 || events[0] != "agent-host" || events[1] != "other-host" {
		t.Errorf("snapshot whitelist %v", events)
	}
}

func TestAllocatorSnapshot(t *testing.T) {
	snap := &AllocatorSnapshot{}
	if _, err := snap.Events(context.Background()); err == nil {
		t.Error("a snapshot before the master exists")
	}
	tm := startMaster(t, func(c *Config) {
		c.AllocatorSnapshot = snap
		c.Weights = map[string]float64{"web": 2}
	})
	agent := registerAgent(t, tm, "cpus:4;mem:1024", nil)
	s := subscribe(t, tm, httpapi.JSON, frameworkInfo("snap"))
	offer := s.nextOffer()
	take := func() []*allocatorEventView {
		var events []*allocatorEventView
		if err := tm.call(context.Background(), func() {
			evs, err := snap.Events(context.Background())
			if err != nil {
				t.Error(err)
			}
			for _, ev := range evs {
				events = append(events, viewEvent(ev))
			}
		}); err != nil {
			t.Fatal(err)
		}
		if len(events) != 3 {
			t.Fatalf("snapshot %v", events)
		}
		return events
	}
	// What is offered is allocated.
	events := take()
	added := events[0]
	if added.kind != "agent" || added.id != agent.id || !added.active || scalar(added.total, "cpus") != 4 {
		t.Errorf("agent event %+v", added)
	}
	if got := scalar(added.used[s.id], "cpus"); got != 4 {
		t.Errorf("offered to the framework on the agent: %v cpus, want 4", got)
	}
	if fw := events[1]; fw.kind != "framework" || fw.id != s.id || !fw.active {
		t.Errorf("framework event %+v", fw)
	}
	if w := events[2]; w.kind != "weights" {
		t.Errorf("weights event %+v", w)
	}
	// What a task uses is allocated; what the ACCEPT left went back.
	s.mustSend(launchCall(offer, commandTask(t, "t1", offer, "cpus:1;mem:64")))
	agent.next("RUN_TASK", agentmasterpb.AgentEvent_RUN_TASK)
	if got := scalar(take()[0].used[s.id], "cpus"); got != 1 {
		t.Errorf("used by the framework on the agent: %v cpus, want 1", got)
	}
}

// scalar is the total of a scalar resource.
func scalar(rs []*mesospb.Resource, name string) float64 {
	sum, _ := resources.New(rs...).SumScalar(name)
	return sum.Float()
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// allocatorEventView is what the snapshot test looks at in an event.
type allocatorEventView struct {
	kind   string
	id     string
	active bool
	total  []*mesospb.Resource
	used   map[string][]*mesospb.Resource
}

func viewEvent(ev *allocator.Event) *allocatorEventView {
	switch k := ev.GetKind().(type) {
	case *allocator.Event_AgentAdded:
		v := &allocatorEventView{kind: "agent", id: k.AgentAdded.GetAgentId(), active: k.AgentAdded.GetActive(),
			total: k.AgentAdded.GetTotal(), used: map[string][]*mesospb.Resource{}}
		for _, u := range k.AgentAdded.GetUsed() {
			v.used[u.GetFrameworkId()] = u.GetResources()
		}
		return v
	case *allocator.Event_FrameworkAdded:
		return &allocatorEventView{kind: "framework", id: k.FrameworkAdded.GetFrameworkId(), active: k.FrameworkAdded.GetActive()}
	case *allocator.Event_WeightsUpdated:
		return &allocatorEventView{kind: "weights"}
	}
	return &allocatorEventView{kind: "other"}
}
