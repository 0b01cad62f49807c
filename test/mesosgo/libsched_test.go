package mesosgo

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/encoding"
	"github.com/mesos/mesos-go/api/v1/lib/encoding/codecs"
	"github.com/mesos/mesos-go/api/v1/lib/httpcli"
	"github.com/mesos/mesos-go/api/v1/lib/httpcli/httpsched"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler/calls"
)

// libScheduler is a scheduler of our own written against mesos-go's
// api/v1/lib the way its users write one: an httpsched caller (which keeps
// the Mesos-Stream-Id of its subscription) and an event loop decoding the
// SUBSCRIBE response. Every update with a uuid is acknowledged, and an
// ACKNOWLEDGE the master does not answer 202 fails the test.
type libScheduler struct {
	t           *testing.T
	cli         calls.Caller
	frameworkID string
	events      chan *scheduler.Event
	kept        []*scheduler.Event // passed over by next(), for the test's goroutine only
	stop        context.CancelFunc
	loopDone    chan struct{}

	mu       sync.Mutex
	loopErr  error
	received []string // every event's type, for failure messages
}

// eventWait bounds every wait for an event (the machine is shared).
const eventWait = time.Minute

// codecNamed is mesos-go's codec by its -codec name.
func codecNamed(t *testing.T, name string) encoding.Codec {
	for _, c := range codecs.ByMediaType {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("mesos-go has no codec %q", name)
	return encoding.Codec{}
}

// subscribeLib subscribes info at the scheduler API url and waits for
// SUBSCRIBED. A FrameworkInfo with an id re-subscribes (failover). The
// caller disconnects it.
func subscribeLib(t *testing.T, url string, codec encoding.Codec, info *mesos.FrameworkInfo) *libScheduler {
	t.Helper()
	cli := httpsched.NewCaller(httpcli.New(
		httpcli.Endpoint(url),
		httpcli.Codec(codec),
		httpcli.Do(httpcli.With(httpcli.Timeout(30*time.Second))),
	))
	ctx, stop := context.WithCancel(context.Background())
	resp, err := cli.Call(ctx, calls.Subscribe(info))
	if err != nil {
		stop()
		t.Fatalf("SUBSCRIBE (%s): %v", codec.Name, err)
	}
	s := &libScheduler{t: t, cli: cli, events: make(chan *scheduler.Event, 256), stop: stop, loopDone: make(chan struct{})}
	go s.loop(ctx, resp)
	ev := s.next(t, "SUBSCRIBED", func(e *scheduler.Event) bool { return e.GetType() == scheduler.Event_SUBSCRIBED })
	if s.id() == "" {
		t.Fatalf("SUBSCRIBED without a framework id: %+v", ev)
	}
	if got := ev.GetSubscribed().GetHeartbeatIntervalSeconds(); got <= 0 {
		t.Errorf("SUBSCRIBED heartbeat_interval_seconds = %v", got)
	}
	return s
}

// loop decodes the subscription's events until it ends, acknowledging
// updates that carry a uuid, and hands every event to next().
func (s *libScheduler) loop(ctx context.Context, resp mesos.Response) {
	defer close(s.loopDone)
	defer close(s.events)
	defer resp.Close()
	for {
		var e scheduler.Event
		if err := resp.Decode(&e); err != nil {
			if ctx.Err() == nil {
				s.mu.Lock()
				s.loopErr = err
				s.mu.Unlock()
			}
			return
		}
		s.mu.Lock()
		s.received = append(s.received, describe(&e))
		if e.GetType() == scheduler.Event_SUBSCRIBED {
			s.frameworkID = e.GetSubscribed().GetFrameworkID().GetValue()
		}
		s.mu.Unlock()
		if st := e.GetUpdate().GetStatus(); e.GetType() == scheduler.Event_UPDATE && len(st.GetUUID()) > 0 {
			ack := calls.Acknowledge(st.GetAgentID().GetValue(), st.TaskID.Value, st.GetUUID())
			if err := s.call(ctx, ack); err != nil && ctx.Err() == nil {
				s.t.Errorf("ACKNOWLEDGE %s %s: %v", st.TaskID.Value, st.GetState(), err)
			}
		}
		select {
		case s.events <- &e:
		case <-ctx.Done():
			return
		}
	}
}

// call sends a call that answers no data (202) on the subscription.
func (s *libScheduler) call(ctx context.Context, c *scheduler.Call) error {
	c.FrameworkID = &mesos.FrameworkID{Value: s.id()}
	return calls.CallNoData(ctx, s.cli, c)
}

// id is the framework id SUBSCRIBED gave.
func (s *libScheduler) id() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.frameworkID
}

