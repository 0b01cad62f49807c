package resources

import (
	"testing"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

func TestConvertFormats(t *testing.T) {
	unreserved := scalarRes("cpus", 1)
	staticPost := with(scalarRes("cpus", 1), reserved(static("web")))
	dynPost := with(scalarRes("cpus", 1), reserved(dynamic("web", "p", "k", "v")))
	refined := with(scalarRes("cpus", 1), reserved(static("eng"), dynamic("eng/fe", "p")))

	staticPre := with(scalarRes("cpus", 1), func(p *mesospb.Resource) { p.Role = proto.String("web") })
	dynPre := with(scalarRes("cpus", 1), func(p *mesospb.Resource) {
		p.Role = proto.String("web")
		p.Reservation = &mesospb.Resource_ReservationInfo{Principal: proto.String("p"),
			Labels: dynamic("x", "", "k", "v").Labels}
	})
	unreservedPre := with(scalarRes("cpus", 1), func(p *mesospb.Resource) { p.Role = proto.String("*") })

	tests := []struct {
		name string
		in   *mesospb.Resource
		f    Format
		want *mesospb.Resource
		err  bool
	}{
		{"unreserved down", unreserved, PreRefinement, unreservedPre, false},
		{"unreserved up", unreservedPre, PostRefinement, unreserved, false},
		{"static down", staticPost, PreRefinement, staticPre, false},
		{"static up", staticPre, PostRefinement, staticPost, false},
		{"dynamic down", dynPost, PreRefinement, dynPre, false},
		{"dynamic up", dynPre, PostRefinement, dynPost, false},
		{"refined down", refined, PreRefinement, nil, true},
		{"refined endpoint", refined, Endpoint, refined, false},
		{"dynamic endpoint", dynPost, Endpoint, with(dynPre, reserved(dynamic("web", "p", "k", "v"))), false},
		{"unreserved endpoint", unreserved, Endpoint, unreservedPre, false},
		{"endpoint up", with(dynPre, reserved(dynamic("web", "p", "k", "v"))), PostRefinement, dynPost, false},
		{"pre to pre", dynPre, PreRefinement, dynPre, false},
	}
	for _, tc := range tests {
		before := proto.Clone(tc.in)
		got, err := Convert(tc.in, tc.f)
		if !proto.Equal(before, tc.in) {
			t.Errorf("%s: input modified", tc.name)
		}
		if tc.err {
			if err == nil {
				t.Errorf("%s: no error", tc.name)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !proto.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
		if err := Validate(got); err != nil {
			t.Errorf("%s: result invalid: %v", tc.name, err)
		}
	}
}

func TestConvertMessage(t *testing.T) {
	// mesos.v1.Value has no Resource inside: nothing happens.
	v := &mesospb.Value{Type: mesospb.Value_SCALAR.Enum()}
	if err := ConvertMessage(v, PreRefinement); err != nil {
		t.Fatal(err)
	}
	// A Resource message itself is converted in place.
	r := with(scalarRes("cpus", 1), reserved(dynamic("web", "p")))
	if err := ConvertMessage(r, PreRefinement); err != nil {
		t.Fatal(err)
	}
	if r.GetRole() != "web" || r.Reservation.GetPrincipal() != "p" || len(r.Reservations) != 0 {
		t.Errorf("converted = %v", r)
	}
	if err := ConvertMessage(r, PostRefinement); err != nil {
		t.Fatal(err)
	}
	if r.Role != nil || r.Reservation != nil || len(r.Reservations) != 1 {
		t.Errorf("upgraded = %v", r)
	}
	refined := with(scalarRes("cpus", 1), reserved(static("eng"), dynamic("eng/fe", "p")))
	if err := ConvertMessage(refined, PreRefinement); err != ErrRefinedDowngrade {
		t.Errorf("err = %v", err)
	}
}

func TestProtosIn(t *testing.T) {
	r := MustParse("cpus:1;mem(web):2")
	ps, err := r.ProtosIn(PreRefinement)
	if err != nil {
		t.Fatal(err)
	}
	if ps[0].GetRole() != "*" || ps[1].GetRole() != "web" || len(ps[1].Reservations) != 0 {
		t.Errorf("pre-refinement protos = %v", ps)
	}
	back, err := FromProtos(ps)
	if err != nil || !back.Equal(r) {
		t.Errorf("round trip = %v, %v", back, err)
	}
}

// fillAll sets every field of m, recursively, to a non-default value.
func fillAll(m protoreflect.Message, depth int) {
	fields := m.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if fd.ContainingOneof() != nil && i > 0 && fields.Get(i-1).ContainingOneof() == fd.ContainingOneof() {
			continue
		}
		var v protoreflect.Value
		switch fd.Kind() {
		case protoreflect.MessageKind, protoreflect.GroupKind:
			if depth > 4 || fd.IsMap() {
				continue
			}
			if fd.IsList() {
				l := m.Mutable(fd).List()
				e := l.NewElement()
				fillAll(e.Message(), depth+1)
				l.Append(e)
				continue
			}
			sub := m.Mutable(fd).Message()
			fillAll(sub, depth+1)
			continue
		case protoreflect.StringKind:
			v = protoreflect.ValueOfString("x")
		case protoreflect.BytesKind:
			v = protoreflect.ValueOfBytes([]byte("x"))
		case protoreflect.BoolKind:
			v = protoreflect.ValueOfBool(true)
		case protoreflect.EnumKind:
			v = protoreflect.ValueOfEnum(1)
		case protoreflect.DoubleKind:
			v = protoreflect.ValueOfFloat64(1)
		case protoreflect.FloatKind:
			v = protoreflect.ValueOfFloat32(1)
		case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
			v = protoreflect.ValueOfInt32(1)
		case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
			v = protoreflect.ValueOfInt64(1)
		case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
			v = protoreflect.ValueOfUint32(1)
		case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
			v = protoreflect.ValueOfUint64(1)
		}
		if fd.IsList() {
			m.Mutable(fd).List().Append(v)
		} else {
			m.Set(fd, v)
		}
	}
}

func TestShallowCopyCoversAllFields(t *testing.T) {
	p := &mesospb.Resource{}
	fillAll(p.ProtoReflect(), 0)
	if got := shallowCopy(p); !proto.Equal(got, p) {
		t.Errorf("shallowCopy drops fields:\n got %v\nwant %v", got, p)
	}
	want := proto.Clone(p).(*mesospb.Resource)
	want.AllocationInfo = nil
	if got := WithoutAllocation(p); !proto.Equal(got, want) || p.AllocationInfo == nil {
		t.Errorf("WithoutAllocation changed more than the allocation info (or its input):\n got %v\nwant %v", got, want)
	}
	if bare := (&mesospb.Resource{Name: proto.String("cpus")}); WithoutAllocation(bare) != bare {
		t.Error("WithoutAllocation copied a resource without allocation info")
	}
}
