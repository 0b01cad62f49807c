// Package agent is the Mesos agent: it registers its host's resources with
// the master, runs the tasks frameworks launch there in containers (through
// the Mesos containerizer, with the command executor, the default executor
// or a framework's own), delivers their status updates reliably, and
// survives its own restarts without losing tasks or updates.
//
// Like the master, the agent is one event loop: every piece of state is
// owned by the loop goroutine, and everything that blocks (the master
// connection, container launches and waits, HTTP streams to executors)
// runs in goroutines that post their results back to it.
//
// Pieces: the master connection (master.go, registration.go, events.go),
// task launches (run_task.go, launch.go), the executor HTTP API
// (executor_api.go, executor_conn.go), status updates (status.go, with
// package statusupdate), kills and shutdowns (kill.go), executor
// termination and garbage collection (terminate.go), checkpointing and
// recovery (checkpointing.go, recover.go, with package checkpoint),
// operations (operations.go), the operator surface (operator_api.go,
// state_json.go, metrics.go, monitor.go, endpoints.go, files.go, and the
// nested container calls in containers.go and containers_io.go), and the
// modules (modules.go, modules_select.go: the --modules manifest and what
// --isolation, --resource_estimator, --qos_controller and
// --container_logger select; hooks.go: the --hooks call sites;
// oversubscription.go and qos.go, fed by usage.go: the resource
// estimator's and QoS controller's loops).
//
// The command and default executors are the agent's own binary
// re-executed in a hidden mode (package execmode names it; the programs
// are in cmd/internal/executors).
package agent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/containerizer"
	"github.com/gomesos/mesos/core/agent/containerizer/launcher"
	"github.com/gomesos/mesos/core/agent/fetcher"
	"github.com/gomesos/mesos/core/agent/files"
	"github.com/gomesos/mesos/core/agent/sandbox"
	"github.com/gomesos/mesos/core/agent/statusupdate"
	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/loglevel"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// Agent is one Mesos agent. Create it with New, then Run it.
type Agent struct {
	cfg    Config
	log    *slog.Logger
	layout sandbox.Layout
	// helpers are the programs containers and built-in executors run.
	helpers helperPrograms
	// verbosity is what GET_LOGGING_LEVEL and SET_LOGGING_LEVEL see and
	// change (every logger of the agent goes through it).
	verbosity *loglevel.Verbosity
	// outputPollOverride, when set (ns), replaces outputPoll: tests use it
	// to show that streamed output does not wait for the poll.
	outputPollOverride atomic.Int64

	listener net.Listener
	server   *http.Server
	// ip and port are the advertised address; pid is slave(1)@ip:port.
	ip   string
	port int
	pid  string

	// The agent's resources: base is --resources completed with the
	// host's; checkpointed are the resources operations made; total is
	// base with the operations applied.
	base         resources.Resources
	checkpointed resources.Resources
	attributes   resources.Attributes
	// oversubscribed is the agent's revocable total: the resource
	// estimator's latest estimate plus the revocable resources executors
	// use; oversubscribedSent is what the master was told last.
	oversubscribed, oversubscribedSent resources.Resources
	// trackedOps are the operations with feedback whose status the master
	// has not acknowledged yet, by uuid; operationRetry is set while a
	// resend is scheduled (operation_status.go).
	trackedOps     map[string]*mesospb.Operation
	operationRetry bool

	// mods are the agent's modules (isolators, resource estimator, QoS
	// controller, container logger, hooks).
	mods *agentModules
	// execAuth signs and checks executors' tokens; nil without
	// --jwt_secret_key (executor_auth.go).
	execAuth *executorAuth

	containerizer containerRuntime
	fetcher       *fetcher.Fetcher
	files         *files.Files
	gc            *sandbox.GC
	diskWatch     *sandbox.DiskWatch
	updates       *statusupdate.Manager

	// work carries closures to the loop; everything below is touched only
	// by the loop goroutine.
	work    chan func()
	stopped chan struct{}
	// done is closed when Run has finished its shutdown.
	done chan struct{}
	// stop ends Run (the agent shut down for good or was told to exit).
	stopOnce sync.Once
	stopCh   chan struct{}
	stopErr  error

	// runCtx is Run's context: it bounds launches and waits.
	runCtx context.Context
	// stopLoops stops the resource estimator's and QoS controller's loops.
	stopLoops context.CancelFunc
	// agentIDCache holds the agent id for other goroutines (the fetcher).
	agentIDCache atomic.Value
	// terminateErr is what Run returns once a shutdown completes;
	// unregisterOnExit makes the agent tell the master it is gone.
	terminateErr     error
	unregisterOnExit bool

	state     agentState
	info      *mesospb.AgentInfo
	startTime time.Time
	// reconnecting is set once executors may subscribe again after a
	// restart (Mesos's recoveryInfo.reconnect).
	reconnecting bool
	// cleanupMode is set by --recover=cleanup after a restart.
	cleanupMode bool

	frameworks          map[string]*framework
	completedFrameworks []*framework
	// nested are the containers launched below executors' containers
	// through the operator API, by key (parent.child).
	nested map[string]*nestedContainer
	// nestedDestroys are the destroys of nested containers whose executor
	// ended (destroyNestedOf); the agent waits for them when it stops, so
	// that none is cut short and leaves its processes behind.
	nestedDestroys sync.WaitGroup

	master *masterConn
	// masterInfo is the master the agent registered with last.
	masterInfo *mesospb.MasterInfo

	metrics counters
}

