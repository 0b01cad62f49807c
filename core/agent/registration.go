package agent

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/checkpoint"
	"github.com/gomesos/mesos/core/agent/sandbox"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// capabilities are what this agent tells the master it supports.
func capabilities() []mesospb.AgentInfo_Capability_Type {
	return []mesospb.AgentInfo_Capability_Type{
		mesospb.AgentInfo_Capability_MULTI_ROLE,
		mesospb.AgentInfo_Capability_HIERARCHICAL_ROLE,
		mesospb.AgentInfo_Capability_RESERVATION_REFINEMENT,
		// Mesos agents always have these two; ours report the status of
		// operations on their default resources (operation_status.go).
		mesospb.AgentInfo_Capability_RESOURCE_PROVIDER,
		mesospb.AgentInfo_Capability_AGENT_OPERATION_FEEDBACK,
		// GROW_VOLUME and SHRINK_VOLUME only change checkpointed
		// resources, which the master sends whole (operations.go).
		mesospb.AgentInfo_Capability_RESIZE_VOLUME,
	}
}

// subscribeCall is the SUBSCRIBE the agent registers with: a new agent
// sends its AgentInfo; an agent that has an id sends it too, with what it
// runs (frameworks, executors, tasks, unacknowledged updates), so the
// master can reconcile.
func (a *Agent) subscribeCall() *agentmasterpb.AgentCall {
	sub := &agentmasterpb.AgentCall_Subscribe{
		AgentInfo:             proto.Clone(a.info).(*mesospb.AgentInfo),
		CheckpointedResources: a.checkpointed.Protos(),
		Version:               proto.String(a.cfg.Version),
		Address:               a.address(),
		// The latest revocable total (Mesos sends it right after the
		// registration; the master takes it with it).
		OversubscribedResources: a.oversubscribed.Protos(),
	}
	a.oversubscribedSent = a.oversubscribed
	for _, c := range capabilities() {
		sub.Capabilities = append(sub.Capabilities, &mesospb.AgentInfo_Capability{Type: c.Enum()})
	}
	if a.agentID() != "" {
		for _, fw := range a.sortedFrameworks() {
			sub.Frameworks = append(sub.Frameworks, frameworkInfoWithID(fw))
			for _, e := range sortedExecutors(fw.executors) {
				// The master does not know the executors the agent makes
				// up for command tasks (as in Mesos).
				if !e.generated() {
					sub.Executors = append(sub.Executors, proto.Clone(e.info).(*mesospb.ExecutorInfo))
				}
				sub.Tasks = append(sub.Tasks, a.reportedTasks(e)...)
			}
		}
		sub.PendingUpdates = a.updates.Pending()
		sub.Operations = a.trackedOperations()
	}
	return &agentmasterpb.AgentCall{Type: agentmasterpb.AgentCall_SUBSCRIBE.Enum(), Subscribe: sub}
}

// reportedTasks are the tasks of an executor as the master must know
// them: queued ones as STAGING, launched ones and terminated ones whose
// update is not acknowledged yet.
func (a *Agent) reportedTasks(e *executor) []*mesospb.Task {
	var out []*mesospb.Task
	for _, q := range e.queued {
		for _, ti := range q.tasks() {
			out = append(out, e.taskProto(ti, a.agentIDProto(), mesospb.TaskState_TASK_STAGING))
		}
	}
	for _, m := range []map[string]*task{e.launched, e.terminated} {
		for _, t := range sortedTasks(m) {
			c := proto.Clone(t.proto).(*mesospb.Task)
			c.AgentId = a.agentIDProto()
			out = append(out, c)
		}
	}
	return out
}

func frameworkInfoWithID(fw *framework) *mesospb.FrameworkInfo {
	info := proto.Clone(fw.info).(*mesospb.FrameworkInfo)
	if info.Id == nil {
		info.Id = &mesospb.FrameworkID{Value: proto.String(fw.id)}
	}
	return info
}

