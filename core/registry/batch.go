package registry

import (
	"context"
	"fmt"

	"github.com/gomesos/mesos/core/proto/registrypb"
)

// update is the writer: it takes everything queued, applies it in order to
// the working registry, stores the result once, reports each outcome, and
// goes on while operations keep arriving. Only one runs at a time.
func (r *Registrar) update() {
	defer r.wg.Done()
	for {
		r.mu.Lock()
		batch := r.queue
		r.queue = nil
		if len(batch) == 0 || r.state != stateRecovered {
			r.updating = false
			r.mu.Unlock()
			return
		}
		reg, version := r.reg, r.version
		r.mu.Unlock()

		start := r.now()
		results := make([]error, len(batch))
		changed, applied := false, 0
		for i, p := range batch {
			if err := p.ctx.Err(); err != nil {
				results[i] = err // abandoned before its batch started
				continue
			}
			c, err := p.op.Apply(reg)
			applied++
			if err != nil {
				results[i] = &RefusedError{Op: p.op, Reason: err}
				continue
			}
			changed = changed || c
		}

		if changed {
			r.logger.Debug("Applied operations; attempting to update the registry",
				"operations", applied, "duration", r.now().Sub(start))
			data, err := r.write(reg, version)
			if err != nil {
				err = fmt.Errorf("failed to update registry: %w", err)
				r.mu.Lock()
				r.abortLocked(err)
				r.updating = false
				r.mu.Unlock()
				for _, p := range batch {
					p.done <- err
				}
				return
			}
			r.mu.Lock()
			r.version, r.committed = version+1, data
			r.writes++
			r.mu.Unlock()
		}
		r.mu.Lock()
		r.ops += uint64(applied)
		r.mu.Unlock()
		for i, p := range batch {
			p.done <- results[i]
		}
	}
}

// write encodes reg and stores it over version.
func (r *Registrar) write(reg *registrypb.Registry, version Version) ([]byte, error) {
	data, err := encodeRegistry(reg)
	if err != nil {
		return nil, err
	}
	start := r.now()
	ctx, cancel := context.WithTimeout(context.Background(), r.storeTimeout)
	defer cancel()
	if err := r.store.Set(ctx, data, version); err != nil {
		return nil, err
	}
	elapsed := r.now().Sub(start)
	r.recordStore(elapsed)
	r.logger.Debug("Successfully updated the registry",
		"version", version+1, "bytes", len(data), "duration", elapsed)
	return data, nil
}

// abortLocked fails the registrar for good: queued operations fail with
// err, and so will every later call. Called with r.mu held.
func (r *Registrar) abortLocked(err error) {
	if r.state == stateFailed {
		return
	}
	r.state = stateFailed
	r.err = err
	r.logger.Error("Registrar aborting", "error", err)
	for _, p := range r.queue {
		p.done <- err
	}
	r.queue = nil
	close(r.done)
}
