package hierarchical

import (
	"fmt"
	"math"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/quotapb"
	"github.com/gomesos/mesos/core/resources"
)

// setWeights sets role weights; weights must be positive and finite (the
// master validates them; invalid ones are skipped).
func (h *HierarchicalDRF) setWeights(ws []*mesospb.WeightInfo) error {
	var err error
	for _, w := range ws {
		if v := w.GetWeight(); !(v > 0) || math.IsInf(v, 0) || w.GetRole() == "" {
			err = fmt.Errorf("invalid weight %v for role %q: %w", v, w.GetRole(), errSkip)
			continue
		}
		h.roles.setWeight(w.GetRole(), w.GetWeight())
	}
	return err
}

// setQuota sets a role's guarantees and limits; both empty removes the
// role's quota.
func (h *HierarchicalDRF) setQuota(c *quotapb.QuotaConfig) {
	if c.GetRole() == "" {
		return
	}
	guarantees := quantitiesOfScalars(c.GetGuarantees())
	var limits map[string]resources.Scalar
	if len(c.GetLimits()) > 0 {
		limits = make(map[string]resources.Scalar, len(c.GetLimits()))
		for name, v := range c.GetLimits() {
			limits[name] = resources.ScalarFromFloat(v.GetValue())
		}
	}
	h.roles.setQuota(c.GetRole(), guarantees, limits)
}
