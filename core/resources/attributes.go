package resources

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"google.golang.org/protobuf/proto"
)

// Attributes are an agent's attributes, in the order given.
type Attributes []*mesospb.Attribute

// ParseAttributes parses the agent's --attributes flag, like Mesos's
// Attributes::parse: "rack:r1;zone:2;os:linux" with entries separated by
// ';' or newlines, each "name:value" split at the first ':' (the value may
// contain more). Values use the value grammar of ParseValue: a number is
// SCALAR, "[a-b]" RANGES, "{a,b}" SET, anything else TEXT (spaces are
// removed). Mesos aborts on set values; they are accepted here.
func ParseAttributes(text string) (Attributes, error) {
	if !utf8.ValidString(text) {
		return nil, fmt.Errorf("Invalid attributes, invalid UTF-8 in '%s'", strings.ToValidUTF8(text, "\uFFFD"))
	}
	var out Attributes
	for _, token := range tokenize(text, ";\n") {
		name, val, ok := strings.Cut(token, ":")
		if !ok || name == "" || val == "" {
			return nil, fmt.Errorf("Invalid attribute key:value pair '%s'", token)
		}
		a, err := ParseAttribute(name, val)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// ParseAttribute parses one attribute value.
func ParseAttribute(name, text string) (*mesospb.Attribute, error) {
	v, err := parseValue(text)
	if err != nil {
		return nil, fmt.Errorf("Failed to parse attribute %s text %s error %v", name, text, err)
	}
	a := &mesospb.Attribute{Name: proto.String(name), Type: v.typ.Enum()}
	p := v.proto()
	a.Scalar, a.Ranges, a.Set, a.Text = p.Scalar, p.Ranges, p.Set, p.Text
	return a, nil
}

// ValidateAttribute checks that a has a name, a known type and the value
// field of that type.
func ValidateAttribute(a *mesospb.Attribute) error {
	if a.GetName() == "" {
		return fmt.Errorf("Empty attribute name")
	}
	ok := false
	switch a.GetType() {
	case mesospb.Value_SCALAR:
		ok = a.Scalar != nil
	case mesospb.Value_RANGES:
		ok = a.Ranges != nil
	case mesospb.Value_SET:
		ok = a.Set != nil
	case mesospb.Value_TEXT:
		ok = a.Text != nil
	default:
		return fmt.Errorf("Invalid type for attribute %s", a.GetName())
	}
	if !ok {
		return fmt.Errorf("Attribute %s has no %s value", a.GetName(), a.GetType())
	}
	return nil
}

// Get returns the first attribute named name, or nil.
func (as Attributes) Get(name string) *mesospb.Attribute {
	for _, a := range as {
		if a.GetName() == name {
			return a
		}
	}
	return nil
}

// Contains reports whether an attribute with a's name, type and value is
// present (scalars compared in fixed point, ranges and sets as sets).
func (as Attributes) Contains(a *mesospb.Attribute) bool {
	for _, x := range as {
		if attributeEqual(x, a) {
			return true
		}
	}
	return false
}

// Equal reports whether as and o have the same size and each contains every
// attribute of the other, as Mesos compares attributes.
func (as Attributes) Equal(o Attributes) bool {
	if len(as) != len(o) {
		return false
	}
	for _, a := range as {
		if !o.Contains(a) {
			return false
		}
	}
	for _, a := range o {
		if !as.Contains(a) {
			return false
		}
	}
	return true
}

func attributeEqual(a, b *mesospb.Attribute) bool {
	if a.GetName() != b.GetName() || a.GetType() != b.GetType() {
		return false
	}
	switch a.GetType() {
	case mesospb.Value_SCALAR:
		return ScalarFromFloat(a.GetScalar().GetValue()) == ScalarFromFloat(b.GetScalar().GetValue())
	case mesospb.Value_RANGES:
		return NormalizeRanges(rangesFromProto(a.GetRanges())).Equal(NormalizeRanges(rangesFromProto(b.GetRanges())))
	case mesospb.Value_SET:
		return setEqual(a.GetSet().GetItem(), b.GetSet().GetItem())
	case mesospb.Value_TEXT:
		return a.GetText().GetValue() == b.GetText().GetValue()
	}
	return false
}

// String renders the attributes as Mesos writes an attribute,
// "name=value", joined by "; ".
func (as Attributes) String() string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = a.GetName() + "=" + attributeValueString(a, false)
	}
	return strings.Join(parts, "; ")
}

// Text renders the attributes in the --attributes grammar
// ("rack:r1;zone:2"); ParseAttributes of the result gives them back.
func (as Attributes) Text() string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = a.GetName() + ":" + attributeValueString(a, true)
	}
	return strings.Join(parts, ";")
}

// Flat renders the attributes as the state endpoints show them: scalars as
// numbers, everything else as strings.
func (as Attributes) Flat() map[string]any {
	out := make(map[string]any, len(as))
	for _, a := range as {
		if a.GetType() == mesospb.Value_SCALAR {
			out[a.GetName()] = a.GetScalar().GetValue()
		} else {
			out[a.GetName()] = attributeValueString(a, false)
		}
	}
	return out
}

// attributeValueString renders the value; exact keeps every digit of a
// scalar so that it parses back to the same number.
func attributeValueString(a *mesospb.Attribute, exact bool) string {
	switch a.GetType() {
	case mesospb.Value_SCALAR:
		if exact {
			return strconv.FormatFloat(a.GetScalar().GetValue(), 'g', -1, 64)
		}
		return ScalarFromFloat(a.GetScalar().GetValue()).String()
	case mesospb.Value_RANGES:
		return Ranges(rangesFromProto(a.GetRanges())).String()
	case mesospb.Value_SET:
		return formatSet(a.GetSet().GetItem())
	case mesospb.Value_TEXT:
		return a.GetText().GetValue()
	}
	return ""
}
