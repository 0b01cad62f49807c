package host

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/decorate"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	"github.com/gomesos/mesos/modules/kinds/hook"
	"github.com/gomesos/mesos/modules/runtime/builtin"
	"github.com/prometheus/client_golang/prometheus"
)

// fakePlugin stands in for the plugin runtime: the module it "starts"
// declares what the test says, and its closing is recorded.
type fakePlugin struct {
	declare modules.Kind
	version int
	impl    any
	closed  *[]string
	started []string
}

func (p *fakePlugin) Runtime() modules.Runtime { return modules.RuntimePlugin }

func (p *fakePlugin) Load(_ context.Context, spec modules.Spec) (*modules.Instance, error) {
	p.started = append(p.started, spec.Name)
	if spec.Parameters["fail"] != "" {
		return nil, errors.New(spec.Parameters["fail"])
	}
	return &modules.Instance{Spec: spec, Kind: p.declare, APIVersion: p.version, Impl: p.impl,
		Close: func(context.Context) error { *p.closed = append(*p.closed, spec.Name); return nil }}, nil
}

type nopAllocator struct{}

func (nopAllocator) Initialize(context.Context, *allocator.InitializeRequest) (*allocator.InitializeResponse, error) {
	return &allocator.InitializeResponse{}, nil
}

func (nopAllocator) Allocate(context.Context, *allocator.AllocateRequest) (*allocator.AllocateResponse, error) {
	return &allocator.AllocateResponse{}, nil
}

