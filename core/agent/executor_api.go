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
// 202 Accepted. The checks come in the order of Mesos's
// Slave::Http::executor: the call's form (400), HEARTBEAT (202 for anyone),
// recovery (503), the framework and executor (400), the token's claims
// (403), a subscription (403).
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
	var codec httpapi.Codec
	switch call.GetType() {
	case executorpb.Call_SUBSCRIBE:
		out, err := httpapi.ResponseCodec(r.Header)
		if err != nil {
			httpapi.WriteError(w, err)
			return
		}
		codec = out
	case executorpb.Call_HEARTBEAT:
		// Mesos answers before looking the executor up: the executor
		// library may send placeholder ids.
		var accepting bool
		if err := a.call(r.Context(), func() { accepting = a.acceptingExecutors() }); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		if !accepting {
			http.Error(w, errNotRecovered.Error(), http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusAccepted)
		return
	}
	var conn *executorConn
	if call.GetType() == executorpb.Call_SUBSCRIBE {
		conn = newExecutorConn()
	}
	var refused *executorCallError
	if err := a.call(r.Context(), func() {
		fw, e, why := a.executorCallTarget(&call, claims)
		if why != nil {
			refused = why
			return
		}
		switch call.GetType() {
		case executorpb.Call_SUBSCRIBE:
			a.executorSubscribe(fw, e, &call, conn)
		case executorpb.Call_UPDATE:
			a.executorUpdate(fw, e, &call)
		case executorpb.Call_MESSAGE:
			a.executorMessage(&call)
		}
	}); err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	if refused != nil {
		http.Error(w, refused.msg, refused.status)
		return
	}
	switch call.GetType() {
	case executorpb.Call_SUBSCRIBE:
		a.streamToExecutor(w, r, codec, &call, conn)
	case executorpb.Call_UNKNOWN:
		a.log.Warn("Received 'UNKNOWN' call", "executor", call.GetExecutorId().GetValue(), "framework", call.GetFrameworkId().GetValue())
		http.Error(w, "Received 'UNKNOWN' call", http.StatusNotImplemented)
	default:
		w.WriteHeader(http.StatusAccepted)
	}
}

// executorCallError is an executor call refused on the agent's loop.
type executorCallError struct {
	status int
	msg    string
}

// executorCallTarget finds the framework and executor of a call, or says
// why the call is refused (Mesos's Slave::Http::executor).
func (a *Agent) executorCallTarget(call *executorpb.Call, claims map[string]string) (*framework, *executor, *executorCallError) {
	if !a.acceptingExecutors() || (call.GetType() != executorpb.Call_SUBSCRIBE && a.state == stateRecovering) {
		// While recovering, executors may only subscribe again; their
		// unacknowledged updates come with the SUBSCRIBE.
		return nil, nil, &executorCallError{http.StatusServiceUnavailable, errNotRecovered.Error()}
	}
	fw := a.frameworks[call.GetFrameworkId().GetValue()]
	if fw == nil {
		return nil, nil, &executorCallError{http.StatusBadRequest, "Framework cannot be found"}
	}
	e := fw.executors[call.GetExecutorId().GetValue()]
	if e == nil {
		return nil, nil, &executorCallError{http.StatusBadRequest, "Executor cannot be found"}
	}
	if err := verifyExecutorClaims(claims, call, e.containerID.GetValue()); err != nil { // executor_auth.go
		return nil, nil, &executorCallError{http.StatusForbidden, err.Error()}
	}
	if e.state == executorRegistering && call.GetType() != executorpb.Call_SUBSCRIBE {
		return nil, nil, &executorCallError{http.StatusForbidden, "Executor is not subscribed"}
	}
	return fw, e, nil
}

// streamToExecutor writes a subscribed executor's events until the agent
// or the executor ends the stream.
func (a *Agent) streamToExecutor(w http.ResponseWriter, r *http.Request, codec httpapi.Codec, call *executorpb.Call, conn *executorConn) {
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
	if c.ExecutorId == nil {
		return errors.New("Expecting 'executor_id' to be present")
	}
	if c.FrameworkId == nil {
		return errors.New("Expecting 'framework_id' to be present")
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
		if s.CheckStatus != nil {
			return validateCheckStatusInfo(s.GetCheckStatus())
		}
	case executorpb.Call_MESSAGE:
		if c.Message == nil {
			return errors.New("Expecting 'message' to be present")
		}
	}
	return nil
}

