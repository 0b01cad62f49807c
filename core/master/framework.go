package master

import (
	"fmt"
	"math"
	"slices"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// framework is the master's record of one framework.
type framework struct {
	id   string
	info *mesospb.FrameworkInfo
	sub  *subscriber // nil while disconnected

	active bool
	// recovered: known from an agent that re-registered, its scheduler not
	// yet back (after a master restart).
	recovered        bool
	registeredTime   time.Time
	reregisteredTime time.Time
	unregisteredTime time.Time
	failoverTimer    *time.Timer

	suppressedRoles map[string]bool
	offers          map[string]*offer
	tasks           map[string]*task
	completedTasks  []*task
	// executors by agent id, then executor id.
	executors map[string]map[string]*mesospb.ExecutorInfo

	metrics frameworkMetrics
}

func (fw *framework) capable(c mesospb.FrameworkInfo_Capability_Type) bool {
	for _, cap := range fw.info.GetCapabilities() {
		if cap.GetType() == c {
			return true
		}
	}
	return false
}

// roles are the roles the framework is subscribed to: FrameworkInfo.roles
// with MULTI_ROLE, the single (deprecated) role otherwise.
func (fw *framework) roles() []string { return frameworkRoles(fw.info) }

func frameworkRoles(info *mesospb.FrameworkInfo) []string {
	if hasCapability(info, mesospb.FrameworkInfo_Capability_MULTI_ROLE) {
		return info.GetRoles()
	}
	return []string{info.GetRole()}
}

func hasCapability(info *mesospb.FrameworkInfo, c mesospb.FrameworkInfo_Capability_Type) bool {
	for _, cap := range info.GetCapabilities() {
		if cap.GetType() == c {
			return true
		}
	}
	return false
}

func (fw *framework) connected() bool { return fw.sub != nil }

// disconnect ends the framework's stream, if any.
func (fw *framework) disconnect() {
	if fw.sub != nil {
		fw.sub.close()
		fw.sub = nil
	}
}

// send queues a scheduler event; a framework without a stream misses it
// (status updates are resent by the agent until acknowledged).
func (fw *framework) send(ev *schedulerpb.Event) {
	fw.metrics.event(ev.GetType())
	if fw.sub != nil && !fw.sub.send(ev) {
		fw.sub = nil
	}
}

// validateFrameworkInfo applies Mesos's checks on a subscription's
// FrameworkInfo. The messages follow Mesos's where it has them.
func (m *Master) validateFrameworkInfo(info *mesospb.FrameworkInfo) error {
	multiRole := hasCapability(info, mesospb.FrameworkInfo_Capability_MULTI_ROLE)
	switch {
	case multiRole && info.Role != nil:
		return fmt.Errorf("'FrameworkInfo.role' must not be set when the MULTI_ROLE capability is set")
	case !multiRole && len(info.GetRoles()) > 0:
		return fmt.Errorf("'FrameworkInfo.roles' must not be set when the MULTI_ROLE capability is not set")
	}
	roles := frameworkRoles(info)
	seen := map[string]bool{}
	for _, role := range roles {
		if err := resources.ValidateRole(role); err != nil {
			return fmt.Errorf("invalid role '%s': %w", role, err)
		}
		if seen[role] {
			return fmt.Errorf("'FrameworkInfo.roles' contains duplicate entry '%s'", role)
		}
		seen[role] = true
		if len(m.cfg.Roles) > 0 && role != "*" && !slices.Contains(m.cfg.Roles, role) {
			return fmt.Errorf("role '%s' is not present in the master's --roles", role)
		}
	}
	if t := info.GetFailoverTimeout(); t < 0 || math.IsNaN(t) || math.IsInf(t, 0) {
		return fmt.Errorf("invalid failover_timeout %v: must be a non-negative number of seconds", t)
	}
	if id := info.GetId(); id != nil && id.GetValue() == "" {
		return fmt.Errorf("'FrameworkInfo.id' must not be empty when set")
	}
	return nil
}

// subscribe handles a scheduler SUBSCRIBE whose stream the caller is about
// to serve through sub. It returns the SUBSCRIBED event, or an error to be
// sent as an ERROR event before the stream is closed.
func (m *Master) subscribe(info *mesospb.FrameworkInfo, suppressed []string, sub *subscriber) (*schedulerpb.Event, error) {
	if err := m.validateFrameworkInfo(info); err != nil {
		return nil, err
	}
	if err := validateSuppressedRoles(info, suppressed); err != nil {
		return nil, err
	}
	info = proto.Clone(info).(*mesospb.FrameworkInfo)
	now := m.cfg.Now()

	var fw *framework
	if id := info.GetId().GetValue(); id != "" {
		if m.isCompletedFramework(id) {
			return nil, fmt.Errorf("Framework has been removed")
		}
		fw = m.frameworks[id]
	}
	if fw == nil {
		// A new framework, or one the master does not know: one that chose
		// its own id, or one of a previous master (failover).
		id := info.GetId().GetValue()
		if id == "" {
			id = m.newFrameworkID()
			info.Id = &mesospb.FrameworkID{Value: proto.String(id)}
		}
		fw = &framework{
			id: id, info: info, registeredTime: now,
			offers: map[string]*offer{}, tasks: map[string]*task{},
			executors: map[string]map[string]*mesospb.ExecutorInfo{},
		}
		m.frameworks[id] = fw
		fw.sub, fw.active = sub, true
		fw.suppressedRoles = toSet(suppressed)
		m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_FrameworkAdded{FrameworkAdded: &allocator.FrameworkAdded{
			FrameworkId: id, Info: info, Active: true, SuppressedRoles: suppressed,
			Used: m.frameworkUsed(fw),
		}}})
		m.metrics.inc("master/messages_register_framework")
		m.publishFramework(fw, masterpb.Event_FRAMEWORK_ADDED)
		m.log.Info("framework subscribed", "framework", id, "name", info.GetName(), "roles", fw.roles())
	} else {
		// Failover or reconnection of a known framework: the new stream
		// replaces the old one, which is told why it ends.
		if fw.sub != nil {
			fw.send(errorEvent("Framework failed over"))
			fw.disconnect()
		}
		if fw.failoverTimer != nil {
			fw.failoverTimer.Stop()
			fw.failoverTimer = nil
		}
		// Offers made to the old stream are gone with it. As Mesos's
		// failoverFramework, they are removed without a RESCIND: the new
		// scheduler never saw them (and fw.sub is nil here, so inverse
		// offers go quietly too).
		for _, o := range fw.offers {
			m.recoverOffer(o, o.resources, nil)
		}
		m.rescindInverseOffersWhere(func(io *inverseOffer) bool { return io.fw == fw })
		info.Id = &mesospb.FrameworkID{Value: proto.String(fw.id)}
		fw.info = info
		fw.sub = sub
		fw.recovered = false
		fw.reregisteredTime = now
		fw.unregisteredTime = time.Time{}
		fw.suppressedRoles = toSet(suppressed)
		m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_FrameworkUpdated{FrameworkUpdated: &allocator.FrameworkUpdated{
			FrameworkId: fw.id, Info: info, SuppressedRoles: suppressed,
		}}})
		if !fw.active {
			fw.active = true
			m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_FrameworkActivation{FrameworkActivation: &allocator.FrameworkActivation{
				FrameworkId: fw.id, Active: true,
			}}})
		}
		m.metrics.inc("master/messages_reregister_framework")
		m.publishFramework(fw, masterpb.Event_FRAMEWORK_UPDATED)
		m.log.Info("framework resubscribed", "framework", fw.id, "name", info.GetName())
	}
	m.allocateSoon()
	// The SUBSCRIBED event goes out first on the new stream, not by send.
	fw.metrics.event(schedulerpb.Event_SUBSCRIBED)
	return &schedulerpb.Event{
		Type: schedulerpb.Event_SUBSCRIBED.Enum(),
		Subscribed: &schedulerpb.Event_Subscribed{
			FrameworkId:              &mesospb.FrameworkID{Value: proto.String(fw.id)},
			HeartbeatIntervalSeconds: proto.Float64(m.cfg.HeartbeatInterval.Seconds()),
			MasterInfo:               m.Info(),
		},
	}, nil
}

