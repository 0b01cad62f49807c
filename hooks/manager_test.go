package hooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/decorate"
	"github.com/gomesos/mesos/modules/host"
	"github.com/gomesos/mesos/modules/kinds/hook"
	"github.com/gomesos/mesos/modules/kinds/resourceestimator"
	"github.com/gomesos/mesos/modules/runtime/builtin"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/protobuf/proto"
)

// tagHook adds its tag wherever it can, records what it saw, and
// misbehaves as told ("error", "hang", "panic", "invalid", "none").
type tagHook struct {
	tag  string
	mode string
	mu   *sync.Mutex
	log  *[]string // calls, as "tag:hook:what it saw"
}

func (h *tagHook) record(name, saw string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	*h.log = append(*h.log, h.tag+":"+name+":"+saw)
}

// misbehave returns (true, err) when the hook is to fail instead of
// answering.
func (h *tagHook) misbehave(ctx context.Context) (bool, error) {
	switch h.mode {
	case "error":
		return true, errors.New(h.tag + " is broken")
	case "hang":
		<-ctx.Done()
		return true, ctx.Err()
	case "panic":
		panic(h.tag + " panicked")
	case "none":
		return true, nil
	}
	return false, nil
}

func keys(l *mesospb.Labels) string {
	var ks []string
	for _, x := range l.GetLabels() {
		ks = append(ks, x.GetKey())
	}
	return strings.Join(ks, ",")
}

func names(rs []*mesospb.Resource) string {
	var ns []string
	for _, r := range rs {
		ns = append(ns, r.GetName())
	}
	return strings.Join(ns, ",")
}

func scalar(name string, v float64) *mesospb.Resource {
	return &mesospb.Resource{Name: proto.String(name), Type: mesospb.Value_SCALAR.Enum(), Scalar: &mesospb.Value_Scalar{Value: proto.Float64(v)}}
}

func (h *tagHook) labels(ctx context.Context, name string, in *mesospb.Labels) (*mesospb.Labels, error) {
	h.record(name, keys(in))
	if stop, err := h.misbehave(ctx); stop {
		return nil, err
	}
	out := proto.CloneOf(in)
	if out == nil {
		out = &mesospb.Labels{}
	}
	if h.mode == "invalid" {
		out.Labels = append(out.Labels, &mesospb.Label{Value: proto.String("keyless")})
	} else {
		out.Labels = append(out.Labels, &mesospb.Label{Key: proto.String(h.tag)})
	}
	return out, nil
}

func (h *tagHook) resources(ctx context.Context, name string, in []*mesospb.Resource) (*hook.ResourceList, error) {
	h.record(name, names(in))
	if stop, err := h.misbehave(ctx); stop {
		return nil, err
	}
	v := 1.0
	if h.mode == "invalid" {
		v = -1
	}
	return &hook.ResourceList{Resources: append(in, scalar(h.tag, v))}, nil
}

func (h *tagHook) MasterLaunchTaskLabelDecorator(ctx context.Context, req *hook.MasterLaunchTaskLabelDecoratorRequest) (*hook.MasterLaunchTaskLabelDecoratorResponse, error) {
	l, err := h.labels(ctx, "masterLabel", req.GetTask().GetLabels())
	if l == nil {
		return nil, err
	}
	req.Task.Labels = nil // a hook scribbling on its request harms no one
	return &hook.MasterLaunchTaskLabelDecoratorResponse{Labels: l}, err
}

func (h *tagHook) MasterLaunchTaskResourceDecorator(ctx context.Context, req *hook.MasterLaunchTaskResourceDecoratorRequest) (*hook.MasterLaunchTaskResourceDecoratorResponse, error) {
	rl, err := h.resources(ctx, "masterResources", req.GetTask().GetResources())
	return &hook.MasterLaunchTaskResourceDecoratorResponse{Resources: rl}, err
}

