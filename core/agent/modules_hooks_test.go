package agent

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/hook"
)

// recordingHook is a built-in Hook module of the test: it decorates every
// agent hook point it can and records the notifications.
type recordingHook struct {
	hook.Nop
	mu              sync.Mutex
	fetched         []string // sandbox directories
	removed         []string // executor ids
	runLabelled     []string // task ids
	statusDecorated int
}

func label(k, v string) *mesospb.Label {
	return &mesospb.Label{Key: proto.String(k), Value: proto.String(v)}
}

func withLabel(l *mesospb.Labels, add *mesospb.Label) *mesospb.Labels {
	out := proto.CloneOf(l)
	if out == nil {
		out = &mesospb.Labels{}
	}
	out.Labels = append(out.Labels, add)
	return out
}

func (h *recordingHook) SlaveRunTaskLabelDecorator(_ context.Context, req *hook.SlaveRunTaskLabelDecoratorRequest) (*hook.SlaveRunTaskLabelDecoratorResponse, error) {
	h.mu.Lock()
	h.runLabelled = append(h.runLabelled, req.GetTask().GetTaskId().GetValue())
	h.mu.Unlock()
	return &hook.SlaveRunTaskLabelDecoratorResponse{Labels: withLabel(req.GetTask().GetLabels(), label("run_hook", "on "+req.GetAgent().GetHostname()))}, nil
}

func (h *recordingHook) SlaveExecutorEnvironmentDecorator(_ context.Context, req *hook.SlaveExecutorEnvironmentDecoratorRequest) (*hook.SlaveExecutorEnvironmentDecoratorResponse, error) {
	env := proto.CloneOf(req.GetExecutor().GetCommand().GetEnvironment())
	if env == nil {
		env = &mesospb.Environment{}
	}
	env.Variables = append(env.Variables, &mesospb.Environment_Variable{Name: proto.String("HOOK_ENV"), Value: proto.String("decorated")})
	return &hook.SlaveExecutorEnvironmentDecoratorResponse{Environment: env}, nil
}

func (h *recordingHook) SlavePostFetchHook(_ context.Context, req *hook.SlavePostFetchHookRequest) (*hook.SlavePostFetchHookResponse, error) {
	h.mu.Lock()
	h.fetched = append(h.fetched, req.GetDirectory())
	h.mu.Unlock()
	return &hook.SlavePostFetchHookResponse{}, nil
}

func (h *recordingHook) SlaveRemoveExecutorHook(_ context.Context, req *hook.SlaveRemoveExecutorHookRequest) (*hook.SlaveRemoveExecutorHookResponse, error) {
	h.mu.Lock()
	h.removed = append(h.removed, req.GetExecutor().GetExecutorId().GetValue())
	h.mu.Unlock()
	return &hook.SlaveRemoveExecutorHookResponse{}, nil
}

func (h *recordingHook) SlaveTaskStatusDecorator(_ context.Context, req *hook.SlaveTaskStatusDecoratorRequest) (*hook.SlaveTaskStatusDecoratorResponse, error) {
	h.mu.Lock()
	h.statusDecorated++
	h.mu.Unlock()
	st := req.GetStatus()
	return &hook.SlaveTaskStatusDecoratorResponse{Labels: withLabel(st.GetLabels(), label("status_hook", st.GetState().String()))}, nil
}

func (h *recordingHook) SlaveResourcesDecorator(_ context.Context, req *hook.SlaveResourcesDecoratorRequest) (*hook.SlaveResourcesDecoratorResponse, error) {
	rs := append(cloneResources(req.GetAgent().GetResources()), &mesospb.Resource{
		Name: proto.String("hooked"), Type: mesospb.Value_SCALAR.Enum(), Scalar: &mesospb.Value_Scalar{Value: proto.Float64(7)},
	})
	return &hook.SlaveResourcesDecoratorResponse{Resources: &hook.ResourceList{Resources: rs}}, nil
}

func (h *recordingHook) SlaveAttributesDecorator(_ context.Context, req *hook.SlaveAttributesDecoratorRequest) (*hook.SlaveAttributesDecoratorResponse, error) {
	attrs := append([]*mesospb.Attribute{}, req.GetAgent().GetAttributes()...)
	attrs = append(attrs, &mesospb.Attribute{Name: proto.String("hooked"), Type: mesospb.Value_TEXT.Enum(),
		Text: &mesospb.Value_Text{Value: proto.String("yes")}})
	return &hook.SlaveAttributesDecoratorResponse{Attributes: &hook.AttributeList{Attributes: attrs}}, nil
}

