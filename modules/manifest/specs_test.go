package manifest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomesos/mesos/modules"
)

// files makes a directory with a plugin executable, a .wasm file, a plain
// file, a shared library and a subdirectory.
func files(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, mode := range map[string]os.FileMode{"plug": 0o755, "guest.wasm": 0o644, "data": 0o644, "libfoo.so": 0o755} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), mode); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func specsOf(t *testing.T, docs ...string) ([]modules.Spec, error) {
	t.Helper()
	var ms []*Manifest
	for i, d := range docs {
		m, err := Parse("doc"+string(rune('1'+i)), []byte(d))
		if err != nil {
			t.Fatalf("parse: %v", err)
		}
		ms = append(ms, m)
	}
	return Specs(ms, Options{})
}

func TestSpecsInferAndResolve(t *testing.T) {
	dir := files(t)
	doc := strings.ReplaceAll(`{"libraries":[
	  {"file":"DIR/plug","args":["--v"],"env":["A=1"],"call_timeout":"2secs",
	   "modules":[{"name":"p1","kind":"Allocator","parameters":[{"key":"k","value":"v"}]},
	              {"name":"p2","call_timeout":"250ms"}]},
	  {"file":"DIR/guest.wasm","grants":["env"],"memory_limit_pages":16,
	   "modules":[{"name":"w1","memory_limit_pages":32},{"name":"w2"}]},
	  {"file":"DIR/data","runtime":"wasm","modules":[{"name":"w3"}]},
	  {"name":"builtin","modules":[{"name":"HierarchicalDRF"}]}]}`, "DIR", dir)
	specs, err := specsOf(t, doc)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]modules.Spec{}
	for _, s := range specs {
		byName[s.Name] = s
	}
	if len(specs) != 6 || specs[0].Name != "p1" || specs[5].Name != "HierarchicalDRF" {
		t.Fatalf("specs out of order: %+v", specs)
	}
	p1, p2 := byName["p1"], byName["p2"]
	if p1.Runtime != modules.RuntimePlugin || p1.Kind != modules.KindAllocator || p1.Parameters["k"] != "v" ||
		p1.CallTimeout != 2*time.Second || p1.Args[0] != "--v" || p1.Env[0] != "A=1" || p1.Library != filepath.Join(dir, "plug") {
		t.Errorf("p1 = %+v", p1)
	}
	if p2.CallTimeout != 250*time.Millisecond || p2.Kind != "" {
		t.Errorf("p2 = %+v", p2)
	}
	if w := byName["w1"]; w.Runtime != modules.RuntimeWASM || w.MemoryLimitPages != 32 || w.Grants[0] != "env" {
		t.Errorf("w1 = %+v", w)
	}
	if w := byName["w2"]; w.MemoryLimitPages != 16 {
		t.Errorf("w2 = %+v", w)
	}
	if w := byName["w3"]; w.Runtime != modules.RuntimeWASM {
		t.Errorf("explicit runtime not kept: %+v", w)
	}
	if b := byName["HierarchicalDRF"]; b.Runtime != modules.RuntimeBuiltin || b.Library != "builtin" || b.File != "" {
		t.Errorf("builtin = %+v", b)
	}
}

func TestSpecsErrors(t *testing.T) {
	dir := files(t)
	for _, tc := range []struct {
		name string
		docs []string
		want error
		text string
	}{
		{"file missing", []string{`{"libraries":[{"file":"DIR/nope","modules":[{"name":"m"}]}]}`}, modules.ErrFileMissing, "does not exist"},
		{"directory", []string{`{"libraries":[{"file":"DIR/sub"}]}`}, ErrInvalid, "is a directory"},
		{"shared library", []string{`{"libraries":[{"file":"DIR/libfoo.so"}]}`}, ErrInvalid, "C++ modules"},
		{"runtime not inferable", []string{`{"libraries":[{"file":"DIR/data"}]}`}, ErrInvalid, "set \"runtime\""},
		{"args on wasm", []string{`{"libraries":[{"file":"DIR/guest.wasm","args":["x"]}]}`}, ErrInvalid, "for plugin"},
		{"grants on plugin", []string{`{"libraries":[{"file":"DIR/plug","grants":["fs"]}]}`}, ErrInvalid, "for wasm"},
		{"pages on builtin", []string{`{"libraries":[{"name":"b","modules":[{"name":"m","memory_limit_pages":3}]}]}`}, ErrInvalid, "for wasm"},
		{"duplicate parameters", []string{
			`{"libraries":[{"name":"b","modules":[{"name":"m","parameters":[{"key":"a","value":"1"}]}]}]}`,
			`{"libraries":[{"name":"b","modules":[{"name":"m","parameters":[{"key":"a","value":"2"}]}]}]}`,
		}, modules.ErrDuplicate, "different parameters"},
		{"duplicate library", []string{
			`{"libraries":[{"name":"a","modules":[{"name":"m"}]},{"name":"b","modules":[{"name":"m"}]}]}`,
		}, modules.ErrDuplicate, "already loaded from library 'a' with different library"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var docs []string
			for _, d := range tc.docs {
				docs = append(docs, strings.ReplaceAll(d, "DIR", dir))
			}
			_, err := specsOf(t, docs...)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.text) {
				t.Fatalf("error %v, want %v saying %q", err, tc.want, tc.text)
			}
			var me *Error
			if !errors.As(err, &me) || me.Library == "" || me.Source == "" {
				t.Errorf("error does not name its source and library: %#v", me)
			}
		})
	}
}

func TestSpecsIdenticalDuplicateDropped(t *testing.T) {
	doc := `{"libraries":[{"name":"b","modules":[{"name":"m","parameters":[{"key":"a","value":"1"}]}]}]}`
	specs, err := specsOf(t, doc, doc)
	if err != nil || len(specs) != 1 {
		t.Fatalf("specs %+v, %v", specs, err)
	}
}
