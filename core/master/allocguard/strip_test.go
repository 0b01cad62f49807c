package allocguard

import (
	"testing"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// fillAll sets every field of m to a non-default value.
func fillAll(m protoreflect.Message) {
	fields := m.Descriptor().Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		switch {
		case fd.IsList():
			l := m.Mutable(fd).List()
			if fd.Kind() == protoreflect.MessageKind {
				l.Append(protoreflect.ValueOfMessage(l.NewElement().Message()))
			} else {
				l.Append(sample(fd))
			}
		case fd.IsMap():
		case fd.Kind() == protoreflect.MessageKind:
			m.Set(fd, m.NewField(fd))
		default:
			m.Set(fd, sample(fd))
		}
	}
}

func sample(fd protoreflect.FieldDescriptor) protoreflect.Value {
	switch fd.Kind() {
	case protoreflect.StringKind:
		return protoreflect.ValueOfString("x")
	case protoreflect.BytesKind:
		return protoreflect.ValueOfBytes([]byte("x"))
	case protoreflect.BoolKind:
		return protoreflect.ValueOfBool(true)
	case protoreflect.EnumKind:
		return protoreflect.ValueOfEnum(1)
	case protoreflect.DoubleKind:
		return protoreflect.ValueOfFloat64(1)
	case protoreflect.FloatKind:
		return protoreflect.ValueOfFloat32(1)
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return protoreflect.ValueOfInt32(1)
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return protoreflect.ValueOfInt64(1)
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return protoreflect.ValueOfUint32(1)
	default:
		return protoreflect.ValueOfUint64(1)
	}
}

// TestStripAllocationCoversAllFields fails when a field is added to
// mesos.v1.Resource and stripAllocation does not copy it.
func TestStripAllocationCoversAllFields(t *testing.T) {
	p := &mesospb.Resource{}
	fillAll(p.ProtoReflect())
	want := proto.Clone(p).(*mesospb.Resource)
	want.AllocationInfo = nil
	if got := stripAllocation(p); !proto.Equal(got, want) {
		t.Errorf("stripAllocation drops fields:\n got %v\nwant %v", got, want)
	}
	if p.AllocationInfo == nil {
		t.Error("stripAllocation modified its input")
	}
}