func (h *tagHook) MasterSlaveLostHook(ctx context.Context, req *hook.MasterSlaveLostHookRequest) (*hook.MasterSlaveLostHookResponse, error) {
	h.record("lost", req.GetAgent().GetHostname())
	_, err := h.misbehave(ctx)
	return &hook.MasterSlaveLostHookResponse{}, err
}

func (h *tagHook) SlaveRunTaskLabelDecorator(ctx context.Context, req *hook.SlaveRunTaskLabelDecoratorRequest) (*hook.SlaveRunTaskLabelDecoratorResponse, error) {
	l, err := h.labels(ctx, "agentLabel", req.GetTask().GetLabels())
	return &hook.SlaveRunTaskLabelDecoratorResponse{Labels: l}, err
}

func (h *tagHook) SlaveExecutorEnvironmentDecorator(ctx context.Context, req *hook.SlaveExecutorEnvironmentDecoratorRequest) (*hook.SlaveExecutorEnvironmentDecoratorResponse, error) {
	env := proto.CloneOf(req.GetExecutor().GetCommand().GetEnvironment())
	h.record("env", fmt.Sprint(len(env.GetVariables())))
	if stop, err := h.misbehave(ctx); stop {
		return nil, err
	}
	if env == nil {
		env = &mesospb.Environment{}
	}
	env.Variables = append(env.Variables, &mesospb.Environment_Variable{Name: proto.String(strings.ToUpper(h.tag)), Value: proto.String("1")})
	return &hook.SlaveExecutorEnvironmentDecoratorResponse{Environment: env}, nil
}

func (h *tagHook) SlavePreLaunchDockerTaskExecutorDecorator(ctx context.Context, req *hook.SlavePreLaunchDockerTaskExecutorDecoratorRequest) (*hook.SlavePreLaunchDockerTaskExecutorDecoratorResponse, error) {
	h.record("docker", req.GetContainerName())
	if stop, err := h.misbehave(ctx); stop {
		return nil, err
	}
	return &hook.SlavePreLaunchDockerTaskExecutorDecoratorResponse{Info: &hook.DockerTaskExecutorPrepareInfo{
		ExecutorEnvironment: &mesospb.Environment{Variables: []*mesospb.Environment_Variable{
			{Name: proto.String("WHO"), Value: proto.String(h.tag)},
		}},
	}}, nil
}

func (h *tagHook) SlavePostFetchHook(ctx context.Context, req *hook.SlavePostFetchHookRequest) (*hook.SlavePostFetchHookResponse, error) {
	h.record("fetched", req.GetDirectory())
	_, err := h.misbehave(ctx)
	return nil, err
}

func (h *tagHook) SlaveRemoveExecutorHook(ctx context.Context, req *hook.SlaveRemoveExecutorHookRequest) (*hook.SlaveRemoveExecutorHookResponse, error) {
	h.record("removed", req.GetExecutor().GetExecutorId().GetValue())
	_, err := h.misbehave(ctx)
	return nil, err
}

func (h *tagHook) SlaveTaskStatusDecorator(ctx context.Context, req *hook.SlaveTaskStatusDecoratorRequest) (*hook.SlaveTaskStatusDecoratorResponse, error) {
	l, err := h.labels(ctx, "status", req.GetStatus().GetLabels())
	if l == nil {
		return nil, err
	}
	return &hook.SlaveTaskStatusDecoratorResponse{Labels: l, ContainerStatus: &mesospb.ContainerStatus{ExecutorPid: proto.Uint32(7)}}, nil
}

func (h *tagHook) SlaveResourcesDecorator(ctx context.Context, req *hook.SlaveResourcesDecoratorRequest) (*hook.SlaveResourcesDecoratorResponse, error) {
	rl, err := h.resources(ctx, "agentResources", req.GetAgent().GetResources())
	return &hook.SlaveResourcesDecoratorResponse{Resources: rl}, err
}

