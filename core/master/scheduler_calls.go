package master

import (
	"slices"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// handleSchedulerCall applies one call of a subscribed framework, on the
// loop. An error is the caller's fault and is answered 400.
func (m *Master) handleSchedulerCall(fw *framework, call *schedulerpb.Call) error {
	fw.metrics.call(call.GetType())
	if name := schedulerCallMetric[call.GetType()]; name != "" {
		m.metrics.inc(name)
	}
	switch call.GetType() {
	case schedulerpb.Call_TEARDOWN:
		m.removeFramework(fw)
	case schedulerpb.Call_ACCEPT:
		return m.accept(fw, call.GetAccept())
	case schedulerpb.Call_DECLINE:
		m.decline(fw, call.GetDecline().GetOfferIds(), call.GetDecline().GetFilters())
	case schedulerpb.Call_REVIVE:
		m.revive(fw, call.GetRevive().GetRoles())
	case schedulerpb.Call_SUPPRESS:
		m.suppress(fw, call.GetSuppress().GetRoles())
	case schedulerpb.Call_KILL:
		m.kill(fw, call.GetKill())
	case schedulerpb.Call_SHUTDOWN:
		m.shutdownExecutor(fw, call.GetShutdown())
	case schedulerpb.Call_ACKNOWLEDGE:
		ack := call.GetAcknowledge()
		m.acknowledge(fw, ack.GetAgentId().GetValue(), ack.GetTaskId().GetValue(), ack.GetUuid())
	case schedulerpb.Call_RECONCILE:
		m.reconcile(fw, call.GetReconcile().GetTasks())
	case schedulerpb.Call_MESSAGE:
		return m.frameworkMessage(fw, call.GetMessage())
	case schedulerpb.Call_REQUEST:
		m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_ResourcesRequested{ResourcesRequested: &allocator.ResourcesRequested{
			FrameworkId: fw.id, Requests: call.GetRequest().GetRequests(),
		}}})
	case schedulerpb.Call_UPDATE_FRAMEWORK:
		return m.updateFramework(fw, call.GetUpdateFramework())
	case schedulerpb.Call_ACCEPT_INVERSE_OFFERS:
		acc := call.GetAcceptInverseOffers()
		m.answerInverseOffers(fw, acc.GetInverseOfferIds(), acc.GetFilters(), true)
	case schedulerpb.Call_DECLINE_INVERSE_OFFERS:
		dec := call.GetDeclineInverseOffers()
		m.answerInverseOffers(fw, dec.GetInverseOfferIds(), dec.GetFilters(), false)
	case schedulerpb.Call_ACKNOWLEDGE_OPERATION_STATUS:
		return m.acknowledgeOperationStatus(fw, call.GetAcknowledgeOperationStatus())
	case schedulerpb.Call_RECONCILE_OPERATIONS:
		m.reconcileOperations(fw, call.GetReconcileOperations())
	default:
		return badRequest("Unsupported call type %s", call.GetType())
	}
	return nil
}

// schedulerCallMetric names the Mesos message counter of each call.
var schedulerCallMetric = map[schedulerpb.Call_Type]string{
	schedulerpb.Call_TEARDOWN:                     "master/messages_unregister_framework",
	schedulerpb.Call_ACCEPT:                       "master/messages_launch_tasks",
	schedulerpb.Call_DECLINE:                      "master/messages_decline_offers",
	schedulerpb.Call_REVIVE:                       "master/messages_revive_offers",
	schedulerpb.Call_SUPPRESS:                     "master/messages_suppress_offers",
	schedulerpb.Call_KILL:                         "master/messages_kill_task",
	schedulerpb.Call_ACKNOWLEDGE:                  "master/messages_status_update_acknowledgement",
	schedulerpb.Call_RECONCILE:                    "master/messages_reconcile_tasks",
	schedulerpb.Call_MESSAGE:                      "master/messages_framework_to_executor",
	schedulerpb.Call_REQUEST:                      "master/messages_resource_request",
	schedulerpb.Call_RECONCILE_OPERATIONS:         "master/messages_reconcile_operations",
	schedulerpb.Call_ACKNOWLEDGE_OPERATION_STATUS: "master/messages_operation_status_update_acknowledgement",
}

