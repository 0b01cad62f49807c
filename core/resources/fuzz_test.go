package resources

import (
	"testing"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// checkInvariants verifies properties every Resources value must have.
func checkInvariants(t *testing.T, r Resources) {
	t.Helper()
	for _, p := range r.Protos() {
		if err := Validate(p); err != nil {
			t.Fatalf("entry %v of %v is invalid: %v", p, r, err)
		}
	}
	for it := range r.All() {
		if it.isEmpty() {
			t.Fatalf("empty entry %v in %v", it, r)
		}
	}
	if !r.Contains(r) || !r.Equal(r) {
		t.Fatalf("%v does not contain itself", r)
	}
	if d := r.Subtract(r); !d.IsEmpty() {
		t.Fatalf("%v - itself = %v", r, d)
	}
	if !r.Add(r).Contains(r) {
		t.Fatalf("%v + itself does not contain it", r)
	}
	// Equal pairs entries; it must agree with Mesos's definition, mutual
	// containment.
	others := []Resources{r.Add(r), r.Subtract(r), r.Unreserved(), r.ToUnreserved(), r.Allocate("a")}
	if r.Len() > 0 {
		others = append(others, r.Subtract(Resources{r.items[:1]}), Resources{r.items[1:]}.Add(Resources{r.items[:1]}))
	}
	for _, o := range others {
		if r.Equal(o) != (r.Contains(o) && o.Contains(r)) || o.Equal(r) != r.Equal(o) {
			t.Fatalf("Equal(%v, %v) = %v disagrees with mutual containment", r, o, r.Equal(o))
		}
	}
	q := QuantitiesOf(r)
	if !r.ContainsQuantities(q) || !q.Contains(QuantitiesOf(r.Scalars())) {
		t.Fatalf("quantities of %v inconsistent: %v", r, q)
	}
	_ = r.String()
	_ = r.Flat()
	back, err := FromProtos(r.Protos())
	if err != nil || !back.Equal(r) {
		t.Fatalf("proto round trip of %v = %v, %v", r, back, err)
	}
	j, err := r.JSON()
	if err != nil {
		t.Fatalf("JSON(%v): %v", r, err)
	}
	elems, ok := splitJSONArray(string(j))
	if !ok {
		t.Fatalf("JSON(%v) is not an array: %s", r, j)
	}
	ps := make([]*mesospb.Resource, len(elems))
	for i, e := range elems {
		ps[i] = &mesospb.Resource{}
		if err := unmarshalMessage(e, ps[i]); err != nil {
			t.Fatalf("JSON(%v) element %d: %v", r, i, err)
		}
	}
	if back, err := FromProtos(ps); err != nil || !back.Equal(r) {
		t.Fatalf("JSON round trip of %v = %v, %v", r, back, err)
	}
	// The pre-refinement format cannot carry a principal or labels of a
	// STATIC reservation (Mesos drops them too), so only check the round
	// trip where there are none.
	lossless := true
	for _, p := range r.Protos() {
		for _, ri := range p.Reservations {
			lossless = lossless && (ri.GetType() == mesospb.Resource_ReservationInfo_DYNAMIC ||
				(ri.Principal == nil && ri.Labels == nil))
		}
	}
	if pre, err := r.ProtosIn(PreRefinement); err == nil && lossless {
		if back, err := FromProtos(pre); err != nil || !back.Equal(r) {
			t.Fatalf("pre-refinement round trip of %v = %v, %v", r, back, err)
		}
	}
}

func FuzzParseText(f *testing.F) {
	for _, s := range []string{
		"cpus:4;mem:4096;ports:[31000-32000];disks:{a,b};cpus(role):2",
		"cpus(eng/fe):0.5; mem : 1.25e3",
		"ports:[1-5,3-8,10-10]",
		"disks:{a,,b}",
		"cpus:0.0005;gpus:0",
		"cpus:nan",
		"ports:[0x10-0x20]",
		"cpus( web ):1;cpus(*):2",
	} {
		f.Add(s, "*")
	}
	f.Add("cpus:1", "web")
	f.Fuzz(func(t *testing.T, text, role string) {
		r, err := Parse(text, role)
		_, _ = ParseList(text, role)
		if err != nil {
			return
		}
		checkInvariants(t, r)
		if role != "*" {
			return
		}
		if s, exact := r.Text(); exact {
			back, err := Parse(s, "*")
			if err != nil || !back.Equal(r) {
				t.Fatalf("text round trip: %q -> %v -> %q -> %v, %v", text, r, s, back, err)
			}
		}
	})
}

func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{
		`[{"name":"cpus","type":"SCALAR","scalar":{"value":4}}]`,
		`[{"name":"ports","type":"RANGES","ranges":{"range":[{"begin":1,"end":2},{"begin":4,"end":9}]}}]`,
		`[{"name":"disks","type":"SET","set":{"item":["a","b"]}}]`,
		`[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"role":"web"}]`,
		`[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"role":"web","reservation":{"principal":"p","labels":{"labels":[{"key":"k","value":"v"}]}}}]`,
		`[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"reservations":[{"type":"STATIC","role":"eng"},{"type":"DYNAMIC","role":"eng/fe","principal":"p"}],"allocation_info":{"role":"eng/fe"}}]`,
		`[{"name":"disk","type":"SCALAR","scalar":{"value":10},"reservations":[{"type":"DYNAMIC","role":"r"}],"disk":{"persistence":{"id":"v"},"volume":{"container_path":"d","mode":"RW"}},"shared":{}}]`,
		`[{"name":"disk","type":"SCALAR","scalar":{"value":10},"disk":{"source":{"type":"MOUNT","mount":{"root":"/m"}}}},{"name":"disk","type":"SCALAR","scalar":{"value":10},"disk":{"source":{"type":"MOUNT","mount":{"root":"/m"}}}}]`,
		`[{"name":"cpus","type":"SCALAR","scalar":{"value":0.5},"revocable":{},"provider_id":{"value":"rp"}}]`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if r, err := Parse(text, "*"); err == nil {
			checkInvariants(t, r)
		}
		// The same protos through the programmatic path, which allows what
		// the command line refuses (dynamic reservations, volumes, ...).
		elems, ok := splitJSONArray(text)
		if !ok {
			return
		}
		var ps []*mesospb.Resource
		for _, e := range elems {
			p := &mesospb.Resource{}
			if unmarshalMessage(e, p) == nil {
				ps = append(ps, p)
			}
		}
		r := New(ps...)
		checkInvariants(t, r)
		for _, p := range ps {
			_ = FormatProto(p)
			_ = r.ContainsResource(p)
			_ = r.Count(p)
			if Validate(p) == nil {
				// Everything added is contained.
				if !r.Contains(New(p)) || !r.ContainsResource(p) {
					t.Fatalf("%v does not contain its part %v", r, FormatProto(p))
				}
				_ = r.SubtractResource(p)
			}
		}
		_ = r.Allocate("a").Unallocate()
		_ = r.ToUnreserved()
		if pushed, err := r.PushReservation(dynamic("x", "p")); err == nil {
			if popped, err := pushed.PopReservation(); err != nil || !popped.Equal(r) {
				t.Fatalf("push/pop of %v = %v, %v", r, popped, err)
			}
		}
	})
}

func FuzzParseAttributes(f *testing.F) {
	for _, s := range []string{
		"rack:r1;zone:2;os:linux",
		"ports:[1-2,5-6];gpus:{a,b}\nhost:a:b",
		"level:0.5;x:-0;y:1e300",
		"a:(b);c:{}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		as, err := ParseAttributes(text)
		if err != nil {
			return
		}
		for _, a := range as {
			if err := ValidateAttribute(a); err != nil {
				t.Fatalf("invalid attribute %v: %v", a, err)
			}
		}
		_ = as.String()
		_ = as.Flat()
		back, err := ParseAttributes(as.Text())
		if err != nil || !back.Equal(as) {
			t.Fatalf("round trip %q -> %q -> %v, %v", text, as.Text(), back, err)
		}
	})
}
