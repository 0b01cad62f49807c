// Package prototest builds fully populated protobuf messages for tests,
// fuzz seeds and benchmarks of the wire code: every field of every nested
// message set to a deterministic, awkward value (64-bit integers beyond 2^53,
// strings that need escaping, bytes that are not UTF-8), so that a codec that
// drops or bends anything is caught.
package prototest

import (
	"fmt"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// Filler populates messages. The zero value is ready to use; each call
// continues the sequence of values, so two fills of one type differ.
type Filler struct {
	// MaxDepth bounds nesting (default 8); recursive types (ContainerID.parent)
	// are entered once per path in any case.
	MaxDepth int
	n        int64
}

// Fill sets every field of m (recursively), taking the first member of each
// oneof, and returns m for convenience.
func (f *Filler) Fill(m protoreflect.Message) protoreflect.Message {
	maxDepth := f.MaxDepth
	if maxDepth == 0 {
		maxDepth = 8
	}
	f.fill(m, 0, maxDepth, map[protoreflect.FullName]bool{})
	return m
}

// FillRequired sets only the required fields of m (recursively), the least
// a message needs to be encodable.
func (f *Filler) FillRequired(m protoreflect.Message) protoreflect.Message {
	f.fill(m, 0, 0, map[protoreflect.FullName]bool{})
	return m
}

func (f *Filler) fill(m protoreflect.Message, depth, maxDepth int, onPath map[protoreflect.FullName]bool) {
	desc := m.Descriptor()
	onPath[desc.FullName()] = true
	defer delete(onPath, desc.FullName())
	fields := desc.Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if oneof := fd.ContainingOneof(); oneof != nil && !oneof.IsSynthetic() && m.WhichOneof(oneof) != nil {
			continue
		}
		if depth >= maxDepth && fd.Cardinality() != protoreflect.Required {
			continue
		}
		if fd.IsMap() {
			f.fillMap(m, fd, depth, maxDepth, onPath)
			continue
		}
		if md := fd.Message(); md != nil {
			// Past the depth bound only required fields are filled (above),
			// so the message stays valid; Mesos has no required recursion.
			if onPath[md.FullName()] {
				continue
			}
			if fd.IsList() {
				list := m.Mutable(fd).List()
				for k := 0; k < f.listLen(depth); k++ {
					elem := list.NewElement()
					f.fill(elem.Message(), depth+1, maxDepth, onPath)
					list.Append(elem)
				}
				continue
			}
			f.fill(m.Mutable(fd).Message(), depth+1, maxDepth, onPath)
			continue
		}
		if fd.IsList() {
			list := m.Mutable(fd).List()
			for k := 0; k < f.listLen(depth); k++ {
				list.Append(f.scalar(fd))
			}
			continue
		}
		m.Set(fd, f.scalar(fd))
	}
}

func (f *Filler) fillMap(m protoreflect.Message, fd protoreflect.FieldDescriptor, depth, maxDepth int, onPath map[protoreflect.FullName]bool) {
	valueFD := fd.MapValue()
	if md := valueFD.Message(); md != nil && (depth >= maxDepth || onPath[md.FullName()]) {
		return
	}
	mp := m.Mutable(fd).Map()
	for k := 0; k < f.listLen(depth); k++ {
		key := f.scalar(fd.MapKey()).MapKey()
		if valueFD.Message() != nil {
			v := mp.NewValue()
			f.fill(v.Message(), depth+1, maxDepth, onPath)
			mp.Set(key, v)
			continue
		}
		mp.Set(key, f.scalar(valueFD))
	}
}

// listLen keeps fan-out small below the top so large messages stay small.
func (f *Filler) listLen(depth int) int {
	if depth < 2 {
		return 2
	}
	return 1
}

func (f *Filler) scalar(fd protoreflect.FieldDescriptor) protoreflect.Value {
	f.n++
	n := f.n
	switch fd.Kind() {
	case protoreflect.BoolKind:
		return protoreflect.ValueOfBool(n%2 == 0)
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return protoreflect.ValueOfInt32(int32(-n * 1000003))
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		// Beyond 2^53: a codec that goes through float64 loses digits.
		return protoreflect.ValueOfInt64(-(1<<60 + n))
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return protoreflect.ValueOfUint32(uint32(4000000000 + n))
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return protoreflect.ValueOfUint64(1<<63 + uint64(n))
	case protoreflect.FloatKind:
		return protoreflect.ValueOfFloat32(float32(n) + 0.25)
	case protoreflect.DoubleKind:
		return protoreflect.ValueOfFloat64(float64(n) / 10)
	case protoreflect.StringKind:
		return protoreflect.ValueOfString(fmt.Sprintf("%s-%d \"q\"\\ ✓\n", fd.Name(), n))
	case protoreflect.BytesKind:
		return protoreflect.ValueOfBytes([]byte{0, 0xff, byte(n), '\n'})
	case protoreflect.EnumKind:
		values := fd.Enum().Values()
		return protoreflect.ValueOfEnum(values.Get(int(n) % values.Len()).Number())
	}
	panic(fmt.Sprintf("prototest: field %s has unsupported kind %v", fd.FullName(), fd.Kind()))
}
