package master

import (
	"net/http"
	"slices"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/recordio"
)

// The operator API's SUBSCRIBE: a RecordIO stream that starts with
// SUBSCRIBED (the whole state) and goes on with an event for every task,
// agent and framework that comes, changes or goes, and a HEARTBEAT after
// every quiet --heartbeat interval. Events are built on the loop where the
// change happens (publish*), so a subscriber sees them in the loop's order,
// right after the state it got.

// serveOperatorSubscribe opens one operator event stream.
func (m *Master) serveOperatorSubscribe(w http.ResponseWriter, r *http.Request, codec httpapi.Codec) {
	sub := newSubscriber("")
	filter := m.newEventFilter(r.Context())
	var first []byte
	var encErr error
	if err := m.call(r.Context(), func() {
		ev := &masterpb.Event{
			Type: masterpb.Event_SUBSCRIBED.Enum(),
			Subscribed: &masterpb.Event_Subscribed{
				GetState:                 m.stateFor(r.Context()),
				HeartbeatIntervalSeconds: proto.Float64(m.cfg.HeartbeatInterval.Seconds()),
			},
		}
		filter.seed()
		// Encoded here: the state refers to the loop's own records.
		if first, encErr = marshalOperator(codec, ev); encErr != nil {
			return
		}
		// Over --max_operator_event_stream_subscribers, the oldest stream
		// makes room, as in Mesos.
		for len(m.operatorSubs) >= m.cfg.MaxOperatorEventStreamSubscribers {
			m.operatorSubs[0].close()
			m.operatorSubs = slices.Delete(m.operatorSubs, 0, 1)
		}
		m.operatorSubs = append(m.operatorSubs, sub)
	}); err != nil {
		writeCallError(w, err)
		return
	}
	if encErr != nil {
		http.Error(w, encErr.Error(), http.StatusInternalServerError)
		return
	}
	defer m.post(func() { m.removeOperatorSub(sub) })
	out, err := httpapi.StartStream(w, codec, "")
	if err != nil {
		return
	}
	heartbeat := func() proto.Message { return &masterpb.Event{Type: masterpb.Event_HEARTBEAT.Enum()} }
	// Mesos follows SUBSCRIBED with a HEARTBEAT at once
	// (ReadOnlyHandler::subscribe), then one every interval.
	beat, err := codec.Marshal(heartbeat())
	if err != nil {
		return
	}
	if _, err := w.Write(recordio.Append(recordio.Append(nil, first), beat)); err != nil {
		return
	}
	w.(http.Flusher).Flush()
	pump(r.Context(), out, filter.filtered(r.Context(), sub), m.cfg.HeartbeatInterval, heartbeat)
}

func (m *Master) removeOperatorSub(sub *subscriber) {
	sub.close()
	m.operatorSubs = slices.DeleteFunc(m.operatorSubs, func(s *subscriber) bool { return s == sub })
}

// publish queues ev on every operator stream; a stream too slow to keep up
// is closed (its client resubscribes and gets the state afresh). The event
// must not share anything the loop changes later: the streams encode it on
// their own goroutines.
func (m *Master) publish(ev *masterpb.Event) {
	m.operatorSubs = slices.DeleteFunc(m.operatorSubs, func(s *subscriber) bool { return !s.send(ev) })
}

func (m *Master) publishTaskAdded(t *task) {
	if len(m.operatorSubs) == 0 {
		return
	}
	m.publish(&masterpb.Event{
		Type:      masterpb.Event_TASK_ADDED.Enum(),
		TaskAdded: &masterpb.Event_TaskAdded{Task: proto.CloneOf(t.info)},
	})
}

// publishTaskUpdated sends a status just received, which the loop never
// changes afterwards (recordStatus keeps a copy without its data, and
// replaces statuses, never edits them).
func (m *Master) publishTaskUpdated(frameworkID string, t *task, status *mesospb.TaskStatus) {
	if len(m.operatorSubs) == 0 {
		return
	}
	m.publish(&masterpb.Event{
		Type: masterpb.Event_TASK_UPDATED.Enum(),
		TaskUpdated: &masterpb.Event_TaskUpdated{
			FrameworkId: frameworkIDProto(frameworkID),
			Status:      status,
			State:       t.info.State,
		},
	})
}

func (m *Master) publishAgentAdded(a *agent) {
	if len(m.operatorSubs) == 0 {
		return
	}
	m.publish(&masterpb.Event{
		Type:       masterpb.Event_AGENT_ADDED.Enum(),
		AgentAdded: &masterpb.Event_AgentAdded{Agent: proto.CloneOf(m.agentProto(a))},
	})
}

func (m *Master) publishAgentRemoved(id string) {
	if len(m.operatorSubs) == 0 {
		return
	}
	m.publish(&masterpb.Event{
		Type:         masterpb.Event_AGENT_REMOVED.Enum(),
		AgentRemoved: &masterpb.Event_AgentRemoved{AgentId: agentIDProto(id)},
	})
}

// publishFramework sends FRAMEWORK_ADDED or FRAMEWORK_UPDATED.
func (m *Master) publishFramework(fw *framework, typ masterpb.Event_Type) {
	if len(m.operatorSubs) == 0 {
		return
	}
	ev := &masterpb.Event{Type: typ.Enum()}
	f := m.frameworkEventProto(fw)
	if typ == masterpb.Event_FRAMEWORK_ADDED {
		ev.FrameworkAdded = &masterpb.Event_FrameworkAdded{Framework: f}
	} else {
		ev.FrameworkUpdated = &masterpb.Event_FrameworkUpdated{Framework: f}
	}
	m.publish(ev)
}

// frameworkEventProto is the framework of FRAMEWORK_ADDED and
// FRAMEWORK_UPDATED as Mesos's createFrameworkAdded/Updated build it: the
// info, the flags and all three times, each set even when it is the epoch
// (0), and none of GET_FRAMEWORKS' offers or resources. Mesos starts a
// framework with its reregistered time equal to its registered one.
func (m *Master) frameworkEventProto(fw *framework) *masterpb.Response_GetFrameworks_Framework {
	rereg := fw.reregisteredTime
	if rereg.IsZero() {
		rereg = fw.registeredTime
	}
	return &masterpb.Response_GetFrameworks_Framework{
		FrameworkInfo:    proto.CloneOf(fw.info),
		Active:           proto.Bool(fw.active),
		Connected:        proto.Bool(fw.connected()),
		Recovered:        proto.Bool(fw.recovered),
		RegisteredTime:   epochTimeInfo(fw.registeredTime),
		ReregisteredTime: epochTimeInfo(rereg),
		UnregisteredTime: epochTimeInfo(fw.unregisteredTime),
	}
}

// epochTimeInfo is t as a TimeInfo, the zero time being the epoch (0 ns),
// as Mesos's process::Time() is.
func epochTimeInfo(t time.Time) *mesospb.TimeInfo {
	if t.IsZero() {
		return &mesospb.TimeInfo{Nanoseconds: proto.Int64(0)}
	}
	return timeInfo(t)
}

func (m *Master) publishFrameworkRemoved(fw *framework) {
	if len(m.operatorSubs) == 0 {
		return
	}
	m.publish(&masterpb.Event{
		Type:             masterpb.Event_FRAMEWORK_REMOVED.Enum(),
		FrameworkRemoved: &masterpb.Event_FrameworkRemoved{FrameworkInfo: proto.CloneOf(fw.info)},
	})
}
