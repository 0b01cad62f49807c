package agent

import (
	"errors"
	"fmt"
	"net/http"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/checkpoint"
	"github.com/gomesos/mesos/core/agent/sandbox"
	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/executorpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/uuid"
)

// errNotRecovered answers executors while the agent cannot take them yet.
var errNotRecovered = errors.New("Agent has not finished recovery")

// serveExecutor is POST /api/v1/executor (executor-http-api.md): SUBSCRIBE
// opens the executor's event stream; UPDATE, MESSAGE and HEARTBEAT answer
// 202 Accepted.
func (a *Agent) serveExecutor(w http.ResponseWriter, r *http.Request) {
	claims, ok := a.authenticateExecutor(w, r) // executor_auth.go
	if !ok {
		return
	}
	var call executorpb.Call
	if _, err := httpapi.DecodeRequest(r, &call, 0); err != nil {
		httpapi.WriteError(w, err)
		return
	}
	if err := validateExecutorCall(&call); err != nil {
		http.Error(w, "Failed to validate Executor::Call: "+err.Error(), http.StatusBadRequest)
		return
	}
	if !a.executorCallAllowed(w, r, claims, &call) { // executor_auth.go
		return
	}
	switch call.GetType() {
	case executorpb.Call_SUBSCRIBE:
		out, err := httpapi.ResponseCodec(r.Header)
		if err != nil {
			httpapi.WriteError(w, err)
			return
		}
		a.serveExecutorSubscribe(w, r, out, &call)
		return
	case executorpb.Call_HEARTBEAT:
		w.WriteHeader(http.StatusAccepted)
		return
	case executorpb.Call_UNKNOWN:
		http.Error(w, "Received 'UNKNOWN' call", http.StatusNotImplemented)
		return
	}
	var callErr error
	if err := a.call(r.Context(), func() {
		switch call.GetType() {
		case executorpb.Call_UPDATE:
			callErr = a.executorUpdate(&call)
		case executorpb.Call_MESSAGE:
			callErr = a.executorMessage(&call)
		}
	}); err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	if errors.Is(callErr, errNotRecovered) {
		http.Error(w, callErr.Error(), http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

func (a *Agent) serveExecutorSubscribe(w http.ResponseWriter, r *http.Request, codec httpapi.Codec, call *executorpb.Call) {
	conn := newExecutorConn()
	var subErr error
	if err := a.call(r.Context(), func() { subErr = a.executorSubscribe(call, conn) }); err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	if subErr != nil {
		http.Error(w, subErr.Error(), http.StatusServiceUnavailable)
		return
	}
	out, err := httpapi.StartStream(w, codec, "")
	if err != nil {
		conn.close()
	} else {
		conn.pump(r.Context(), out, executorHeartbeatInterval)
	}
	fwID, execID := call.GetFrameworkId().GetValue(), call.GetExecutorId().GetValue()
	a.post(func() { a.executorDisconnected(fwID, execID, conn) })
}

// validateExecutorCall applies Mesos's executor call validation.
func validateExecutorCall(c *executorpb.Call) error {
	if c.Type == nil {
		return errors.New("Expecting 'type' to be present")
	}
	switch c.GetType() {
	case executorpb.Call_SUBSCRIBE:
		if c.Subscribe == nil {
			return errors.New("Expecting 'subscribe' to be present")
		}
	case executorpb.Call_UPDATE:
		if c.Update == nil {
			return errors.New("Expecting 'update' to be present")
		}
		s := c.GetUpdate().GetStatus()
		if len(s.GetUuid()) == 0 {
			return errors.New("Expecting 'uuid' to be present")
		}
		if _, err := uuid.FromBytes(s.GetUuid()); err != nil {
			return fmt.Errorf("Invalid 'uuid': %w", err)
		}
		if s.ExecutorId != nil && s.GetExecutorId().GetValue() != c.GetExecutorId().GetValue() {
			return fmt.Errorf("ExecutorID in Call: %s does not match ExecutorID in TaskStatus: %s",
				c.GetExecutorId().GetValue(), s.GetExecutorId().GetValue())
		}
		if s.GetSource() != mesospb.TaskStatus_SOURCE_EXECUTOR {
			return fmt.Errorf("Received Call from executor %s of framework %s with invalid source, expecting 'SOURCE_EXECUTOR'",
				c.GetExecutorId().GetValue(), c.GetFrameworkId().GetValue())
		}
		if s.GetState() == mesospb.TaskState_TASK_STAGING {
			return fmt.Errorf("Received TASK_STAGING from executor %s of framework %s which is not allowed",
				c.GetExecutorId().GetValue(), c.GetFrameworkId().GetValue())
		}
	case executorpb.Call_MESSAGE:
		if c.Message == nil {
			return errors.New("Expecting 'message' to be present")
		}
	}
	return nil
}

// acceptingExecutors reports whether executors may subscribe and send
// updates: not before recovery let them reconnect.
func (a *Agent) acceptingExecutors() bool {
	return a.state != stateRecovering || a.reconnecting
}

// executorSubscribe attaches an executor's stream (Mesos's
// Slave::subscribe). An executor the agent does not expect is told to
// shut down.
func (a *Agent) executorSubscribe(call *executorpb.Call, conn *executorConn) error {
	if !a.acceptingExecutors() {
		return errNotRecovered
	}
	fwID, execID := call.GetFrameworkId().GetValue(), call.GetExecutorId().GetValue()
	refuse := func(why string) error {
		a.log.Warn("Shutting down a subscribing executor", "executor", execID, "framework", fwID, "reason", why)
		conn.send(shutdownEvent())
		conn.close()
		return nil
	}
	if a.state == stateTerminating {
		return refuse("the agent is terminating")
	}
	fw := a.frameworks[fwID]
	if fw == nil {
		return refuse("the framework is unknown")
	}
	if fw.state == frameworkTerminating {
		return refuse("the framework is terminating")
	}
	e := fw.executors[execID]
	if e == nil {
		return refuse("the executor is unknown")
	}
	if e.state == executorTerminating || e.state == executorTerminated {
		return refuse("the executor is " + e.state.String())
	}
	a.log.Info("Received subscription for executor", "executor", execID, "framework", fwID)
	if e.conn != nil {
		e.conn.close()
	}
	if e.checkpoint {
		if err := a.markHTTP(e); err != nil {
			a.log.Warn("failed to checkpoint the executor's HTTP marker", "executor", execID, "error", err)
		}
	}
	recovering := a.state == stateRecovering
	e.conn = conn
	e.state = executorRunning
	if e.cancelRegister != nil {
		e.cancelRegister()
		e.cancelRegister = nil
	}
	e.send(&executorpb.Event{
		Type: executorpb.Event_SUBSCRIBED.Enum(),
		Subscribed: &executorpb.Event_Subscribed{
			ExecutorInfo:  e.info,
			FrameworkInfo: frameworkInfoWithID(fw),
			AgentInfo:     a.info,
			ContainerId:   e.containerID,
		},
	})
	if recovering {
		a.dropUnreceivedTasks(fw, e, call.GetSubscribe().GetUnacknowledgedTasks())
	}
	// Updates the executor could not deliver before it lost the agent;
	// the status update manager ignores those it already has.
	for _, u := range call.GetSubscribe().GetUnacknowledgedUpdates() {
		a.statusUpdate(fw.id, u.GetStatus(), e)
	}
	queued := e.queued
	e.queued = nil
	for _, q := range queued {
		a.sendLaunch(fw, e, q)
	}
	return nil
}

// dropUnreceivedTasks ends the tasks a recovered executor never got: still
// STAGING and not among the tasks it reports unacknowledged.
func (a *Agent) dropUnreceivedTasks(fw *framework, e *executor, unacked []*mesospb.TaskInfo) {
	known := map[string]bool{}
	for _, t := range unacked {
		known[t.GetTaskId().GetValue()] = true
	}
	state := mesospb.TaskState_TASK_LOST
	if fw.partitionAware() {
		state = mesospb.TaskState_TASK_DROPPED
	}
	for _, t := range sortedTasks(e.launched) {
		if t.proto.GetState() == mesospb.TaskState_TASK_STAGING && !known[t.id()] {
			a.log.Warn("Transitioning a STAGING task its executor never received", "task", t.id(), "state", state.String())
			a.agentUpdate(fw, e.info.GetExecutorId(), t.id(), state, mesospb.TaskStatus_REASON_AGENT_RESTARTED,
				"Task was not received by its executor before the agent restarted")
		}
	}
}

// markHTTP checkpoints that the executor speaks the HTTP API.
func (a *Agent) markHTTP(e *executor) error {
	run, err := a.metaRun(e)
	if err != nil {
		return err
	}
	return checkpoint.Touch(run.HTTPMarkerPath())
}

// executorUpdate handles an executor's UPDATE call.
func (a *Agent) executorUpdate(call *executorpb.Call) error {
	if !a.acceptingExecutors() {
		return errNotRecovered
	}
	fwID, execID := call.GetFrameworkId().GetValue(), call.GetExecutorId().GetValue()
	var e *executor
	if fw := a.frameworks[fwID]; fw != nil {
		e = fw.executors[execID]
		if fw.state == frameworkTerminating {
			// Nobody will acknowledge it; the executor may still stop
			// resending it and exit.
			a.log.Warn("Ignoring status update of a terminating framework", "task", call.GetUpdate().GetStatus().GetTaskId().GetValue(), "framework", fwID)
			a.metrics.invalidStatusUpdates++
			a.acknowledgeExecutor(e, call.GetUpdate().GetStatus())
			return nil
		}
	}
	status := proto.Clone(call.GetUpdate().GetStatus()).(*mesospb.TaskStatus)
	if status.ExecutorId == nil {
		status.ExecutorId = call.GetExecutorId()
	}
	a.statusUpdate(fwID, status, e)
	return nil
}

// executorMessage passes an executor's MESSAGE to its scheduler.
func (a *Agent) executorMessage(call *executorpb.Call) error {
	if !a.acceptingExecutors() {
		return errNotRecovered
	}
	fwID, execID := call.GetFrameworkId().GetValue(), call.GetExecutorId().GetValue()
	if a.state != stateRunning {
		a.log.Warn("Dropping a framework message from an executor because the agent is not registered", "executor", execID, "framework", fwID)
		a.metrics.invalidFrameworkMessages++
		return nil
	}
	if a.frameworks[fwID] == nil {
		a.log.Warn("Dropping a framework message of an unknown framework", "executor", execID, "framework", fwID)
		a.metrics.invalidFrameworkMessages++
		return nil
	}
	a.metrics.validFrameworkMessages++
	a.sendToMaster(&agentmasterpb.AgentCall{
		Type: agentmasterpb.AgentCall_FRAMEWORK_MESSAGE.Enum(),
		FrameworkMessage: &agentmasterpb.AgentCall_FrameworkMessage{
			FrameworkId: call.GetFrameworkId(),
			ExecutorId:  call.GetExecutorId(),
			Data:        call.GetMessage().GetData(),
		},
	})
	return nil
}

// executorDisconnected runs when an executor's stream ends.
func (a *Agent) executorDisconnected(fwID, execID string, conn *executorConn) {
	conn.close()
	fw := a.frameworks[fwID]
	if fw == nil {
		return
	}
	if e := fw.executors[execID]; e != nil && e.conn == conn {
		e.conn = nil
		a.log.Info("Executor's connection closed", "executor", execID, "framework", fwID)
	}
}

// metaRun is the checkpoint directory of an executor's run.
func (a *Agent) metaRun(e *executor) (sandbox.RunDir, error) {
	return sandbox.Run{AgentID: a.agentID(), FrameworkID: e.frameworkID, ExecutorID: e.id, ContainerID: e.containerID.GetValue()}.Dir(a.layout.Meta())
}