// maxCompletedFrameworks bounds the finished frameworks kept for /state
// (Mesos's MAX_COMPLETED_FRAMEWORKS).
const maxCompletedFrameworks = 50

// maxCompletedTasksPerExecutor bounds each executor's finished tasks
// (Mesos's MAX_COMPLETED_TASKS_PER_EXECUTOR).
const maxCompletedTasksPerExecutor = 200

// New builds an agent from cfg: it creates the work directory, works out
// its resources and binds its port (so that a taken port fails here, at
// once). It does not register or serve until Run.
func New(cfg Config) (*Agent, error) {
	cfg.setDefaults()
	verbosity := &loglevel.Verbosity{}
	cfg.Logger = slog.New(loglevel.NewHandler(cfg.Logger.Handler(), verbosity))
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.WorkDir, 0o755); err != nil {
		return nil, fmt.Errorf("agent: failed to create work directory '%s': %w", cfg.WorkDir, err)
	}
	if err := os.MkdirAll(cfg.RuntimeDir, 0o755); err != nil {
		return nil, fmt.Errorf("agent: failed to create runtime directory '%s': %w", cfg.RuntimeDir, err)
	}
	base, err := totalResources(cfg.Resources, cfg.DefaultRole, cfg.WorkDir)
	if err != nil {
		return nil, fmt.Errorf("agent: %w", err)
	}
	attrs, err := resources.ParseAttributes(cfg.Attributes)
	if err != nil {
		return nil, fmt.Errorf("agent: invalid --attributes: %w", err)
	}
	helpers, err := findHelpers(cfg.LauncherDir)
	if err != nil {
		return nil, fmt.Errorf("agent: %w", err)
	}
	if cfg.ExecutorBinary == "" {
		cfg.ExecutorBinary = helpers.executor
	}

	execAuth, err := newExecutorAuth(&cfg, cfg.Logger.With("component", "agent"))
	if err != nil {
		return nil, err
	}
	mods, err := loadModules(context.Background(), &cfg, cfg.Logger.With("component", "agent"))
	if err != nil {
		return nil, err
	}
	a := &Agent{
		mods:       mods,
		execAuth:   execAuth,
		cfg:        cfg,
		helpers:    helpers,
		verbosity:  verbosity,
		log:        cfg.Logger.With("component", "agent"),
		layout:     sandbox.Layout{WorkDir: cfg.WorkDir},
		base:       base,
		attributes: attrs,
		work:       make(chan func(), 4096),
		stopped:    make(chan struct{}),
		done:       make(chan struct{}),
		stopCh:     make(chan struct{}),
		frameworks: map[string]*framework{},
		nested:     map[string]*nestedContainer{},
		state:      stateRecovering,
	}
	if err := a.listen(); err != nil {
		a.releaseModules(containersLeft(cfg.RuntimeDir))
		return nil, err
	}
	a.info = a.agentInfo()
	a.decorateInfo()
	if err := a.setupComponents(); err != nil {
		a.listener.Close()
		a.releaseModules(containersLeft(cfg.RuntimeDir))
		return nil, err
	}
	a.server = &http.Server{Handler: a.Handler(), ReadHeaderTimeout: 30 * time.Second}
	return a, nil
}

