package wasm

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/hook"
	"github.com/gomesos/mesos/modules/runtime/wasm/abi"
	"github.com/gomesos/mesos/sdk/examples/wasm/label-hook/labelhook"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// The label hook written in Rust (sdk/examples/wasm-rust/label-hook)
// answers as its Go twin (the labelhook package, built in) does, on both
// decorators, with and without labels to add.
func TestRustLabelHookMatchesGo(t *testing.T) {
	path := rustExample(t, "label-hook")
	l := newLoader(t, Config{})
	tasks := []*mesospb.TaskInfo{
		nil,
		{Name: proto.String("bare")},
		taskWithLabels("team", "web", "app", "shop"),
		taskWithLabels("tier", "bronze", "z", "", "team", "x"),
	}
	for _, params := range []map[string]string{
		{},
		{"label.team": "infra", "label.tier": "gold"},
		{"label.empty": ""},
	} {
		rust := load(t, l, modules.Spec{File: path, Parameters: params}).Impl.(hook.Hook)
		golang := &labelhook.Hook{}
		if err := golang.Configure(params); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		for _, task := range tasks {
			want, err := golang.MasterLaunchTaskLabelDecorator(ctx, &hook.MasterLaunchTaskLabelDecoratorRequest{Task: task})
			if err != nil {
				t.Fatal(err)
			}
			got, err := rust.MasterLaunchTaskLabelDecorator(ctx, &hook.MasterLaunchTaskLabelDecoratorRequest{Task: task})
			if err != nil {
				t.Fatalf("params %v, task %v: %v", params, task, err)
			}
			if !proto.Equal(got, want) {
				t.Errorf("master decorator, params %v, task %v: got %v, want %v", params, task, got, want)
			}
			wantAgent, _ := golang.SlaveRunTaskLabelDecorator(ctx, &hook.SlaveRunTaskLabelDecoratorRequest{Task: task})
			gotAgent, err := rust.SlaveRunTaskLabelDecorator(ctx, &hook.SlaveRunTaskLabelDecoratorRequest{Task: task})
			if err != nil || !proto.Equal(gotAgent, wantAgent) {
				t.Errorf("agent decorator, params %v, task %v: got %v (%v), want %v", params, task, gotAgent, err, wantAgent)
			}
		}
		// A hook it does not implement: the host answers "no change"
		// itself (the module lists its methods).
		env, err := rust.SlaveExecutorEnvironmentDecorator(ctx, &hook.SlaveExecutorEnvironmentDecoratorRequest{})
		if err != nil || env.GetEnvironment() != nil {
			t.Errorf("unimplemented hook: %v, %v; want no change", env, err)
		}
	}
}

// A parameter that names no label fails the load, with the module's
// message; a request that does not decode fails the call with a
// bad-request status and the module goes on serving.
func TestRustLabelHookBadInput(t *testing.T) {
	path := rustExample(t, "label-hook")
	l := newLoader(t, Config{})
	_, err := l.Load(context.Background(), modules.Spec{Library: "lib", Name: "rs", File: path, Runtime: modules.RuntimeWASM,
		Parameters: map[string]string{"colour": "blue"}})
	if err == nil || !strings.Contains(err.Error(), `unknown parameter "colour"`) {
		t.Fatalf("load with a bad parameter: %v, want the module's error naming it", err)
	}

	h := load(t, l, modules.Spec{File: path, Parameters: map[string]string{"label.team": "infra"}}).Impl.(hook.Hook)
	bad := &hook.MasterLaunchTaskLabelDecoratorRequest{}
	bad.ProtoReflect().SetUnknown(protoreflect.RawFields{0x0a, 0x05, 0x0a}) // task: 5 bytes announced, 1 given
	_, err = h.MasterLaunchTaskLabelDecorator(context.Background(), bad)
	var me *ModuleError
	if !errors.As(err, &me) || me.Status != abi.StatusBadRequest || !strings.Contains(me.Msg, "decoding the request") {
		t.Fatalf("malformed request: %v, want a bad-request status", err)
	}
	resp, err := h.MasterLaunchTaskLabelDecorator(context.Background(), &hook.MasterLaunchTaskLabelDecoratorRequest{Task: taskWithLabels("a", "b")})
	if err != nil || label(resp.GetLabels(), "team") != "infra" || label(resp.GetLabels(), "a") != "b" {
		t.Fatalf("after a bad request: %v, %v; want a=b and team=infra", resp, err)
	}
}
