package prototest

import (
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

// WithMesosDefaults returns a copy of m in which every unset optional field
// that declares an explicit, non-deprecated default is set to it, in m and
// in every nested message. That is what a message looks like after a trip
// through Mesos's JSON, which writes such defaults.
func WithMesosDefaults(m proto.Message) proto.Message {
	c := proto.Clone(m)
	setDefaults(c.ProtoReflect())
	return c
}

func setDefaults(m protoreflect.Message) {
	fields := m.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		switch {
		case fd.IsMap():
			if fd.MapValue().Message() != nil {
				m.Get(fd).Map().Range(func(_ protoreflect.MapKey, v protoreflect.Value) bool {
					setDefaults(v.Message())
					return true
				})
			}
		case fd.IsList():
			if fd.Message() != nil {
				list := m.Get(fd).List()
				for k := 0; k < list.Len(); k++ {
					setDefaults(list.Get(k).Message())
				}
			}
		case fd.Message() != nil:
			if m.Has(fd) {
				setDefaults(m.Mutable(fd).Message())
			}
		case !m.Has(fd) && fd.HasDefault() && !deprecated(fd):
			m.Set(fd, fd.Default())
		}
	}
}

func deprecated(fd protoreflect.FieldDescriptor) bool {
	opts, ok := fd.Options().(*descriptorpb.FieldOptions)
	return ok && opts.GetDeprecated()
}