// TestHooks: the Hook modules named in --hooks are called at Mesos's agent
// hook points, in order: the agent registers with the resources and
// attributes the first (a built-in) decorated, a task gets the labels of
// both (the second is the SDK's WASM label hook), its executor the first's
// environment, the fetch and the executor's removal are notified, and every
// status update carries its label, up to the master's view of the task.
func TestHooks(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	h := &recordingHook{}
	cfg := agentConfig(t, m.addr, work)
	cfg.Catalog = testCatalog(t, entry(modules.KindHook, "org_example_recorder", func(map[string]string) (any, error) { return h, nil }))
	labelHook := buildWASM(t, "sdk/examples/wasm/label-hook")
	cfg.Modules = manifestOf(t,
		builtinLib("org_example", mod("org_example_recorder", "Hook")),
		fileLib(labelHook, mod("wasm_labels", "Hook", "label.wasm", "yes")))
	cfg.Hooks = "org_example_recorder,wasm_labels"
	a := startAgent(t, cfg)

	s := subscribeScheduler(t, m.addr, frameworkInfo("hooked", false))
	o := s.offer()
	if attr := findAttribute(o.GetAttributes(), "hooked"); attr.GetText().GetValue() != "yes" {
		t.Errorf("offer attributes %v: no hooked:yes", o.GetAttributes())
	}
	if n := scalarOf(o.GetResources(), "hooked"); n != 7 {
		t.Errorf("offer resources: hooked:%g, want 7", n)
	}
	task := commandTask("labelled", `echo "env: $HOOK_ENV"; sleep 0.5`, "cpus:0.1;mem:32")
	task.Labels = &mesospb.Labels{Labels: []*mesospb.Label{label("mine", "1")}}
	s.launch(o, task)

	running := s.waitState("labelled", mesospb.TaskState_TASK_RUNNING)
	if !hasLabel(running.GetLabels(), "status_hook", "TASK_RUNNING") {
		t.Errorf("the scheduler's TASK_RUNNING has labels %v", running.GetLabels())
	}
	var agentLabels *mesospb.Labels
	_ = a.call(t.Context(), func() {
		if fw := a.frameworks[s.id]; fw != nil {
			if e := fw.executorOfTask("labelled"); e != nil && e.launched["labelled"] != nil {
				agentLabels = proto.CloneOf(e.launched["labelled"].proto.GetLabels())
			}
		}
	})
	if !hasLabel(agentLabels, "mine", "1") || !hasLabel(agentLabels, "run_hook", "on localhost") || !hasLabel(agentLabels, "wasm", "yes") {
		t.Errorf("the agent's task has labels %v", agentLabels)
	}
	s.waitState("labelled", mesospb.TaskState_TASK_FINISHED)
	if out := readFile(sandboxOf(a, s.id, "labelled") + "/stdout"); !strings.Contains(out, "env: decorated") {
		t.Errorf("task output %q: the executor environment was not decorated", out)
	}

	// The master's view of the task: each status carries the hook's label.
	statuses := masterTaskStatuses(t, m.addr, "labelled")
	if len(statuses) == 0 {
		t.Fatal("the master shows no status of the task")
	}
	for _, st := range statuses {
		if !jsonLabel(st.Labels, "status_hook", st.State) {
			t.Errorf("master's %s status has labels %v", st.State, st.Labels)
		}
	}

	eventually(t, "the executor's removal", func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		return len(h.removed) == 1 && h.removed[0] == "labelled"
	})
	h.mu.Lock()
	if len(h.fetched) != 1 || h.fetched[0] != sandboxDirOf(a, s.id, "labelled") {
		t.Errorf("post-fetch hook saw %v", h.fetched)
	}
	if len(h.runLabelled) != 1 || h.statusDecorated < 3 {
		t.Errorf("run label decorator saw %v; status decorator called %d times", h.runLabelled, h.statusDecorated)
	}
	h.mu.Unlock()
	if mods := modulesOf(t, a); mods["org_example_recorder"].Kind != "Hook" || mods["org_example_recorder"].State != "healthy" {
		t.Errorf("/modules: %+v", mods["org_example_recorder"])
	}
	a.stop(t)
	checkNoProcesses(t, work)
}

// sandboxDirOf is the real directory of an executor's latest run.
func sandboxDirOf(ta *testAgent, frameworkID, executorID string) string {
	var dir string
	_ = ta.call(context.Background(), func() {
		fw := ta.frameworks[frameworkID]
		if fw == nil {
			for _, done := range ta.completedFrameworks {
				if done.id == frameworkID {
					fw = done
				}
			}
		}
		if fw == nil {
			return
		}
		if e := fw.executors[executorID]; e != nil {
			dir = e.directory
		}
		for _, e := range fw.completedExecutors {
			if e.id == executorID {
				dir = e.directory
			}
		}
	})
	return dir
}

type jsonStatus struct {
	State  string `json:"state"`
	Labels []struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	} `json:"labels"`
}

// masterTaskStatuses reads a task's statuses from the master's /tasks.
func masterTaskStatuses(t *testing.T, masterAddr, taskID string) []jsonStatus {
	t.Helper()
	var doc struct {
		Tasks []struct {
			ID       string       `json:"id"`
			Statuses []jsonStatus `json:"statuses"`
		} `json:"tasks"`
	}
	resp, err := http.Get("http://" + masterAddr + "/master/tasks")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	for _, task := range doc.Tasks {
		if task.ID == taskID {
			return task.Statuses
		}
	}
	return nil
}

func jsonLabel(labels []struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}, key, value string) bool {
	for _, l := range labels {
		if l.Key == key && l.Value == value {
			return true
		}
	}
	return false
}

func hasLabel(l *mesospb.Labels, key, value string) bool {
	for _, x := range l.GetLabels() {
		if x.GetKey() == key && x.GetValue() == value {
			return true
		}
	}
	return false
}

func findAttribute(attrs []*mesospb.Attribute, name string) *mesospb.Attribute {
	for _, a := range attrs {
		if a.GetName() == name {
			return a
		}
	}
	return nil
}

func scalarOf(rs []*mesospb.Resource, name string) float64 {
	sum := 0.0
	for _, r := range rs {
		if r.GetName() == name {
			sum += r.GetScalar().GetValue()
		}
	}
	return sum
}