func (h *tagHook) SlaveAttributesDecorator(ctx context.Context, req *hook.SlaveAttributesDecoratorRequest) (*hook.SlaveAttributesDecoratorResponse, error) {
	h.record("attributes", fmt.Sprint(len(req.GetAgent().GetAttributes())))
	if stop, err := h.misbehave(ctx); stop {
		return nil, err
	}
	attrs := append(req.GetAgent().GetAttributes(), &mesospb.Attribute{
		Name: proto.String(h.tag), Type: mesospb.Value_TEXT.Enum(), Text: &mesospb.Value_Text{Value: proto.String("yes")},
	})
	return &hook.SlaveAttributesDecoratorResponse{Attributes: &hook.AttributeList{Attributes: attrs}}, nil
}

// setup loads hook modules a, b, c (b misbehaving as mode says) as
// built-ins through the host, and builds the manager from "--hooks=a,b,c".
type setup struct {
	m     *Manager
	calls []string
	log   *bytes.Buffer
	reg   *prometheus.Registry
	h     *host.Host
}

func newSetup(t *testing.T, modeB string) *setup {
	t.Helper()
	s := &setup{log: &bytes.Buffer{}, reg: prometheus.NewRegistry()}
	var mu sync.Mutex
	cat := builtin.NewCatalog()
	var specs []modules.Spec
	for _, tag := range []string{"a", "b", "c"} {
		mode := ""
		if tag == "b" {
			mode = modeB
		}
		err := cat.Register(builtin.Entry{Kind: modules.KindHook, Name: tag, New: func(context.Context, modules.Spec, int) (any, error) {
			return &tagHook{tag: tag, mode: mode, mu: &mu, log: &s.calls}, nil
		}})
		if err != nil {
			t.Fatal(err)
		}
		specs = append(specs, modules.Spec{Library: "hooks", Name: tag, Kind: modules.KindHook, Runtime: modules.RuntimeBuiltin,
			CallTimeout: 50 * time.Millisecond})
	}
	log := slog.New(slog.NewTextHandler(s.log, nil))
	var err error
	if s.h, err = host.New(s.reg, log, builtin.NewLoader(cat)); err != nil {
		t.Fatal(err)
	}
	if err := s.h.Load(context.Background(), specs); err != nil {
		t.Fatal(err)
	}
	if s.m, err = FromHost(s.h, "a, b,c", log); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *setup) seen(prefix string) []string {
	var out []string
	for _, c := range s.calls {
		if strings.Contains(c, ":"+prefix+":") {
			out = append(out, c)
		}
	}
	return out
}

func TestLabelDecoratorsChainInOrder(t *testing.T) {
	s := newSetup(t, "")
	task := &mesospb.TaskInfo{Labels: &mesospb.Labels{Labels: []*mesospb.Label{{Key: proto.String("orig")}}}}
	before := proto.CloneOf(task)
	got := s.m.MasterLaunchTaskLabelDecorator(context.Background(), task, &mesospb.FrameworkInfo{}, &mesospb.AgentInfo{})
	if keys(got) != "orig,a,b,c" {
		t.Errorf("labels %s", keys(got))
	}
	if want := []string{"a:masterLabel:orig", "b:masterLabel:orig,a", "c:masterLabel:orig,a,b"}; fmt.Sprint(s.seen("masterLabel")) != fmt.Sprint(want) {
		t.Errorf("hooks saw %v, want %v", s.seen("masterLabel"), want)
	}
	if !proto.Equal(task, before) {
		t.Error("the caller's task was modified")
	}
	if got := s.m.SlaveRunTaskLabelDecorator(context.Background(), &mesospb.TaskInfo{}, nil, nil, nil); keys(got) != "a,b,c" {
		t.Errorf("agent labels %s", keys(got))
	}
	if s.m.Names()[1] != "b" || !s.m.Available() {
		t.Errorf("names %v", s.m.Names())
	}
}

