package containerizer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/gomesos/mesos/core/agent/containerizer/launcher"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/containerlogger"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// Errors callers can test for.
var (
	ErrUnknownContainer = errors.New("unknown container")
	ErrAlreadyLaunched  = errors.New("container already launched")
	ErrClosed           = errors.New("containerizer closed")
)

// Launcher starts and kills containers' processes; *launcher.Launcher is
// the real one.
type Launcher interface {
	Fork(ctx context.Context, dir string, spec *launcher.Spec) (launcher.Process, error)
	// Recover returns launcher.ErrNotLaunched when dir has no process.
	Recover(ctx context.Context, dir string) (launcher.Process, error)
	Destroy(ctx context.Context, p launcher.Process) error
}

// NamedIsolator is one entry of --isolation.
type NamedIsolator struct {
	Name     string
	Isolator isolator.Isolator
}

// FetchFunc fills a container's sandbox (the URIs of its CommandInfo)
// between isolation and the start of its command; the agent passes its
// fetcher here. An error fails the launch.
type FetchFunc func(ctx context.Context, id *mesospb.ContainerID, cfg *isolator.ContainerConfig) error

// Options configure a Containerizer.
type Options struct {
	// RuntimeDir holds the containers' checkpoints (the agent's
	// --runtime_dir/containers parent). Required.
	RuntimeDir string
	// Isolators in --isolation order.
	Isolators []NamedIsolator
	// Launcher; required.
	Launcher Launcher
	// Fetch is optional.
	Fetch FetchFunc
	// ContainerLogger says where containers' stdout and stderr go (the
	// --container_logger module); nil keeps them in the sandbox's stdout
	// and stderr files.
	ContainerLogger containerlogger.ContainerLogger
	Logger          *slog.Logger
	// WatchStopTimeout bounds how long a destroy waits for isolators'
	// Watch calls to return once cancelled. Default 5s.
	WatchStopTimeout time.Duration
	// KeepTerminations is how many ended containers' terminations Wait and
	// Destroy still return. Default 1024.
	KeepTerminations int
}

// Containerizer is the Mesos containerizer. Its methods are safe for
// concurrent use.
type Containerizer struct {
	runtimeDir  string
	isolators   []NamedIsolator
	launcher    Launcher
	fetch       FetchFunc
	logger      containerlogger.ContainerLogger
	forwarders  sync.WaitGroup
	log         *slog.Logger
	watchStop   time.Duration
	keepEnded   int
	mu          sync.Mutex
	containers  map[string]*container
	ended       map[string]*ended
	endedOrder  []string
	closed      bool
	stats       Stats
	closeCancel context.CancelFunc
	closeCtx    context.Context
}

// ended is what is kept of a container after its destruction.
type ended struct {
	term *Termination
	err  error
}

// container is one container's state; guarded by Containerizer.mu except
// where noted.
type container struct {
	id  *mesospb.ContainerID
	key string
	dir string

	config    *isolator.ContainerConfig
	resources []*mesospb.Resource
	state     State
	// configDirty: config changed since it was checkpointed (see
	// checkpointConfig, which holds checkpointMu, not Containerizer.mu,
	// while it writes).
	configDirty  bool
	checkpointMu sync.Mutex

	launching        bool
	cancelLaunch     context.CancelFunc
	destroyRequested bool
	// prepared is how many isolators (from the first) need Cleanup.
	prepared int
	proc     launcher.Process

	// input is the stdin stream of a container launched with one.
	input *input

	stopWatch   context.CancelFunc
	watchers    sync.WaitGroup
	limitations []*isolator.ContainerLimitation
	failures    []string // why the container was destroyed, besides limitations

	done chan struct{} // closed when destroyed; term and termErr are set
	term *Termination
	err  error
}

