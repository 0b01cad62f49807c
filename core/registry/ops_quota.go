package registry

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/jsoncodec"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/quotapb"
	"github.com/gomesos/mesos/core/proto/registrypb"
	"github.com/gomesos/mesos/core/resources"
)

// UpdateQuota sets the quota of one or more roles (UPDATE_QUOTA, and the
// legacy SET_QUOTA/REMOVE_QUOTA; Mesos's quota::UpdateQuota). A config
// equal to the default quota (no guarantees, no limits) removes the role's
// entry; any other replaces or adds it. A role's legacy QuotaInfo entry is
// dropped whenever its quota is updated, so the deprecated list only
// shrinks. QUOTA_V2 is a minimum capability while any QuotaConfig is
// stored. Every config is checked first; one invalid config refuses all.
type UpdateQuota struct {
	Configs []*quotapb.QuotaConfig
}

func (o *UpdateQuota) String() string {
	roles := make([]string, len(o.Configs))
	for i, c := range o.Configs {
		roles[i] = c.GetRole()
	}
	return "update quota of roles " + strings.Join(roles, ",")
}

// Apply implements Operation.
func (o *UpdateQuota) Apply(reg *registrypb.Registry) (bool, error) {
	for _, c := range o.Configs {
		if err := ValidateQuotaConfig(c); err != nil {
			text, _ := jsoncodec.Marshal(c)
			return false, fmt.Errorf("Invalid quota config '%s': %w", text, err)
		}
	}
	changed := false
	for _, c := range o.Configs {
		i := slices.IndexFunc(reg.QuotaConfigs, func(r *quotapb.QuotaConfig) bool { return r.GetRole() == c.GetRole() })
		switch {
		case isDefaultQuota(c):
			if i >= 0 {
				reg.QuotaConfigs = slices.Delete(reg.QuotaConfigs, i, i+1)
				changed = true
			}
		case i >= 0:
			if !proto.Equal(reg.QuotaConfigs[i], c) {
				reg.QuotaConfigs[i] = proto.CloneOf(c)
				changed = true
			}
		default:
			reg.QuotaConfigs = append(reg.QuotaConfigs, proto.CloneOf(c))
			changed = true
		}
		if j := slices.IndexFunc(reg.Quotas, func(q *registrypb.Registry_Quota) bool {
			return q.GetInfo().GetRole() == c.GetRole()
		}); j >= 0 {
			reg.Quotas = slices.Delete(reg.Quotas, j, j+1)
			changed = true
		}
	}
	if len(reg.QuotaConfigs) > 0 {
		changed = addMinimumCapability(reg, mesospb.MasterInfo_Capability_QUOTA_V2) || changed
	} else {
		changed = removeMinimumCapability(reg, mesospb.MasterInfo_Capability_QUOTA_V2) || changed
	}
	return changed, nil
}

// isDefaultQuota: no positive guarantee and no limit at all. A zero
// guarantee is no guarantee; a zero limit is a limit.
func isDefaultQuota(c *quotapb.QuotaConfig) bool {
	if len(c.GetLimits()) > 0 {
		return false
	}
	for _, g := range c.GetGuarantees() {
		if g.GetValue() != 0 {
			return false
		}
	}
	return true
}

// Quota values beyond these are refused, as Mesos does, before the fixed
// point arithmetic of scalar values overflows: one exabyte (in megabytes)
// for mem and disk, a trillion for anything else.
const (
	maxQuotaMegabytes = 1 << 40
	maxQuotaOther     = 1e12
)

// ValidateQuotaConfig checks a QuotaConfig as Mesos's quota::validate does:
// a valid role, finite non-negative values within bounds, and guarantees no
// greater than the limits set for the same resource.
func ValidateQuotaConfig(c *quotapb.QuotaConfig) error {
	if c == nil || c.Role == nil {
		return errors.New("'QuotaConfig.role' must be set")
	}
	if err := resources.ValidateRole(c.GetRole()); err != nil {
		return fmt.Errorf("Invalid 'QuotaConfig.role': %w", err)
	}
	if err := proto.CheckInitialized(c); err != nil {
		return fmt.Errorf("incomplete QuotaConfig: %w", err)
	}
	if err := checkQuotaBounds(c.GetGuarantees()); err != nil {
		return fmt.Errorf("Invalid 'QuotaConfig.guarantees': %w", err)
	}
	if err := checkQuotaBounds(c.GetLimits()); err != nil {
		return fmt.Errorf("Invalid 'QuotaConfig.limits': %w", err)
	}
	for _, kind := range []struct {
		name string
		m    map[string]*mesospb.Value_Scalar
	}{{"guarantee", c.GetGuarantees()}, {"limit", c.GetLimits()}} {
		for _, name := range sortedKeys(kind.m) {
			if err := checkScalar(kind.m[name].GetValue()); err != nil {
				return fmt.Errorf("Invalid %s configuration {'%s': %v}: %w", kind.name, name, kind.m[name].GetValue(), err)
			}
		}
	}
	for _, name := range sortedKeys(c.GetGuarantees()) {
		limit, ok := c.GetLimits()[name]
		if ok && c.GetGuarantees()[name].GetValue() > limit.GetValue() {
			return fmt.Errorf("'QuotaConfig.guarantees' %s is not contained within the 'QuotaConfig.limits' %s",
				scalarMap(c.GetGuarantees()), scalarMap(c.GetLimits()))
		}
	}
	return nil
}

func checkQuotaBounds(m map[string]*mesospb.Value_Scalar) error {
	for _, name := range sortedKeys(m) {
		v := m[name].GetValue()
		if name == "mem" || name == "disk" {
			if v > maxQuotaMegabytes {
				return fmt.Errorf("{'%s': %v} is invalid: values greater than 1 exabyte (%d) are not supported", name, v, int64(maxQuotaMegabytes))
			}
		} else if v > maxQuotaOther {
			return fmt.Errorf("{'%s': %v} is invalid: values greater than 1 trillion (%d) are not supported", name, v, int64(maxQuotaOther))
		}
	}
	return nil
}

// checkScalar: Mesos's validateInputScalarValue.
func checkScalar(v float64) error {
	switch {
	case math.IsNaN(v):
		return errors.New("NaN is not supported")
	case math.IsInf(v, 0):
		return errors.New("Infinite values are not supported")
	case v < 0:
		return errors.New("Negative values are not supported")
	}
	return nil
}

func sortedKeys(m map[string]*mesospb.Value_Scalar) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func scalarMap(m map[string]*mesospb.Value_Scalar) string {
	parts := make([]string, 0, len(m))
	for _, k := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%s: %v", k, m[k].GetValue()))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}
