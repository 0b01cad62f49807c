package master

import (
	"net/http"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/uuid"
)

// TestOperatorSubscribe follows the operator event stream as agents,
// frameworks and tasks come and go, in both encodings.
func TestOperatorSubscribe(t *testing.T) {
	for _, codec := range codecs {
		t.Run(codec.MediaType(), func(t *testing.T) {
			tm := startMaster(t, func(c *Config) { c.HeartbeatInterval = 200 * time.Millisecond })
			first := registerAgent(t, tm, "cpus:1;mem:256", func(s *agentmasterpb.AgentCall_Subscribe) {
				s.AgentInfo.Hostname = proto.String("first-host")
			})

			events := operatorStream(t, tm, codec)
			sub := events.next(t, "SUBSCRIBED", func(*masterpb.Event) bool { return true })
			if sub.GetType() != masterpb.Event_SUBSCRIBED {
				t.Fatalf("first event %v", sub.GetType())
			}
			agents := sub.GetSubscribed().GetGetState().GetGetAgents().GetAgents()
			if len(agents) != 1 || agents[0].GetAgentInfo().GetId().GetValue() != first.id {
				t.Fatalf("SUBSCRIBED state agents %v", agents)
			}
			if sub.GetSubscribed().GetHeartbeatIntervalSeconds() != 0.2 {
				t.Errorf("heartbeat interval %v", sub.GetSubscribed().GetHeartbeatIntervalSeconds())
			}
			events.next(t, "HEARTBEAT", eventOf(masterpb.Event_HEARTBEAT))

			agent := registerAgent(t, tm, "cpus:4;mem:1024", nil)
			ev := events.next(t, "AGENT_ADDED", eventOf(masterpb.Event_AGENT_ADDED))
			if ev.GetAgentAdded().GetAgent().GetAgentInfo().GetId().GetValue() != agent.id {
				t.Fatalf("AGENT_ADDED %v", ev)
			}

			s := subscribe(t, tm, httpapi.JSON, frameworkInfo("watched", mesospb.FrameworkInfo_Capability_PARTITION_AWARE))
			ev = events.next(t, "FRAMEWORK_ADDED", eventOf(masterpb.Event_FRAMEWORK_ADDED))
			if f := ev.GetFrameworkAdded().GetFramework(); f.GetFrameworkInfo().GetId().GetValue() != s.id || !f.GetActive() {
				t.Fatalf("FRAMEWORK_ADDED %v", ev)
			}

			offer := s.offerOn(agent.id)
			s.mustSend(launchCall(offer, commandTask(t, "t1", offer, "cpus:1;mem:128")))
			ev = events.next(t, "TASK_ADDED", eventOf(masterpb.Event_TASK_ADDED))
			if task := ev.GetTaskAdded().GetTask(); task.GetTaskId().GetValue() != "t1" || task.GetState() != mesospb.TaskState_TASK_STAGING {
				t.Fatalf("TASK_ADDED %v", ev)
			}
			agent.next("RUN_TASK", agentmasterpb.AgentEvent_RUN_TASK)
			agent.statusUpdate(s.id, "t1", mesospb.TaskState_TASK_RUNNING, uuid.New().Bytes())
			ev = events.next(t, "TASK_UPDATED", eventOf(masterpb.Event_TASK_UPDATED))
			if u := ev.GetTaskUpdated(); u.GetState() != mesospb.TaskState_TASK_RUNNING || u.GetFrameworkId().GetValue() != s.id ||
				u.GetStatus().GetTaskId().GetValue() != "t1" {
				t.Fatalf("TASK_UPDATED %v", ev)
			}

			// The agent goes: its task is gone with it.
			gone := callOf(masterpb.Call_MARK_AGENT_GONE)
			gone.MarkAgentGone = &masterpb.Call_MarkAgentGone{AgentId: agentIDProto(agent.id)}
			mustDo(t, tm, codec, gone, http.StatusOK)
			ev = events.next(t, "TASK_UPDATED to GONE_BY_OPERATOR", eventOf(masterpb.Event_TASK_UPDATED))
			if ev.GetTaskUpdated().GetState() != mesospb.TaskState_TASK_GONE_BY_OPERATOR {
				t.Fatalf("TASK_UPDATED %v", ev)
			}
			ev = events.next(t, "AGENT_REMOVED", eventOf(masterpb.Event_AGENT_REMOVED))
			if ev.GetAgentRemoved().GetAgentId().GetValue() != agent.id {
				t.Fatalf("AGENT_REMOVED %v", ev)
			}

			// The framework disconnects (FRAMEWORK_UPDATED, inactive), and
			// with no failover timeout is removed (FRAMEWORK_REMOVED).
			s.events.resp.Body.Close()
			ev = events.next(t, "FRAMEWORK_UPDATED", eventOf(masterpb.Event_FRAMEWORK_UPDATED))
			if f := ev.GetFrameworkUpdated().GetFramework(); f.GetActive() || f.GetConnected() {
				t.Fatalf("FRAMEWORK_UPDATED after disconnection %v", ev)
			}
			ev = events.next(t, "FRAMEWORK_REMOVED", eventOf(masterpb.Event_FRAMEWORK_REMOVED))
			if ev.GetFrameworkRemoved().GetFrameworkInfo().GetId().GetValue() != s.id {
				t.Fatalf("FRAMEWORK_REMOVED %v", ev)
			}
		})
	}
}

