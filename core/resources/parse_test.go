package resources

import (
	"strings"
	"testing"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"google.golang.org/protobuf/proto"
)

func TestParseSeed(t *testing.T) {
	r, err := Parse("cpus:4;mem:4096;ports:[31000-32000];disks:{a,b};cpus(role):2", "*")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.String(), "cpus:4; mem:4096; ports:[31000-32000]; disks:{a, b}; cpus(reservations: [(STATIC,role)]):2"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if c, _ := r.CPUs(); c != 6 {
		t.Errorf("CPUs = %v, want 6", c)
	}
	if c, _ := r.Unreserved().CPUs(); c != 4 {
		t.Errorf("unreserved CPUs = %v, want 4", c)
	}
	if c, _ := r.ReservedTo("role").CPUs(); c != 2 {
		t.Errorf("reserved CPUs = %v, want 2", c)
	}
	if p, _ := r.Ports(); p.String() != "[31000-32000]" {
		t.Errorf("ports = %v", p)
	}
	if s, _ := r.SumSet("disks"); strings.Join(s, ",") != "a,b" {
		t.Errorf("disks = %v", s)
	}
	ps := r.Protos()
	if len(ps) != 5 {
		t.Fatalf("%d protos", len(ps))
	}
	want := &mesospb.Resource{
		Name: proto.String("cpus"), Type: mesospb.Value_SCALAR.Enum(),
		Scalar: &mesospb.Value_Scalar{Value: proto.Float64(2)},
		Reservations: []*mesospb.Resource_ReservationInfo{{
			Type: mesospb.Resource_ReservationInfo_STATIC.Enum(), Role: proto.String("role"),
		}},
	}
	if !proto.Equal(ps[4], want) {
		t.Errorf("proto = %v, want %v", ps[4], want)
	}
}

