package master

import (
	"context"
	"net"
	"net/http"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
)

// streamQueueSize bounds the events waiting for one client. A client that
// falls this far behind is disconnected: it will resubscribe and reconcile,
// which is cheaper for everyone than an unbounded queue in the master.
const streamQueueSize = 4096

// subscriber is the master's end of one event stream. The loop sends; the
// stream's own goroutine writes.
type subscriber struct {
	id     string // the Mesos-Stream-Id
	events chan proto.Message
	closed chan struct{}
	once   sync.Once

	// A spilling subscriber (newSpillingSubscriber) has a small channel
	// and queues what does not fit in spill, oldest first, up to spillMax;
	// pump moves spilled events to the channel as it drains it. Only pump
	// may read its channel.
	spillMu  sync.Mutex
	spill    []proto.Message
	spillMax int
}

func newSubscriber(id string) *subscriber {
	return &subscriber{id: id, events: make(chan proto.Message, streamQueueSize), closed: make(chan struct{})}
}

// spillingChannelSize is the channel of a spilling subscriber: enough for
// the events an agent usually has in flight.
const spillingChannelSize = 16

// newSpillingSubscriber is a subscriber with the same bound as
// newSubscriber's, whose queue takes memory only as it fills: a master
// holds one stream per agent, and 4,096 preallocated slots each (64 KiB
// that the garbage collector scans) cost more than the registrations of
// ten thousand agents re-registering after a failover.
func newSpillingSubscriber(id string) *subscriber {
	return &subscriber{
		id: id, events: make(chan proto.Message, spillingChannelSize), closed: make(chan struct{}),
		spillMax: streamQueueSize - spillingChannelSize,
	}
}

// send queues ev. When the queue is full it closes the stream and reports
// false; a closed stream also reports false.
func (s *subscriber) send(ev proto.Message) bool {
	select {
	case <-s.closed:
		return false
	default:
	}
	if s.spillMax > 0 {
		return s.sendSpilling(ev)
	}
	select {
	case s.events <- ev:
		return true
	default:
		s.close()
		return false
	}
}

// sendSpilling queues ev on a spilling subscriber: in the channel while
// nothing waits in spill (so that events keep their order), else in spill.
func (s *subscriber) sendSpilling(ev proto.Message) bool {
	s.spillMu.Lock()
	defer s.spillMu.Unlock()
	if len(s.spill) == 0 {
		select {
		case s.events <- ev:
			return true
		default:
		}
	}
	if len(s.spill) >= s.spillMax {
		s.close()
		return false
	}
	s.spill = append(s.spill, ev)
	return true
}

// refill moves spilled events to the channel while it has room; pump calls
// it after every event it takes, so the channel never runs dry while
// events wait in spill.
func (s *subscriber) refill() {
	if s.spillMax == 0 {
		return
	}
	s.spillMu.Lock()
	defer s.spillMu.Unlock()
	n := 0
moving:
	for ; n < len(s.spill); n++ {
		select {
		case s.events <- s.spill[n]:
			s.spill[n] = nil
		default:
			break moving
		}
	}
	if s.spill = s.spill[n:]; len(s.spill) == 0 {
		s.spill = nil
	}
}

// close ends the stream after the queued events are written.
func (s *subscriber) close() { s.once.Do(func() { close(s.closed) }) }

// pump writes the subscriber's events to the HTTP response until the
// master closes the stream, the client goes away, or a write fails. It adds
// a heartbeat after every quiet interval when heartbeat is not nil. It
// returns true when the master ended the stream, false when the client did.
func pump(ctx context.Context, out *httpapi.Stream, s *subscriber, interval time.Duration, heartbeat func() proto.Message) bool {
	var tick <-chan time.Time
	if heartbeat != nil && interval > 0 {
		t := time.NewTicker(interval)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case ev := <-s.events:
			s.refill()
			if out.SendQueued(ev, s.queued) != nil {
				return false
			}
		case <-tick:
			if out.Send(heartbeat()) != nil {
				return false
			}
		case <-ctx.Done():
			return false
		case <-s.closed:
			// Write what was queued before the close (e.g. an ERROR event).
			for {
				select {
				case ev := <-s.events:
					s.refill()
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

// queued hands out an event already queued for the subscriber, without
// waiting (httpapi.Stream.SendQueued).
func (s *subscriber) queued() (proto.Message, bool) {
	select {
	case ev := <-s.events:
		s.refill()
		return ev, true
	default:
		return nil, false
	}
}

// remoteHost is the client's address, for logs and framework hostnames.
func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
