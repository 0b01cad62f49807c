package resources

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"google.golang.org/protobuf/proto"
)

// value is a parsed text value: one of a scalar, ranges, set or text.
type value struct {
	typ    mesospb.Value_Type
	scalar float64
	ranges []Range // as written, coalesced
	set    []string
	text   string
}

// tokenize splits s at any of the delimiter bytes and drops empty tokens,
// like stout's strings::tokenize.
func tokenize(s, delims string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(delims, r) })
}

// trimSpace trims the characters stout's strings::trim removes by default.
func trimSpace(s string) string { return strings.Trim(s, " \t\n\r") }

// bracketsMatch reports whether open and close brackets in s nest properly.
func bracketsMatch(s string, open, close byte) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case open:
			n++
		case close:
			n--
		}
		if n < 0 {
			return false
		}
	}
	return n == 0
}

// ParseValue parses a value in Mesos's text grammar: "[a-b, c-d]" is RANGES,
// "{a,b}" is SET, a number is SCALAR and anything else is TEXT. Spaces are
// removed first, as Mesos does.
func ParseValue(text string) (*mesospb.Value, error) {
	v, err := parseValue(text)
	if err != nil {
		return nil, err
	}
	return v.proto(), nil
}

func (v *value) proto() *mesospb.Value {
	p := &mesospb.Value{Type: v.typ.Enum()}
	switch v.typ {
	case mesospb.Value_SCALAR:
		p.Scalar = &mesospb.Value_Scalar{Value: proto.Float64(v.scalar)}
	case mesospb.Value_RANGES:
		p.Ranges = Ranges(v.ranges).Proto()
	case mesospb.Value_SET:
		p.Set = &mesospb.Value_Set{Item: v.set}
	case mesospb.Value_TEXT:
		p.Text = &mesospb.Value_Text{Value: proto.String(v.text)}
	}
	return p
}

func parseValue(text string) (*value, error) {
	s := strings.ReplaceAll(text, " ", "")
	if s == "" {
		return nil, fmt.Errorf("Expecting non-empty string")
	}
	if !bracketsMatch(s, '{', '}') || !bracketsMatch(s, '[', ']') || !bracketsMatch(s, '(', ')') {
		return nil, fmt.Errorf("Mismatched brackets in '%s'", s)
	}
	switch i := strings.IndexByte(s, '['); {
	case i == 0:
		return parseRanges(s)
	case i > 0:
		return nil, fmt.Errorf("Unexpected '[' found in '%s'", s)
	}
	switch i := strings.IndexByte(s, '{'); {
	case i == 0:
		return &value{typ: mesospb.Value_SET, set: tokenize(s, "{},\n")}, nil
	case i > 0:
		return nil, fmt.Errorf("Unexpected '{' found in '%s'", s)
	}
	if f, ok := parseNumber(s); ok {
		if err := validateInputScalar(f); err != nil {
			return nil, fmt.Errorf("Invalid scalar value '%s': %v", s, err)
		}
		return &value{typ: mesospb.Value_SCALAR, scalar: f}, nil
	}
	return &value{typ: mesospb.Value_TEXT, text: s}, nil
}

// parseRanges parses "[a-b,c-d]". Like Mesos, the text is split at any of
// "[]-,\n" and the numbers are taken in pairs.
func parseRanges(s string) (*value, error) {
	tokens := tokenize(s, "[]-,\n")
	if len(tokens)%2 != 0 {
		return nil, fmt.Errorf("Expecting one or more \"ranges\" in '%s'", s)
	}
	rs := make([]Range, 0, len(tokens)/2)
	for i := 0; i < len(tokens); i += 2 {
		b, err1 := parseUint(tokens[i])
		e, err2 := parseUint(tokens[i+1])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("Expecting non-negative integers in '%s'", s)
		}
		if b > e {
			return nil, fmt.Errorf("Invalid range '%d-%d' in '%s': begin > end", b, e, s)
		}
		rs = append(rs, Range{b, e})
	}
	return &value{typ: mesospb.Value_RANGES, ranges: NormalizeRanges(rs)}, nil
}

// parseUint accepts what Mesos's numify<uint64_t> accepts in practice: a
// decimal number with an optional '+', or a hexadecimal one with "0x".
func parseUint(s string) (uint64, error) {
	s = strings.TrimPrefix(s, "+")
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		return strconv.ParseUint(s[2:], 16, 64)
	}
	if strings.HasPrefix(s, "+") || strings.HasPrefix(s, "-") {
		return 0, strconv.ErrSyntax
	}
	return strconv.ParseUint(s, 10, 64)
}

// parseNumber accepts a decimal floating-point number (with optional sign,
// fraction and exponent) or inf/nan, as C++'s lexical_cast<double> does;
// hexadecimal and Go-only forms (underscores) are not numbers.
func parseNumber(s string) (float64, bool) {
	if strings.ContainsAny(s, "_xXpP") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	return f, true
}

// validateInputScalar rejects the scalar values Mesos refuses as input:
// infinities, NaN, subnormals and negative numbers.
func validateInputScalar(f float64) error {
	switch {
	case math.IsInf(f, 0):
		return fmt.Errorf("Infinite values not supported")
	case math.IsNaN(f):
		return fmt.Errorf("NaN not supported")
	case f != 0 && math.Abs(f) < 0x1p-1022:
		return fmt.Errorf("Subnormal values not supported")
	case f < 0:
		return fmt.Errorf("Negative values not supported")
	}
	return nil
}
