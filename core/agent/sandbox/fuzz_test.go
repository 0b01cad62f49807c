package sandbox

import (
	"path/filepath"
	"strings"
	"testing"
)

// FuzzValidateID checks that whatever an ID validator accepts stays one
// path component directly below its parent.
func FuzzValidateID(f *testing.F) {
	for _, s := range []string{"abc", "..", ".", "a/b", "a\x00", "", "x.y z", `a\b`, "..."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		for _, validate := range []func(string) error{ValidateID, ValidateContainerID} {
			if validate(id) != nil {
				continue
			}
			joined := filepath.Join("/root", id)
			if filepath.Dir(joined) != "/root" || filepath.Base(joined) != id {
				t.Fatalf("accepted %q escapes its parent: %s", id, joined)
			}
			if strings.ContainsAny(id, "/\\\x00") {
				t.Fatalf("accepted %q holds a separator or NUL", id)
			}
		}
		if ValidateContainerID(id) == nil && ValidateID(id) != nil {
			t.Fatalf("container rules accept %q that the common rules refuse", id)
		}
		r := Run{AgentID: id, FrameworkID: "F", ExecutorID: "E", ContainerID: "C"}
		if d, err := r.Dir(NewTree("/w")); err == nil {
			if rel, _ := filepath.Rel("/w/slaves", d.Path()); !filepath.IsLocal(rel) {
				t.Fatalf("run dir %s escapes /w/slaves", d.Path())
			}
		}
	})
}

// FuzzParseRunPath checks that a parsed run path builds back to itself.
func FuzzParseRunPath(f *testing.F) {
	f.Add("/w/slaves/S/frameworks/F/executors/E/runs/C")
	f.Add("/w/slaves/../frameworks/F/executors/E/runs/C")
	f.Fuzz(func(t *testing.T, dir string) {
		r, err := ParseRunPath("/w", dir)
		if err != nil {
			return
		}
		d, err := r.Dir(NewTree("/w"))
		if err != nil {
			t.Fatalf("parsed %+v does not build: %v", r, err)
		}
		if rel, err := filepath.Rel(d.Path(), filepath.Clean(dir)); err != nil || !filepath.IsLocal(rel) && rel != "." {
			t.Fatalf("%s parsed to %s, which does not contain it", dir, d.Path())
		}
	})
}
