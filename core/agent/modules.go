package agent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"

	"github.com/gomesos/mesos/builtin/catalog"
	"github.com/gomesos/mesos/core/agent/containerizer"
	"github.com/gomesos/mesos/hooks"
	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/host"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
	"github.com/gomesos/mesos/modules/kinds/containerlogger"
	"github.com/gomesos/mesos/modules/kinds/httpauthenticator"
	"github.com/gomesos/mesos/modules/kinds/qoscontroller"
	"github.com/gomesos/mesos/modules/kinds/resourceestimator"
	"github.com/gomesos/mesos/modules/manifest"
	"github.com/gomesos/mesos/modules/runtime/builtin"
	"github.com/gomesos/mesos/modules/runtime/plugin"
)

// agentModules are the agent's modules: the host that loaded the
// --modules manifest (and the built-ins the flags select), and what the
// agent's flags select from it, each decorated (deadlines, containment,
// metrics, the kind's failure policy).
type agentModules struct {
	log     *slog.Logger
	host    *host.Host
	runtime []runtimeCloser
	catalog *builtin.Catalog
	// shared: host is Config.SharedModules's, which this agent does not
	// close.
	shared bool

	// isolators in --isolation order; detachers are the plugin isolators
	// whose processes may outlive the agent.
	isolators []containerizer.NamedIsolator
	detachers []plugin.Detacher
	// estimator and qos are nil when none is selected.
	estimator resourceestimator.ResourceEstimator
	qos       qoscontroller.QoSController
	logger    containerlogger.ContainerLogger
	hooks     *hooks.Manager
	// authorizer and authenticate are nil when the agent does not
	// authorize or authenticate its endpoints (auth_modules.go).
	authorizer   authorizer.Authorizer
	authenticate func(r *http.Request, realm string) (*httpauthenticator.AuthenticateResponse, error)
}

// runtimeCloser is a runtime that holds resources of its own (the WASM
// runtime's compilation cache).
type runtimeCloser interface {
	Close(ctx context.Context) error
}

// Where the runtimes keep their state, under --work_dir.
const (
	modulesDir      = "modules"
	pluginsStateDir = "plugins"
	wasmCacheDir    = "wasm"
)

// loadModules loads the --modules manifest through the built-in, plugin
// and WASM runtimes, then takes what the flags select. Any error stops
// the agent: it names the manifest, library, module and reason, and
// whatever was loaded is unloaded first.
func loadModules(ctx context.Context, cfg *Config, log *slog.Logger) (*agentModules, error) {
	modLog := cfg.Logger.With("component", "modules")
	m := &agentModules{log: modLog, catalog: cfg.Catalog}
	if cfg.SharedModules != nil {
		if err := cfg.SharedModules.Check(); err != nil {
			return nil, fmt.Errorf("agent: %w", err)
		}
		m.host, m.shared = cfg.SharedModules.Host, true
		if err := m.load(ctx, cfg, log); err != nil {
			m.close(ctx, false)
			return nil, fmt.Errorf("agent: %w", err)
		}
		return m, nil
	}
	if m.catalog == nil {
		c, err := catalog.New(catalog.Options{Isolators: cfg.IsolatorOptions})
		if err != nil {
			return nil, fmt.Errorf("agent: %w", err)
		}
		m.catalog = c
	}
	loaders := []modules.Loader{
		builtin.NewLoader(m.catalog),
		plugin.New(plugin.Options{Logger: modLog, StateDir: filepath.Join(cfg.WorkDir, modulesDir, pluginsStateDir)}),
	}
	wasmLoader, err := newWASMLoader(filepath.Join(cfg.WorkDir, modulesDir, wasmCacheDir), modLog)
	if err != nil {
		return nil, fmt.Errorf("agent: %w", err)
	}
	if wasmLoader != nil {
		loaders = append(loaders, wasmLoader)
		m.runtime = append(m.runtime, wasmLoader)
	}
	h, err := host.New(cfg.Registry, modLog, loaders...)
	if err != nil {
		m.closeRuntimes(ctx)
		return nil, fmt.Errorf("agent: %w", err)
	}
	m.host = h
	if err := m.load(ctx, cfg, log); err != nil {
		m.close(ctx, false)
		return nil, fmt.Errorf("agent: %w", err)
	}
	return m, nil
}

