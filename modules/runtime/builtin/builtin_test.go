package builtin

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	"github.com/gomesos/mesos/modules/kinds/hook"
	"google.golang.org/protobuf/proto"
)

// labelHook is a test module of the Hook kind: it adds a label.
type labelHook struct {
	hook.Nop
	key, value string
	closed     *bool
}

func (h *labelHook) MasterLaunchTaskLabelDecorator(_ context.Context, req *hook.MasterLaunchTaskLabelDecoratorRequest) (*hook.MasterLaunchTaskLabelDecoratorResponse, error) {
	labels := proto.CloneOf(req.GetTask().GetLabels())
	if labels == nil {
		labels = &mesospb.Labels{}
	}
	labels.Labels = append(labels.Labels, &mesospb.Label{Key: proto.String(h.key), Value: proto.String(h.value)})
	return &hook.MasterLaunchTaskLabelDecoratorResponse{Labels: labels}, nil
}

func (h *labelHook) Close(context.Context) error {
	*h.closed = true
	return nil
}

// nothingAllocator is a test module of the Allocator kind.
type nothingAllocator struct{ version int }

func (nothingAllocator) Initialize(context.Context, *allocator.InitializeRequest) (*allocator.InitializeResponse, error) {
	return &allocator.InitializeResponse{}, nil
}

func (nothingAllocator) Allocate(context.Context, *allocator.AllocateRequest) (*allocator.AllocateResponse, error) {
	return &allocator.AllocateResponse{}, nil
}

func catalog(t *testing.T, closed *bool) *Catalog {
	t.Helper()
	c := NewCatalog()
	must := func(e Entry) {
		if err := c.Register(e); err != nil {
			t.Fatal(err)
		}
	}
	must(Entry{Kind: modules.KindHook, Name: "org_test_label", New: func(_ context.Context, spec modules.Spec, _ int) (any, error) {
		return &labelHook{key: "team", value: spec.Parameters["team"], closed: closed}, nil
	}})
	must(Entry{Kind: modules.KindAllocator, Name: "org_test_nothing", New: func(_ context.Context, _ modules.Spec, v int) (any, error) {
		return nothingAllocator{version: v}, nil
	}})
	// "noop" exists for two kinds, as Mesos's QoS controller and resource
	// estimator do.
	for _, k := range []modules.Kind{modules.KindQoSController, modules.KindResourceEstimator} {
		must(Entry{Kind: k, Name: "noop", New: func(context.Context, modules.Spec, int) (any, error) { return struct{}{}, nil }})
	}
	must(Entry{Kind: modules.KindHook, Name: "org_test_future", Versions: modules.Versions{Min: 2, Max: 3},
		New: func(context.Context, modules.Spec, int) (any, error) { return hook.Nop{}, nil }})
	must(Entry{Kind: modules.KindHook, Name: "org_test_broken", New: func(context.Context, modules.Spec, int) (any, error) {
		return nil, errors.New("no license")
	}})
	return c
}

func TestLoadHookAndAllocator(t *testing.T) {
	var closed bool
	l := NewLoader(catalog(t, &closed))
	inst, err := l.Load(context.Background(), modules.Spec{Library: "builtin", Name: "org_test_label", Runtime: modules.RuntimeBuiltin,
		Parameters: map[string]string{"team": "infra"}})
	if err != nil {
		t.Fatal(err)
	}
	if inst.Kind != modules.KindHook || inst.Spec.Kind != modules.KindHook || inst.APIVersion != hook.APIVersion {
		t.Errorf("instance %+v", inst)
	}
	h := inst.Impl.(hook.Hook)
	resp, err := h.MasterLaunchTaskLabelDecorator(context.Background(), &hook.MasterLaunchTaskLabelDecoratorRequest{Task: &mesospb.TaskInfo{}})
	if err != nil || resp.GetLabels().GetLabels()[0].GetValue() != "infra" {
		t.Errorf("hook answered %v, %v", resp, err)
	}
	if err := inst.Close(context.Background()); err != nil || !closed {
		t.Errorf("Close: %v (closed %v)", err, closed)
	}
	if err := inst.Close(context.Background()); err != nil {
		t.Errorf("second Close: %v", err)
	}

	inst, err = l.Load(context.Background(), modules.Spec{Name: "org_test_nothing", Kind: modules.KindAllocator})
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := inst.Impl.(nothingAllocator); !ok || a.version != allocator.APIVersion {
		t.Errorf("allocator %#v", inst.Impl)
	}
}

func TestLoadErrors(t *testing.T) {
	var closed bool
	l := NewLoader(catalog(t, &closed))
	for _, tc := range []struct {
		spec modules.Spec
		want error
		text string
	}{
		{modules.Spec{Name: "org_absent"}, modules.ErrNotFound, "no built-in module \"org_absent\" (built-ins: org_test_nothing (Allocator), "},
		{modules.Spec{Name: "org_test_label", Kind: modules.KindIsolator}, nil, ""}, // found; the host reports the mismatch
		{modules.Spec{Name: "noop"}, nil, "exists for kinds QoSController, ResourceEstimator"},
		{modules.Spec{Name: "org_test_future"}, modules.ErrAPIVersion, "module speaks v2-v3, host speaks v1"},
		{modules.Spec{Name: "org_test_broken"}, nil, "no license"},
	} {
		inst, err := l.Load(context.Background(), tc.spec)
		if tc.text == "" {
			if err != nil || inst.Kind != modules.KindHook {
				t.Errorf("%s: %v, %v", tc.spec.Name, inst, err)
			}
			continue
		}
		if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) || !strings.Contains(err.Error(), tc.text) {
			t.Errorf("%s: error %v, want %v saying %q", tc.spec.Name, err, tc.want, tc.text)
		}
	}
	if inst, err := l.Load(context.Background(), modules.Spec{Name: "noop", Kind: modules.KindResourceEstimator}); err != nil || inst.Kind != modules.KindResourceEstimator {
		t.Errorf("noop with a kind: %v, %v", inst, err)
	}
}

func TestRegister(t *testing.T) {
	c := NewCatalog()
	f := func(context.Context, modules.Spec, int) (any, error) { return nil, nil }
	for _, e := range []Entry{
		{Kind: "Scheduler", Name: "x", New: f},
		{Kind: modules.KindHook, New: f},
		{Kind: modules.KindHook, Name: "x"},
		{Kind: modules.KindHook, Name: "x", New: f, Versions: modules.Versions{Min: 3, Max: 1}},
	} {
		if err := c.Register(e); err == nil {
			t.Errorf("registered %+v", e)
		}
	}
	if err := c.Register(Entry{Kind: modules.KindHook, Name: "x", New: f}); err != nil {
		t.Fatal(err)
	}
	if err := c.Register(Entry{Kind: modules.KindHook, Name: "x", New: f}); err == nil {
		t.Error("registered twice")
	}
	if es := c.Entries(); len(es) != 1 || es[0].Name != "x" {
		t.Errorf("entries %v", es)
	}
}
