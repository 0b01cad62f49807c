package host_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/decorate"
	"github.com/gomesos/mesos/modules/host"
	"github.com/gomesos/mesos/modules/kinds/hook"
	"github.com/gomesos/mesos/modules/manifest"
	"github.com/gomesos/mesos/modules/runtime/builtin"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/protobuf/proto"
)

// teamLabel is an example built-in hook: it labels every task with the
// team of its "team" parameter.
type teamLabel struct {
	hook.Nop
	team string
}

func (h teamLabel) MasterLaunchTaskLabelDecorator(_ context.Context, req *hook.MasterLaunchTaskLabelDecoratorRequest) (*hook.MasterLaunchTaskLabelDecoratorResponse, error) {
	labels := &mesospb.Labels{Labels: append(req.GetTask().GetLabels().GetLabels(),
		&mesospb.Label{Key: proto.String("team"), Value: proto.String(h.team)})}
	return &hook.MasterLaunchTaskLabelDecoratorResponse{Labels: labels}, nil
}

// A built-in registered in the daemon's catalog, named in a manifest,
// loaded by the host, decorated and called; /modules and
// /metrics/snapshot see it.
func Example() {
	ctx := context.Background()

	catalog := builtin.NewCatalog()
	_ = catalog.Register(builtin.Entry{
		Kind: modules.KindHook, Name: "org_example_team_label",
		Description: "labels tasks with their team",
		New: func(_ context.Context, spec modules.Spec, _ int) (any, error) {
			return teamLabel{team: spec.Parameters["team"]}, nil
		},
	})
	reg := prometheus.NewRegistry()
	h, err := host.New(reg, slog.New(slog.NewTextHandler(io.Discard, nil)), builtin.NewLoader(catalog))
	if err != nil {
		panic(err)
	}

	specs, err := manifest.Load([]byte(`{"libraries": [{"name": "builtin", "modules": [
	  {"name": "org_example_team_label", "kind": "Hook",
	   "parameters": [{"key": "team", "value": "infra"}]}]}]}`), "", manifest.Options{})
	if err != nil {
		panic(err)
	}
	if err := h.Load(ctx, specs); err != nil {
		panic(err)
	}
	defer h.Close(ctx)

	mod, _ := h.Lookup("org_example_team_label")
	decorated := decorate.NewHook(mod.Decorator, mod.Instance.Impl.(hook.Hook))
	resp, _ := decorated.MasterLaunchTaskLabelDecorator(ctx, &hook.MasterLaunchTaskLabelDecoratorRequest{Task: &mesospb.TaskInfo{}})
	for _, l := range resp.GetLabels().GetLabels() {
		fmt.Printf("label %s=%s\n", l.GetKey(), l.GetValue())
	}
	for _, s := range h.Status() {
		fmt.Printf("%s: %s, %s, API v%d, %s, %d call(s)\n", s.Name, s.Kind, s.Runtime, s.APIVersion, s.State, s.Calls)
	}
	flat, _ := decorate.Flat(reg)
	fmt.Println("modules/builtin/org_example_team_label/calls =", flat["modules/builtin/org_example_team_label/calls"])
	// Output:
	// label team=infra
	// org_example_team_label: Hook, builtin, API v1, healthy, 1 call(s)
	// modules/builtin/org_example_team_label/calls = 1
}