// load loads the manifest and selects the agent's modules.
func (m *agentModules) load(ctx context.Context, cfg *Config, log *slog.Logger) error {
	specs, err := manifest.Load(cfg.Modules, cfg.ModulesDir, manifest.Options{})
	if err != nil {
		return err
	}
	if err := m.host.Load(ctx, specs); err != nil {
		return err
	}
	for _, step := range []func(context.Context, *Config) error{
		m.selectIsolators, m.selectEstimator, m.selectQoS, m.selectLogger, m.selectAuth,
	} {
		if err := step(ctx, cfg); err != nil {
			return err
		}
	}
	hm, err := hooks.FromHost(m.host, cfg.Hooks, log.With("component", "hooks"))
	if err != nil {
		return err
	}
	m.hooks = hm
	return nil
}

// selectModule returns the module a flag names: a loaded module of that
// name (which must be of kind k), else the built-in of kind k and that
// name, loaded now so that it too is decorated and shows in /modules.
func (m *agentModules) selectModule(ctx context.Context, flag string, k modules.Kind, name string) (*host.Module, error) {
	if mod, ok := m.host.Lookup(name); ok {
		if mod.Kind() != k {
			return nil, fmt.Errorf("%s: module '%s' is a %s module, not a %s module", flag, name, mod.Kind(), k)
		}
		return mod, nil
	}
	if _, ok := m.catalog.Lookup(k, name); !ok {
		return nil, fmt.Errorf("%s: unknown %s '%s': no loaded %s module and no built-in has that name (loaded: %s; built-in: %s)",
			flag, kindWord(k), name, k, m.loadedNames(k), m.builtinNames(k))
	}
	mod, err := m.host.Ensure(ctx, modules.Spec{Library: "builtin", Name: name, Kind: k, Runtime: modules.RuntimeBuiltin})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	return mod, nil
}

// optionalModule is selectModule for the flags whose "noop" (and empty)
// value means no module, as Mesos's noop resource estimator and QoS
// controller do nothing: nil unless a module called "noop" of kind k was
// loaded.
func (m *agentModules) optionalModule(ctx context.Context, flag string, k modules.Kind, name string) (*host.Module, error) {
	if name == "" {
		return nil, nil
	}
	if name == "noop" {
		if mod, ok := m.host.Lookup(name); !ok || mod.Kind() != k {
			return nil, nil
		}
	}
	return m.selectModule(ctx, flag, k, name)
}

func kindWord(k modules.Kind) string {
	switch k {
	case modules.KindIsolator:
		return "isolator"
	case modules.KindResourceEstimator:
		return "resource estimator"
	case modules.KindQoSController:
		return "QoS controller"
	case modules.KindContainerLogger:
		return "container logger"
	}
	return string(k)
}

// loadedNames lists the loaded modules of kind k.
func (m *agentModules) loadedNames(k modules.Kind) string {
	var names []string
	for _, mod := range m.host.Instances(k) {
		names = append(names, mod.Name())
	}
	return listOrNone(names)
}

// builtinNames lists the built-ins of kind k.
func (m *agentModules) builtinNames(k modules.Kind) string {
	var names []string
	for _, e := range m.catalog.Entries() {
		if e.Kind == k {
			names = append(names, e.Name)
		}
	}
	return listOrNone(names)
}

// close unloads the modules. With detach, plugin isolators are let go of
// rather than stopped, so that the containers the next agent recovers
// keep their isolator (its process, and its state). A shared host is left
// to its owner, so only the detaching applies to it.
func (m *agentModules) close(ctx context.Context, detach bool) {
	if m == nil {
		return
	}
	if detach {
		for _, d := range m.detachers {
			if err := d.Detach(ctx); err != nil {
				m.log.Warn("failed to detach an isolator plugin", "error", err)
			}
		}
	}
	if m.host != nil && !m.shared {
		if err := m.host.Close(ctx); err != nil {
			m.log.Warn("failed to unload modules", "error", err)
		}
	}
	m.closeRuntimes(ctx)
}

func (m *agentModules) closeRuntimes(ctx context.Context) {
	for _, r := range m.runtime {
		if err := r.Close(context.WithoutCancel(ctx)); err != nil {
			m.log.Warn("failed to close a module runtime", "error", err)
		}
	}
}

// containersLeft reports whether containers may be checkpointed under the
// runtime directory (so that plugin isolators must outlive this agent);
// when it cannot tell, it says so.
func containersLeft(runtimeDir string) bool {
	entries, err := os.ReadDir(filepath.Join(runtimeDir, "containers"))
	if errors.Is(err, os.ErrNotExist) {
		return false
	}
	return err != nil || len(entries) > 0
}
