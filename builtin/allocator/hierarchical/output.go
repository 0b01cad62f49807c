package hierarchical

import (
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	"google.golang.org/protobuf/proto"
)

// plainProto builds the proto of a resource from its name, type and value
// alone. It equals x.Proto() for the resources isPlain accepts, and costs
// a fraction of it (no reflection-based clone).
func plainProto(x resources.Resource) *mesospb.Resource {
	p := &mesospb.Resource{Name: proto.String(x.Name()), Type: x.Type().Enum()}
	switch x.Type() {
	case mesospb.Value_SCALAR:
		p.Scalar = &mesospb.Value_Scalar{Value: proto.Float64(x.Scalar().Float())}
	case mesospb.Value_RANGES:
		p.Ranges = x.Ranges().Proto()
	case mesospb.Value_SET:
		p.Set = &mesospb.Value_Set{Item: x.Set()}
	}
	return p
}

func protoEqual(a, b *mesospb.Resource) bool { return proto.Equal(a, b) }

// appendProtos appends res, allocated to role, as new protos (the caller
// owns them). Every proto carries its own allocation info.
func appendProtos(dst []*mesospb.Resource, res resources.Resources, role string, plain bool) []*mesospb.Resource {
	for x := range res.All() {
		if plain {
			dst = append(dst, newPlainAllocated(x, role))
			continue
		}
		p := x.Proto()
		p.AllocationInfo = &mesospb.Resource_AllocationInfo{Role: proto.String(role)}
		dst = append(dst, p)
	}
	return dst
}

// plainBlock holds a plain allocated resource proto and everything its
// fields point at, so that building one costs one allocation (plus one for
// ranges or set items) instead of seven. The fields are only reached
// through the proto's pointers, so the proto behaves like any other.
type plainBlock struct {
	res    mesospb.Resource
	scalar mesospb.Value_Scalar
	info   mesospb.Resource_AllocationInfo
	name   string
	role   string
	typ    mesospb.Value_Type
	value  float64
}

// newPlainAllocated is plainProto plus allocation info, built in one
// block.
func newPlainAllocated(x resources.Resource, role string) *mesospb.Resource {
	b := &plainBlock{name: x.Name(), role: role, typ: x.Type()}
	b.res.Name, b.res.Type = &b.name, &b.typ
	b.info.Role = &b.role
	b.res.AllocationInfo = &b.info
	switch b.typ {
	case mesospb.Value_SCALAR:
		b.value = x.Scalar().Float()
		b.scalar.Value = &b.value
		b.res.Scalar = &b.scalar
	case mesospb.Value_RANGES:
		b.res.Ranges = rangesProto(x.Ranges())
	case mesospb.Value_SET:
		b.res.Set = &mesospb.Value_Set{Item: x.Set()}
	}
	return &b.res
}

// rangesProto converts ranges with a handful of allocations whatever their
// number (resources.Ranges.Proto allocates three per range).
func rangesProto(rs resources.Ranges) *mesospb.Value_Ranges {
	type bounds struct{ begin, end uint64 }
	vals := make([]bounds, len(rs))
	msgs := make([]mesospb.Value_Range, len(rs))
	out := &mesospb.Value_Ranges{Range: make([]*mesospb.Value_Range, len(rs))}
	for i, r := range rs {
		vals[i] = bounds{r.Begin, r.End}
		msgs[i].Begin, msgs[i].End = &vals[i].begin, &vals[i].end
		out.Range[i] = &msgs[i]
	}
	return out
}

// emit records, in this cycle's response, that f was allocated res on a
// in role: one Allocation per framework and agent, as Mesos makes one
// offer per framework and agent.
func (h *HierarchicalDRF) emit(f *framework, a *agent, role string, res resources.Resources) {
	var out *allocator.Allocation
	for _, r := range a.out {
		if r.fw == f {
			out = r.out
			break
		}
	}
	if out == nil {
		out = &allocator.Allocation{FrameworkId: f.id, AgentId: a.id,
			Resources: make([]*mesospb.Resource, 0, res.Len())}
		a.out = append(a.out, outRef{f, out})
		h.resp.Allocations = append(h.resp.Allocations, out)
	}
	out.Resources = appendProtos(out.Resources, res, role, a.plain)
}