// releaseModules unloads the agent's modules; keepIsolators lets plugin
// isolators run on for the containers the next agent recovers.
func (a *Agent) releaseModules(keepIsolators bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	a.mods.close(ctx, keepIsolators)
}

// listen binds the agent's port and works out its advertised address.
func (a *Agent) listen() error {
	l := a.cfg.Listener
	if l == nil {
		addr := net.JoinHostPort(a.cfg.IP, strconv.Itoa(a.cfg.Port))
		var err error
		l, err = net.Listen("tcp", addr)
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("agent: failed to bind %s: Address already in use (is another agent or process using port %d?): %w", addr, a.cfg.Port, err)
		}
		if err != nil {
			return fmt.Errorf("agent: failed to bind %s: %w", addr, err)
		}
	}
	a.listener = l
	host, portText, _ := net.SplitHostPort(l.Addr().String())
	a.port, _ = strconv.Atoi(portText)
	if a.cfg.AdvertisePort > 0 {
		a.port = a.cfg.AdvertisePort
	}
	a.ip = advertisedIP(a.cfg.AdvertiseIP, host, a.cfg.Hostname, a.cfg.masterURL())
	a.pid = "slave(1)@" + net.JoinHostPort(a.ip, strconv.Itoa(a.port))
	return nil
}

// setupComponents makes the containerizer, fetcher, garbage collector and
// status update manager.
func (a *Agent) setupComponents() error {
	fileOpts := files.Options{Logger: a.cfg.Logger.With("component", "files")}
	if a.mods.authorizer != nil {
		fileOpts.DebugAuthorize = a.filesDebugAuthorizer()
	}
	a.files = files.New(fileOpts)
	a.fetcher = fetcher.New(fetcher.Config{
		Client:         a.cfg.HTTPClient,
		FrameworksHome: a.cfg.FrameworksHome,
		CacheDir:       a.cfg.FetcherCacheDir,
		CacheSize:      a.cfg.FetcherCacheSize,
		StallTimeout:   a.cfg.FetcherStallTimeout,
		Logger:         a.cfg.Logger.With("component", "fetcher"),
	})
	l := a.cfg.Launcher
	if l == nil {
		l = launcher.New(launcher.Options{Executable: a.helpers.supervisor, Logger: a.cfg.Logger.With("component", "launcher")})
	}
	c, err := containerizer.New(containerizer.Options{
		RuntimeDir:      a.cfg.RuntimeDir,
		Isolators:       a.mods.isolators,
		Launcher:        l,
		Fetch:           a.fetch,
		ContainerLogger: a.mods.logger,
		Logger:          a.cfg.Logger.With("component", "containerizer"),
	})
	if err != nil {
		return fmt.Errorf("agent: containerizer: %w", err)
	}
	if a.containerizer, err = a.composeContainerizers(c, l); err != nil {
		return err
	}
	a.gc = sandbox.NewGC(sandbox.GCOptions{Logger: a.cfg.Logger.With("component", "gc")})
	watch, err := sandbox.NewDiskWatch(sandbox.DiskWatchOptions{
		GC: a.gc, Logger: a.cfg.Logger.With("component", "gc"), Interval: a.cfg.DiskWatchInterval,
		Headroom: a.cfg.GCDiskHeadroom, GCDelay: a.cfg.GCDelay,
		Usage: func() (float64, error) { return sandbox.DiskUsage(a.cfg.WorkDir) },
	})
	if err != nil {
		return fmt.Errorf("agent: %w", err)
	}
	a.diskWatch = watch
	a.updates = statusupdate.New(statusupdate.Options{
		Forward:  a.forwardUpdate,
		After:    a.after,
		RetryMin: a.cfg.StatusUpdateRetryMin,
		RetryMax: a.cfg.StatusUpdateRetryMax,
		Logger:   a.cfg.Logger.With("component", "status-update-manager"),
	})
	return nil
}

// fetch is the containerizer's fetch step: the URIs of the container's
// command go into its sandbox. The hooks hear of it once it succeeded
// (slavePostFetchHook).
func (a *Agent) fetch(ctx context.Context, id *mesospb.ContainerID, cfg *isolator.ContainerConfig) error {
	err := a.fetcher.Fetch(ctx, fetcher.Request{
		ContainerID: id.GetValue(),
		AgentID:     a.agentIDForFetch(),
		Command:     cfg.GetCommandInfo(),
		Sandbox:     cfg.GetDirectory(),
		User:        cfg.GetUser(),
	})
	if err == nil {
		a.mods.hooks.SlavePostFetchHook(ctx, id, cfg.GetDirectory())
	}
	return err
}

