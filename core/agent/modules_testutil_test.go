package agent

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gomesos/mesos/builtin/catalog"
	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/runtime/builtin"
)

// Helpers of the module tests: manifests, a test catalog, plugins built
// from the SDK's examples, and the agent's /modules and metrics.

// lib is one library of a --modules manifest.
type lib map[string]any

// mod is one module of a library; params are key, value pairs.
func mod(name, kind string, params ...string) map[string]any {
	m := map[string]any{"name": name, "kind": kind}
	var ps []map[string]string
	for i := 0; i+1 < len(params); i += 2 {
		ps = append(ps, map[string]string{"key": params[i], "value": params[i+1]})
	}
	if len(ps) > 0 {
		m["parameters"] = ps
	}
	return m
}

// builtinLib is a library of built-ins.
func builtinLib(name string, mods ...map[string]any) lib {
	return lib{"name": name, "modules": mods}
}

// fileLib is a library in a file (a plugin executable, a .wasm).
func fileLib(file string, mods ...map[string]any) lib {
	return lib{"file": file, "modules": mods}
}

// manifestOf renders a manifest.
func manifestOf(t *testing.T, libs ...lib) []byte {
	t.Helper()
	data, err := json.Marshal(map[string]any{"libraries": libs})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// testCatalog is the daemon's catalog plus the entries the test adds.
func testCatalog(t *testing.T, extra ...builtin.Entry) *builtin.Catalog {
	t.Helper()
	c, err := catalog.New(catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range extra {
		if err := c.Register(e); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// entry is a catalog entry whose factory returns impl.
func entry(kind modules.Kind, name string, newImpl func(params map[string]string) (any, error)) builtin.Entry {
	return builtin.Entry{Kind: kind, Name: name, New: func(_ context.Context, spec modules.Spec, _ int) (any, error) {
		return newImpl(spec.Parameters)
	}}
}

// buildPlugin builds a plugin module from pkg (relative to the repository
// root) and returns the executable.
func buildPlugin(t *testing.T, pkg string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-o", out, "../../"+pkg)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", pkg, err, b)
	}
	return out
}

// buildWASM builds a WASM module from pkg (relative to the repository
// root) and returns the .wasm file.
func buildWASM(t *testing.T, pkg string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), filepath.Base(pkg)+".wasm")
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-ldflags=-s -w", "-o", out, "../../"+pkg)
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", pkg, err, b)
	}
	return out
}

// moduleStatus is a module of /modules.
type moduleStatus struct {
	Name, Library, Kind, Runtime, State string
	Calls                               uint64
	LastError                           string `json:"last_error"`
}

// modulesOf returns the agent's /modules by module name.
func modulesOf(t *testing.T, ta *testAgent) map[string]moduleStatus {
	t.Helper()
	var doc struct {
		Modules []moduleStatus `json:"modules"`
	}
	getJSON(t, ta.url("/modules"), &doc)
	out := map[string]moduleStatus{}
	for _, m := range doc.Modules {
		out[m.Name] = m
	}
	return out
}

// metricsOf returns the agent's /metrics/snapshot.
func metricsOf(t *testing.T, ta *testAgent) map[string]float64 {
	t.Helper()
	m := map[string]float64{}
	getJSON(t, ta.url("/metrics/snapshot"), &m)
	return m
}

// sandboxOf is the latest run of an executor's sandbox.
func sandboxOf(ta *testAgent, frameworkID, executorID string) string {
	return filepath.Join(ta.cfg.WorkDir, "slaves", ta.agentIDForFetch(), "frameworks", frameworkID, "executors", executorID, "runs", "latest")
}

func readFile(path string) string {
	data, _ := os.ReadFile(path)
	return string(data)
}