// validateCheckStatusInfo is Mesos's common::validation
// validateCheckStatusInfo: a check status names its type and carries
// that type's result.
func validateCheckStatusInfo(c *mesospb.CheckStatusInfo) error {
	if c.Type == nil {
		return errors.New("CheckStatusInfo must specify 'type'")
	}
	switch c.GetType() {
	case mesospb.CheckInfo_COMMAND:
		if c.Command == nil {
			return errors.New("Expecting 'command' to be set for COMMAND check's status")
		}
	case mesospb.CheckInfo_HTTP:
		if c.Http == nil {
			return errors.New("Expecting 'http' to be set for HTTP check's status")
		}
	case mesospb.CheckInfo_TCP:
		if c.Tcp == nil {
			return errors.New("Expecting 'tcp' to be set for TCP check's status")
		}
	default:
		return fmt.Errorf("'%s' is not a valid check's status type", c.GetType())
	}
	return nil
}

// acceptingExecutors reports whether executors may subscribe and send
// updates: not before recovery let them reconnect.
func (a *Agent) acceptingExecutors() bool {
	return a.state != stateRecovering || a.reconnecting
}

// executorSubscribe attaches an executor's stream (Mesos's
// Slave::subscribe). An executor the agent no longer runs, or of a
// framework or an agent going away, is told to shut down.
func (a *Agent) executorSubscribe(fw *framework, e *executor, call *executorpb.Call, conn *executorConn) {
	fwID, execID := fw.id, e.id
	refuse := func(why string) {
		a.log.Warn("Shutting down a subscribing executor", "executor", execID, "framework", fwID, "reason", why)
		conn.send(shutdownEvent())
		conn.close()
	}
	if a.state == stateTerminating {
		refuse("the agent is terminating")
		return
	}
	if fw.state == frameworkTerminating {
		refuse("the framework is terminating")
		return
	}
	if e.state == executorTerminating || e.state == executorTerminated {
		refuse("the executor is " + e.state.String())
		return
	}
	a.log.Info("Received subscription for executor", "executor", execID, "framework", fwID)
	if e.conn != nil {
		a.log.Warn("Closing the executor's earlier connection", "executor", execID, "framework", fwID)
		e.conn.close()
	}
	if e.checkpoint {
		if err := a.markHTTP(e); err != nil {
			a.log.Warn("failed to checkpoint the executor's HTTP marker", "executor", execID, "error", err)
		}
	}
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
	// Updates the executor could not deliver before it lost the agent;
	// the status update manager ignores those it already has.
	for _, u := range call.GetSubscribe().GetUnacknowledgedUpdates() {
		a.statusUpdate(fw.id, u.GetStatus(), e)
	}
	// Mesos does this on every subscription, not only after an agent
	// restart: a LAUNCH may also be lost with a broken connection.
	a.dropUnreceivedTasks(fw, e, call.GetSubscribe().GetUnacknowledgedTasks())
	queued := e.queued
	e.queued = nil
	for _, q := range queued {
		a.sendLaunch(fw, e, q)
	}
}

// dropUnreceivedTasks ends the tasks a resubscribing executor never got:
// still STAGING and not among the tasks it reports unacknowledged.
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
				"Task launched during agent restart")
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
func (a *Agent) executorUpdate(fw *framework, e *executor, call *executorpb.Call) {
	if fw.state == frameworkTerminating {
		// Nobody will acknowledge it; the executor may still stop
		// resending it and exit.
		a.log.Warn("Ignoring status update of a terminating framework", "task", call.GetUpdate().GetStatus().GetTaskId().GetValue(), "framework", fw.id)
		a.metrics.invalidStatusUpdates++
		a.acknowledgeExecutor(e, call.GetUpdate().GetStatus())
		return
	}
	status := proto.Clone(call.GetUpdate().GetStatus()).(*mesospb.TaskStatus)
	if status.ExecutorId == nil {
		status.ExecutorId = call.GetExecutorId()
	}
	a.statusUpdate(fw.id, status, e)
}

// executorMessage passes an executor's MESSAGE to its scheduler.
func (a *Agent) executorMessage(call *executorpb.Call) {
	fwID, execID := call.GetFrameworkId().GetValue(), call.GetExecutorId().GetValue()
	if a.state != stateRunning {
		a.log.Warn("Dropping a framework message from an executor because the agent is not registered", "executor", execID, "framework", fwID)
		a.metrics.invalidFrameworkMessages++
		return
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
