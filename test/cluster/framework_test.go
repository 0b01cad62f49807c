package cluster

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/core/schedulerclient"
)

const (
	taskCommand   = "sleep 600"
	taskResources = "cpus:0.1;mem:32"
	// failoverTimeout is how long the master keeps the framework's tasks
	// while it is disconnected.
	failoverTimeout = 5 * time.Minute
	callTimeout     = 10 * time.Second
	// subscribeTimeout bounds one SUBSCRIBE attempt up to SUBSCRIBED.
	subscribeTimeout = 15 * time.Second
)

// statusUpdate is one UPDATE event as the framework received it.
type statusUpdate struct {
	seq       int
	at        time.Time
	taskID    string
	agentID   string
	state     mesospb.TaskState
	timestamp float64
	uuid      string // hex; empty for a reconciliation's answer
	source    mesospb.TaskStatus_Source
	reason    mesospb.TaskStatus_Reason
	message   string
}

func (u statusUpdate) String() string {
	s := fmt.Sprintf("#%d %s (source %s", u.seq, u.state, u.source)
	if u.reason != 0 {
		s += ", reason " + u.reason.String()
	}
	if u.message != "" {
		s += fmt.Sprintf(", %q", u.message)
	}
	return s + ")"
}

func (u statusUpdate) reconciliation() bool {
	return u.reason == mesospb.TaskStatus_REASON_RECONCILIATION
}

// framework is a PARTITION_AWARE, checkpointing framework run from the test
// process with the project's scheduler client. It launches one long task
// on the first offer that fits, declines every other offer, acknowledges
// every update and records everything it receives.
type framework struct {
	c    *cluster
	t    *testing.T
	info *mesospb.FrameworkInfo
	wg   sync.WaitGroup

	mu       sync.Mutex
	id       string
	sess     *schedulerclient.Session
	cancel   context.CancelFunc
	task     *mesospb.TaskInfo
	taskHost string // the hostname of the agent it was launched on
	updates  []statusUpdate
	acked    int
	notes    []string // failed calls, ERROR and FAILURE events, stream ends
	closed   bool
}

func newFramework(c *cluster, t *testing.T) *framework {
	f := &framework{
		c: c, t: t,
		info: &mesospb.FrameworkInfo{
			User:            proto.String("root"),
			Name:            proto.String("gomesos-cluster-test"),
			Roles:           []string{"*"},
			FailoverTimeout: proto.Float64(failoverTimeout.Seconds()),
			Checkpoint:      proto.Bool(true),
			Capabilities: []*mesospb.FrameworkInfo_Capability{
				{Type: mesospb.FrameworkInfo_Capability_MULTI_ROLE.Enum()},
				{Type: mesospb.FrameworkInfo_Capability_PARTITION_AWARE.Enum()},
			},
		},
	}
	t.Cleanup(f.close)
	return f
}

func (f *framework) note(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.notes = append(f.notes, time.Now().Format("15:04:05.000")+" "+msg)
	if !f.closed {
		f.t.Log("framework: " + msg)
	}
}

