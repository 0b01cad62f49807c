package labelhook

import (
	"context"
	"testing"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/hook"
	"google.golang.org/protobuf/proto"
)

func TestDecorate(t *testing.T) {
	var h Hook
	if err := h.Configure(map[string]string{"label.team": "infra", "label.tier": "gold"}); err != nil {
		t.Fatal(err)
	}
	task := &mesospb.TaskInfo{Labels: &mesospb.Labels{Labels: []*mesospb.Label{
		{Key: proto.String("team"), Value: proto.String("web")}, {Key: proto.String("app"), Value: proto.String("shop")}}}}
	resp, err := h.MasterLaunchTaskLabelDecorator(context.Background(), &hook.MasterLaunchTaskLabelDecoratorRequest{Task: task})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, l := range resp.GetLabels().GetLabels() {
		got[l.GetKey()] = l.GetValue()
	}
	if len(got) != 3 || got["team"] != "infra" || got["tier"] != "gold" || got["app"] != "shop" {
		t.Errorf("labels %v", got)
	}
}

func TestNoLabelsNoChange(t *testing.T) {
	var h Hook
	resp, err := h.SlaveRunTaskLabelDecorator(context.Background(), &hook.SlaveRunTaskLabelDecoratorRequest{})
	if err != nil || resp.GetLabels() != nil {
		t.Errorf("unconfigured hook: %v, %v; want no change", resp, err)
	}
}

func TestUnknownParameter(t *testing.T) {
	var h Hook
	if err := h.Configure(map[string]string{"team": "infra"}); err == nil {
		t.Error("parameter without the label. prefix accepted")
	}
}
