package masterflags

import (
	"context"
	"errors"
	"math"
	"net"
	"slices"
	"time"

	"github.com/gomesos/mesos/cmd/internal/cmdutil"
	"github.com/gomesos/mesos/core/master"
	"github.com/gomesos/mesos/core/zk"
	"github.com/gomesos/mesos/modules/host"
)

// Setup is what Config needs besides the flags.
type Setup struct {
	// Log is OpenLog's: the master logs there, and serves its file.
	Log *Log
	// Listener is Listen's: the master advertises its address (or
	// --advertise_ip and --advertise_port).
	Listener net.Listener
	// Modules, when set, is a module host shared with the other daemons
	// of the process (mesos-local's agents): the master loads its manifest
	// into it and leaves it open when it stops, for the owner to close.
	// Nil: the master loads its modules into a host of its own.
	Modules *host.Shared
}

// cleanups are what Config opened, closed in reverse order.
type cleanups []func(context.Context)

func (c cleanups) run(ctx context.Context) {
	for _, fn := range slices.Backward(c) {
		fn(ctx)
	}
}

// closeTimeout bounds the cleanup after the master stops.
const closeTimeout = 10 * time.Second

// Config turns the loaded (and checked) flags into the master's Config:
// the modules are loaded, the allocator and hooks selected, the registry
// opened and, with --zk, the ZooKeeper session started. The returned
// function releases all of it once the master has stopped; on error,
// nothing is left open.
func (f *Flags) Config(ctx context.Context, s Setup) (master.Config, func(), error) {
	if s.Log == nil || s.Listener == nil {
		return master.Config{}, nil, errors.New("masterflags: Config needs the log and the listener")
	}
	var opened cleanups
	release := func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), closeTimeout)
		defer cancel()
		opened.run(cctx)
	}
	cfg, err := f.config(ctx, s, &opened)
	if err != nil {
		release()
		return master.Config{}, nil, err
	}
	s.Log.Logger.Info("master configured", "ip", cfg.IP, "port", cfg.Port, "hostname", cfg.Hostname,
		"registry", f.Registry, "zk", redactedZK(f.Zk), "allocator", f.Allocator, "hooks", f.Hooks)
	return cfg, release, nil
}

func (f *Flags) config(ctx context.Context, s Setup, opened *cleanups) (master.Config, error) {
	logger := s.Log.Logger
	roles, err := parseRoles(f.Roles)
	if err != nil {
		return master.Config{}, err
	}
	weights, err := parseWeights(f.Weights)
	if err != nil {
		return master.Config{}, err
	}
	limit, err := parsePercentage(f.RecoveryAgentRemovalLimit)
	if err != nil {
		return master.Config{}, err
	}
	minAllocatable, err := parseMinAllocatable(f.MinAllocatableResources)
	if err != nil {
		return master.Config{}, err
	}
	if limit == 0 {
		limit = math.SmallestNonzeroFloat64 // 0%: no agent may be removed
	}
	ip := f.advertisedIP(s.Listener)
	cfg := master.Config{
		Hostname: f.hostname(ctx, ip),
		IP:       ip,
		Port:     f.advertisedPort(s.Listener),
		Cluster:  f.Cluster,
		Version:  cmdutil.MesosVersion,

		AllocationInterval:                f.AllocationInterval.Std(),
		OfferTimeout:                      f.OfferTimeout.Std(),
		AgentPingTimeout:                  f.AgentPingTimeout.Std(),
		MaxAgentPingTimeouts:              int(f.MaxAgentPingTimeouts),
		MaxCompletedFrameworks:            historyLimit(f.MaxCompletedFrameworks),
		MaxCompletedTasksPerFramework:     historyLimit(f.MaxCompletedTasksPerFramework),
		FairSharingExcludedResourceNames:  parseResourceNames(f.FairSharingExcludedResourceNames),
		FilterGPUResources:                f.FilterGPUResources,
		MinAllocatableResources:           minAllocatable,
		Roles:                             roles,
		Weights:                           weights,
		AgentReregisterTimeout:            f.AgentReregisterTimeout.Std(),
		RecoveryAgentRemovalLimit:         limit,
		RegistryGCInterval:                f.RegistryGCInterval.Std(),
		RegistryMaxAgentAge:               f.RegistryMaxAgentAge.Std(),
		RegistryMaxAgentCount:             int(f.RegistryMaxAgentCount),
		MaxOperatorEventStreamSubscribers: int(f.MaxOperatorEventStreamSubscribers),
		Whitelist:                         f.Whitelist,
		HidePerFrameworkMetrics:           !f.PublishPerFrameworkMetrics,

		Flags:           f.fs.Values(),
		LogFile:         s.Log.File,
		LogDir:          f.LogDir,
		ExternalLogFile: f.ExternalLogFile,
		Logger:          logger,
	}
	if f.ExternalLogFile != "" {
		cfg.LogFile = f.ExternalLogFile // Mesos shows the external file first
	}
	mods, err := f.loadModules(ctx, s.Modules, logger)
	if err != nil {
		return master.Config{}, err
	}
	*opened = append(*opened, mods.close)
	if err := f.authentication(&cfg, mods, logger); err != nil {
		return master.Config{}, err
	}
	cfg.Modules = mods.host.Handler()
	cfg.ModuleMetrics = mods.registry
	cfg.AllocatorSnapshot = &master.AllocatorSnapshot{}
	if cfg.Allocator, err = mods.allocator(ctx, f.Allocator, cfg.AllocatorSnapshot); err != nil {
		return master.Config{}, err
	}
	if cfg.Hooks, err = mods.hooks(f.Hooks, logger); err != nil {
		return master.Config{}, err
	}

	client, err := f.zkClient(logger)
	if err != nil {
		return master.Config{}, err
	}
	if client != nil {
		*opened = append(*opened, func(context.Context) { _ = client.Close() })
	}
	elect, err := f.election(ctx, client, mods, logger)
	if err != nil {
		return master.Config{}, err
	}
	*opened = append(*opened, elect.close)
	cfg.Contender, cfg.Detector = elect.contender, elect.detector

	store, err := f.registryStore(client, logger)
	if err != nil {
		return master.Config{}, err
	}
	*opened = append(*opened, func(context.Context) { _ = store.Close() })
	registrar := f.registrar(store, logger)
	*opened = append(*opened, func(context.Context) { _ = registrar.Close() })
	cfg.Registrar = registrar
	return cfg, nil
}

// redactedZK is --zk for logs, without its password.
func redactedZK(value string) string {
	if value == "" {
		return ""
	}
	u, err := zk.ParseURL(value)
	if err != nil {
		return "(invalid)"
	}
	return u.Redacted()
}

// historyLimit is --max_completed_frameworks or
// --max_completed_tasks_per_framework for the master: 0 keeps none.
func historyLimit(n uint) int {
	if n == 0 {
		return master.KeepNone
	}
	return int(min(n, math.MaxInt32))
}
