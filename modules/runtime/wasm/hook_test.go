package wasm

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/hook"
	"google.golang.org/protobuf/proto"
)

func labelHook(t testing.TB, pool int) hook.Hook {
	t.Helper()
	return load(t, newLoader(t, Config{PoolSize: pool}), modules.Spec{
		File: guest(t, labelPkg), Parameters: map[string]string{"label.team": "infra", "label.tier": "gold"},
	}).Impl.(hook.Hook)
}

func taskWithLabels(kv ...string) *mesospb.TaskInfo {
	ls := &mesospb.Labels{}
	for i := 0; i < len(kv); i += 2 {
		ls.Labels = append(ls.Labels, &mesospb.Label{Key: proto.String(kv[i]), Value: proto.String(kv[i+1])})
	}
	return &mesospb.TaskInfo{Name: proto.String("t"), TaskId: &mesospb.TaskID{Value: proto.String("t")}, Labels: ls}
}

func TestLabelHook(t *testing.T) {
	h := labelHook(t, 1)
	ctx := context.Background()
	resp, err := h.MasterLaunchTaskLabelDecorator(ctx, &hook.MasterLaunchTaskLabelDecoratorRequest{
		Task: taskWithLabels("team", "web", "app", "shop")})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, l := range resp.GetLabels().GetLabels() {
		got[l.GetKey()] = l.GetValue()
	}
	want := map[string]string{"team": "infra", "tier": "gold", "app": "shop"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("labels %v, want %v", got, want)
	}
	agent, err := h.SlaveRunTaskLabelDecorator(ctx, &hook.SlaveRunTaskLabelDecoratorRequest{Task: taskWithLabels()})
	if err != nil || label(agent.GetLabels(), "tier") != "gold" {
		t.Errorf("agent-side decorator: %v, %v", agent, err)
	}
	// Hooks the module does not implement are answered by the host.
	env, err := h.SlaveExecutorEnvironmentDecorator(ctx, &hook.SlaveExecutorEnvironmentDecoratorRequest{})
	if err != nil || env == nil || env.Environment != nil {
		t.Errorf("unimplemented decorator: %v, %v; want an empty response", env, err)
	}
}

// Many goroutines share one module through its pool of instances.
func TestConcurrentCalls(t *testing.T) {
	h := labelHook(t, 4)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				v := strconv.Itoa(g*1000 + i)
				resp, err := h.MasterLaunchTaskLabelDecorator(ctx, &hook.MasterLaunchTaskLabelDecoratorRequest{
					Task: taskWithLabels("n", v)})
				if err != nil {
					errs <- err
					return
				}
				if label(resp.GetLabels(), "n") != v || label(resp.GetLabels(), "team") != "infra" {
					errs <- fmt.Errorf("call %s: got labels %v", v, resp.GetLabels())
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// Instances that crash while others serve calls are replaced, and the
// calls on healthy instances are not disturbed.
func TestConcurrentFailures(t *testing.T) {
	h := load(t, newLoader(t, Config{PoolSize: 3}), modules.Spec{File: guest(t, chaosPkg), Kind: modules.KindHook}).
		Impl.(hook.Hook)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				crash := g%4 == 0 && i%5 == 0
				name := "ok"
				if crash {
					name = "panic"
				}
				_, err := labelCall(ctx, h, name)
				if crash != (err != nil) {
					errs <- fmt.Errorf("goroutine %d call %d (%s): error %v", g, i, name, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
