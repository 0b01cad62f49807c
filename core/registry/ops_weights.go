package registry

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/registrypb"
	"github.com/gomesos/mesos/core/resources"
)

// UpdateWeights sets role weights (/weights, UPDATE_WEIGHTS; Mesos's
// weights::UpdateWeights): a role's entry is replaced when its weight
// differs and added when missing. An empty list is no change.
type UpdateWeights struct {
	Weights []*mesospb.WeightInfo
}

func (o *UpdateWeights) String() string {
	roles := make([]string, len(o.Weights))
	for i, w := range o.Weights {
		roles[i] = w.GetRole()
	}
	return "update weights of roles " + strings.Join(roles, ",")
}

// Apply implements Operation.
func (o *UpdateWeights) Apply(reg *registrypb.Registry) (bool, error) {
	for _, w := range o.Weights {
		if w == nil || w.Role == nil {
			return false, errors.New("Weight must specify a role")
		}
		if err := resources.ValidateRole(w.GetRole()); err != nil {
			return false, err
		}
		if v := w.GetWeight(); w.Weight == nil || !(v > 0) || math.IsInf(v, 0) {
			return false, fmt.Errorf("Invalid weight '%v' for role '%s': weights must be positive", v, w.GetRole())
		}
	}
	changed := false
	for _, w := range o.Weights {
		i := slices.IndexFunc(reg.Weights, func(r *registrypb.Registry_Weight) bool {
			return r.GetInfo().GetRole() == w.GetRole()
		})
		switch {
		case i < 0:
			reg.Weights = append(reg.Weights, &registrypb.Registry_Weight{Info: proto.CloneOf(w)})
			changed = true
		case reg.Weights[i].GetInfo().GetWeight() != w.GetWeight():
			reg.Weights[i].Info = proto.CloneOf(w)
			changed = true
		}
	}
	return changed, nil
}
