package jsoncodec

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// MaxDepth bounds message nesting. Some Mesos messages are recursive
// (ContainerID.parent), and unbounded nesting would let a request exhaust
// the stack. Mesos's C++ protobuf stops at 100 as well.
const MaxDepth = 100

// Unmarshal decodes a JSON object in Mesos's dialect into m, replacing its
// contents. On error m is left exactly as it was.
func Unmarshal(data []byte, m proto.Message) error {
	scratch := m.ProtoReflect().New()
	d := decoder{dec: json.NewDecoder(bytes.NewReader(data))}
	d.dec.UseNumber()
	tok, err := d.token()
	if err != nil {
		return err
	}
	if tok != json.Delim('{') {
		return fmt.Errorf("jsoncodec: expecting a JSON object for %s, got %s", scratch.Descriptor().FullName(), describe(tok))
	}
	if err := d.parseObject(scratch, 1); err != nil {
		return err
	}
	if _, err := d.dec.Token(); err != io.EOF {
		return errors.New("jsoncodec: unexpected data after the JSON object")
	}
	if err := proto.CheckInitialized(scratch.Interface()); err != nil {
		return fmt.Errorf("jsoncodec: missing required fields: %w", err)
	}
	proto.Reset(m)
	proto.Merge(m, scratch.Interface())
	return nil
}

type decoder struct {
	dec *json.Decoder
}

func (d *decoder) token() (json.Token, error) {
	tok, err := d.dec.Token()
	if err != nil {
		if err == io.EOF {
			return nil, errors.New("jsoncodec: unexpected end of JSON input")
		}
		return nil, fmt.Errorf("jsoncodec: %w", err)
	}
	return tok, nil
}

// parseObject reads the members of an object whose '{' was consumed.
func (d *decoder) parseObject(m protoreflect.Message, depth int) error {
	if depth > MaxDepth {
		return fmt.Errorf("jsoncodec: messages nested deeper than %d", MaxDepth)
	}
	desc := m.Descriptor()
	for {
		tok, err := d.token()
		if err != nil {
			return err
		}
		if tok == json.Delim('}') {
			return nil
		}
		name, ok := tok.(string)
		if !ok {
			return fmt.Errorf("jsoncodec: expecting a field name in %s, got %s", desc.FullName(), describe(tok))
		}
		fd := desc.Fields().ByName(protoreflect.Name(name))
		if fd == nil {
			fd = desc.Fields().ByJSONName(name)
		}
		if fd == nil {
			if err := d.skipValue(); err != nil {
				return err
			}
			continue
		}
		if err := d.parseField(m, fd, depth); err != nil {
			return err
		}
	}
}

func (d *decoder) parseField(m protoreflect.Message, fd protoreflect.FieldDescriptor, depth int) error {
	tok, err := d.token()
	if err != nil {
		return err
	}
	if tok == nil {
		return nil // null means unset
	}
	if fd.IsMap() {
		return d.parseMap(m, fd, tok, depth)
	}
	if tok == json.Delim('[') {
		if !fd.IsList() {
			return fmt.Errorf("jsoncodec: not expecting a JSON array for field '%s'", fd.Name())
		}
		for {
			elem, err := d.token()
			if err != nil {
				return err
			}
			if elem == json.Delim(']') {
				return nil
			}
			if err := d.appendElement(m, fd, elem, depth); err != nil {
				return err
			}
		}
	}
	if fd.IsList() {
		// Mesos takes a lone value for a repeated field as one element.
		return d.appendElement(m, fd, tok, depth)
	}
	if fd.Message() != nil {
		if tok != json.Delim('{') {
			return fmt.Errorf("jsoncodec: expecting a JSON object for field '%s', got %s", fd.Name(), describe(tok))
		}
		// A repeated key merges into the message, as Mesos's parser does.
		return d.parseObject(m.Mutable(fd).Message(), depth+1)
	}
	v, ok, err := scalar(fd, tok)
	if err != nil || !ok {
		return err
	}
	m.Set(fd, v)
	return nil
}