// TestOperatorSubscribersBounded: past --max_operator_event_stream_subscribers
// the oldest stream is closed.
func TestOperatorSubscribersBounded(t *testing.T) {
	tm := startMaster(t, func(c *Config) { c.MaxOperatorEventStreamSubscribers = 1 })
	old := operatorStream(t, tm, httpapi.JSON)
	old.next(t, "SUBSCRIBED", eventOf(masterpb.Event_SUBSCRIBED))
	fresh := operatorStream(t, tm, httpapi.JSON)
	fresh.next(t, "SUBSCRIBED", eventOf(masterpb.Event_SUBSCRIBED))
	select {
	case <-old.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the oldest stream was not closed")
	}
	registerAgent(t, tm, "cpus:1;mem:64", nil)
	fresh.next(t, "AGENT_ADDED on the new stream", eventOf(masterpb.Event_AGENT_ADDED))
	var subs float64
	onLoop(t, tm, func() { subs = tm.loopMetrics()["master/operator_event_stream_subscribers"] })
	if subs != 1 {
		t.Errorf("operator_event_stream_subscribers %v", subs)
	}
}

// TestFrameworkEventsOnResubscribe: a framework failing over is
// FRAMEWORK_UPDATED, not added again.
func TestFrameworkEventsOnResubscribe(t *testing.T) {
	tm := startMaster(t, nil)
	events := operatorStream(t, tm, httpapi.Protobuf)
	events.next(t, "SUBSCRIBED", eventOf(masterpb.Event_SUBSCRIBED))
	info := frameworkInfo("failing-over")
	info.FailoverTimeout = proto.Float64(60)
	s := subscribe(t, tm, httpapi.JSON, info)
	events.next(t, "FRAMEWORK_ADDED", eventOf(masterpb.Event_FRAMEWORK_ADDED))
	again := proto.CloneOf(info)
	again.Id = frameworkIDProto(s.id)
	subscribe(t, tm, httpapi.JSON, again)
	ev := events.next(t, "FRAMEWORK_UPDATED", func(e *masterpb.Event) bool {
		return e.GetType() == masterpb.Event_FRAMEWORK_UPDATED || e.GetType() == masterpb.Event_FRAMEWORK_ADDED
	})
	if ev.GetType() != masterpb.Event_FRAMEWORK_UPDATED || !ev.GetFrameworkUpdated().GetFramework().GetConnected() {
		t.Fatalf("on failover: %v", ev)
	}
}