func (m *Master) decline(fw *framework, ids []*mesospb.OfferID, filters *mesospb.Filters) {
	for _, id := range ids {
		if o := fw.offers[id.GetValue()]; o != nil {
			m.metrics.offersDeclined++
			fw.metrics.offersDeclined++
			m.recoverOffer(o, o.resources, withDefaultRefusal(filters))
		}
	}
}

// withDefaultRefusal gives a decline Mesos's default filter (5 seconds)
// when the framework sent none.
func withDefaultRefusal(f *mesospb.Filters) *mesospb.Filters {
	if f == nil {
		return &mesospb.Filters{RefuseSeconds: proto.Float64(5)}
	}
	return f
}

// rolesOrAll is the roles a REVIVE or SUPPRESS names, all the framework's
// when it names none.
func rolesOrAll(fw *framework, roles []string) []string {
	if len(roles) == 0 {
		return fw.roles()
	}
	return roles
}

// unsubscribedRole returns a role of roles the framework is not
// subscribed to, if any. As Mesos, a REVIVE or SUPPRESS naming one is
// dropped whole: none of its roles is revived or suppressed.
func unsubscribedRole(fw *framework, roles []string) (string, bool) {
	subscribed := fw.roles()
	for _, r := range roles {
		if !slices.Contains(subscribed, r) {
			return r, true
		}
	}
	return "", false
}

func (m *Master) revive(fw *framework, roles []string) {
	if r, bad := unsubscribedRole(fw, roles); bad {
		m.log.Warn("dropping REVIVE", "framework", fw.id, "reason", "revive role '"+r+"' is not one of the frameworks's subscribed roles")
		return
	}
	roles = rolesOrAll(fw, roles)
	for _, r := range roles {
		delete(fw.suppressedRoles, r)
	}
	m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_OffersRevived{OffersRevived: &allocator.OffersRevived{FrameworkId: fw.id, Roles: roles}}})
	m.allocateSoon()
}

func (m *Master) suppress(fw *framework, roles []string) {
	if r, bad := unsubscribedRole(fw, roles); bad {
		m.log.Warn("dropping SUPPRESS", "framework", fw.id, "reason", "suppress role '"+r+"' is not one of the frameworks's subscribed roles")
		return
	}
	roles = rolesOrAll(fw, roles)
	for _, r := range roles {
		fw.suppressedRoles[r] = true
	}
	m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_OffersSuppressed{OffersSuppressed: &allocator.OffersSuppressed{FrameworkId: fw.id, Roles: roles}}})
}

// kill is KILL, as Mesos's Master::kill: a task the master does not know
// is answered as explicit reconciliation answers it (so the framework
// stops waiting for a TASK_KILLED that will never come); a task on an
// agent that is gone (unreachable) likewise, since Mesos keeps such tasks
// apart from the live ones; any other task's agent is told, and reminded
// when it re-registers if it was disconnected meanwhile.
func (m *Master) kill(fw *framework, k *schedulerpb.Call_Kill) {
	t := fw.tasks[k.GetTaskId().GetValue()]
	if t == nil {
		m.reconcileTask(fw, k.GetTaskId(), k.GetAgentId())
		return
	}
	a := m.agents[t.agentID]
	if a == nil {
		fw.send(updateEvent(m.unknownTaskStatus(fw, k.GetTaskId(), agentIDProto(t.agentID))))
		return
	}
	if k.KillPolicy != nil {
		t.info.KillPolicy = proto.CloneOf(k.GetKillPolicy())
		t.json.stale = true
	}
	if a.killedTasks == nil {
		a.killedTasks = map[string]*mesospb.KillPolicy{}
	}
	a.killedTasks[fw.id+"/"+t.id] = k.GetKillPolicy()
	if !a.send(killTaskEvent(fw.id, k.GetTaskId(), k.GetKillPolicy())) {
		m.log.Warn("cannot kill task now: its agent is disconnected; the kill is sent again when it re-registers",
			"framework", fw.id, "task", t.id, "agent", a.id)
	}
}

