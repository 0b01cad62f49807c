package wasm

import (
	"context"
	"sync"
)

// pool hands out a module's instances, one caller at a time each. It
// holds at most size instances; new ones are created when every existing
// one is busy, and failed ones are discarded (the next get that finds no
// idle instance creates a replacement).
type pool struct {
	create func(ctx context.Context) (*instance, error)
	idle   chan *instance
	slots  chan struct{} // a token per live instance

	mu     sync.Mutex
	closed bool
	done   chan struct{}
}

func newPool(size int, create func(context.Context) (*instance, error)) *pool {
	return &pool{
		create: create,
		idle:   make(chan *instance, size),
		slots:  make(chan struct{}, size),
		done:   make(chan struct{}),
	}
}

// add puts an instance created outside the pool (the one made at load
// time) into it.
func (p *pool) add(in *instance) {
	p.slots <- struct{}{}
	p.put(in)
}

// get returns an idle instance, or a new one if the pool has room, or
// waits for one to be put back.
func (p *pool) get(ctx context.Context) (*instance, error) {
	select {
	case in := <-p.idle:
		return in, nil
	default:
	}
	select {
	case in := <-p.idle:
		return in, nil
	case p.slots <- struct{}{}:
		if p.isClosed() {
			<-p.slots
			return nil, ErrClosed
		}
		in, err := p.create(ctx)
		if err != nil {
			<-p.slots
			return nil, err
		}
		return in, nil
	case <-p.done:
		return nil, ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// put returns a healthy instance.
func (p *pool) put(in *instance) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		in.close()
		<-p.slots
		return
	}
	p.idle <- in // never blocks: at most size instances exist
}

// discard throws a failed instance away, freeing its slot.
func (p *pool) discard(in *instance) {
	in.close()
	<-p.slots
}

func (p *pool) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// close closes the idle instances; busy ones are closed when put back.
// Safe to call more than once.
func (p *pool) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	close(p.done)
	p.mu.Unlock()
	for {
		select {
		case in := <-p.idle:
			in.close()
			<-p.slots
		default:
			return
		}
	}
}