// subscribe subscribes (or, with the id it has, re-subscribes) through
// master, which redirects to the leader. One attempt, bounded.
func (f *framework) subscribe(ctx context.Context, master *node) error {
	f.mu.Lock()
	info := proto.Clone(f.info).(*mesospb.FrameworkInfo)
	if f.id != "" {
		info.Id = &mesospb.FrameworkID{Value: proto.String(f.id)}
	}
	f.mu.Unlock()
	// The stream lives as long as sctx; the timer ends an attempt that
	// gets no SUBSCRIBED in time.
	sctx, cancel := context.WithCancel(ctx)
	timer := time.AfterFunc(subscribeTimeout, cancel)
	s, err := schedulerclient.Subscribe(sctx, schedulerclient.Config{
		Master: master.name + ":" + fmt.Sprint(masterPort),
		Codec:  httpapi.JSON,
		HTTP:   f.streamClient(),
	}, info)
	if !timer.Stop() && err == nil {
		s.Close()
		err = errors.New("no SUBSCRIBED in time")
	}
	if err != nil {
		cancel()
		return fmt.Errorf("SUBSCRIBE through %s: %w", master.name, err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.id != "" && s.FrameworkID() != f.id {
		s.Close()
		cancel()
		return fmt.Errorf("re-subscribed as %s, not as %s", s.FrameworkID(), f.id)
	}
	f.id = s.FrameworkID()
	f.sess, f.cancel = s, cancel
	f.wg.Add(1)
	go f.pump(sctx, s)
	return nil
}

// streamClient is the cluster's client without an overall timeout: the
// event stream stays open.
func (f *framework) streamClient() *http.Client {
	return f.c.httpClient(0)
}

// resubscribe tries the running masters in turn until one subscription
// succeeds, bounded by timeout.
func (f *framework) resubscribe(ctx context.Context, masters []*node, timeout time.Duration) (time.Duration, error) {
	// The stream outlives the wait: it hangs off ctx, not off the wait's.
	parent := ctx
	return waitFor(ctx, timeout, time.Second, "the framework (re-)subscribed", func(context.Context) (bool, string, error) {
		var errs []string
		for _, m := range masters {
			f.c.mu.Lock()
			skip := m.killed || !m.connected
			f.c.mu.Unlock()
			if skip {
				continue
			}
			err := f.subscribe(parent, m)
			if err == nil {
				return true, "", nil
			}
			errs = append(errs, err.Error())
		}
		return false, strings.Join(errs, "; "), nil
	})
}

// dropSession ends the current stream (its master was killed: nothing
// tells the client, the connection just goes silent).
func (f *framework) dropSession() {
	f.mu.Lock()
	s, cancel := f.sess, f.cancel
	f.sess, f.cancel = nil, nil
	f.mu.Unlock()
	if s != nil {
		s.Close()
		cancel()
	}
}

func (f *framework) close() {
	f.dropSession()
	f.wg.Wait()
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
}

func (f *framework) call(ctx context.Context, s *schedulerclient.Session, call *schedulerpb.Call) error {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	return s.Call(ctx, call)
}

func (f *framework) pump(ctx context.Context, s *schedulerclient.Session) {
	defer f.wg.Done()
	for ev := range s.Events() {
		switch ev.GetType() {
		case schedulerpb.Event_SUBSCRIBED:
			f.note("subscribed as %s (heartbeat every %.0fs)", ev.GetSubscribed().GetFrameworkId().GetValue(),
				ev.GetSubscribed().GetHeartbeatIntervalSeconds())
		case schedulerpb.Event_OFFERS:
			for _, o := range ev.GetOffers().GetOffers() {
				f.offer(ctx, s, o)
			}
		case schedulerpb.Event_UPDATE:
			f.update(ctx, s, ev.GetUpdate().GetStatus())
		case schedulerpb.Event_ERROR:
			f.note("ERROR event: %s", ev.GetError().GetMessage())
		case schedulerpb.Event_FAILURE:
			fl := ev.GetFailure()
			f.note("FAILURE event: agent %s executor %s status %d", fl.GetAgentId().GetValue(), fl.GetExecutorId().GetValue(), fl.GetStatus())
		}
	}
	if err := s.Err(); err != nil && ctx.Err() == nil {
		f.note("event stream ended: %v", err)
	}
}

func (f *framework) offer(ctx context.Context, s *schedulerclient.Session, o *mesospb.Offer) {
	needed, err := resources.Parse(taskResources, "*")
	if err != nil {
		f.note("bad task resources: %v", err)
		return
	}
	needed = needed.Allocate("*")
	offered, err := resources.FromProtos(o.GetResources())
	f.mu.Lock()
	launch := f.task == nil && err == nil && offered.Contains(needed)
	var task *mesospb.TaskInfo
	if launch {
		task = &mesospb.TaskInfo{
			Name:      proto.String("sleeper"),
			TaskId:    &mesospb.TaskID{Value: proto.String("sleeper-" + f.c.id)},
			AgentId:   o.GetAgentId(),
			Resources: needed.Protos(),
			Command:   &mesospb.CommandInfo{Value: proto.String(taskCommand), Shell: proto.Bool(true)},
		}
		f.task, f.taskHost = task, o.GetHostname()
	}
	f.mu.Unlock()
	if !launch {
		if err := f.call(ctx, s, &schedulerpb.Call{
			Type:    schedulerpb.Call_DECLINE.Enum(),
			Decline: &schedulerpb.Call_Decline{OfferIds: []*mesospb.OfferID{o.GetId()}, Filters: &mesospb.Filters{RefuseSeconds: proto.Float64(3600)}},
		}); err != nil && ctx.Err() == nil {
			f.note("DECLINE: %v", err)
		}
		return
	}
	err = f.call(ctx, s, &schedulerpb.Call{
		Type: schedulerpb.Call_ACCEPT.Enum(),
		Accept: &schedulerpb.Call_Accept{
			OfferIds: []*mesospb.OfferID{o.GetId()},
			Operations: []*mesospb.Offer_Operation{{
				Type:   mesospb.Offer_Operation_LAUNCH.Enum(),
				Launch: &mesospb.Offer_Operation_Launch{TaskInfos: []*mesospb.TaskInfo{task}},
			}},
			Filters: &mesospb.Filters{RefuseSeconds: proto.Float64(3600)},
		},
	})
	if err != nil {
		f.note("ACCEPT (launch %s on %s): %v", task.GetTaskId().GetValue(), o.GetHostname(), err)
		return
	}
	f.note("launched %s (%s) on %s (agent %s)", task.GetTaskId().GetValue(), taskCommand, o.GetHostname(), o.GetAgentId().GetValue())
}

func (f *framework) update(ctx context.Context, s *schedulerclient.Session, st *mesospb.TaskStatus) {
	f.mu.Lock()
	u := statusUpdate{
		seq: len(f.updates) + 1, at: time.Now(),
		taskID: st.GetTaskId().GetValue(), agentID: st.GetAgentId().GetValue(),
		state: st.GetState(), timestamp: st.GetTimestamp(), uuid: hex.EncodeToString(st.GetUuid()),
		source: st.GetSource(), reason: st.GetReason(), message: st.GetMessage(),
	}
	f.updates = append(f.updates, u)
	f.mu.Unlock()
	f.note("update %s for %s", u, u.taskID)
	if len(st.GetUuid()) == 0 {
		return
	}
	err := f.call(ctx, s, &schedulerpb.Call{
		Type:        schedulerpb.Call_ACKNOWLEDGE.Enum(),
		Acknowledge: &schedulerpb.Call_Acknowledge{AgentId: st.GetAgentId(), TaskId: st.GetTaskId(), Uuid: st.GetUuid()},
	})
	if err != nil {
		// The agent resends an unacknowledged update: not a failure here.
		if ctx.Err() == nil {
			f.note("ACKNOWLEDGE %s: %v (the agent will resend it)", u, err)
		}
		return
	}
	f.mu.Lock()
	f.acked++
	f.mu.Unlock()
}

// reconcile asks the master for the task's state (explicit reconciliation).
func (f *framework) reconcile(ctx context.Context) error {
	f.mu.Lock()
	s, task := f.sess, f.task
	f.mu.Unlock()
	if s == nil || task == nil {
		return errors.New("not subscribed or no task")
	}
	return f.call(ctx, s, &schedulerpb.Call{
		Type:      schedulerpb.Call_RECONCILE.Enum(),
		Reconcile: &schedulerpb.Call_Reconcile{Tasks: []*schedulerpb.Call_Reconcile_Task{{TaskId: task.TaskId, AgentId: task.AgentId}}},
	})
}

// teardown ends the framework and its task.
func (f *framework) teardown(ctx context.Context) error {
	f.mu.Lock()
	s := f.sess
	f.mu.Unlock()
	if s == nil {
		return errors.New("not subscribed")
	}
	return f.call(ctx, s, &schedulerpb.Call{Type: schedulerpb.Call_TEARDOWN.Enum()})
}

func (f *framework) snapshot() []statusUpdate {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]statusUpdate(nil), f.updates...)
}

