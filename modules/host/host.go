// Package host loads a daemon's modules and keeps them: it takes the specs
// of the --modules manifest (modules/manifest), loads each through the
// loader of its runtime (built-in, plugin, wasm), checks what the module
// declares (its kind, the contract version agreed on, that it implements
// the kind's interface), gives every instance its decorator
// (modules/decorate), and reports their status for /modules.
//
// A daemon does, at start-up:
//
//	reg := prometheus.NewRegistry()
//	catalog := builtin.NewCatalog() // and registers its built-ins
//	h, err := host.New(reg, logger, builtin.NewLoader(catalog), pluginLoader, wasmLoader)
//	specs, err := manifest.Load(flags.Modules, flags.ModulesDir, manifest.Options{})
//	err = h.Load(ctx, specs) // any error stops the daemon
//	defer h.Close(ctx)
//
// and then takes the modules its flags select by name (Lookup) and wraps
// each in its kind's decorated type (decorate.NewAllocator,
// decorate.NewHook, ...), passing the module's Decorator.
package host

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/decorate"
	"github.com/prometheus/client_golang/prometheus"
)

// Host holds a daemon's loaded modules. Its methods are safe for
// concurrent use.
type Host struct {
	log     *slog.Logger
	metrics *decorate.Metrics
	loaders map[modules.Runtime]modules.Loader

	loading sync.Mutex // serializes Load and Close
	mu      sync.RWMutex
	mods    []*Module // in load order
	byName  map[string]*Module
}

// Module is a loaded module: its instance and its decorator.
type Module struct {
	Instance  *modules.Instance
	Decorator *decorate.Decorator
	// requested is the spec as asked for (Kind possibly empty), to tell
	// an identical second request from a conflicting one.
	requested modules.Spec
}

// Name is the module's name.
func (m *Module) Name() string { return m.Instance.Spec.Name }

// Kind is the module's kind.
func (m *Module) Kind() modules.Kind { return m.Instance.Spec.Kind }

// New returns a host that loads modules through loaders (one per runtime)
// and counts their calls in reg (the daemon's registry; nil: no metrics).
func New(reg prometheus.Registerer, log *slog.Logger, loaders ...modules.Loader) (*Host, error) {
	if log == nil {
		log = slog.Default()
	}
	metrics, err := decorate.NewMetrics(reg)
	if err != nil {
		return nil, fmt.Errorf("module host: %w", err)
	}
	h := &Host{log: log, metrics: metrics, loaders: map[modules.Runtime]modules.Loader{}, byName: map[string]*Module{}}
	for _, l := range loaders {
		r := l.Runtime()
		if _, dup := h.loaders[r]; dup {
			return nil, fmt.Errorf("module host: two loaders for runtime %s", r)
		}
		h.loaders[r] = l
	}
	return h, nil
}

// Load loads specs in order, all or nothing: on the first error, the
// modules this call loaded are closed and the error (a *modules.LoadError
// naming the library, the module and the reason) returned. A spec whose
// name is already loaded is skipped when identical and an error
// (modules.ErrDuplicate) when not. Load may be called more than once.
func (h *Host) Load(ctx context.Context, specs []modules.Spec) error {
	h.loading.Lock()
	defer h.loading.Unlock()
	var loaded []*Module
	batch := map[string]*Module{}
	for _, spec := range specs {
		prev := batch[spec.Name]
		if prev == nil {
			prev, _ = h.Lookup(spec.Name)
		}
		if prev != nil {
			if err := sameModule(prev, spec); err != nil {
				closeAll(ctx, loaded)
				return err
			}
			continue
		}
		m, err := h.load(ctx, spec)
		if err != nil {
			closeAll(ctx, loaded)
			return err
		}
		loaded = append(loaded, m)
		batch[spec.Name] = m
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, m := range loaded {
		h.mods = append(h.mods, m)
		h.byName[m.Name()] = m
	}
	return nil
}

// Ensure returns the module spec names, loading it first if need be (for
// the built-in defaults a daemon selects by flag, so that they too are
// decorated and show in /modules).
func (h *Host) Ensure(ctx context.Context, spec modules.Spec) (*Module, error) {
	if err := h.Load(ctx, []modules.Spec{spec}); err != nil {
		return nil, err
	}
	m, _ := h.Lookup(spec.Name)
	return m, nil
}

// Lookup returns the module called name.
func (h *Host) Lookup(name string) (*Module, bool) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	m, ok := h.byName[name]
	return m, ok
}

// Instances returns the modules of kind k, in load order.
func (h *Host) Instances(k modules.Kind) []*Module {
	h.mu.RLock()
	defer h.mu.RUnlock()
	var out []*Module
	for _, m := range h.mods {
		if m.Kind() == k {
			out = append(out, m)
		}
	}
	return out
}

// Modules returns every loaded module, in load order.
func (h *Host) Modules() []*Module {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return slices.Clone(h.mods)
}

// Close unloads every module, the last loaded first, and returns their
// errors joined.
func (h *Host) Close(ctx context.Context) error {
	h.loading.Lock()
	defer h.loading.Unlock()
	h.mu.Lock()
	mods := h.mods
	h.mods, h.byName = nil, map[string]*Module{}
	h.mu.Unlock()
	return closeAll(ctx, mods)
}

// closeAll closes modules in reverse order, even if ctx has ended.
func closeAll(ctx context.Context, mods []*Module) error {
	ctx = context.WithoutCancel(ctx)
	var errs []error
	for _, m := range slices.Backward(mods) {
		if err := m.Instance.Close(ctx); err != nil {
			errs = append(errs, fmt.Errorf("closing module %s: %w", m.Instance.Spec.ID(), err))
		}
		m.Decorator.Closed()
	}
	return errors.Join(errs...)
}
