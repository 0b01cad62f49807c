package files

import (
	"os"
	"path/filepath"
	"testing"
)

// AttachAll attaches the canonical real path under every valid virtual
// path, refuses the invalid ones without dropping the rest, and attaches
// nothing when the real path is missing.
func TestAttachAll(t *testing.T) {
	fx := newFixture(t)
	link := filepath.Join(fx.base, "via-link")
	if err := os.Symlink(fx.sandbox, link); err != nil {
		t.Fatal(err)
	}
	err := fx.files.AttachAll(link, []string{"/one", "/a/../b", "//two/./x/"}, nil)
	if err == nil {
		t.Error("no error for the virtual path with '..'")
	}
	got := fx.files.Attached()
	real, rerr := filepath.EvalSymlinks(fx.sandbox)
	if rerr != nil {
		t.Fatal(rerr)
	}
	if got["/one"] != real || got["/two/x"] != real {
		t.Errorf("Attached = %v, want /one and /two/x at %s", got, real)
	}
	if _, ok := got["/b"]; ok {
		t.Error("attached the refused path")
	}
	if _, _, err := fx.files.Read(bg, "/two/x/stdout", 0, 1); err != nil {
		t.Errorf("read through an AttachAll path: %v", err)
	}
	if err := fx.files.AttachAll(filepath.Join(fx.base, "missing"), []string{"/m1", "/m2"}, nil); err == nil {
		t.Error("attached a missing path")
	}
	got = fx.files.Attached()
	if _, ok := got["/m1"]; ok {
		t.Error("/m1 attached to a missing path")
	}
}
