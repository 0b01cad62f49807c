package masterflags

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gomesos/mesos/builtin/allocator/hierarchical"
	"github.com/gomesos/mesos/builtin/catalog"
	"github.com/gomesos/mesos/core/master"
	"github.com/gomesos/mesos/hooks"
	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/decorate"
	"github.com/gomesos/mesos/modules/host"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	"github.com/gomesos/mesos/modules/manifest"
	"github.com/gomesos/mesos/modules/runtime/builtin"
	"github.com/gomesos/mesos/modules/runtime/plugin"
	"github.com/gomesos/mesos/modules/runtime/wasm"
)

// masterModules are the master's modules: the host that loaded the
// --modules manifest (and the built-ins the flags select), and the
// catalog of built-ins.
type masterModules struct {
	host     *host.Host
	catalog  *builtin.Catalog
	registry *prometheus.Registry
	wasm     *wasm.Loader // nil for a shared host
	shared   bool         // the host is Setup.Modules's: not the master's to close
}

// loadModules loads the --modules (or --modules_dir) manifest through the
// built-in, plugin and WASM runtimes. Any error names the manifest,
// library, module and reason, and stops the master. With shared, the
// manifest is loaded into that host (what is loaded already stays).
func (f *Flags) loadModules(ctx context.Context, shared *host.Shared, logger *slog.Logger) (*masterModules, error) {
	log := logger.With("component", "modules")
	if shared != nil {
		if err := shared.Check(); err != nil {
			return nil, err
		}
		m := &masterModules{host: shared.Host, catalog: shared.Catalog, registry: shared.Registry, shared: true}
		if err := m.loadManifest(ctx, f); err != nil {
			return nil, err
		}
		return m, nil
	}
	c, err := catalog.New(catalog.Options{})
	if err != nil {
		return nil, err
	}
	wasmCache := ""
	if f.WorkDir != "" {
		wasmCache = filepath.Join(f.WorkDir, "modules", "wasm")
	}
	wasmLoader, err := wasm.New(wasm.Config{CacheDir: wasmCache, Logger: log})
	if err != nil {
		return nil, err
	}
	m := &masterModules{catalog: c, registry: prometheus.NewRegistry(), wasm: wasmLoader}
	// The master's plugins have no state to outlive it: no StateDir.
	m.host, err = host.New(m.registry, log, builtin.NewLoader(c), plugin.New(plugin.Options{Logger: log}), wasmLoader)
	if err != nil {
		m.close(ctx)
		return nil, err
	}
	if err := m.loadManifest(ctx, f); err != nil {
		m.close(ctx)
		return nil, err
	}
	return m, nil
}

// loadManifest loads the --modules (or --modules_dir) manifest.
func (m *masterModules) loadManifest(ctx context.Context, f *Flags) error {
	specs, err := manifest.Load(f.Modules, f.ModulesDir, manifest.Options{})
	if err != nil {
		return err
	}
	return m.host.Load(ctx, specs)
}

// close unloads every module, unless the host is shared.
func (m *masterModules) close(ctx context.Context) {
	if m.shared {
		return
	}
	if m.host != nil {
		_ = m.host.Close(ctx)
	}
	_ = m.wasm.Close(ctx)
}

// selectModule returns the module a flag names: a loaded module of that
// name (which must be of kind k), else the built-in of kind k and that
// name, loaded now so that it too is decorated and shows in /modules.
func (m *masterModules) selectModule(ctx context.Context, flag string, k modules.Kind, name string) (*host.Module, error) {
	return m.ensure(ctx, flag, k, name, nil)
}

func (m *masterModules) names(k modules.Kind) string {
	var names []string
	for _, mod := range m.host.Instances(k) {
		names = append(names, mod.Name())
	}
	return listOrNone(names)
}

func (m *masterModules) builtinNames(k modules.Kind) string {
	var names []string
	for _, e := range m.catalog.Entries() {
		if e.Kind == k {
			names = append(names, e.Name)
		}
	}
	return listOrNone(names)
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// allocator is the --allocator module, decorated (deadline, metrics,
// panic containment). A module other than the built-in HierarchicalDRF
// falls back to a fresh HierarchicalDRF when it fails, starting from the
// master's state (snap).
func (m *masterModules) allocator(ctx context.Context, name string, snap *master.AllocatorSnapshot) (allocator.Allocator, error) {
	mod, err := m.selectModule(ctx, "allocator", modules.KindAllocator, name)
	if err != nil {
		return nil, err
	}
	impl, ok := mod.Instance.Impl.(allocator.Allocator)
	if !ok {
		return nil, fmt.Errorf("--allocator: module '%s' does not implement the Allocator contract", name)
	}
	var opts decorate.AllocatorOptions
	if !(mod.Instance.Spec.Runtime == modules.RuntimeBuiltin && name == catalog.HierarchicalDRF) {
		opts = decorate.AllocatorOptions{Fallback: hierarchical.New(), FallbackName: catalog.HierarchicalDRF, Snapshot: snap.Events}
	}
	a, err := decorate.NewAllocator(mod.Decorator, impl, opts)
	if err != nil {
		return nil, fmt.Errorf("--allocator: %w", err)
	}
	return a, nil
}

// hooks are the --hooks hook modules, in that order.
func (m *masterModules) hooks(list string, logger *slog.Logger) (*hooks.Manager, error) {
	return hooks.FromHost(m.host, list, logger.With("component", "hooks"))
}