func (f *framework) describeUpdates(from int) string {
	all := f.snapshot()
	if from > len(all) {
		from = len(all)
	}
	var parts []string
	for _, u := range all[from:] {
		parts = append(parts, u.String())
	}
	f.mu.Lock()
	notes := f.notes
	if len(notes) > 5 {
		notes = notes[len(notes)-5:]
	}
	f.mu.Unlock()
	return fmt.Sprintf("updates %v; framework's last notes: %v", parts, notes)
}

// waitUpdate waits for an update, received after the first from ones, that
// pred accepts. poke, when not nil, runs every few seconds (to reconcile).
func (f *framework) waitUpdate(ctx context.Context, timeout time.Duration, what string, from int, pred func(statusUpdate) bool, poke func(context.Context)) (statusUpdate, time.Duration, error) {
	var found statusUpdate
	lastPoke := time.Time{}
	took, err := waitFor(ctx, timeout, 100*time.Millisecond, what, func(ctx context.Context) (bool, string, error) {
		all := f.snapshot()
		for _, u := range all[min(from, len(all)):] {
			if pred(u) {
				found = u
				return true, "", nil
			}
		}
		if poke != nil && time.Since(lastPoke) > 3*time.Second {
			lastPoke = time.Now()
			poke(ctx)
		}
		return false, f.describeUpdates(from), nil
	})
	return found, took, err
}

// missingFrom lists the statuses (state and timestamp, as the agent or
// master keeps them) that the framework never received.
func (f *framework) missingFrom(statuses []statusEntry) []string {
	all := f.snapshot()
	var missing []string
	for _, s := range statuses {
		found := false
		for _, u := range all {
			if u.state.String() == s.State && math.Abs(u.timestamp-s.Timestamp) < 1e-3 && !u.reconciliation() {
				found = true
				break
			}
		}
		if !found {
			missing = append(missing, fmt.Sprintf("%s@%.6f", s.State, s.Timestamp))
		}
	}
	return missing
}
