package resources

import (
	"maps"
	"strings"
	"testing"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

func TestParseAttributes(t *testing.T) {
	as, err := ParseAttributes("rack:r1;zone:2;os:linux;ports:[1-2,5-6];gpus:{a,b};host:a:b\nlevel:0.5")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name string
		typ  mesospb.Value_Type
		str  string
	}{
		{"rack", mesospb.Value_TEXT, "r1"},
		{"zone", mesospb.Value_SCALAR, "2"},
		{"os", mesospb.Value_TEXT, "linux"},
		{"ports", mesospb.Value_RANGES, "[1-2, 5-6]"},
		{"gpus", mesospb.Value_SET, "{a, b}"},
		{"host", mesospb.Value_TEXT, "a:b"},
		{"level", mesospb.Value_SCALAR, "0.5"},
	}
	if len(as) != len(want) {
		t.Fatalf("got %d attributes: %v", len(as), as)
	}
	for i, w := range want {
		a := as[i]
		if a.GetName() != w.name || a.GetType() != w.typ || attributeValueString(a, false) != w.str {
			t.Errorf("attribute %d = %v, want %v", i, a, w)
		}
		if err := ValidateAttribute(a); err != nil {
			t.Errorf("attribute %d invalid: %v", i, err)
		}
	}
	if got := as.String(); got != "rack=r1; zone=2; os=linux; ports=[1-2, 5-6]; gpus={a, b}; host=a:b; level=0.5" {
		t.Errorf("String = %q", got)
	}
	flat := as.Flat()
	wantFlat := map[string]any{"rack": "r1", "zone": 2.0, "os": "linux", "ports": "[1-2, 5-6]",
		"gpus": "{a, b}", "host": "a:b", "level": 0.5}
	if !maps.Equal(flat, wantFlat) {
		t.Errorf("Flat = %v", flat)
	}
	back, err := ParseAttributes(as.Text())
	if err != nil || !back.Equal(as) {
		t.Errorf("round trip %q = %v, %v", as.Text(), back, err)
	}
	if as.Get("zone").GetScalar().GetValue() != 2 || as.Get("nope") != nil {
		t.Errorf("Get wrong")
	}
}

func TestParseAttributesErrors(t *testing.T) {
	for _, tc := range []struct{ in, err string }{
		{"rack", "Invalid attribute key:value pair 'rack'"},
		{":r1", "Invalid attribute key:value pair"},
		{"rack:", "Invalid attribute key:value pair"},
		{"zone:-1", "Negative values not supported"},
		{"zone:nan", "NaN"},
		{"x:[1-2", "Mismatched brackets"},
		{"x:a[1]", "Unexpected '['"},
	} {
		if _, err := ParseAttributes(tc.in); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("ParseAttributes(%q) error = %v, want %q", tc.in, err, tc.err)
		}
	}
	if as, err := ParseAttributes(";;\n"); err != nil || len(as) != 0 {
		t.Errorf("empty = %v, %v", as, err)
	}
}

func TestAttributesEqual(t *testing.T) {
	a, _ := ParseAttributes("rack:r1;zone:2;ports:[1-2,3-4]")
	b, _ := ParseAttributes("ports:[1-4];zone:2.0001;rack:r1")
	c, _ := ParseAttributes("rack:r1;zone:3;ports:[1-4]")
	if !a.Equal(b) {
		t.Errorf("equal attributes differ")
	}
	if a.Equal(c) {
		t.Errorf("different attributes equal")
	}
}
