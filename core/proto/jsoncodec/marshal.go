package jsoncodec

import (
	"encoding/base64"
	"fmt"
	"math"
	"sort"
	"strconv"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

// Marshal encodes m as a JSON object in Mesos's dialect.
func Marshal(m proto.Message) ([]byte, error) {
	return AppendMarshal(nil, m)
}

// AppendMarshal appends the encoding of m to dst, so that hot paths (event
// streams, state endpoints) can reuse one buffer.
func AppendMarshal(dst []byte, m proto.Message) ([]byte, error) {
	if m == nil {
		return append(dst, "null"...), nil
	}
	return appendMessage(dst, m.ProtoReflect())
}

func appendMessage(dst []byte, m protoreflect.Message) ([]byte, error) {
	dst = append(dst, '{')
	fields := m.Descriptor().Fields()
	first := true
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if !shouldWrite(m, fd) {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = appendString(dst, string(fd.Name()))
		dst = append(dst, ':')
		var err error
		switch {
		case fd.IsMap():
			dst, err = appendMap(dst, fd, m.Get(fd).Map())
		case fd.IsList():
			dst, err = appendList(dst, fd, m.Get(fd).List())
		default:
			dst, err = appendValue(dst, fd, m.Get(fd))
		}
		if err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

// shouldWrite reports whether Mesos would write the field: repeated fields
// with elements, set fields, and unset ones with an explicit default that is
// not deprecated.
func shouldWrite(m protoreflect.Message, fd protoreflect.FieldDescriptor) bool {
	if fd.IsList() {
		return m.Get(fd).List().Len() > 0
	}
	if fd.IsMap() {
		return m.Get(fd).Map().Len() > 0
	}
	if m.Has(fd) {
		return true
	}
	return fd.HasDefault() && !isDeprecated(fd)
}

func isDeprecated(fd protoreflect.FieldDescriptor) bool {
	opts, ok := fd.Options().(*descriptorpb.FieldOptions)
	return ok && opts.GetDeprecated()
}

// appendMap writes a map field as a JSON object with sorted keys, the form
// Mesos's documentation shows (quota "limits": {"cpus": {"value": 1}}).
func appendMap(dst []byte, fd protoreflect.FieldDescriptor, m protoreflect.Map) ([]byte, error) {
	keys := make([]protoreflect.MapKey, 0, m.Len())
	m.Range(func(k protoreflect.MapKey, _ protoreflect.Value) bool {
		keys = append(keys, k)
		return true
	})
	sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, k.String())
		dst = append(dst, ':')
		var err error
		if dst, err = appendValue(dst, fd.MapValue(), m.Get(k)); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

func appendList(dst []byte, fd protoreflect.FieldDescriptor, list protoreflect.List) ([]byte, error) {
	dst = append(dst, '[')
	for i := 0; i < list.Len(); i++ {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = appendValue(dst, fd, list.Get(i)); err != nil {
			return nil, err
		}
	}
	return append(dst, ']'), nil
}

func appendValue(dst []byte, fd protoreflect.FieldDescriptor, v protoreflect.Value) ([]byte, error) {
	switch fd.Kind() {
	case protoreflect.BoolKind:
		return strconv.AppendBool(dst, v.Bool()), nil
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind,
		protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return strconv.AppendInt(dst, v.Int(), 10), nil
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind,
		protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return strconv.AppendUint(dst, v.Uint(), 10), nil
	case protoreflect.FloatKind:
		return appendFloat(dst, v.Float(), 32), nil
	case protoreflect.DoubleKind:
		return appendFloat(dst, v.Float(), 64), nil
	case protoreflect.StringKind:
		return appendString(dst, v.String()), nil
	case protoreflect.BytesKind:
		dst = append(dst, '"')
		dst = base64.StdEncoding.AppendEncode(dst, v.Bytes())
		return append(dst, '"'), nil
	case protoreflect.EnumKind:
		ev := fd.Enum().Values().ByNumber(v.Enum())
		if ev == nil {
			// An enum number this build does not know (kept as unknown by
			// proto2 decoding elsewhere): the number is all we can say.
			return strconv.AppendInt(dst, int64(v.Enum()), 10), nil
		}
		return appendString(dst, string(ev.Name())), nil
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return appendMessage(dst, v.Message())
	}
	return nil, fmt.Errorf("jsoncodec: field %s has unsupported kind %v", fd.FullName(), fd.Kind())
}

// appendFloat writes the shortest decimal that reads back as the same value,
// without an exponent for everyday magnitudes (32, not 3.2e+01). JSON has no
// NaN or infinities; we write them as protojson does, as strings.
func appendFloat(dst []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(dst, `"Infinity"`...)
	case math.IsInf(f, -1):
		return append(dst, `"-Infinity"`...)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'g'
	}
	return strconv.AppendFloat(dst, f, format, -1, bits)
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string. Unlike encoding/json it does not
// escape <, > and &: Mesos does not, and these documents are not HTML.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			// proto2 strings may hold invalid UTF-8; JSON cannot.
			dst = append(dst, `\ufffd`...)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}