// frameworkDisconnected runs when a framework's stream breaks: it stops
// getting offers and has failover_timeout to come back.
func (m *Master) frameworkDisconnected(fw *framework, sub *subscriber) {
	if fw.sub != sub || m.frameworks[fw.id] != fw {
		return // already replaced by a newer stream, or removed
	}
	fw.sub = nil
	fw.active = false
	fw.unregisteredTime = m.cfg.Now()
	m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_FrameworkActivation{FrameworkActivation: &allocator.FrameworkActivation{
		FrameworkId: fw.id, Active: false,
	}}})
	m.rescindFrameworkOffers(fw)
	m.publishFramework(fw, masterpb.Event_FRAMEWORK_UPDATED)
	timeout := time.Duration(fw.info.GetFailoverTimeout() * float64(time.Second))
	m.log.Info("framework disconnected", "framework", fw.id, "failover_timeout", timeout)
	fw.failoverTimer = m.afterFunc(timeout, func() {
		if m.frameworks[fw.id] == fw && !fw.connected() {
			m.log.Info("framework failover timeout", "framework", fw.id)
			m.removeFramework(fw)
		}
	})
}

// removeFramework tears a framework down: its tasks are killed on the
// agents, its offers withdrawn, and it moves to the completed list.
func (m *Master) removeFramework(fw *framework) {
	if fw.failoverTimer != nil {
		fw.failoverTimer.Stop()
	}
	m.rescindFrameworkOffers(fw)
	for _, a := range m.agents {
		if a.hasFramework(fw.id) {
			a.sendShutdownFramework(fw.id)
		}
	}
	for _, t := range fw.tasks {
		m.finishTask(fw, t, mesospb.TaskState_TASK_KILLED, "Framework "+fw.id+" removed")
	}
	// The executors' resources leave the agent's used ones with them (the
	// allocator frees all of the framework's when it hears of the removal;
	// the agent's later ExecutorExited finds no executor left to free).
	for agentID, execs := range fw.executors {
		if a := m.agents[agentID]; a != nil {
			for execID := range execs {
				info := a.removeExecutor(fw.id, execID)
				if r, err := resources.FromProtos(info.GetResources()); err == nil && !r.IsEmpty() {
					a.subtractUsed(fw.id, r)
				}
			}
		}
	}
	fw.executors = map[string]map[string]*mesospb.ExecutorInfo{}
	fw.disconnect()
	fw.active = false
	fw.unregisteredTime = m.cfg.Now()
	delete(m.frameworks, fw.id)
	m.completedFrameworks = append(m.completedFrameworks, fw)
	if extra := len(m.completedFrameworks) - m.cfg.MaxCompletedFrameworks; extra > 0 {
		m.completedFrameworks = slices.Delete(m.completedFrameworks, 0, extra)
	}
	m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_FrameworkRemoved{FrameworkRemoved: &allocator.FrameworkRemoved{FrameworkId: fw.id}}})
	m.publishFrameworkRemoved(fw)
	m.log.Info("framework removed", "framework", fw.id)
}

func (m *Master) isCompletedFramework(id string) bool {
	for _, fw := range m.completedFrameworks {
		if fw.id == id {
			return true
		}
	}
	return false
}

// frameworkUsed lists what a (re-)added framework already uses per agent.
func (m *Master) frameworkUsed(fw *framework) []*allocator.AgentResources {
	var out []*allocator.AgentResources
	for _, a := range m.agents {
		if used, ok := a.used[fw.id]; ok && !used.IsEmpty() {
			out = append(out, &allocator.AgentResources{AgentId: a.id, Resources: used.Protos()})
		}
	}
	return out
}

func errorEvent(message string) *schedulerpb.Event {
	return &schedulerpb.Event{
		Type:  schedulerpb.Event_ERROR.Enum(),
		Error: &schedulerpb.Event_Error{Message: proto.String(message)},
	}
}

func toSet(items []string) map[string]bool {
	set := make(map[string]bool, len(items))
	for _, s := range items {
		set[s] = true
	}
	return set
}