// registered runs when the master accepted the SUBSCRIBE.
func (a *Agent) registered(conn *masterConn, sub *agentmasterpb.AgentEvent_Subscribed) {
	if a.state == stateTerminating {
		conn.close()
		return
	}
	if a.master != nil && a.master != conn {
		a.master.close()
	}
	a.master = conn
	a.masterInfo = sub.GetMasterInfo()
	id := sub.GetAgentId().GetValue()
	switch {
	case a.agentID() == "":
		if err := a.adoptAgentID(id); err != nil {
			a.log.Error("failed to checkpoint the agent's id; shutting down", "agent_id", id, "error", err)
			a.stop(err)
			return
		}
		a.log.Info("Registered with master; given agent ID", "master", sub.GetMasterInfo().GetPid(), "agent_id", id)
	case id != a.agentID():
		err := fmt.Errorf("registered but got the wrong id %s (expected %s)", id, a.agentID())
		a.log.Error("shutting down", "error", err)
		a.stop(err)
		return
	default:
		a.log.Info("Re-registered with master", "master", sub.GetMasterInfo().GetPid(), "agent_id", id)
	}
	a.state = stateRunning
	if !a.oversubscribed.Equal(a.oversubscribedSent) {
		a.sendOversubscribed()
	}
	a.updates.Resume()
	a.resendOperationStatuses()
	a.checkCleanupDone()
}

// adoptAgentID takes the id the master gave a new agent: it checkpoints the
// AgentInfo (and the boot it runs under) so that a restarted agent keeps
// it, and creates the agent's sandbox directory.
func (a *Agent) adoptAgentID(id string) error {
	a.info.Id = agentIDValue(id)
	a.agentIDCache.Store(id)
	meta, err := sandbox.CreateAgent(a.layout.Meta(), id)
	if err != nil {
		return err
	}
	if err := checkpoint.Write(meta.InfoPath(), a.info); err != nil {
		return err
	}
	if err := a.checkpointBootID(); err != nil {
		return err
	}
	if _, err := sandbox.CreateAgent(a.layout.Sandboxes(), id); err != nil {
		return err
	}
	if err := a.fetcher.Recover(id); err != nil {
		a.log.Warn("failed to clear the fetcher cache", "error", err)
	}
	return nil
}

// checkpointBootID records the boot the agent runs under: after a reboot
// no executor survives, whatever the checkpoints say.
func (a *Agent) checkpointBootID() error {
	id, err := bootID()
	if err != nil {
		return err
	}
	return checkpoint.WriteBytes(a.layout.BootIDPath(), []byte(id))
}

func bootID() (string, error) {
	data, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return "", fmt.Errorf("read boot id: %w", err)
	}
	return strings.TrimSpace(string(data)), nil
}

// disconnected runs when the master's stream ends.
func (a *Agent) disconnected(conn *masterConn, reason string) {
	if a.master != conn {
		return
	}
	conn.close()
	a.master = nil
	if a.state == stateRunning {
		a.state = stateDisconnected
	}
	a.updates.Pause()
	a.log.Warn("Lost connection to master; will register again", "master", a.masterInfo.GetPid(), "reason", reason)
}

// registrationRefused: the master will not have this agent back (it was
// removed or marked gone), so the agent shuts down, as Mesos's does when
// the master answers its re-registration with a shutdown.
func (a *Agent) registrationRefused(err *refusedError) {
	a.log.Error("the master refused this agent; shutting down", "error", err)
	a.shutdownAgent("master refused the registration: "+err.msg, err)
}

// sendToMaster queues a call to the registered master; it reports false
// when there is none.
func (a *Agent) sendToMaster(call *agentmasterpb.AgentCall) bool {
	if a.master == nil {
		return false
	}
	return a.master.send(call)
}

// errShutdown is what Run returns after the master shut the agent down.
var errShutdown = errors.New("agent shut down by the master")

func agentIDValue(id string) *mesospb.AgentID {
	if id == "" {
		return nil
	}
	return &mesospb.AgentID{Value: proto.String(id)}
}

// presentCredential puts the agent's --credential on its SUBSCRIBE as HTTP
// Basic credentials, which the master checks with --authenticate_agents
// (our protocol's counterpart of Mesos's SASL exchange; the master's
// other calls are tied to the stream that SUBSCRIBE opened).
func (a *Agent) presentCredential(req *http.Request) {
	if c := a.cfg.Credential; c != nil {
		req.SetBasicAuth(c.GetPrincipal(), c.GetSecret())
	}
}

// authenticationRefused is the master's 401: it requires agents to
// authenticate and this one did not (no --credential, or a wrong one). The
// agent logs it plainly and keeps retrying, as Mesos's agent does.
func (a *Agent) authenticationRefused(master, reason string) error {
	principal := ""
	if a.cfg.Credential != nil {
		principal = a.cfg.Credential.GetPrincipal()
	}
	a.log.Error("Master refused to authenticate this agent; check --credential", "master", master,
		"principal", principal, "reason", reason)
	return fmt.Errorf("master %s refused to authenticate the agent: %s", master, reason)
}
