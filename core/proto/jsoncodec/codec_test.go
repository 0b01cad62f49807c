package jsoncodec

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"
)

// descriptorpb is proto2 with the features the Mesos protos use: explicit
// defaults, a deprecated field with a default, required fields, enums,
// int64/uint64/double/bytes and nested repeated messages.

func TestMarshalWritesDefaultsLikeMesos(t *testing.T) {
	out, err := Marshal(&descriptorpb.FileOptions{JavaPackage: proto.String("p")})
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("invalid JSON %s: %v", out, err)
	}
	if got["java_package"] != "p" {
		t.Errorf("set field missing: %s", out)
	}
	// optimize_for has [default = SPEED]: written although unset.
	if got["optimize_for"] != "SPEED" {
		t.Errorf("default of optimize_for not written: %s", out)
	}
	// java_generate_equals_and_hash is deprecated: never written when unset.
	if _, ok := got["java_generate_equals_and_hash"]; ok {
		t.Errorf("deprecated default written: %s", out)
	}
	// go_package has no explicit default: not written.
	if _, ok := got["go_package"]; ok {
		t.Errorf("unset field without default written: %s", out)
	}
}

func TestMarshalScalarsInMesosForm(t *testing.T) {
	opt := &descriptorpb.UninterpretedOption{
		Name:             []*descriptorpb.UninterpretedOption_NamePart{{NamePart: proto.String("a<b>&c"), IsExtension: proto.Bool(false)}},
		PositiveIntValue: proto.Uint64(math.MaxUint64),
		NegativeIntValue: proto.Int64(math.MinInt64),
		DoubleValue:      proto.Float64(32),
		StringValue:      []byte{0, 1, 2, 250},
	}
	out, err := Marshal(opt)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"name":[{"name_part":"a<b>&c","is_extension":false}],"positive_int_value":18446744073709551615,"negative_int_value":-9223372036854775808,"double_value":32,"string_value":"AAEC+g=="}`
	if string(out) != want {
		t.Fatalf("got  %s\nwant %s", out, want)
	}
}

func TestRoundTrip(t *testing.T) {
	msgs := []proto.Message{
		&descriptorpb.UninterpretedOption{
			Name:             []*descriptorpb.UninterpretedOption_NamePart{{NamePart: proto.String("x\n\"y\"\x01"), IsExtension: proto.Bool(true)}},
			PositiveIntValue: proto.Uint64(1 << 60),
			DoubleValue:      proto.Float64(0.1),
			StringValue:      []byte("bytes"),
			AggregateValue:   proto.String("héllo ✓"),
		},
		&descriptorpb.FileDescriptorProto{
			Name: proto.String("f.proto"),
			MessageType: []*descriptorpb.DescriptorProto{{
				Name: proto.String("M"),
				Field: []*descriptorpb.FieldDescriptorProto{{
					Name:   proto.String("f"),
					Number: proto.Int32(-3),
					Label:  descriptorpb.FieldDescriptorProto_LABEL_REPEATED.Enum(),
					Type:   descriptorpb.FieldDescriptorProto_TYPE_BYTES.Enum(),
				}},
			}},
			PublicDependency: []int32{1, 2, 3},
		},
		&descriptorpb.UninterpretedOption{DoubleValue: proto.Float64(math.Inf(-1))},
		&descriptorpb.UninterpretedOption{DoubleValue: proto.Float64(1e-300)},
	}
	for _, m := range msgs {
		out, err := Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		back := m.ProtoReflect().New().Interface()
		if err := Unmarshal(out, back); err != nil {
			t.Fatalf("unmarshal %s: %v", out, err)
		}
		// Defaults written on the way out come back as set fields; compare
		// against the original with its defaults made explicit.
		if !proto.Equal(withDefaults(m), withDefaults(back)) {
			t.Fatalf("round trip changed the message:\n%s\n%v", out, back)
		}
	}
}

func TestUnmarshalMesosDialect(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want *descriptorpb.UninterpretedOption
	}{
		{"exponent for an integer", `{"positive_int_value": 3.6e+06}`,
			&descriptorpb.UninterpretedOption{PositiveIntValue: proto.Uint64(3600000)}},
		{"integer as string", `{"negative_int_value": "-42"}`,
			&descriptorpb.UninterpretedOption{NegativeIntValue: proto.Int64(-42)}},
		{"null is unset", `{"double_value": null, "identifier_value": "x"}`,
			&descriptorpb.UninterpretedOption{IdentifierValue: proto.String("x")}},
		{"unknown fields ignored", `{"nope": {"a": [1, {"b": null}]}, "identifier_value": "x", "zzz": 1}`,
			&descriptorpb.UninterpretedOption{IdentifierValue: proto.String("x")}},
		{"lone value for a repeated field", `{"name": {"name_part": "n", "is_extension": true}}`,
			&descriptorpb.UninterpretedOption{Name: []*descriptorpb.UninterpretedOption_NamePart{{NamePart: proto.String("n"), IsExtension: proto.Bool(true)}}}},
		{"camelCase names", `{"identifierValue": "x"}`,
			&descriptorpb.UninterpretedOption{IdentifierValue: proto.String("x")}},
		{"url-safe base64", `{"string_value": "-_8"}`,
			&descriptorpb.UninterpretedOption{StringValue: []byte{0xfb, 0xff}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := &descriptorpb.UninterpretedOption{}
			if err := Unmarshal([]byte(c.in), got); err != nil {
				t.Fatal(err)
			}
			if !proto.Equal(got, c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestUnmarshalEnums(t *testing.T) {
	f := &descriptorpb.FieldDescriptorProto{}
	if err := Unmarshal([]byte(`{"type": "TYPE_STRING", "label": 3}`), f); err != nil {
		t.Fatal(err)
	}
	if f.GetType() != descriptorpb.FieldDescriptorProto_TYPE_STRING || f.GetLabel() != descriptorpb.FieldDescriptorProto_LABEL_REPEATED {
		t.Fatalf("got %v", f)
	}
	// An unknown name leaves an optional enum unset, as proto2 decoding does.
	f = &descriptorpb.FieldDescriptorProto{}
	if err := Unmarshal([]byte(`{"type": "TYPE_FROM_THE_FUTURE", "name": "n"}`), f); err != nil {
		t.Fatal(err)
	}
	if f.Type != nil || f.GetName() != "n" {
		t.Fatalf("unknown enum should be dropped: %v", f)
	}
}

func TestUnmarshalErrorsLeaveMessageUntouched(t *testing.T) {
	cases := map[string]string{
		"not an object":            `[1]`,
		"missing required field":   `{"name": [{"name_part": "n"}]}`,
		"fraction for an integer":  `{"positive_int_value": 1.5}`,
		"negative for an unsigned": `{"positive_int_value": -1}`,
		"out of range":             `{"negative_int_value": 1e19}`,
		"string for a bool":        `{"name": [{"name_part": "n", "is_extension": "yes"}]}`,
		"array for a singular":     `{"identifier_value": ["a"]}`,
		"object for a scalar":      `{"identifier_value": {}}`,
		"bad base64":               `{"string_value": "!!!"}`,
		"truncated":                `{"identifier_value": "x"`,
		"trailing data":            `{} {}`,
		"empty":                    ``,
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			m := &descriptorpb.UninterpretedOption{IdentifierValue: proto.String("keep")}
			err := Unmarshal([]byte(in), m)
			if err == nil {
				t.Fatalf("no error for %s", in)
			}
			if !strings.HasPrefix(err.Error(), "jsoncodec: ") {
				t.Errorf("error lacks context: %v", err)
			}
			if m.GetIdentifierValue() != "keep" || m.PositiveIntValue != nil {
				t.Fatalf("message changed on error: %v", m)
			}
		})
	}
}

func TestUnmarshalRequiredEnumUnknownIsError(t *testing.T) {
	// descriptorpb has no required enum; the Mesos protos do (Value.type),
	// and those are covered by the wire tests of core/proto. Here we check
	// the rule itself through the required-field check on NamePart.
	np := &descriptorpb.UninterpretedOption_NamePart{}
	if err := Unmarshal([]byte(`{"name_part": "x"}`), np); err == nil {
		t.Fatal("missing required is_extension accepted")
	}
}

func TestUnmarshalBoundsNesting(t *testing.T) {
	// DescriptorProto.nested_type is recursive, like ContainerID.parent.
	deep := strings.Repeat(`{"nested_type":[`, MaxDepth+5) + strings.Repeat(`]}`, MaxDepth+5)
	if err := Unmarshal([]byte(deep), &descriptorpb.DescriptorProto{}); err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Fatalf("got %v, want a nesting error", err)
	}
	ok := strings.Repeat(`{"nested_type":[`, MaxDepth-2) + `{}` + strings.Repeat(`]}`, MaxDepth-2)
	if err := Unmarshal([]byte(ok), &descriptorpb.DescriptorProto{}); err != nil {
		t.Fatalf("nesting within the bound rejected: %v", err)
	}
}

// withDefaults returns a copy of m in which every unset field that Marshal
// would write (explicit non-deprecated default) is set, recursively.
func withDefaults(m proto.Message) proto.Message {
	out, err := Marshal(m)
	if err != nil {
		panic(err)
	}
	c := m.ProtoReflect().New().Interface()
	if err := Unmarshal(out, c); err != nil {
		panic(err)
	}
	return c
}
