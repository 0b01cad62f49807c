package resources

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"google.golang.org/protobuf/proto"
)

// Parse parses resources as the agent's --resources flag takes them, like
// Mesos's Resources::parse(text, defaultRole). text is either a JSON array
// of Resource objects or the text form
//
//	cpus:4;mem:4096;ports:[31000-32000];disks:{a,b};cpus(role):2
//
// where "(role)" statically reserves a resource and resources without it get
// defaultRole ("*" for unreserved). A text that parses as a JSON array is
// taken as JSON, anything else as text. Every resource is validated (see
// Validate); on top of that, as for any command line, persistent volumes,
// revocable resources, dynamic reservations and one name with two types
// are refused. Empty resources (cpus:0) are dropped.
func Parse(text, defaultRole string) (Resources, error) {
	list, err := parseList(text, defaultRole)
	if err != nil {
		return Resources{}, err
	}
	var r Resources
	for _, x := range list {
		if err := Validate(x.p); err != nil {
			return Resources{}, fmt.Errorf("Invalid resource '%s': %w", x.source, err)
		}
		it := newResource(x.p)
		r.items = addItem(r.items, &it)
	}
	if err := validateCommandLine(r); err != nil {
		return Resources{}, err
	}
	return r, nil
}

// MustParse is Parse with the default role "*" that panics on error; for
// tests and constants.
func MustParse(text string) Resources {
	r, err := Parse(text, "*")
	if err != nil {
		panic(err)
	}
	return r
}

// ParseList parses text (JSON array or text form) into protos without
// validating them, like Mesos's Resources::fromString: text resources come
// in the post-refinement format, JSON ones as written, with defaultRole
// filled in where neither role nor reservations is set.
func ParseList(text, defaultRole string) ([]*mesospb.Resource, error) {
	list, err := parseList(text, defaultRole)
	if err != nil {
		return nil, err
	}
	out := make([]*mesospb.Resource, len(list))
	for i, x := range list {
		out[i] = x.p
	}
	return out, nil
}

// parsed is a parsed resource and the input it came from, for errors.
type parsed struct {
	p      *mesospb.Resource
	source string
}

func parseList(text, defaultRole string) ([]parsed, error) {
	if !utf8.ValidString(defaultRole) {
		return nil, fmt.Errorf("Invalid default role '%s': invalid UTF-8", strings.ToValidUTF8(defaultRole, "\uFFFD"))
	}
	if elems, ok := splitJSONArray(text); ok {
		return parseJSONList(elems, defaultRole)
	}
	return parseTextList(text, defaultRole)
}

func parseJSONList(elems [][]byte, defaultRole string) ([]parsed, error) {
	out := make([]parsed, 0, len(elems))
	for i, e := range elems {
		p := &mesospb.Resource{}
		if err := unmarshalMessage(e, p); err != nil {
			return nil, errJSON(i, err)
		}
		if p.Role == nil && len(p.Reservations) == 0 {
			p.Role = proto.String(defaultRole)
		}
		out = append(out, parsed{p, fmt.Sprintf("resources[%d] %s", i, FormatProto(p))})
	}
	return out, nil
}

func parseTextList(text, defaultRole string) ([]parsed, error) {
	if !utf8.ValidString(text) {
		return nil, fmt.Errorf("Bad value for resources, invalid UTF-8 in '%s'", strings.ToValidUTF8(text, "\uFFFD"))
	}
	var out []parsed
	for _, token := range tokenize(text, ";") {
		pair := tokenize(token, ":")
		if len(pair) != 2 {
			return nil, fmt.Errorf("Bad value for resources, missing or extra ':' in '%s'", token)
		}
		name, role := trimSpace(pair[0]), defaultRole
		if open := strings.IndexByte(pair[0], '('); open >= 0 {
			close := strings.IndexByte(pair[0], ')')
			if close < open {
				return nil, fmt.Errorf("Bad value for resources, mismatched parentheses in '%s'", token)
			}
			name = trimSpace(pair[0][:open])
			role = trimSpace(pair[0][open+1 : close])
		}
		p, err := parseResource(name, pair[1], role)
		if err != nil {
			return nil, err
		}
		out = append(out, parsed{p, trimSpace(token)})
	}
	return out, nil
}

// parseResource builds one resource from its text parts, like Mesos's
// Resources::parse(name, value, role).
func parseResource(name, text, role string) (*mesospb.Resource, error) {
	v, err := parseValue(text)
	if err != nil {
		return nil, fmt.Errorf("Failed to parse resource %s value %s error %v", name, text, err)
	}
	p := &mesospb.Resource{Name: proto.String(name), Type: v.typ.Enum()}
	if role != "*" {
		p.Reservations = []*mesospb.Resource_ReservationInfo{{
			Type: mesospb.Resource_ReservationInfo_STATIC.Enum(),
			Role: proto.String(role),
		}}
	}
	switch v.typ {
	case mesospb.Value_SCALAR:
		p.Scalar = &mesospb.Value_Scalar{Value: proto.Float64(v.scalar)}
	case mesospb.Value_RANGES:
		p.Ranges = Ranges(v.ranges).Proto()
	case mesospb.Value_SET:
		p.Set = &mesospb.Value_Set{Item: v.set}
	default:
		return nil, fmt.Errorf("Bad type for resource %s value %s type %s", name, text, v.typ)
	}
	return p, nil
}
