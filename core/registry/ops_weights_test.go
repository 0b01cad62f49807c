package registry

import (
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/registrypb"
)

func weight(role string, w float64) *mesospb.WeightInfo {
	return &mesospb.WeightInfo{Role: proto.String(role), Weight: proto.Float64(w)}
}

func TestUpdateWeights(t *testing.T) {
	reg := &registrypb.Registry{}
	wantChanged(t, reg, &UpdateWeights{}, false)
	wantChanged(t, reg, &UpdateWeights{Weights: []*mesospb.WeightInfo{weight("dev", 2), weight("ops", 3)}}, true)
	wantChanged(t, reg, &UpdateWeights{Weights: []*mesospb.WeightInfo{weight("dev", 2)}}, false)
	wantChanged(t, reg, &UpdateWeights{Weights: []*mesospb.WeightInfo{weight("dev", 5)}}, true)
	if len(reg.Weights) != 2 || reg.Weights[0].GetInfo().GetWeight() != 5 || reg.Weights[1].GetInfo().GetRole() != "ops" {
		t.Fatalf("weights %v", reg.Weights)
	}
	wantRefused(t, reg, &UpdateWeights{Weights: []*mesospb.WeightInfo{weight("dev", 1), weight("ops", 0)}},
		"Invalid weight '0' for role 'ops': weights must be positive")
	wantRefused(t, reg, &UpdateWeights{Weights: []*mesospb.WeightInfo{{Weight: proto.Float64(1)}}}, "Weight must specify a role")
	wantRefused(t, reg, &UpdateWeights{Weights: []*mesospb.WeightInfo{weight("a/../b", 1)}}, "Role 'a/../b' cannot include '..' as a component")
}
