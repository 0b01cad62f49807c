package registry

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/registrypb"
)

// Defaults of --registry_fetch_timeout and --registry_store_timeout.
const (
	DefaultFetchTimeout = time.Minute
	DefaultStoreTimeout = 20 * time.Second
)

// Config configures a Registrar.
type Config struct {
	Store  Store
	Logger *slog.Logger
	// FetchTimeout bounds the read at recovery (--registry_fetch_timeout).
	FetchTimeout time.Duration
	// StoreTimeout bounds each write (--registry_store_timeout).
	StoreTimeout time.Duration
	// Now is the clock for statistics; time.Now when nil.
	Now func() time.Time
}

type registrarState int

const (
	stateNew registrarState = iota
	stateRecovering
	stateRecovered
	stateFailed
	stateClosed
)

// Registrar owns the leading master's registry: it recovers it from the
// Store and applies Operations to it, writing the whole registry after each
// batch. Operations that arrive while a write is in flight wait and share
// the next write (Mesos batches the same way), each caller learning its own
// operation's outcome.
//
// A write that fails or conflicts aborts the registrar, as Mesos's does: the
// batch and everything queued fail, later calls fail, Done is closed and Err
// says why. The master then stops leading; its successor recovers from the
// store.
type Registrar struct {
	store        Store
	logger       *slog.Logger
	fetchTimeout time.Duration
	storeTimeout time.Duration
	now          func() time.Time

	wg   sync.WaitGroup // the writer goroutine, while one runs
	done chan struct{}  // closed on abort

	mu       sync.Mutex
	state    registrarState
	err      error
	queue    []*pending
	updating bool // a writer goroutine owns reg
	// reg is the working registry: the writer mutates it outside mu while
	// updating, so nothing else may touch it after recovery.
	reg       *registrypb.Registry
	version   Version
	committed []byte // the last registry stored
	fetch     time.Duration
	stores    *timeSeries
	ops       uint64
	writes    uint64
}

// pending is an operation waiting for its outcome.
type pending struct {
	op   Operation
	ctx  context.Context
	done chan error // buffered: the writer never blocks on it
}

// New returns a Registrar over cfg.Store; call Recover before Apply.
func New(cfg Config) *Registrar {
	r := &Registrar{
		store:        cfg.Store,
		logger:       cfg.Logger,
		fetchTimeout: cfg.FetchTimeout,
		storeTimeout: cfg.StoreTimeout,
		now:          cfg.Now,
		done:         make(chan struct{}),
		stores:       newTimeSeries(24*time.Hour, 1000),
	}
	if r.logger == nil {
		r.logger = slog.New(slog.DiscardHandler)
	}
	if r.fetchTimeout <= 0 {
		r.fetchTimeout = DefaultFetchTimeout
	}
	if r.storeTimeout <= 0 {
		r.storeTimeout = DefaultStoreTimeout
	}
	if r.now == nil {
		r.now = time.Now
	}
	return r
}

// Recover reads the registry and makes it this master's by storing info as
// the leading master, as Mesos's registrar does when its master is elected.
// It fails, leaving the registrar failed, when the store cannot be read or
// is damaged, when the registry requires minimum capabilities that info
// does not advertise, or when storing info fails (another master wrote
// first). The master must then refuse to lead. It returns a copy of the
// recovered registry. Recover may be called once.
func (r *Registrar) Recover(ctx context.Context, info *mesospb.MasterInfo) (*registrypb.Registry, error) {
	r.mu.Lock()
	if r.state != stateNew {
		r.mu.Unlock()
		return nil, errors.New("registrar: Recover called twice")
	}
	r.state = stateRecovering
	r.mu.Unlock()

	reg, version, data, err := r.recover(ctx, info)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		err = fmt.Errorf("failed to recover registrar: %w", err)
		r.abortLocked(err)
		return nil, err
	}
	if r.state == stateClosed {
		return nil, ErrClosed
	}
	r.state = stateRecovered
	r.reg, r.version, r.committed = reg, version, data
	r.writes++
	return proto.CloneOf(reg), nil
}

