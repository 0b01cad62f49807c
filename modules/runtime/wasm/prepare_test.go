package wasm

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/hook"
)

// A damaged instrumented module in the cache is replaced, not trusted:
// the load instruments the module again and works.
func TestDamagedInstrumentedCache(t *testing.T) {
	dir := t.TempDir()
	spec := modules.Spec{File: guest(t, labelPkg)}
	load(t, newLoader(t, Config{CacheDir: dir}), spec)
	files, err := filepath.Glob(filepath.Join(dir, "instrumented", "*.wasm"))
	if err != nil || len(files) != 1 {
		t.Fatalf("instrumented cache holds %v (%v), want one module", files, err)
	}
	if err := os.WriteFile(files[0], []byte("\x00asm\x01\x00\x00\x00junk"), 0o644); err != nil {
		t.Fatal(err)
	}
	h := load(t, newLoader(t, Config{CacheDir: dir}), spec).Impl.(hook.Hook)
	if _, err := h.MasterLaunchTaskLabelDecorator(context.Background(), &hook.MasterLaunchTaskLabelDecoratorRequest{}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(files[0])
	if err != nil || len(b) < 1000 {
		t.Errorf("the damaged cache file was not replaced (%d bytes, %v)", len(b), err)
	}
}
