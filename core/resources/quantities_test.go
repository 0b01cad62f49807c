package resources

import (
	"strings"
	"testing"
)

func TestQuantities(t *testing.T) {
	r := MustParse("cpus:4;cpus(web):1;mem:1024;ports:[31000-31009,32000-32000];disks:{a,b}")
	q := QuantitiesOf(r)
	if got := q.String(); got != "cpus:5; disks:2; mem:1024; ports:11" {
		t.Errorf("QuantitiesOf = %q", got)
	}
	if got := ScalarQuantitiesOf(r).String(); got != "cpus:5; mem:1024" {
		t.Errorf("ScalarQuantitiesOf = %q", got)
	}
	small := NewQuantities(map[string]float64{"cpus": 0.1, "mem": 32, "zero": 0})
	if got := small.String(); got != "cpus:0.1; mem:32" {
		t.Errorf("NewQuantities = %q", got)
	}
	sum := small.Add(NewQuantities(map[string]float64{"cpus": 0.2, "gpus": 1}))
	if got := sum.String(); got != "cpus:0.3; gpus:1; mem:32" {
		t.Errorf("Add = %q", got)
	}
	if sum.Get("cpus").Float() != 0.3 {
		t.Errorf("0.1+0.2 = %v", sum.Get("cpus").Float())
	}
	diff := sum.Subtract(NewQuantities(map[string]float64{"cpus": 0.3, "mem": 10, "disk": 5}))
	if got := diff.String(); got != "gpus:1; mem:22" {
		t.Errorf("Subtract = %q", got)
	}
	if !q.Contains(small) || small.Contains(q) || !q.Contains(Quantities{}) || (Quantities{}).Contains(small) {
		t.Errorf("Contains wrong")
	}
	if q.Contains(NewQuantities(map[string]float64{"cpus": 5.001})) {
		t.Errorf("Contains ignores amounts")
	}
	if !r.ContainsQuantities(NewQuantities(map[string]float64{"cpus": 5, "ports": 11})) ||
		r.ContainsQuantities(NewQuantities(map[string]float64{"ports": 12})) ||
		r.ContainsQuantities(NewQuantities(map[string]float64{"gpus": 1})) {
		t.Errorf("ContainsQuantities wrong")
	}
	// In-place variants agree with the value ones and leave others alone.
	x := small.Clone()
	x.AddInPlace(NewQuantities(map[string]float64{"cpus": 0.2, "gpus": 1}))
	if !x.Equal(sum) {
		t.Errorf("AddInPlace = %v", x)
	}
	x.SubtractInPlace(NewQuantities(map[string]float64{"cpus": 0.3, "mem": 10, "disk": 5}))
	if !x.Equal(diff) {
		t.Errorf("SubtractInPlace = %v", x)
	}
	if small.String() != "cpus:0.1; mem:32" {
		t.Errorf("clone shared storage: %v", small)
	}
	if (Quantities{}).String() != "{}" {
		t.Errorf("empty String")
	}
}

func TestParseQuantities(t *testing.T) {
	q, err := ParseQuantities("cpus:1;mem:10; gpus :0;cpus:0.5")
	if err != nil {
		t.Fatal(err)
	}
	if got := q.String(); got != "cpus:1.5; mem:10" {
		t.Errorf("got %q", got)
	}
	for _, tc := range []struct{ in, err string }{
		{"cpus", "missing or extra ':'"},
		{"ports:[1-2]", "only scalar values"},
		{"cpus:-1", "Negative"},
	} {
		if _, err := ParseQuantities(tc.in); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("ParseQuantities(%q) error = %v", tc.in, err)
		}
	}
}
