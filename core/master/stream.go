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
}

func newSubscriber(id string) *subscriber {
	return &subscriber{id: id, events: make(chan proto.Message, streamQueueSize), closed: make(chan struct{})}
}

// send queues ev. When the queue is full it closes the stream and reports
// false; a closed stream also reports false.
func (s *subscriber) send(ev proto.Message) bool {
	select {
	case <-s.closed:
		return false
	default:
	}
	select {
	case s.events <- ev:
		return true
	default:
		s.close()
		return false
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
			if out.Send(ev) != nil {
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

// remoteHost is the client's address, for logs and framework hostnames.
func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