// Addr is the address the agent listens on.
func (a *Agent) Addr() net.Addr { return a.listener.Addr() }

// Endpoint is the agent's advertised host:port (MESOS_AGENT_ENDPOINT).
func (a *Agent) Endpoint() string { return net.JoinHostPort(a.ip, strconv.Itoa(a.port)) }

// PID is the agent's libprocess-style id, slave(1)@ip:port.
func (a *Agent) PID() string { return a.pid }

// Run recovers the agent's checkpointed state, serves its HTTP API,
// registers with the master and runs until ctx ends or the agent is shut
// down for good (by the master, or after --recover=cleanup). Tasks of
// frameworks that checkpoint keep running when Run returns because ctx
// ended: a new agent on the same work directory recovers them.
func (a *Agent) Run(ctx context.Context) error {
	defer close(a.done)
	defer close(a.stopped)
	// Its connections to the master (and fetches) end with the agent.
	defer a.cfg.HTTPClient.CloseIdleConnections()
	a.startTime = time.Now()
	serveErr := make(chan error, 1)
	go func() { serveErr <- a.server.Serve(a.listener) }()
	a.log.Info("agent started", "pid", a.pid, "hostname", a.info.GetHostname(), "work_dir", a.cfg.WorkDir,
		"resources", a.base.String(), "attributes", a.attributes.String())

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := a.recover(runCtx); err != nil {
		a.shutdownServer()
		a.containerizer.Close()
		a.releaseModules(true)
		return err
	}
	a.diskWatch.Start()
	// The oversubscription loops stop first when the agent stops, before
	// their modules are unloaded.
	loopCtx, stopLoops := context.WithCancel(runCtx)
	defer stopLoops()
	a.stopLoops = stopLoops
	go a.estimatorLoop(loopCtx)
	go a.qosLoop(loopCtx)
	for {
		select {
		case <-ctx.Done():
			a.finalize(false)
			return nil
		case <-a.stopCh:
			a.finalize(true)
			return a.stopErr
		case err := <-serveErr:
			a.finalize(false)
			return fmt.Errorf("agent: HTTP server: %w", err)
		case fn := <-a.work:
			fn()
		}
	}
}

// stop makes Run return err after shutting down (called on the loop).
func (a *Agent) stop(err error) {
	a.stopOnce.Do(func() {
		a.stopErr = err
		close(a.stopCh)
	})
}

