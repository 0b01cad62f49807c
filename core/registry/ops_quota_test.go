package registry

import (
	"math"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/quotapb"
	"github.com/gomesos/mesos/core/proto/registrypb"
)

func quota(role string, guarantees, limits map[string]float64) *quotapb.QuotaConfig {
	c := &quotapb.QuotaConfig{Role: proto.String(role)}
	conv := func(m map[string]float64) map[string]*mesospb.Value_Scalar {
		if m == nil {
			return nil
		}
		out := map[string]*mesospb.Value_Scalar{}
		for k, v := range m {
			out[k] = &mesospb.Value_Scalar{Value: proto.Float64(v)}
		}
		return out
	}
	c.Guarantees, c.Limits = conv(guarantees), conv(limits)
	return c
}

func TestUpdateQuota(t *testing.T) {
	reg := &registrypb.Registry{
		// A legacy entry, as a pre-1.9 master stored it.
		Quotas: []*registrypb.Registry_Quota{{Info: &quotapb.QuotaInfo{Role: proto.String("dev"), Guarantee: []*mesospb.Resource{scalar("cpus", 1)}}}},
	}
	dev := quota("dev", map[string]float64{"cpus": 2}, map[string]float64{"cpus": 4})
	wantChanged(t, reg, &UpdateQuota{Configs: []*quotapb.QuotaConfig{dev}}, true)
	if len(reg.Quotas) != 0 || len(reg.QuotaConfigs) != 1 || !hasMinimumCapability(reg, mesospb.MasterInfo_Capability_QUOTA_V2) {
		t.Fatalf("after update: quotas %v configs %v caps %v", reg.Quotas, reg.QuotaConfigs, reg.MinimumCapabilities)
	}
	wantChanged(t, reg, &UpdateQuota{Configs: []*quotapb.QuotaConfig{dev}}, false)
	wantChanged(t, reg, &UpdateQuota{Configs: []*quotapb.QuotaConfig{quota("ops", map[string]float64{"mem": 1024}, nil)}}, true)
	wantChanged(t, reg, &UpdateQuota{Configs: []*quotapb.QuotaConfig{quota("dev", nil, map[string]float64{"cpus": 8})}}, true)
	if len(reg.QuotaConfigs) != 2 || reg.QuotaConfigs[0].GetLimits()["cpus"].GetValue() != 8 {
		t.Fatalf("configs %v", reg.QuotaConfigs)
	}
	// The default quota (zero guarantees, no limits) removes the entry; the
	// capability goes with the last one.
	wantChanged(t, reg, &UpdateQuota{Configs: []*quotapb.QuotaConfig{quota("dev", map[string]float64{"cpus": 0}, nil)}}, true)
	wantChanged(t, reg, &UpdateQuota{Configs: []*quotapb.QuotaConfig{quota("ops", nil, nil)}}, true)
	if len(reg.QuotaConfigs) != 0 || hasMinimumCapability(reg, mesospb.MasterInfo_Capability_QUOTA_V2) {
		t.Fatalf("after removal: configs %v caps %v", reg.QuotaConfigs, reg.MinimumCapabilities)
	}
	// A zero limit is a limit.
	wantChanged(t, reg, &UpdateQuota{Configs: []*quotapb.QuotaConfig{quota("dev", nil, map[string]float64{"gpus": 0})}}, true)
	if len(reg.QuotaConfigs) != 1 {
		t.Fatalf("zero limit not stored: %v", reg.QuotaConfigs)
	}
}

func TestUpdateQuotaRefusals(t *testing.T) {
	reg := &registrypb.Registry{}
	for _, tc := range []struct {
		config *quotapb.QuotaConfig
		want   string
	}{
		{&quotapb.QuotaConfig{}, "'QuotaConfig.role' must be set"},
		{quota("/bad", nil, nil), "Invalid 'QuotaConfig.role': Role '/bad' cannot start with a slash"},
		{quota("dev", map[string]float64{"cpus": -1}, nil), "Invalid guarantee configuration {'cpus': -1}: Negative values are not supported"},
		{quota("dev", nil, map[string]float64{"cpus": math.NaN()}), "Invalid limit configuration {'cpus': NaN}: NaN is not supported"},
		{quota("dev", map[string]float64{"mem": 2e12}, nil), "Invalid 'QuotaConfig.guarantees': {'mem': 2e+12} is invalid: values greater than 1 exabyte (1099511627776) are not supported"},
		{quota("dev", nil, map[string]float64{"cpus": 2e12}), "Invalid 'QuotaConfig.limits': {'cpus': 2e+12} is invalid: values greater than 1 trillion (1000000000000) are not supported"},
		{quota("dev", map[string]float64{"cpus": 4, "mem": 1}, map[string]float64{"cpus": 2}), "'QuotaConfig.guarantees' {cpus: 4, mem: 1} is not contained within the 'QuotaConfig.limits' {cpus: 2}"},
	} {
		_, err := apply(t, reg, &UpdateQuota{Configs: []*quotapb.QuotaConfig{quota("ok", map[string]float64{"cpus": 1}, nil), tc.config}})
		if err == nil || !strings.HasPrefix(err.Error(), "Invalid quota config '") || !strings.HasSuffix(err.Error(), "': "+tc.want) {
			t.Errorf("refusal %v, want Invalid quota config '...': %s", err, tc.want)
		}
	}
	if len(reg.QuotaConfigs) != 0 {
		t.Fatal("a batch with an invalid config was partly applied")
	}
}