type fixture struct {
	h      *Host
	reg    *prometheus.Registry
	plugin *fakePlugin
	closed []string
	file   string // an existing plugin file
	sum    string // its sha256
	log    *bytes.Buffer
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{reg: prometheus.NewRegistry(), log: &bytes.Buffer{}}
	f.plugin = &fakePlugin{declare: modules.KindHook, version: hook.APIVersion, impl: hook.Nop{}, closed: &f.closed}
	cat := builtin.NewCatalog()
	for _, e := range []builtin.Entry{
		{Kind: modules.KindAllocator, Name: "HierarchicalDRF", New: func(context.Context, modules.Spec, int) (any, error) { return nopAllocator{}, nil }},
		{Kind: modules.KindHook, Name: "org_test_hook", New: func(context.Context, modules.Spec, int) (any, error) { return hook.Nop{}, nil }},
	} {
		if err := cat.Register(e); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	f.h, err = New(f.reg, slog.New(slog.NewTextHandler(f.log, nil)), builtin.NewLoader(cat), f.plugin)
	if err != nil {
		t.Fatal(err)
	}
	f.file = filepath.Join(t.TempDir(), "plugin")
	content := []byte("#!/bin/sh\n")
	if err := os.WriteFile(f.file, content, 0o755); err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(content)
	f.sum = hex.EncodeToString(s[:])
	return f
}

func (f *fixture) pluginSpec(name string) modules.Spec {
	return modules.Spec{Library: f.file, Name: name, Runtime: modules.RuntimePlugin, File: f.file}
}

func builtinSpec(name string, kind modules.Kind) modules.Spec {
	return modules.Spec{Library: "builtin", Name: name, Kind: kind, Runtime: modules.RuntimeBuiltin}
}

func TestLoadAndFind(t *testing.T) {
	f := newFixture(t)
	p := f.pluginSpec("org_plugin_hook")
	p.SHA256 = strings.ToUpper(f.sum)
	err := f.h.Load(context.Background(), []modules.Spec{
		builtinSpec("HierarchicalDRF", ""), p, builtinSpec("org_test_hook", modules.KindHook),
	})
	if err != nil {
		t.Fatal(err)
	}
	m, ok := f.h.Lookup("HierarchicalDRF")
	if !ok || m.Kind() != modules.KindAllocator || m.Instance.Spec.Kind != modules.KindAllocator || m.Decorator == nil {
		t.Fatalf("Lookup: %+v, %v", m, ok)
	}
	if hooks := f.h.Instances(modules.KindHook); len(hooks) != 2 || hooks[0].Name() != "org_plugin_hook" || hooks[1].Name() != "org_test_hook" {
		t.Errorf("Instances(Hook) = %v", hooks)
	}
	if _, ok := f.h.Lookup("absent"); ok {
		t.Error("found an absent module")
	}
	if !strings.Contains(f.log.String(), "module loaded") {
		t.Error("loading not logged")
	}
}

func TestStatusAndHandler(t *testing.T) {
	f := newFixture(t)
	if err := f.h.Load(context.Background(), []modules.Spec{f.pluginSpec("org_plugin_hook")}); err != nil {
		t.Fatal(err)
	}
	m, _ := f.h.Lookup("org_plugin_hook")
	_, _ = decorate.Call(context.Background(), m.Decorator, hook.MasterSlaveLostHookName, func(context.Context) (int, error) {
		return 0, errors.New("directory service down")
	})
	st := f.h.Status()
	if len(st) != 1 || st[0].Kind != modules.KindHook || st[0].Runtime != modules.RuntimePlugin || st[0].APIVersion != 1 ||
		st[0].Calls != 1 || st[0].Errors != 1 || st[0].State != decorate.StateFailing || !strings.Contains(st[0].LastError, "directory service down") {
		t.Errorf("status %+v", st)
	}
	rec := httptest.NewRecorder()
	f.h.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/modules", nil))
	var body struct {
		Modules []map[string]any `json:"modules"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("GET /modules: %d %s %v", rec.Code, rec.Body, err)
	}
	got := body.Modules[0]
	for k, want := range map[string]any{"name": "org_plugin_hook", "kind": "Hook", "runtime": "plugin", "api_version": 1.0,
		"state": "failing", "calls": 1.0, "errors": 1.0} {
		if got[k] != want {
			t.Errorf("/modules %s = %v, want %v (%s)", k, got[k], want, rec.Body)
		}
	}
	if _, ok := got["last_error"]; !ok {
		t.Errorf("no last_error in %s", rec.Body)
	}
	rec = httptest.NewRecorder()
	f.h.Handler().ServeHTTP(rec, httptest.NewRequest("POST", "/modules", nil))
	if rec.Code != 405 {
		t.Errorf("POST /modules: %d", rec.Code)
	}
}

func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		setup   func(f *fixture, s *modules.Spec)
		want    error
		text    string
		started bool // whether the runtime got to start the module
	}{
		{"unknown kind", func(f *fixture, s *modules.Spec) { s.Kind = "Scheduler" }, modules.ErrUnknownKind, `"Scheduler"`, false},
		{"no runtime", func(f *fixture, s *modules.Spec) { s.Runtime = modules.RuntimeWASM }, modules.ErrNoRuntime, "this binary runs: builtin, plugin", false},
		{"file missing", func(f *fixture, s *modules.Spec) { s.File += ".gone" }, modules.ErrFileMissing, "does not exist", false},
		{"checksum mismatch", func(f *fixture, s *modules.Spec) { s.SHA256 = strings.Repeat("ab", 32) }, modules.ErrChecksum, "the manifest says abab", false},
		{"kind mismatch", func(f *fixture, s *modules.Spec) { s.Kind = modules.KindIsolator }, modules.ErrKindMismatch, "the manifest says Isolator, the module is a Hook", true},
		{"declares unknown kind", func(f *fixture, s *modules.Spec) { f.plugin.declare = "Scheduler" }, modules.ErrUnknownKind, `declares kind "Scheduler"`, true},
		{"declares no kind", func(f *fixture, s *modules.Spec) { f.plugin.declare = "" }, modules.ErrUnknownKind, "declares no kind", true},
		{"api version not spoken", func(f *fixture, s *modules.Spec) { f.plugin.version = 7 }, modules.ErrAPIVersion, "agreed on Hook API v7, the host speaks v1", true},
		{"contract", func(f *fixture, s *modules.Spec) { f.plugin.impl = nopAllocator{} }, modules.ErrContract, "is not a Hook", true},
		{"runtime fails", func(f *fixture, s *modules.Spec) { s.Parameters = map[string]string{"fail": "handshake failed"} }, nil, "handshake failed", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			spec := f.pluginSpec("org_plugin")
			tc.setup(f, &spec)
			err := f.h.Load(context.Background(), []modules.Spec{builtinSpec("org_test_hook", ""), spec})
			var le *modules.LoadError
			if !errors.As(err, &le) || le.Module != "org_plugin" || le.Library != spec.Library {
				t.Fatalf("error %v does not name the module and library", err)
			}
			if (tc.want != nil && !errors.Is(err, tc.want)) || !strings.Contains(err.Error(), tc.text) {
				t.Errorf("error %v, want %v saying %q", err, tc.want, tc.text)
			}
			if started := len(f.plugin.started) > 0; started != tc.started {
				t.Errorf("runtime started the module: %v, want %v", started, tc.started)
			}
			// All or nothing: what loaded before is unloaded, the module
			// that failed its checks too.
			if len(f.h.Modules()) != 0 {
				t.Errorf("modules left loaded: %v", f.h.Modules())
			}
			// A module the runtime made and the host refused is closed.
			if made := tc.started && tc.name != "runtime fails"; made != (len(f.closed) == 1) {
				t.Errorf("the failed plugin was not closed: %v", f.closed)
			}
		})
	}
}

func TestAllOrNothingClosesInReverse(t *testing.T) {
	f := newFixture(t)
	bad := f.pluginSpec("c")
	bad.Parameters = map[string]string{"fail": "boom"}
	err := f.h.Load(context.Background(), []modules.Spec{f.pluginSpec("a"), f.pluginSpec("b"), bad})
	if err == nil || strings.Join(f.closed, ",") != "b,a" {
		t.Errorf("error %v, closed %v", err, f.closed)
	}
}

func TestDuplicates(t *testing.T) {
	f := newFixture(t)
	a := builtinSpec("org_test_hook", "")
	a.Parameters = map[string]string{"x": "1"}
	if err := f.h.Load(context.Background(), []modules.Spec{a, a}); err != nil {
		t.Fatalf("identical duplicate: %v", err)
	}
	if err := f.h.Load(context.Background(), []modules.Spec{a}); err != nil {
		t.Fatalf("identical duplicate in a later Load: %v", err)
	}
	withKind := a
	withKind.Kind = modules.KindHook
	if err := f.h.Load(context.Background(), []modules.Spec{withKind}); err != nil {
		t.Errorf("same module, kind now named: %v", err)
	}
	b := a
	b.Parameters = map[string]string{"x": "2"}
	err := f.h.Load(context.Background(), []modules.Spec{b})
	if !errors.Is(err, modules.ErrDuplicate) || !strings.Contains(err.Error(), "different parameters") {
		t.Errorf("conflicting duplicate: %v", err)
	}
	c := a
	c.Kind = modules.KindIsolator
	if err := f.h.Load(context.Background(), []modules.Spec{c}); !errors.Is(err, modules.ErrDuplicate) || !strings.Contains(err.Error(), "kind") {
		t.Errorf("duplicate of another kind: %v", err)
	}
	if len(f.h.Modules()) != 1 {
		t.Errorf("modules %v", f.h.Modules())
	}
}

func TestEnsureAndClose(t *testing.T) {
	f := newFixture(t)
	m, err := f.h.Ensure(context.Background(), builtinSpec("HierarchicalDRF", modules.KindAllocator))
	if err != nil || m.Kind() != modules.KindAllocator {
		t.Fatalf("Ensure: %v, %v", m, err)
	}
	again, err := f.h.Ensure(context.Background(), builtinSpec("HierarchicalDRF", modules.KindAllocator))
	if err != nil || again != m {
		t.Errorf("second Ensure: %v, %v", again, err)
	}
	if err := f.h.Load(context.Background(), []modules.Spec{f.pluginSpec("p1"), f.pluginSpec("p2")}); err != nil {
		t.Fatal(err)
	}
	if err := f.h.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if strings.Join(f.closed, ",") != "p2,p1" || len(f.h.Modules()) != 0 {
		t.Errorf("closed %v, left %v", f.closed, f.h.Modules())
	}
	if m.Decorator.Status().State != decorate.StateClosed {
		t.Errorf("state after Close: %s", m.Decorator.Status().State)
	}
}

func TestNew(t *testing.T) {
	if _, err := New(nil, nil, &fakePlugin{}, &fakePlugin{}); err == nil {
		t.Error("two loaders of one runtime accepted")
	}
	reg := prometheus.NewRegistry()
	if _, err := New(reg, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := New(reg, nil); err != nil {
		t.Errorf("second host on one registry: %v", err)
	}
}

// namingLoader fails as the plugin runtime does: naming the module itself.
type namingLoader struct{}

func (namingLoader) Runtime() modules.Runtime { return modules.RuntimeWASM }

func (namingLoader) Load(_ context.Context, spec modules.Spec) (*modules.Instance, error) {
	return nil, &modules.LoadError{Library: spec.Library, Module: spec.Name, Err: errors.New("bad magic")}
}

func TestLoadErrorNotWrappedTwice(t *testing.T) {
	h, err := New(nil, nil, namingLoader{})
	if err != nil {
		t.Fatal(err)
	}
	err = h.Load(context.Background(), []modules.Spec{{Library: "lib", Name: "m", Runtime: modules.RuntimeWASM}})
	if err == nil || strings.Count(err.Error(), "failed to load") != 1 {
		t.Errorf("error %v", err)
	}
}