func TestFailingHookSkipped(t *testing.T) {
	for _, mode := range []string{"error", "hang", "panic", "invalid", "none"} {
		t.Run(mode, func(t *testing.T) {
			s := newSetup(t, mode)
			start := time.Now()
			got := s.m.MasterLaunchTaskLabelDecorator(context.Background(), &mesospb.TaskInfo{}, nil, nil)
			if time.Since(start) > 2*time.Second {
				t.Fatal("a hanging hook was waited for")
			}
			if keys(got) != "a,c" {
				t.Errorf("labels %q, want b skipped", keys(got))
			}
			// c saw a's result: the chain went on past b.
			if seen := s.seen("masterLabel"); seen[len(seen)-1] != "c:masterLabel:a" {
				t.Errorf("c saw %v", seen)
			}
			if mode == "none" {
				if strings.Contains(s.log.String(), "hook failed") {
					t.Errorf("a hook answering nothing was logged as failed:\n%s", s.log)
				}
				return
			}
			if !strings.Contains(s.log.String(), "Master label decorator hook failed for module 'b'") {
				t.Errorf("failure not logged as Mesos does:\n%s", s.log)
			}
			flat, _ := decorate.Flat(s.reg)
			want := map[string]string{"error": "error", "hang": "timeout", "panic": "panic", "invalid": "rejected"}[mode]
			if flat["modules/hooks/b/errors/"+want] != 1 {
				t.Errorf("%s not counted: %v", want, flat)
			}
		})
	}
}

func TestResourceDecorators(t *testing.T) {
	s := newSetup(t, "invalid")
	task := &mesospb.TaskInfo{Resources: []*mesospb.Resource{scalar("cpus", 1)}}
	if got := s.m.MasterLaunchTaskResourceDecorator(context.Background(), task, nil); names(got) != "cpus,a,c" {
		t.Errorf("task resources %s", names(got))
	}
	if len(task.Resources) != 1 {
		t.Error("caller's task modified")
	}
	agent := &mesospb.AgentInfo{Resources: []*mesospb.Resource{scalar("mem", 1)}}
	if got := s.m.SlaveResourcesDecorator(context.Background(), agent); names(got) != "mem,a,c" {
		t.Errorf("agent resources %s", names(got))
	}
	if got := s.m.SlaveAttributesDecorator(context.Background(), agent); len(got) != 3 {
		t.Errorf("attributes %v", got)
	}
	if want := []string{"a:attributes:0", "b:attributes:1", "c:attributes:2"}; fmt.Sprint(s.seen("attributes")) != fmt.Sprint(want) {
		t.Errorf("attribute hooks saw %v", s.seen("attributes"))
	}
}

func TestEnvironmentAndStatusDecorators(t *testing.T) {
	s := newSetup(t, "error")
	exec := &mesospb.ExecutorInfo{ExecutorId: &mesospb.ExecutorID{Value: proto.String("e")}}
	env := s.m.SlaveExecutorEnvironmentDecorator(context.Background(), exec)
	if len(env.GetVariables()) != 2 || env.GetVariables()[1].GetName() != "C" || exec.Command != nil {
		t.Errorf("environment %v (executor %v)", env, exec)
	}
	status := &mesospb.TaskStatus{State: mesospb.TaskState_TASK_RUNNING.Enum(), Message: proto.String("up")}
	got := s.m.SlaveTaskStatusDecorator(context.Background(), &mesospb.FrameworkID{Value: proto.String("f")}, status)
	if keys(got.GetLabels()) != "a,c" || got.GetContainerStatus().GetExecutorPid() != 7 || got.GetMessage() != "up" ||
		got.GetState() != mesospb.TaskState_TASK_RUNNING || status.Labels != nil {
		t.Errorf("status %v", got)
	}
}

func TestDockerDecoratorMergesInOrder(t *testing.T) {
	s := newSetup(t, "")
	info := s.m.SlavePreLaunchDockerTaskExecutorDecorator(context.Background(), &hook.SlavePreLaunchDockerTaskExecutorDecoratorRequest{ContainerName: "mesos-1"})
	var who []string
	for _, v := range info.GetExecutorEnvironment().GetVariables() {
		who = append(who, v.GetValue())
	}
	if strings.Join(who, ",") != "a,b,c" {
		t.Errorf("merged %v, want in --hooks order", who)
	}
	if len(s.seen("docker")) != 3 {
		t.Errorf("docker hooks %v", s.seen("docker"))
	}
	s = newSetup(t, "hang")
	start := time.Now()
	info = s.m.SlavePreLaunchDockerTaskExecutorDecorator(context.Background(), &hook.SlavePreLaunchDockerTaskExecutorDecoratorRequest{})
	if len(info.GetExecutorEnvironment().GetVariables()) != 2 || time.Since(start) > time.Second {
		t.Errorf("with b hanging: %v after %v", info, time.Since(start))
	}
}

