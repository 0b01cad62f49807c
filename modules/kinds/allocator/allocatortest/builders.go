package allocatortest

import (
	"fmt"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/quotapb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	"google.golang.org/protobuf/proto"
)

// Scalar builds an unreserved scalar resource.
func Scalar(name string, v float64) *mesospb.Resource {
	return &mesospb.Resource{Name: proto.String(name), Type: mesospb.Value_SCALAR.Enum(),
		Scalar: &mesospb.Value_Scalar{Value: proto.Float64(v)}}
}

// Revocable builds a revocable (oversubscribed) scalar resource.
func Revocable(name string, v float64) *mesospb.Resource {
	p := Scalar(name, v)
	p.Revocable = &mesospb.Resource_RevocableInfo{}
	return p
}

// Reserved builds a scalar dynamically reserved to each role in turn (a
// refined reservation when more than one role is given).
func Reserved(name string, v float64, roles ...string) *mesospb.Resource {
	p := Scalar(name, v)
	for _, r := range roles {
		p.Reservations = append(p.Reservations, &mesospb.Resource_ReservationInfo{
			Type: mesospb.Resource_ReservationInfo_DYNAMIC.Enum(), Role: proto.String(r),
			Principal: proto.String("test")})
	}
	return p
}

// SharedVolume builds a shared persistent volume of size MB on disk
// reserved to role.
func SharedVolume(role, id string, size float64) *mesospb.Resource {
	p := Reserved("disk", size, role)
	p.Disk = &mesospb.Resource_DiskInfo{
		Persistence: &mesospb.Resource_DiskInfo_Persistence{Id: proto.String(id), Principal: proto.String("test")},
		Volume:      &mesospb.Volume{ContainerPath: proto.String(id), Mode: mesospb.Volume_RW.Enum()},
	}
	p.Shared = &mesospb.Resource_SharedInfo{}
	return p
}

// Parse parses the --resources text grammar (default role "*") and panics
// on error; for tests.
func Parse(text string) resources.Resources {
	r, err := resources.Parse(text, "*")
	if err != nil {
		panic(fmt.Sprintf("allocatortest: %q: %v", text, err))
	}
	return r
}

// Sum adds up the resources of allocations (with allocation info).
func Sum(allocs []*allocator.Allocation) resources.Resources {
	var r resources.Resources
	for _, a := range allocs {
		r = r.Add(resources.New(a.GetResources()...))
	}
	return r
}

// For returns the allocations made to framework fw.
func For(allocs []*allocator.Allocation, fw string) []*allocator.Allocation {
	var out []*allocator.Allocation
	for _, a := range allocs {
		if a.GetFrameworkId() == fw {
			out = append(out, a)
		}
	}
	return out
}

// On returns the allocations made on agent id.
func On(allocs []*allocator.Allocation, id string) []*allocator.Allocation {
	var out []*allocator.Allocation
	for _, a := range allocs {
		if a.GetAgentId() == id {
			out = append(out, a)
		}
	}
	return out
}

// Scalars sums a scalar resource of r, whatever its metadata.
func Scalars(r resources.Resources, name string) float64 {
	s, _ := r.SumScalar(name)
	return s.Float()
}

// QuotaEvent builds a QuotaUpdated event.
func QuotaEvent(role string, guarantees, limits map[string]float64) *allocator.Event {
	return &allocator.Event{Kind: &allocator.Event_QuotaUpdated{QuotaUpdated: &allocator.QuotaUpdated{
		Config: QuotaConfig(role, guarantees, limits)}}}
}

// QuotaConfig builds a QuotaConfig.
func QuotaConfig(role string, guarantees, limits map[string]float64) *quotapb.QuotaConfig {
	cfg := &quotapb.QuotaConfig{Role: proto.String(role)}
	for k, v := range guarantees {
		if cfg.Guarantees == nil {
			cfg.Guarantees = map[string]*mesospb.Value_Scalar{}
		}
		cfg.Guarantees[k] = &mesospb.Value_Scalar{Value: proto.Float64(v)}
	}
	for k, v := range limits {
		if cfg.Limits == nil {
			cfg.Limits = map[string]*mesospb.Value_Scalar{}
		}
		cfg.Limits[k] = &mesospb.Value_Scalar{Value: proto.Float64(v)}
	}
	return cfg
}

// WeightsEvent builds a WeightsUpdated event with one role.
func WeightsEvent(role string, w float64) *allocator.Event {
	return &allocator.Event{Kind: &allocator.Event_WeightsUpdated{WeightsUpdated: &allocator.WeightsUpdated{
		Weights: []*mesospb.WeightInfo{{Role: proto.String(role), Weight: proto.Float64(w)}}}}}
}

// WhitelistEvent builds a WhitelistUpdated event; no hosts and all=false
// means an empty whitelist.
func WhitelistEvent(all bool, hosts ...string) *allocator.Event {
	return &allocator.Event{Kind: &allocator.Event_WhitelistUpdated{WhitelistUpdated: &allocator.WhitelistUpdated{All: all, Hostnames: hosts}}}
}

// minAllocatable sets FrameworkInfo.offer_filters[role] to one minimum.
func minAllocatable(role string, q map[string]float64) func(*mesospb.FrameworkInfo) {
	return func(info *mesospb.FrameworkInfo) {
		rq := &mesospb.OfferFilters_ResourceQuantities{Quantities: map[string]*mesospb.Value_Scalar{}}
		for k, v := range q {
			rq.Quantities[k] = &mesospb.Value_Scalar{Value: proto.Float64(v)}
		}
		if info.OfferFilters == nil {
			info.OfferFilters = map[string]*mesospb.OfferFilters{}
		}
		info.OfferFilters[role] = &mesospb.OfferFilters{MinAllocatableResources: &mesospb.OfferFilters_MinAllocatableResources{
			Quantities: []*mesospb.OfferFilters_ResourceQuantities{rq}}}
	}
}