func (d *decoder) appendElement(m protoreflect.Message, fd protoreflect.FieldDescriptor, tok json.Token, depth int) error {
	if tok == nil {
		return nil
	}
	list := m.Mutable(fd).List()
	if fd.Message() != nil {
		if tok != json.Delim('{') {
			return fmt.Errorf("jsoncodec: expecting a JSON object in field '%s', got %s", fd.Name(), describe(tok))
		}
		elem := list.NewElement()
		if err := d.parseObject(elem.Message(), depth+1); err != nil {
			return err
		}
		list.Append(elem)
		return nil
	}
	v, ok, err := scalar(fd, tok)
	if err != nil || !ok {
		return err
	}
	list.Append(v)
	return nil
}

// parseMap reads a map field written as a JSON object ({"cpus": {...}}) or,
// as protobuf's reflection sees maps, as an array of {"key", "value"} entries.
func (d *decoder) parseMap(m protoreflect.Message, fd protoreflect.FieldDescriptor, tok json.Token, depth int) error {
	switch tok {
	case json.Delim('{'):
		for {
			tok, err := d.token()
			if err != nil {
				return err
			}
			if tok == json.Delim('}') {
				return nil
			}
			key, err := mapKey(fd, tok)
			if err != nil {
				return err
			}
			if err := d.parseMapValue(m, fd, key, depth); err != nil {
				return err
			}
		}
	case json.Delim('['):
		for {
			tok, err := d.token()
			if err != nil {
				return err
			}
			if tok == json.Delim(']') {
				return nil
			}
			if tok != json.Delim('{') {
				return fmt.Errorf("jsoncodec: expecting a {\"key\", \"value\"} object in map field '%s', got %s", fd.Name(), describe(tok))
			}
			if err := d.parseMapEntry(m, fd, depth); err != nil {
				return err
			}
		}
	}
	return fmt.Errorf("jsoncodec: expecting a JSON object for map field '%s', got %s", fd.Name(), describe(tok))
}

// parseMapEntry reads the members of one {"key": k, "value": v} entry whose
// '{' was consumed. The key must come before the value.
func (d *decoder) parseMapEntry(m protoreflect.Message, fd protoreflect.FieldDescriptor, depth int) error {
	var key *protoreflect.MapKey
	for {
		tok, err := d.token()
		if err != nil {
			return err
		}
		if tok == json.Delim('}') {
			if key == nil {
				return fmt.Errorf("jsoncodec: map entry without a key in field '%s'", fd.Name())
			}
			return nil
		}
		switch tok {
		case "key":
			tok, err := d.token()
			if err != nil {
				return err
			}
			k, err := mapKey(fd, tok)
			if err != nil {
				return err
			}
			key = &k
		case "value":
			if key == nil {
				return fmt.Errorf("jsoncodec: map entry value before its key in field '%s'", fd.Name())
			}
			if err := d.parseMapValue(m, fd, *key, depth); err != nil {
				return err
			}
		default:
			if err := d.skipValue(); err != nil {
				return err
			}
		}
	}
}

func (d *decoder) parseMapValue(m protoreflect.Message, fd protoreflect.FieldDescriptor, key protoreflect.MapKey, depth int) error {
	tok, err := d.token()
	if err != nil {
		return err
	}
	if tok == nil {
		return nil
	}
	mp := m.Mutable(fd).Map()
	valueFD := fd.MapValue()
	if valueFD.Message() != nil {
		if tok != json.Delim('{') {
			return fmt.Errorf("jsoncodec: expecting a JSON object in map field '%s', got %s", fd.Name(), describe(tok))
		}
		v := mp.NewValue()
		if err := d.parseObject(v.Message(), depth+1); err != nil {
			return err
		}
		mp.Set(key, v)
		return nil
	}
	v, ok, err := scalar(valueFD, tok)
	if err != nil || !ok {
		return err
	}
	mp.Set(key, v)
	return nil
}

