package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gomesos/mesos/builtin/catalog"
	"github.com/gomesos/mesos/builtin/isolator"
	"github.com/gomesos/mesos/modules/host"
	"github.com/gomesos/mesos/modules/runtime/builtin"
	"github.com/gomesos/mesos/modules/runtime/plugin"
	"github.com/gomesos/mesos/modules/runtime/wasm"
)

// localModules is the one module host of the master and the agents, as
// Apache Mesos's mesos-local loads --modules once for both (they take the
// same flag): each module of the manifest is loaded once (one plugin
// process, one WASM compilation) and every daemon's /modules shows it.
// Each daemon still loads its manifest into the host, which skips what is
// loaded already, and adds the built-ins its flags select.
type localModules struct {
	shared host.Shared
	wasm   *wasm.Loader
}

// Where the shared runtimes keep their state, under mesos-local's
// --work_dir: the plugin isolators' records (so that the next mesos-local
// reattaches to those that outlived this one) and their sockets, and the
// WASM compilation cache.
const (
	modulesDir = "modules"
	pluginsDir = "plugins"
	wasmDir    = "wasm"
)

// newLocalModules makes the shared host. The built-in isolators take the
// agents' options (their flags are the same for every agent).
func newLocalModules(workDir string, isolators isolator.Options, logger *slog.Logger) (*localModules, error) {
	log := logger.With("component", "modules")
	isolators.Logger = logger.With("component", "isolator")
	c, err := catalog.New(catalog.Options{Isolators: isolators})
	if err != nil {
		return nil, fmt.Errorf("modules: %w", err)
	}
	wasmLoader, err := wasm.New(wasm.Config{CacheDir: filepath.Join(workDir, modulesDir, wasmDir), Logger: log})
	if err != nil {
		return nil, fmt.Errorf("modules: %w", err)
	}
	reg := prometheus.NewRegistry()
	plugins := plugin.New(plugin.Options{Logger: log, StateDir: filepath.Join(workDir, modulesDir, pluginsDir)})
	h, err := host.New(reg, log, builtin.NewLoader(c), plugins, wasmLoader)
	if err != nil {
		_ = wasmLoader.Close(context.Background())
		return nil, fmt.Errorf("modules: %w", err)
	}
	return &localModules{shared: host.Shared{Host: h, Catalog: c, Registry: reg}, wasm: wasmLoader}, nil
}

// close unloads every module once the daemons have stopped (plugin
// isolators an agent detached keep running for the next mesos-local).
func (m *localModules) close(logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := m.shared.Host.Close(ctx); err != nil {
		logger.Warn("failed to unload modules", "error", err)
	}
	if err := m.wasm.Close(ctx); err != nil {
		logger.Warn("failed to close the WASM runtime", "error", err)
	}
}