func TestParseText(t *testing.T) {
	tests := []struct {
		text, role string
		want       string // String() of the result
		err        string // substring of the error
	}{
		{text: "", want: "{}"},
		{text: ";;", want: "{}"},
		{text: "cpus:1;cpus:2.5", want: "cpus:3.5"},
		{text: " cpus : 1 ; mem : 10 ", want: "cpus:1; mem:10"},
		{text: "cpus:0", want: "{}"},
		{text: "cpus:0.0001", want: "{}"},
		{text: "cpus:0.0005", want: "cpus:0.001"},
		{text: "cpus:1", role: "web", want: "cpus(reservations: [(STATIC,web)]):1"},
		{text: "cpus(*):1", role: "web", want: "cpus:1"},
		{text: "cpus(eng/fe):1", want: "cpus(reservations: [(STATIC,eng/fe)]):1"},
		{text: "cpus( web ):1", want: "cpus(reservations: [(STATIC,web)]):1"},
		{text: "ports:[1-5, 3-8, 10-10, 9-9]", want: "ports:[1-10]"},
		{text: "ports:[]", want: "{}"},
		{text: "ports:[1,2]", want: "ports:[1-2]"},
		{text: "ports:[0x10-0x20]", want: "ports:[16-32]"},
		{text: "disks:{}", want: "{}"},
		{text: "disks:{a,,b}", want: "disks:{a, b}"},
		{text: "disks:{ a , b }", want: "disks:{a, b}"},
		{text: "cpus:1e2", want: "cpus:100"},
		{text: "mem:4096;mem(r):1;mem:4", want: "mem:4100; mem(reservations: [(STATIC,r)]):1"},
		{text: "c p us:1", want: "c p us:1"},

		{text: "cpus", err: "missing or extra ':'"},
		{text: "cpus:1:2", err: "missing or extra ':'"},
		{text: ":1", err: "missing or extra ':'"},
		{text: "cpus)(:1", err: "mismatched parentheses"},
		{text: "cpus(:1", err: "mismatched parentheses"},
		{text: "cpus():1", err: "Role names cannot be the empty string"},
		{text: "cpus(-a):1", err: "starts with a dash"},
		{text: "cpus(a/*):1", err: "cannot include '*'"},
		{text: "cpus:-1", err: "Negative values not supported"},
		{text: "cpus:nan", err: "NaN not supported"},
		{text: "cpus:inf", err: "Infinite values not supported"},
		{text: "cpus:1e-310", err: "Subnormal values not supported"},
		{text: "cpus:1e300", err: "too large"},
		{text: "cpus:abc", err: "Bad type for resource cpus value abc type TEXT"},
		{text: "ports:[5-1]", err: "begin > end"},
		{text: "ports:[1-2-3]", err: "Expecting one or more \"ranges\""},
		{text: "ports:[a-b]", err: "Expecting non-negative integers"},
		{text: "ports:[1-2", err: "Mismatched brackets"},
		{text: "ports:x[1-2]", err: "Unexpected '['"},
		{text: "disks:x{a}", err: "Unexpected '{'"},
		{text: "disks:{a,a}", err: "duplicated elements"},
		{text: "cpus:1;cpus:[1-2]", err: "same name ('cpus') but different types"},
		{text: ":", err: "missing or extra ':'"},
		{text: "(r):1", err: "Empty resource name"},
	}
	for _, tc := range tests {
		role := tc.role
		if role == "" {
			role = "*"
		}
		r, err := Parse(tc.text, role)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Parse(%q) error = %v, want %q", tc.text, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.text, err)
			continue
		}
		if got := r.String(); got != tc.want {
			t.Errorf("Parse(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestParseErrorNamesResource(t *testing.T) {
	_, err := Parse("cpus:1;ports:[1-2];disks:{x,x}", "*")
	if err == nil || !strings.Contains(err.Error(), "disks:{x,x}") {
		t.Errorf("error %v does not name the offending resource", err)
	}
	_, err = Parse(`[{"name":"cpus","type":"SCALAR","scalar":{"value":1}},{"name":"mem","type":"SCALAR","scalar":{"value":-1}}]`, "*")
	if err == nil || !strings.Contains(err.Error(), "resources[1]") || !strings.Contains(err.Error(), "value < 0") {
		t.Errorf("error %v does not name the offending resource", err)
	}
}

func TestParseJSON(t *testing.T) {
	tests := []struct {
		text, role, want, err string
	}{
		{text: `[]`, want: "{}"},
		{text: ` [ {"name":"cpus","type":"SCALAR","scalar":{"value":4}} ] `, want: "cpus:4"},
		{text: `[{"name":"cpus","type":"SCALAR","scalar":{"value":4},"unknown_field":1}]`, want: "cpus:4"},
		{text: `[{"name":"mem","type":"SCALAR","scalar":{"value":3.6e+06}}]`, want: "mem:3600000"},
		{text: `[{"name":"cpus","type":"SCALAR","scalar":{"value":4}}]`, role: "web", want: "cpus(reservations: [(STATIC,web)]):4"},
		{text: `[{"name":"cpus","type":"SCALAR","scalar":{"value":4},"role":"*"}]`, role: "web", want: "cpus:4"},
		{text: `[{"name":"cpus","type":"SCALAR","scalar":{"value":4},"role":"a"}]`, want: "cpus(reservations: [(STATIC,a)]):4"},
		{text: `[{"name":"cpus","type":"SCALAR","scalar":{"value":4},"reservations":[{"type":"STATIC","role":"a"}]}]`,
			want: "cpus(reservations: [(STATIC,a)]):4"},
		// Endpoint format: role and a single STATIC reservation agreeing.
		{text: `[{"name":"cpus","type":"SCALAR","scalar":{"value":4},"role":"a","reservations":[{"type":"STATIC","role":"a"}]}]`,
			want: "cpus(reservations: [(STATIC,a)]):4"},
		{text: `[{"name":"ports","type":"RANGES","ranges":{"range":[{"begin":1,"end":2},{"begin":3,"end":4}]}}]`, want: "ports:[1-4]"},
		{text: `[{"name":"disks","type":"SET","set":{"item":["a","b"]}}]`, want: "disks:{a, b}"},

		{text: `[{"name":"cpus","type":"SCALAR"}]`, err: "Invalid scalar resource"},
		{text: `[{"type":"SCALAR","scalar":{"value":1}}]`, err: "not formatted properly"},
		{text: `[{"name":"cpus","type":"BOGUS","scalar":{"value":1}}]`, err: "not formatted properly"},
		{text: `[{"name":"cpus","type":"SCALAR","scalar":{"value":"NaN"}}]`, err: "NaN"},
		{text: `[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"ranges":{}}]`, err: "Invalid scalar resource"},
		{text: `[{"name":"t","type":"TEXT"}]`, err: "Unsupported resource type"},
		{text: `[{"name":"ports","type":"RANGES","ranges":{"range":[{"begin":1,"end":5},{"begin":3,"end":8}]}}]`, err: "overlapping"},
		{text: `[{"name":"ports","type":"RANGES","ranges":{"range":[{"begin":3,"end":8},{"begin":1,"end":5}]}}]`, err: "overlapping"},
		{text: `[{"name":"ports","type":"RANGES","ranges":{"range":[{"begin":8,"end":3}]}}]`, err: "begin > end"},
		{text: `[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"role":"a","reservations":[{"type":"STATIC","role":"b"}]}]`,
			err: "does not match the role"},
		{text: `[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"reservations":[{"role":"a"}]}]`, err: "type' field must be set"},
		{text: `[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"reservations":[{"type":"STATIC"}]}]`, err: "role' field must be set"},
		{text: `[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"reservations":[{"type":"STATIC","role":"*"}]}]`, err: "cannot be reserved"},
		{text: `[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"reservations":[{"type":"STATIC","role":"a"},{"type":"DYNAMIC","role":"b"}]}]`,
			err: "not a refinement of"},
		{text: `[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"reservations":[{"type":"STATIC","role":"a"},{"type":"STATIC","role":"a/b"}]}]`,
			err: "cannot be STATIC"},
		{text: `[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"role":"a","reservation":{"principal":"p"}}]`,
			err: "Dynamic reservations cannot be specified"},
		{text: `[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"reservation":{"principal":"p"}}]`,
			err: "cannot be dynamically reserved"},
		{text: `[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"role":"a","reservation":{"role":"a"}}]`,
			err: "must not be set for the 'Resource.reservation' field"},
		{text: `[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"revocable":{}}]`, err: "Revocable resources cannot"},
		{text: `[{"name":"disk","type":"SCALAR","scalar":{"value":1},"disk":{"persistence":{"id":"v"}},"role":"a"}]`,
			err: "Persistent volumes cannot"},
		{text: `[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"disk":{}}]`, err: "DiskInfo should not be set for cpus"},
		{text: `[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"shared":{}}]`, err: "cannot be shared"},
		{text: `[{"name":"disk","type":"SCALAR","scalar":{"value":1},"shared":{}}]`, err: "Only persistent volumes can be shared"},
		{text: `[{"name":"disk","type":"SCALAR","scalar":{"value":1},"disk":{"source":{"type":"BLOCK","path":{}}}}]`,
			err: "Path should not be set for BLOCK"},
		{text: `[{"name":"disk","type":"SCALAR","scalar":{"value":1},"disk":{"source":{"type":"UNKNOWN"}}}]`,
			err: "Unsupported 'DiskInfo.Source.Type'"},
	}
	for _, tc := range tests {
		role := tc.role
		if role == "" {
			role = "*"
		}
		r, err := Parse(tc.text, role)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Parse(%s) error = %v, want %q", tc.text, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%s): %v", tc.text, err)
			continue
		}
		if got := r.String(); got != tc.want {
			t.Errorf("Parse(%s) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestParseNotJSONArrayFallsBackToText(t *testing.T) {
	// A JSON object is not an array, so it is parsed as text and fails there.
	if _, err := Parse(`{"cpus":1}`, "*"); err == nil || !strings.Contains(err.Error(), "Mismatched brackets") {
		t.Errorf("error = %v", err)
	}
}

func TestParseList(t *testing.T) {
	ps, err := ParseList("cpus:1;cpus:-0", "*")
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 {
		t.Fatalf("got %d protos, want 2 (no merging, no dropping)", len(ps))
	}
	ps, err = ParseList(`[{"name":"cpus","type":"SCALAR","scalar":{"value":1}}]`, "web")
	if err != nil {
		t.Fatal(err)
	}
	if ps[0].GetRole() != "web" || ps[0].Role == nil {
		t.Errorf("default role not filled in: %v", ps[0])
	}
}

func TestParseValue(t *testing.T) {
	tests := []struct {
		in   string
		typ  mesospb.Value_Type
		want string
	}{
		{"4", mesospb.Value_SCALAR, "4"},
		{" 4.5 ", mesospb.Value_SCALAR, "4.5"},
		{"[1-2, 4-5]", mesospb.Value_RANGES, "[1-2, 4-5]"},
		{"{a, b}", mesospb.Value_SET, "{a, b}"},
		{"linux", mesospb.Value_TEXT, "linux"},
		{"0x10", mesospb.Value_TEXT, "0x10"},
		{"1_000", mesospb.Value_TEXT, "1_000"},
		{"a(b)", mesospb.Value_TEXT, "a(b)"},
	}
	for _, tc := range tests {
		v, err := ParseValue(tc.in)
		if err != nil {
			t.Errorf("ParseValue(%q): %v", tc.in, err)
			continue
		}
		if v.GetType() != tc.typ {
			t.Errorf("ParseValue(%q) type %v, want %v", tc.in, v.GetType(), tc.typ)
			continue
		}
		var got string
		switch tc.typ {
		case mesospb.Value_SCALAR:
			got = formatScalar(v.GetScalar().GetValue())
		case mesospb.Value_RANGES:
			got = Ranges(rangesFromProto(v.GetRanges())).String()
		case mesospb.Value_SET:
			got = formatSet(v.GetSet().GetItem())
		case mesospb.Value_TEXT:
			got = v.GetText().GetValue()
		}
		if got != tc.want {
			t.Errorf("ParseValue(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, bad := range []string{"", "   ", "a)(", "{a", "]["} {
		if _, err := ParseValue(bad); err == nil {
			t.Errorf("ParseValue(%q) accepted", bad)
		}
	}
}

func TestFromProtosAndNew(t *testing.T) {
	good := &mesospb.Resource{Name: proto.String("cpus"), Type: mesospb.Value_SCALAR.Enum(),
		Scalar: &mesospb.Value_Scalar{Value: proto.Float64(1)}}
	bad := &mesospb.Resource{Name: proto.String("mem"), Type: mesospb.Value_SCALAR.Enum(),
		Scalar: &mesospb.Value_Scalar{Value: proto.Float64(-1)}}
	if _, err := FromProtos([]*mesospb.Resource{good, bad}); err == nil ||
		!strings.Contains(err.Error(), "Resource 'mem:-1' is invalid: Invalid scalar resource: value < 0") {
		t.Errorf("FromProtos error = %v", err)
	}
	// New ignores invalid resources, as Mesos's constructor does.
	if got := New(good, bad, nil).String(); got != "cpus:1" {
		t.Errorf("New = %q", got)
	}
	// Pre-refinement input is upgraded; the input is not modified.
	pre := &mesospb.Resource{Name: proto.String("cpus"), Type: mesospb.Value_SCALAR.Enum(),
		Scalar: &mesospb.Value_Scalar{Value: proto.Float64(1)},
		Role:   proto.String("web"), Reservation: &mesospb.Resource_ReservationInfo{Principal: proto.String("p")}}
	before := proto.Clone(pre)
	r, err := FromProtos([]*mesospb.Resource{pre})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.String(); got != "cpus(reservations: [(DYNAMIC,web,p)]):1" {
		t.Errorf("upgraded = %q", got)
	}
	if !proto.Equal(pre, before) {
		t.Errorf("input modified: %v", pre)
	}
}