// New returns a Containerizer. Call Recover before launching containers.
func New(opts Options) (*Containerizer, error) {
	if opts.RuntimeDir == "" {
		return nil, errors.New("containerizer needs a runtime directory")
	}
	if opts.Launcher == nil {
		return nil, errors.New("containerizer needs a launcher")
	}
	seen := map[string]bool{}
	for _, iso := range opts.Isolators {
		if iso.Name == "" || iso.Isolator == nil {
			return nil, errors.New("isolators need a name and an implementation")
		}
		if seen[iso.Name] {
			return nil, fmt.Errorf("isolator %s listed twice", iso.Name)
		}
		seen[iso.Name] = true
	}
	c := &Containerizer{
		runtimeDir: opts.RuntimeDir,
		isolators:  append([]NamedIsolator(nil), opts.Isolators...),
		launcher:   opts.Launcher,
		fetch:      opts.Fetch,
		logger:     opts.ContainerLogger,
		log:        opts.Logger,
		watchStop:  opts.WatchStopTimeout,
		keepEnded:  opts.KeepTerminations,
		containers: map[string]*container{},
		ended:      map[string]*ended{},
	}
	if c.log == nil {
		c.log = slog.Default()
	}
	if c.watchStop <= 0 {
		c.watchStop = 5 * time.Second
	}
	if c.keepEnded <= 0 {
		c.keepEnded = 1024
	}
	c.closeCtx, c.closeCancel = context.WithCancel(context.Background())
	return c, nil
}

// Close stops following the containers without destroying them, as if the
// agent stopped: they keep running, and a new Containerizer over the same
// runtime directory recovers them. Launches in flight fail. Forwarded
// output stops being read (the next Containerizer reads on). Inputs are
// closed, as an agent's exit closes them, without end of file: the
// supervisors relaying them wait for the next Containerizer.
func (c *Containerizer) Close() {
	c.mu.Lock()
	c.closed = true
	for _, ct := range c.containers {
		if ct.stopWatch != nil {
			ct.stopWatch()
		}
		if ct.input != nil {
			ct.input.close()
		}
	}
	c.mu.Unlock()
	// The next agent recovers from them.
	c.flushConfigs()
	c.closeCancel()
	done := make(chan struct{})
	go func() {
		c.forwarders.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(c.watchStop):
		c.log.Warn("container output forwarders did not stop", "waited", c.watchStop)
	}
}

// Containers lists the containers not yet destroyed.
func (c *Containerizer) Containers() []*mesospb.ContainerID {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]*mesospb.ContainerID, 0, len(c.containers))
	for _, k := range slices.Sorted(maps.Keys(c.containers)) {
		out = append(out, c.containers[k].id)
	}
	return out
}

// State returns a container's state; ok is false for unknown (and
// destroyed) containers.
func (c *Containerizer) State(id *mesospb.ContainerID) (s State, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ct, ok := c.containers[key(id)]
	if !ok {
		return 0, false
	}
	return ct.state, true
}

// Wait blocks until the container is destroyed and returns how it ended.
// A container destroyed a while ago still answers (the last
// KeepTerminations of them).
func (c *Containerizer) Wait(ctx context.Context, id *mesospb.ContainerID) (*Termination, error) {
	k := key(id)
	c.mu.Lock()
	ct, ok := c.containers[k]
	if !ok {
		e, ok := c.ended[k]
		c.mu.Unlock()
		if !ok {
			return nil, fmt.Errorf("wait for container %s: %w", k, ErrUnknownContainer)
		}
		return e.term, e.err
	}
	c.mu.Unlock()
	select {
	case <-ct.done:
		return ct.term, ct.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Destroy kills the container's processes, cleans its isolators up and
// returns how it ended. Destroying a container being destroyed waits for
// that; destroying a container being launched fails the launch.
func (c *Containerizer) Destroy(ctx context.Context, id *mesospb.ContainerID) (*Termination, error) {
	k := key(id)
	c.mu.Lock()
	ct, ok := c.containers[k]
	if !ok {
		e, ok := c.ended[k]
		c.mu.Unlock()
		if !ok {
			return nil, fmt.Errorf("destroy container %s: %w", k, ErrUnknownContainer)
		}
		return e.term, e.err
	}
	c.requestDestroyLocked(ct, "")
	c.mu.Unlock()
	select {
	case <-ct.done:
		return ct.term, ct.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// lookup finds a live container.
func (c *Containerizer) lookup(id *mesospb.ContainerID) (*container, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ct, ok := c.containers[key(id)]
	if !ok {
		return nil, fmt.Errorf("container %s: %w", key(id), ErrUnknownContainer)
	}
	return ct, nil
}