func TestPlainHooks(t *testing.T) {
	s := newSetup(t, "error")
	ctx := context.Background()
	s.m.MasterSlaveLostHook(ctx, &mesospb.AgentInfo{Hostname: proto.String("h1")})
	s.m.SlavePostFetchHook(ctx, &mesospb.ContainerID{Value: proto.String("c")}, "/sandbox")
	s.m.SlaveRemoveExecutorHook(ctx, &mesospb.FrameworkInfo{}, &mesospb.ExecutorInfo{ExecutorId: &mesospb.ExecutorID{Value: proto.String("e1")}})
	for _, name := range []string{"lost", "fetched", "removed"} {
		if len(s.seen(name)) != 3 {
			t.Errorf("%s: %v", name, s.seen(name))
		}
	}
	for _, msg := range []string{"Master agent-lost hook failed", "Agent post fetch hook failed", "Agent remove executor hook failed"} {
		if !strings.Contains(s.log.String(), msg+" for module 'b'") {
			t.Errorf("%q not logged:\n%s", msg, s.log)
		}
	}
}

func TestNoHooks(t *testing.T) {
	var m *Manager
	task := &mesospb.TaskInfo{Labels: &mesospb.Labels{}, Resources: []*mesospb.Resource{scalar("cpus", 1)}}
	ctx := context.Background()
	if m.Available() || m.MasterLaunchTaskLabelDecorator(ctx, task, nil, nil) != task.Labels ||
		len(m.MasterLaunchTaskResourceDecorator(ctx, task, nil)) != 1 {
		t.Error("nil manager changed something")
	}
	m.MasterSlaveLostHook(ctx, nil)
	if got := New(nil).SlavePreLaunchDockerTaskExecutorDecorator(ctx, nil); got == nil {
		t.Error("nil prepare info")
	}
}

// noEstimate is a resource estimator that never estimates anything.
type noEstimate struct{}

func (noEstimate) Oversubscribable(context.Context, *resourceestimator.OversubscribableRequest) (*resourceestimator.OversubscribableResponse, error) {
	return &resourceestimator.OversubscribableResponse{}, nil
}

func TestFromHostErrors(t *testing.T) {
	s := newSetup(t, "")
	for list, want := range map[string]string{
		"a,nope": "No hook module named 'nope' available (loaded hook modules: a, b, c)",
		"a,a":    "Hook module 'a' already loaded",
	} {
		if _, err := FromHost(s.h, list, nil); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("--hooks=%s: %v, want %q", list, err, want)
		}
	}
	if m, err := FromHost(s.h, "", nil); err != nil || m.Available() {
		t.Errorf("empty --hooks: %v, %v", m, err)
	}

	cat := builtin.NewCatalog()
	_ = cat.Register(builtin.Entry{Kind: modules.KindResourceEstimator, Name: "noop", New: func(context.Context, modules.Spec, int) (any, error) {
		return noEstimate{}, nil
	}})
	h, _ := host.New(nil, nil, builtin.NewLoader(cat))
	if _, err := h.Ensure(context.Background(), modules.Spec{Library: "builtin", Name: "noop", Runtime: modules.RuntimeBuiltin}); err != nil {
		t.Fatal(err)
	}
	if _, err := FromHost(h, "noop", nil); err == nil || !strings.Contains(err.Error(), "module 'noop' is a ResourceEstimator module, not a Hook module") {
		t.Errorf("--hooks naming an estimator: %v", err)
	}
}
