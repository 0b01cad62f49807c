package resources

import (
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestValidateRole(t *testing.T) {
	for _, ok := range []string{"*", "web", "eng/frontend", "a.b", "a-b", "a/b/c", "..a", "a*"} {
		if err := ValidateRole(ok); err != nil {
			t.Errorf("ValidateRole(%q) = %v", ok, err)
		}
	}
	for bad, msg := range map[string]string{
		"":      "empty",
		"/a":    "start with a slash",
		"a/":    "end with a slash",
		"a//b":  "two adjacent slashes",
		".":     "'.'",
		"a/..":  "'..'",
		"a/*":   "'*'",
		"-a":    "dash",
		"a/-b":  "dash",
		"a b":   "whitespace",
		"a\tb":  "whitespace",
		"a\x7f": "backspace",
	} {
		if err := ValidateRole(bad); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("ValidateRole(%q) = %v, want %q", bad, err, msg)
		}
	}
}

func TestRoleHierarchy(t *testing.T) {
	for _, tc := range []struct {
		child, parent string
		want          bool
	}{
		{"eng/frontend", "eng", true},
		{"eng/frontend/x", "eng", true},
		{"eng", "eng", false},
		{"engineering", "eng", false},
		{"eng", "eng/frontend", false},
	} {
		if got := IsStrictSubrole(tc.child, tc.parent); got != tc.want {
			t.Errorf("IsStrictSubrole(%q, %q) = %v", tc.child, tc.parent, got)
		}
	}
	if got := RoleAncestors("a/b/c"); !slices.Equal(got, []string{"a/b", "a"}) {
		t.Errorf("RoleAncestors = %v", got)
	}
}

func TestImmutability(t *testing.T) {
	r := MustParse("cpus:4;mem:100;ports:[1-10];disks:{a,b};cpus(web):1")
	want := r.String()
	derived := []Resources{
		r.Add(MustParse("cpus:1;ports:[11-12];disks:{c}")),
		r.Subtract(MustParse("cpus:1;ports:[2-3];disks:{a}")),
		r.Unreserved(), r.Reserved(), r.Allocate("x"), r.ToUnreserved(),
		r.Filter(func(x Resource) bool { return x.Name() != "mem" }),
	}
	// Growing what was derived must not write into r's storage.
	for _, d := range derived {
		_ = d.Add(MustParse("cpus:100;gpus:1;ports:[100-200];disks:{z}"))
		_ = d.Subtract(MustParse("cpus:100;ports:[1-200];disks:{a,b,c}"))
	}
	if r.String() != want {
		t.Errorf("r changed: %v, was %v", r, want)
	}
	// Values returned by accessors are copies.
	for it := range r.All() {
		if it.Name() == "disks" {
			s := it.Set()
			s[0] = "changed"
		}
	}
	if r.String() != want {
		t.Errorf("r changed through an accessor: %v", r)
	}
}

func TestConcurrentUse(t *testing.T) {
	r := MustParse("cpus:4;mem:100;ports:[1-10];disks:{a,b};cpus(web):1")
	task := MustParse("cpus:1;ports:[5-5]")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				x := r.Subtract(task).Add(task)
				if !x.Equal(r) || !r.Contains(task) {
					t.Error("inconsistent")
					return
				}
				_ = r.Allocate("a").String()
			}
		})
	}
	wg.Wait()
}
