package agent

import (
	"context"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/executorpb"
)

// executorQueueSize bounds the events waiting for one executor; an
// executor that falls that far behind is disconnected and resubscribes.
const executorQueueSize = 1024

// executorHeartbeatInterval is how often an idle executor stream gets a
// HEARTBEAT. Mesos sends the first only after 30 minutes: some executors
// exit on events they do not know, so none is sent earlier.
const executorHeartbeatInterval = 30 * time.Minute

// executorConn is the agent's end of an executor's event stream: the loop
// queues events, the HTTP handler's goroutine writes them.
type executorConn struct {
	events chan proto.Message
	closed chan struct{}
	once   sync.Once
}

func newExecutorConn() *executorConn {
	return &executorConn{events: make(chan proto.Message, executorQueueSize), closed: make(chan struct{})}
}

// send queues an event; false means the stream is closed (or was closed
// because its queue is full).
func (c *executorConn) send(ev proto.Message) bool {
	select {
	case <-c.closed:
		return false
	default:
	}
	select {
	case c.events <- ev:
		return true
	default:
		c.close()
		return false
	}
}

// close ends the stream once the queued events are written.
func (c *executorConn) close() { c.once.Do(func() { close(c.closed) }) }

// pump writes the stream until the agent closes it (true) or the executor
// goes away (false).
func (c *executorConn) pump(ctx context.Context, out *httpapi.Stream, heartbeat time.Duration) bool {
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case ev := <-c.events:
			if out.SendQueued(ev, c.queued) != nil {
				return false
			}
		case <-tick.C:
			if out.Send(&executorpb.Event{Type: executorpb.Event_HEARTBEAT.Enum()}) != nil {
				return false
			}
		case <-ctx.Done():
			return false
		case <-c.closed:
			for {
				select {
				case ev := <-c.events:
					if out.Send(ev) != nil {
						return true
					}
				default:
					return true
				}
			}
		}
	}
}

// queued hands out an event already queued for the executor, without
// waiting (httpapi.Stream.SendQueued).
func (c *executorConn) queued() (proto.Message, bool) {
	select {
	case ev := <-c.events:
		return ev, true
	default:
		return nil, false
	}
}

// send queues an event for the executor if it is connected.
func (e *executor) send(ev *executorpb.Event) bool {
	if e.conn == nil {
		return false
	}
	if !e.conn.send(ev) {
		e.conn = nil
		return false
	}
	return true
}
