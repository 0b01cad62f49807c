package resources

import (
	"testing"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"google.golang.org/protobuf/proto"
)

// Test builders for resource protos.

func scalarRes(name string, v float64) *mesospb.Resource {
	return &mesospb.Resource{Name: proto.String(name), Type: mesospb.Value_SCALAR.Enum(),
		Scalar: &mesospb.Value_Scalar{Value: proto.Float64(v)}}
}

func rangesRes(name string, rs ...Range) *mesospb.Resource {
	return &mesospb.Resource{Name: proto.String(name), Type: mesospb.Value_RANGES.Enum(),
		Ranges: Ranges(rs).Proto()}
}

func setRes(name string, items ...string) *mesospb.Resource {
	return &mesospb.Resource{Name: proto.String(name), Type: mesospb.Value_SET.Enum(),
		Set: &mesospb.Value_Set{Item: items}}
}

func static(role string) *mesospb.Resource_ReservationInfo {
	return &mesospb.Resource_ReservationInfo{Type: mesospb.Resource_ReservationInfo_STATIC.Enum(), Role: proto.String(role)}
}

func dynamic(role, principal string, labels ...string) *mesospb.Resource_ReservationInfo {
	ri := &mesospb.Resource_ReservationInfo{Type: mesospb.Resource_ReservationInfo_DYNAMIC.Enum(), Role: proto.String(role)}
	if principal != "" {
		ri.Principal = proto.String(principal)
	}
	if len(labels) > 0 {
		ri.Labels = &mesospb.Labels{}
		for i := 0; i+1 < len(labels); i += 2 {
			ri.Labels.Labels = append(ri.Labels.Labels, &mesospb.Label{Key: proto.String(labels[i]), Value: proto.String(labels[i+1])})
		}
	}
	return ri
}

// with applies edits to a copy of p.
func with(p *mesospb.Resource, edits ...func(*mesospb.Resource)) *mesospb.Resource {
	q := proto.Clone(p).(*mesospb.Resource)
	for _, e := range edits {
		e(q)
	}
	return q
}

func reserved(rs ...*mesospb.Resource_ReservationInfo) func(*mesospb.Resource) {
	return func(p *mesospb.Resource) { p.Reservations = append(p.Reservations, rs...) }
}

func revocable(p *mesospb.Resource) { p.Revocable = &mesospb.Resource_RevocableInfo{} }
func shared(p *mesospb.Resource)    { p.Shared = &mesospb.Resource_SharedInfo{} }

func allocated(role string) func(*mesospb.Resource) {
	return func(p *mesospb.Resource) {
		p.AllocationInfo = &mesospb.Resource_AllocationInfo{Role: proto.String(role)}
	}
}

func provider(id string) func(*mesospb.Resource) {
	return func(p *mesospb.Resource) { p.ProviderId = &mesospb.ResourceProviderID{Value: proto.String(id)} }
}

func persistent(id string) func(*mesospb.Resource) {
	return func(p *mesospb.Resource) {
		if p.Disk == nil {
			p.Disk = &mesospb.Resource_DiskInfo{}
		}
		p.Disk.Persistence = &mesospb.Resource_DiskInfo_Persistence{Id: proto.String(id)}
	}
}

func diskSource(t mesospb.Resource_DiskInfo_Source_Type, root string) func(*mesospb.Resource) {
	return func(p *mesospb.Resource) {
		if p.Disk == nil {
			p.Disk = &mesospb.Resource_DiskInfo{}
		}
		s := &mesospb.Resource_DiskInfo_Source{Type: t.Enum()}
		switch t {
		case mesospb.Resource_DiskInfo_Source_MOUNT:
			s.Mount = &mesospb.Resource_DiskInfo_Source_Mount{Root: proto.String(root)}
		case mesospb.Resource_DiskInfo_Source_PATH:
			s.Path = &mesospb.Resource_DiskInfo_Source_Path{Root: proto.String(root)}
		case mesospb.Resource_DiskInfo_Source_RAW, mesospb.Resource_DiskInfo_Source_BLOCK:
			if root != "" {
				s.Id = proto.String(root)
			}
		}
		p.Disk.Source = s
	}
}

func mustNew(t testing.TB, ps ...*mesospb.Resource) Resources {
	t.Helper()
	r, err := FromProtos(ps)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