func (r *Registrar) recover(ctx context.Context, info *mesospb.MasterInfo) (*registrypb.Registry, Version, []byte, error) {
	if info == nil {
		return nil, 0, nil, errors.New("missing MasterInfo")
	}
	if err := proto.CheckInitialized(info); err != nil {
		return nil, 0, nil, fmt.Errorf("invalid MasterInfo: %w", err)
	}
	r.logger.Info("Recovering registrar")
	start := r.now()
	fctx, cancel := context.WithTimeout(ctx, r.fetchTimeout)
	snap, err := r.store.Get(fctx)
	cancel()
	if err != nil {
		return nil, 0, nil, fmt.Errorf("fetching registry: %w", err)
	}
	reg, err := snap.Registry()
	if err != nil {
		return nil, 0, nil, err
	}
	elapsed := r.now().Sub(start)
	r.mu.Lock()
	r.fetch = elapsed
	r.mu.Unlock()
	r.logger.Info("Successfully fetched the registry",
		"bytes", len(snap.Data), "version", snap.Version, "duration", elapsed,
		"agents", len(reg.GetAgents().GetAgents()),
		"unreachable", len(reg.GetUnreachable().GetAgents()),
		"gone", len(reg.GetGone().GetAgents()))

	if missing := MissingCapabilities(info, reg); len(missing) > 0 {
		return nil, 0, nil, fmt.Errorf("the registry requires master capabilities %v that this master lacks"+
			" (it was written by a newer release; upgrade this master or restore an older registry)", missing)
	}

	reg.Master = &registrypb.Registry_Master{Info: proto.CloneOf(info)}
	data, err := encodeRegistry(reg)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("failed to persist MasterInfo: %w", err)
	}
	start = r.now()
	sctx, cancel := context.WithTimeout(ctx, r.storeTimeout)
	err = r.store.Set(sctx, data, snap.Version)
	cancel()
	if err != nil {
		return nil, 0, nil, fmt.Errorf("failed to persist MasterInfo: %w", err)
	}
	r.recordStore(r.now().Sub(start))
	r.logger.Info("Successfully recovered registrar", "version", snap.Version+1)
	return reg, snap.Version + 1, data, nil
}

// Apply queues op for the next write and waits for its outcome: nil once
// the change (if any) is stored; a *RefusedError (errors.Is ErrRefused) if
// op refused, the registry unchanged; any other error if the registrar
// failed (the master must stop leading) or ctx ended while op was still
// queued, in which case it was not applied. Once its batch has started, op
// runs to its outcome even if ctx ends (bounded by the store timeout).
func (r *Registrar) Apply(ctx context.Context, op Operation) error {
	if op == nil {
		return errors.New("registrar: nil operation")
	}
	p := &pending{op: op, ctx: ctx, done: make(chan error, 1)}
	r.mu.Lock()
	switch r.state {
	case stateNew, stateRecovering:
		r.mu.Unlock()
		return errors.New("Attempted to apply the operation before recovering")
	case stateFailed:
		err := r.err
		r.mu.Unlock()
		return err
	case stateClosed:
		r.mu.Unlock()
		return ErrClosed
	}
	r.queue = append(r.queue, p)
	if !r.updating {
		r.updating = true
		r.wg.Add(1)
		go r.update()
	}
	r.mu.Unlock()

	select {
	case err := <-p.done:
		return err
	case <-ctx.Done():
	}
	// Withdraw op if its batch has not started; otherwise wait for it.
	r.mu.Lock()
	for i, q := range r.queue {
		if q == p {
			r.queue = removeAt(r.queue, i)
			r.mu.Unlock()
			return ctx.Err()
		}
	}
	r.mu.Unlock()
	return <-p.done
}

// Registry returns a copy of the registry as last stored.
func (r *Registrar) Registry() (*registrypb.Registry, error) {
	r.mu.Lock()
	data, state := r.committed, r.state
	r.mu.Unlock()
	if data == nil || state == stateNew || state == stateRecovering {
		return nil, errors.New("registrar not recovered")
	}
	return decodeRegistry(data)
}

// Stats returns the registrar's statistics.
func (r *Registrar) Stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return Stats{
		Recovered:         r.committed != nil || r.state == stateRecovered,
		Failed:            r.state == stateFailed,
		QueuedOperations:  len(r.queue),
		RegistrySizeBytes: len(r.committed),
		Version:           r.version,
		StateFetch:        r.fetch,
		StateStore:        r.stores.stats(r.now()),
		Operations:        r.ops,
		Writes:            r.writes,
	}
}

// Done is closed when the registrar aborts; Err then says why.
func (r *Registrar) Done() <-chan struct{} { return r.done }

// Err is why the registrar failed, or nil.
func (r *Registrar) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Close stops the registrar: a write in flight completes, queued operations
// fail with ErrClosed, later calls fail. It does not close the Store.
func (r *Registrar) Close() error {
	r.mu.Lock()
	if r.state != stateFailed {
		r.state = stateClosed
	}
	queued := r.queue
	r.queue = nil
	r.mu.Unlock()
	for _, p := range queued {
		p.done <- ErrClosed
	}
	r.wg.Wait()
	return nil
}

func (r *Registrar) recordStore(d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stores.add(r.now(), d)
}