// finalize ends the agent. Executors of frameworks that do not checkpoint
// cannot survive the agent and are destroyed; the others keep running
// unless the agent shut down for good.
func (a *Agent) finalize(forGood bool) {
	a.log.Info("agent terminating", "for_good", forGood)
	if a.stopLoops != nil {
		a.stopLoops()
	}
	a.diskWatch.Stop()
	if a.master != nil {
		if a.unregisterOnExit {
			a.unregister(a.master)
		}
		a.master.close()
		a.master = nil
	}
	var destroy []*mesospb.ContainerID
	for _, fw := range a.frameworks {
		for _, e := range fw.executors {
			if e.conn != nil {
				e.conn.close()
				e.conn = nil
			}
			if (forGood || !fw.checkpoint()) && e.state != executorTerminated {
				destroy = append(destroy, e.containerID)
				for _, n := range a.nested {
					if n.frameworkID == fw.id && n.executorID == e.id && !n.terminated {
						destroy = append(destroy, n.id)
					}
				}
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for _, id := range destroy {
		wg.Go(func() {
			if _, err := a.containerizer.Destroy(ctx, id); err != nil && !errors.Is(err, containerizer.ErrUnknownContainer) {
				a.log.Warn("failed to destroy container on shutdown", "container", id.GetValue(), "error", err)
			}
		})
	}
	wg.Wait()
	waitGroupUntil(ctx, &a.nestedDestroys)
	if forGood {
		// Like Mesos, forget the agent so that a restart registers anew.
		if err := os.Remove(a.layout.Meta().LatestAgent()); err != nil && !errors.Is(err, os.ErrNotExist) {
			a.log.Warn("failed to remove the latest agent symlink", "error", err)
		}
	}
	// Plugin isolators outlive the agent when containers do: the next
	// agent reattaches to them and recovers the containers.
	survivors := len(a.containerizer.Containers()) > 0
	a.containerizer.Close()
	a.releaseModules(survivors)
	a.gc.Close()
	a.shutdownServer()
}

// waitGroupUntil waits for wg, or until ctx ends.
func waitGroupUntil(ctx context.Context, wg *sync.WaitGroup) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

func (a *Agent) shutdownServer() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := a.server.Shutdown(ctx); err != nil {
		a.server.Close()
	}
}

// Handler serves the agent's HTTP API.
func (a *Agent) Handler() http.Handler {
	mux := http.NewServeMux()
	// Mesos's executor library posts to /slave(1)/api/v1/executor (the
	// agent's pid in MESOS_SLAVE_PID), so both paths are served.
	for _, p := range []string{"/api/v1/executor", "/slave(1)/api/v1/executor"} {
		mux.HandleFunc("POST "+p, a.serveExecutor)
	}
	// Authentication and authorization: auth.go, authz.go.
	for _, p := range []string{"/api/v1", "/slave(1)/api/v1"} {
		mux.Handle("POST "+p, a.readWrite(a.serveOperator))
	}
	for _, p := range []string{"/state", "/state.json", "/slave(1)/state", "/slave(1)/state.json"} {
		mux.Handle("GET "+p, a.readOnly(a.serveState))
	}
	for _, p := range []string{"/monitor/statistics", "/monitor/statistics.json", "/slave(1)/monitor/statistics", "/slave(1)/monitor/statistics.json"} {
		mux.Handle("GET "+p, a.readOnly(a.requireEndpoint(authorizer.Action_GET_ENDPOINT_WITH_PATH, a.serveStatistics)))
	}
	for _, p := range []string{"/metrics/snapshot", "/metrics/snapshot.json"} {
		mux.Handle("GET "+p, a.readOnly(a.requireEndpoint(authorizer.Action_GET_ENDPOINT_WITH_PATH, a.serveMetrics)))
	}
	for _, p := range []string{"/containers", "/slave(1)/containers"} {
		mux.Handle("GET "+p, a.readOnly(a.serveContainers))
	}
	for _, p := range []string{"/health", "/slave(1)/health"} {
		mux.HandleFunc("GET "+p, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	}
	for _, p := range []string{"/flags", "/slave(1)/flags"} {
		mux.Handle("GET "+p, a.readOnly(a.requireEndpoint(authorizer.Action_VIEW_FLAGS, a.serveFlags)))
	}
	mux.HandleFunc("GET /version", a.serveVersion)
	mux.Handle("GET /modules", a.mods.host.Handler())
	a.mountFiles(mux)
	return httpapi.CleanPaths(mux)
}

// post hands fn to the loop without waiting; it is dropped once the agent
// has stopped.
func (a *Agent) post(fn func()) {
	select {
	case a.work <- fn:
	case <-a.stopped:
	}
}

// errStopped is returned to callers once the loop has ended.
var errStopped = errors.New("agent is shutting down")

// call runs fn on the loop and waits for it.
func (a *Agent) call(ctx context.Context, fn func()) error {
	done := make(chan struct{})
	wrapped := func() {
		defer close(done)
		fn()
	}
	select {
	case a.work <- wrapped:
	case <-a.stopped:
		return errStopped
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-done:
		return nil
	case <-a.stopped:
		return errStopped
	}
}

// after runs fn on the loop after d; the returned function cancels it.
func (a *Agent) after(d time.Duration, fn func()) func() {
	cancelled := false
	t := time.AfterFunc(d, func() {
		a.post(func() {
			if !cancelled {
				fn()
			}
		})
	})
	return func() {
		cancelled = true
		t.Stop()
	}
}

// agentIDForFetch is the agent id, safe to read from any goroutine.
func (a *Agent) agentIDForFetch() string {
	id, _ := a.agentIDCache.Load().(string)
	return id
}

// agentID is the id the master gave the agent ("" before registration).
func (a *Agent) agentID() string { return a.info.GetId().GetValue() }

func (a *Agent) agentIDProto() *mesospb.AgentID {
	if a.info.GetId() == nil {
		return nil
	}
	return proto.Clone(a.info.GetId()).(*mesospb.AgentID)
}