// mustCall is call() for a test that cannot go on when the master refuses.
func (s *libScheduler) mustCall(t *testing.T, c *scheduler.Call) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.call(ctx, c); err != nil {
		t.Fatalf("%s: %v", c.GetType(), err)
	}
}

// next returns the first event, earliest first, that match accepts.
// Offers it does not want are declined (refused for a second: REVIVE
// brings them back sooner); other events are kept for a later next().
func (s *libScheduler) next(t *testing.T, what string, match func(*scheduler.Event) bool) *scheduler.Event {
	t.Helper()
	for i, e := range s.kept {
		if match(e) {
			s.kept = append(s.kept[:i:i], s.kept[i+1:]...)
			return e
		}
	}
	timeout := time.After(eventWait)
	for {
		select {
		case e, ok := <-s.events:
			if !ok {
				s.mu.Lock()
				defer s.mu.Unlock()
				t.Fatalf("the subscription ended (%v) waiting for %s; events: %s", s.loopErr, what, strings.Join(s.received, " "))
			}
			if match(e) {
				return e
			}
			switch e.GetType() {
			case scheduler.Event_OFFERS:
				var ids []mesos.OfferID
				for _, o := range e.GetOffers().GetOffers() {
					ids = append(ids, o.ID)
				}
				s.mustCall(t, calls.Decline(ids...).With(calls.RefuseSeconds(time.Second)))
			case scheduler.Event_HEARTBEAT:
			default:
				s.kept = append(s.kept, e)
			}
		case <-timeout:
			s.mu.Lock()
			defer s.mu.Unlock()
			t.Fatalf("timed out after %v waiting for %s; events: %s", eventWait, what, strings.Join(s.received, " "))
		}
	}
}

// offer revives offers and returns the next one.
func (s *libScheduler) offer(t *testing.T) mesos.Offer {
	t.Helper()
	s.mustCall(t, calls.Revive())
	e := s.next(t, "an offer", func(e *scheduler.Event) bool { return len(e.GetOffers().GetOffers()) > 0 })
	offers := e.GetOffers().GetOffers()
	if len(offers) > 1 {
		var ids []mesos.OfferID
		for _, o := range offers[1:] {
			ids = append(ids, o.ID)
		}
		s.mustCall(t, calls.Decline(ids...).With(calls.RefuseSeconds(time.Second)))
	}
	return offers[0]
}

// terminal are the task states after which no other comes.
var terminal = map[mesos.TaskState]bool{
	mesos.TASK_FINISHED: true, mesos.TASK_FAILED: true, mesos.TASK_KILLED: true, mesos.TASK_ERROR: true,
	mesos.TASK_LOST: true, mesos.TASK_DROPPED: true, mesos.TASK_GONE: true, mesos.TASK_GONE_BY_OPERATOR: true,
	mesos.TASK_UNKNOWN: true,
}

// update waits for a status update of task in state; another terminal
// state for the task fails the test at once.
func (s *libScheduler) update(t *testing.T, task string, state mesos.TaskState) mesos.TaskStatus {
	t.Helper()
	e := s.next(t, task+" "+state.String(), func(e *scheduler.Event) bool {
		st := e.GetUpdate().GetStatus()
		return e.GetType() == scheduler.Event_UPDATE && st.TaskID.Value == task && (st.GetState() == state || terminal[st.GetState()])
	})
	st := e.GetUpdate().GetStatus()
	if st.GetState() != state {
		t.Fatalf("task %s is %s (%s: %s), want %s", task, st.GetState(), st.GetReason(), st.GetMessage(), state)
	}
	return st
}

// disconnect closes the subscription as a scheduler process that dies
// would, and waits for the event loop to end. It may be called again.
func (s *libScheduler) disconnect() {
	s.stop()
	<-s.loopDone
}

// describe names an event for failure messages: its type, and for an
// update the task and state.
func describe(e *scheduler.Event) string {
	if e.GetType() != scheduler.Event_UPDATE {
		return e.GetType().String()
	}
	st := e.GetUpdate().GetStatus()
	return "UPDATE(" + st.TaskID.Value + ":" + st.GetState().String() + ":" + st.GetMessage() + ")"
}