func killTaskEvent(frameworkID string, taskID *mesospb.TaskID, policy *mesospb.KillPolicy) *agentmasterpb.AgentEvent {
	return &agentmasterpb.AgentEvent{
		Type: agentmasterpb.AgentEvent_KILL_TASK.Enum(),
		KillTask: &agentmasterpb.AgentEvent_KillTask{
			FrameworkId: frameworkIDProto(frameworkID), TaskId: taskID, KillPolicy: policy,
		},
	}
}

func (m *Master) shutdownExecutor(fw *framework, s *schedulerpb.Call_Shutdown) {
	if a := m.agents[s.GetAgentId().GetValue()]; a != nil {
		a.send(&agentmasterpb.AgentEvent{
			Type: agentmasterpb.AgentEvent_SHUTDOWN_EXECUTOR.Enum(),
			ShutdownExecutor: &agentmasterpb.AgentEvent_ShutdownExecutor{
				FrameworkId: frameworkIDProto(fw.id), ExecutorId: s.GetExecutorId(),
			},
		})
	}
}

// frameworkMessage is MESSAGE. As Mesos's Master::message, the call is
// accepted (202) whatever becomes of it: a message for an agent that is not
// registered or not connected is dropped and counted invalid.
func (m *Master) frameworkMessage(fw *framework, msg *schedulerpb.Call_Message) error {
	a := m.agents[msg.GetAgentId().GetValue()]
	if a == nil || !a.connected() {
		m.metrics.inc("master/invalid_framework_to_executor_messages")
		m.log.Warn("dropping framework message: its agent is not registered or disconnected",
			"framework", fw.id, "agent", msg.GetAgentId().GetValue())
		return nil
	}
	ok := a.send(&agentmasterpb.AgentEvent{
		Type: agentmasterpb.AgentEvent_FRAMEWORK_MESSAGE.Enum(),
		FrameworkMessage: &agentmasterpb.AgentEvent_FrameworkMessage{
			FrameworkId: frameworkIDProto(fw.id), ExecutorId: msg.GetExecutorId(), Data: msg.GetData(),
		},
	})
	if !ok {
		m.metrics.inc("master/invalid_framework_to_executor_messages")
		return nil
	}
	m.metrics.frameworkMessages++
	m.metrics.inc("master/valid_framework_to_executor_messages")
	return nil
}

// updateFramework is UPDATE_FRAMEWORK (Mesos 1.9): new FrameworkInfo and
// suppressed roles without resubscribing.
func (m *Master) updateFramework(fw *framework, u *schedulerpb.Call_UpdateFramework) error {
	info := u.GetFrameworkInfo()
	if info.GetId().GetValue() != fw.id {
		return badRequest("'framework_info.id' differs from the framework's id")
	}
	if err := m.validateFrameworkInfo(info); err != nil {
		return badRequest("%v", err)
	}
	if err := validateSuppressedRoles(info, u.GetSuppressedRoles()); err != nil {
		return badRequest("%v", err)
	}
	fw.info = proto.Clone(info).(*mesospb.FrameworkInfo)
	fw.suppressedRoles = toSet(u.GetSuppressedRoles())
	m.publishFramework(fw, masterpb.Event_FRAMEWORK_UPDATED)
	m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_FrameworkUpdated{FrameworkUpdated: &allocator.FrameworkUpdated{
		FrameworkId: fw.id, Info: fw.info, SuppressedRoles: u.GetSuppressedRoles(),
	}}})
	// As Mesos: the offers of roles the framework left are rescinded (after
	// the allocator has learnt of the update, so that what comes back is
	// not offered in the dropped role again); the others stay valid.
	roles := fw.roles()
	for _, o := range fw.offers {
		if !slices.Contains(roles, o.role) {
			m.rescindOffer(o, nil)
		}
	}
	for _, a := range m.agents {
		if a.hasFramework(fw.id) {
			a.send(&agentmasterpb.AgentEvent{
				Type:            agentmasterpb.AgentEvent_UPDATE_FRAMEWORK.Enum(),
				UpdateFramework: &agentmasterpb.AgentEvent_UpdateFramework{Framework: fw.info},
			})
		}
	}
	m.allocateSoon()
	return nil
}
