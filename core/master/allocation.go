package master

import (
	"context"
	"time"

	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// allocationDelay coalesces the early cycles that events ask for (an agent
// joined, resources came back), so a burst of events costs one cycle.
const allocationDelay = 10 * time.Millisecond

// queueAllocatorEvent buffers an event for the next cycle.
func (m *Master) queueAllocatorEvent(ev *allocator.Event) {
	m.allocatorEvents = append(m.allocatorEvents, ev)
}

// allocateSoon asks for a cycle shortly, instead of at the next interval.
func (m *Master) allocateSoon() {
	if m.allocationSoon {
		return
	}
	m.allocationSoon = true
	m.allocTimer = time.AfterFunc(allocationDelay, func() {
		m.post(func() { m.allocate(context.Background()) })
	})
}

// allocate runs one cycle: the buffered events and a request for
// allocations go to the allocator in one call, and what comes back is
// checked and offered.
func (m *Master) allocate(ctx context.Context) {
	if m.currentRole() != roleLeading {
		return // the allocator is initialized when this master leads
	}
	m.allocationSoon = false
	if m.allocTimer != nil {
		m.allocTimer.Stop()
		m.allocTimer = nil
	}
	events := m.allocatorEvents
	m.allocatorEvents = nil
	start := time.Now()
	resp, err := m.cfg.Allocator.Allocate(ctx, &allocator.AllocateRequest{
		Events:       events,
		Allocate:     true,
		NowUnixNanos: m.cfg.Now().UnixNano(),
	})
	m.metrics.allocationRuns++
	m.metrics.lastAllocationDuration = time.Since(start)
	if err != nil {
		m.metrics.allocatorErrors++
		m.log.Error("allocation cycle failed", "error", err, "events", len(events))
		return
	}
	m.makeOffers(resp)
}
