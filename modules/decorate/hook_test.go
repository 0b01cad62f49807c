package decorate

import (
	"context"
	"testing"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/hook"
	"google.golang.org/protobuf/proto"
)

// answers returns fixed responses.
type answers struct {
	hook.Nop
	resources  *hook.ResourceList
	attributes *hook.AttributeList
	env        *mesospb.Environment
	labels     *mesospb.Labels
}

func (a answers) MasterLaunchTaskResourceDecorator(context.Context, *hook.MasterLaunchTaskResourceDecoratorRequest) (*hook.MasterLaunchTaskResourceDecoratorResponse, error) {
	return &hook.MasterLaunchTaskResourceDecoratorResponse{Resources: a.resources}, nil
}

func (a answers) SlaveAttributesDecorator(context.Context, *hook.SlaveAttributesDecoratorRequest) (*hook.SlaveAttributesDecoratorResponse, error) {
	return &hook.SlaveAttributesDecoratorResponse{Attributes: a.attributes}, nil
}

func (a answers) SlaveExecutorEnvironmentDecorator(context.Context, *hook.SlaveExecutorEnvironmentDecoratorRequest) (*hook.SlaveExecutorEnvironmentDecoratorResponse, error) {
	return &hook.SlaveExecutorEnvironmentDecoratorResponse{Environment: a.env}, nil
}

func (a answers) SlaveTaskStatusDecorator(context.Context, *hook.SlaveTaskStatusDecoratorRequest) (*hook.SlaveTaskStatusDecoratorResponse, error) {
	return &hook.SlaveTaskStatusDecoratorResponse{Labels: a.labels}, nil
}

func scalar(name string, v float64) *mesospb.Resource {
	return &mesospb.Resource{Name: proto.String(name), Type: mesospb.Value_SCALAR.Enum(), Scalar: &mesospb.Value_Scalar{Value: proto.Float64(v)}}
}

func TestHookOutputChecked(t *testing.T) {
	ctx := context.Background()
	good := answers{
		resources:  &hook.ResourceList{Resources: []*mesospb.Resource{scalar("cpus", 1)}},
		attributes: &hook.AttributeList{Attributes: []*mesospb.Attribute{{Name: proto.String("rack"), Type: mesospb.Value_TEXT.Enum(), Text: &mesospb.Value_Text{Value: proto.String("r1")}}}},
		env:        &mesospb.Environment{Variables: []*mesospb.Environment_Variable{{Name: proto.String("A"), Value: proto.String("1")}}},
		labels:     &mesospb.Labels{Labels: []*mesospb.Label{{Key: proto.String("k")}}},
	}
	bad := answers{
		resources:  &hook.ResourceList{Resources: []*mesospb.Resource{scalar("cpus", -1)}},
		attributes: &hook.AttributeList{Attributes: []*mesospb.Attribute{{Name: proto.String("rack"), Type: mesospb.Value_SCALAR.Enum()}}},
		env:        &mesospb.Environment{Variables: []*mesospb.Environment_Variable{{Name: proto.String("A=B")}}},
		labels:     &mesospb.Labels{Labels: []*mesospb.Label{{Value: proto.String("no key")}}},
	}
	calls := func(h hook.Hook) []error {
		_, e1 := h.MasterLaunchTaskResourceDecorator(ctx, &hook.MasterLaunchTaskResourceDecoratorRequest{})
		_, e2 := h.SlaveAttributesDecorator(ctx, &hook.SlaveAttributesDecoratorRequest{})
		_, e3 := h.SlaveExecutorEnvironmentDecorator(ctx, &hook.SlaveExecutorEnvironmentDecoratorRequest{})
		_, e4 := h.SlaveTaskStatusDecorator(ctx, &hook.SlaveTaskStatusDecoratorRequest{})
		return []error{e1, e2, e3, e4}
	}
	f := newFixture(t, modules.Spec{})
	for i, err := range calls(NewHook(f.d, good)) {
		if err != nil {
			t.Errorf("good output #%d rejected: %v", i, err)
		}
	}
	for i, err := range calls(NewHook(f.d, bad)) {
		if ClassOf(err) != ClassRejected {
			t.Errorf("bad output #%d: %v, want rejected", i, err)
		}
	}
	flat := f.flat(t)
	if flat["modules/lib/mod/rejected"] != 4 {
		t.Errorf("rejections counted: %v", flat["modules/lib/mod/rejected"])
	}
	// No replacement at all is always fine.
	for i, err := range calls(NewHook(f.d, hook.Nop{})) {
		if err != nil {
			t.Errorf("no-change #%d rejected: %v", i, err)
		}
	}
}