// mapKey converts a JSON object key (always a string in JSON) to the map's
// key kind.
func mapKey(fd protoreflect.FieldDescriptor, tok json.Token) (protoreflect.MapKey, error) {
	text, ok := tok.(string)
	if !ok {
		if n, isNum := tok.(json.Number); isNum {
			text = string(n)
		} else {
			return protoreflect.MapKey{}, fmt.Errorf("jsoncodec: bad key %s in map field '%s'", describe(tok), fd.Name())
		}
	}
	keyFD := fd.MapKey()
	switch keyFD.Kind() {
	case protoreflect.StringKind:
		return protoreflect.ValueOfString(text).MapKey(), nil
	case protoreflect.BoolKind:
		b, err := strconv.ParseBool(text)
		if err != nil {
			return protoreflect.MapKey{}, fmt.Errorf("jsoncodec: bad boolean key %q in map field '%s'", text, fd.Name())
		}
		return protoreflect.ValueOfBool(b).MapKey(), nil
	}
	v, err := integer(keyFD.Kind(), text)
	if err != nil {
		return protoreflect.MapKey{}, fmt.Errorf("jsoncodec: map field '%s': %w", fd.Name(), err)
	}
	return v.MapKey(), nil
}

// skipValue consumes one whole value of an unknown field.
func (d *decoder) skipValue() error {
	depth := 0
	for {
		tok, err := d.token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// scalar converts a JSON token to a non-message field value. ok is false when
// the value is to be dropped (an unknown enum name for a non-required field).
func scalar(fd protoreflect.FieldDescriptor, tok json.Token) (protoreflect.Value, bool, error) {
	bad := func(what string) (protoreflect.Value, bool, error) {
		return protoreflect.Value{}, false, fmt.Errorf("jsoncodec: not expecting %s for field '%s'", what, fd.Name())
	}
	if delim, isDelim := tok.(json.Delim); isDelim {
		if delim == '{' {
			return bad("a JSON object")
		}
		return bad("a JSON array")
	}
	switch fd.Kind() {
	case protoreflect.BoolKind:
		if b, ok := tok.(bool); ok {
			return protoreflect.ValueOfBool(b), true, nil
		}
		return bad(describe(tok))
	case protoreflect.StringKind:
		if s, ok := tok.(string); ok {
			return protoreflect.ValueOfString(s), true, nil
		}
		return bad(describe(tok))
	case protoreflect.BytesKind:
		s, ok := tok.(string)
		if !ok {
			return bad(describe(tok))
		}
		b, err := decodeBase64(s)
		if err != nil {
			return protoreflect.Value{}, false, fmt.Errorf("jsoncodec: failed to base64 decode bytes field '%s': %w", fd.Name(), err)
		}
		return protoreflect.ValueOfBytes(b), true, nil
	case protoreflect.EnumKind:
		return enumValue(fd, tok)
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		text, ok := numberText(tok)
		if !ok {
			return bad(describe(tok))
		}
		f, err := parseFloat(text)
		if err != nil {
			return protoreflect.Value{}, false, fmt.Errorf("jsoncodec: field '%s': %w", fd.Name(), err)
		}
		if fd.Kind() == protoreflect.FloatKind {
			return protoreflect.ValueOfFloat32(float32(f)), true, nil
		}
		return protoreflect.ValueOfFloat64(f), true, nil
	default:
		text, ok := numberText(tok)
		if !ok {
			return bad(describe(tok))
		}
		v, err := integer(fd.Kind(), text)
		if err != nil {
			return protoreflect.Value{}, false, fmt.Errorf("jsoncodec: field '%s': %w", fd.Name(), err)
		}
		return v, true, nil
	}
}

func enumValue(fd protoreflect.FieldDescriptor, tok json.Token) (protoreflect.Value, bool, error) {
	values := fd.Enum().Values()
	var ev protoreflect.EnumValueDescriptor
	var shown string
	switch t := tok.(type) {
	case string:
		ev, shown = values.ByName(protoreflect.Name(t)), t
	case json.Number:
		if n, err := strconv.ParseInt(string(t), 10, 32); err == nil {
			ev = values.ByNumber(protoreflect.EnumNumber(n))
		}
		shown = string(t)
	default:
		return protoreflect.Value{}, false, fmt.Errorf("jsoncodec: not expecting %s for enum field '%s'", describe(tok), fd.Name())
	}
	if ev == nil {
		if fd.Cardinality() == protoreflect.Required {
			return protoreflect.Value{}, false, fmt.Errorf("jsoncodec: failed to find enum for '%s' in field '%s'", shown, fd.Name())
		}
		return protoreflect.Value{}, false, nil
	}
	return protoreflect.ValueOfEnum(ev.Number()), true, nil
}

// numberText accepts JSON numbers and, for protojson-style clients, numbers
// written as strings.
func numberText(tok json.Token) (string, bool) {
	switch t := tok.(type) {
	case json.Number:
		return string(t), true
	case string:
		return strings.TrimSpace(t), true
	}
	return "", false
}

func parseFloat(text string) (float64, error) {
	switch text {
	case "NaN":
		return math.NaN(), nil
	case "Infinity":
		return math.Inf(1), nil
	case "-Infinity":
		return math.Inf(-1), nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", text)
	}
	return f, nil
}

// integer parses an integer field. Plain integers are parsed exactly; other
// number forms (3.6e+06, 8080.0) are accepted when they denote an integer in
// the field's range.
func integer(kind protoreflect.Kind, text string) (protoreflect.Value, error) {
	signed, bits := intShape(kind)
	if signed {
		if n, err := strconv.ParseInt(text, 10, bits); err == nil {
			return intValue(kind, n), nil
		}
	} else if n, err := strconv.ParseUint(text, 10, bits); err == nil {
		return uintValue(kind, n), nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return protoreflect.Value{}, fmt.Errorf("%q is not a number", text)
	}
	if f != math.Trunc(f) {
		return protoreflect.Value{}, fmt.Errorf("%s is not an integer", text)
	}
	limit := math.Ldexp(1, bits) // 2^bits, exact in float64
	if signed {
		if f < -limit/2 || f >= limit/2 {
			return protoreflect.Value{}, fmt.Errorf("%s is out of range for a %d-bit integer", text, bits)
		}
		return intValue(kind, int64(f)), nil
	}
	if f < 0 || f >= limit {
		return protoreflect.Value{}, fmt.Errorf("%s is out of range for an unsigned %d-bit integer", text, bits)
	}
	return uintValue(kind, uint64(f)), nil
}

func intShape(kind protoreflect.Kind) (signed bool, bits int) {
	switch kind {
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return true, 32
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return true, 64
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return false, 32
	}
	return false, 64
}

func intValue(kind protoreflect.Kind, n int64) protoreflect.Value {
	if _, bits := intShape(kind); bits == 32 {
		return protoreflect.ValueOfInt32(int32(n))
	}
	return protoreflect.ValueOfInt64(n)
}

func uintValue(kind protoreflect.Kind, n uint64) protoreflect.Value {
	if _, bits := intShape(kind); bits == 32 {
		return protoreflect.ValueOfUint32(uint32(n))
	}
	return protoreflect.ValueOfUint64(n)
}

// decodeBase64 takes standard base64 as Mesos writes it and, liberally, the
// URL-safe and unpadded variants other clients produce.
func decodeBase64(s string) ([]byte, error) {
	encodings := []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding}
	var firstErr error
	for _, enc := range encodings {
		b, err := enc.DecodeString(s)
		if err == nil {
			return b, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, firstErr
}

func describe(tok json.Token) string {
	switch t := tok.(type) {
	case nil:
		return "null"
	case json.Delim:
		if t == '{' || t == '}' {
			return "a JSON object"
		}
		return "a JSON array"
	case bool:
		return "a JSON boolean"
	case json.Number:
		return "a JSON number"
	case string:
		return "a JSON string"
	}
	return fmt.Sprintf("%T", tok)
}
