package master

import (
	"context"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/jsoncodec"
	"github.com/gomesos/mesos/core/proto/maintenancepb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/registrypb"
	"github.com/gomesos/mesos/core/registry"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// Maintenance (Mesos's maintenance primitives): the operator schedules
// windows of unavailability for machines, named by hostname and/or IP.
// A scheduled machine is DRAINING: its agents' unavailability goes to the
// allocator (UnavailabilityUpdated), which makes inverse offers to the
// frameworks using them (inverse_offers.go), and their offers carry it.
// Bringing it DOWN shuts its agents down and removes them, and keeps new
// ones from registering there; bringing it UP takes it out of the
// schedule. The registry checks every request with Mesos's rules and
// messages (core/registry/ops_maintenance.go); the master keeps the same
// machines and schedule in memory.

// machineKey identifies a MachineID as Mesos compares them (and as the
// registry does): hostnames case-insensitively, IPs exactly, set-but-empty
// different from unset. An agent is on a machine only when both match.
func machineKey(id *mesospb.MachineID) string {
	var b strings.Builder
	if id.Hostname != nil {
		b.WriteString("h:" + strings.ToLower(id.GetHostname()))
	}
	b.WriteByte(0)
	if id.Ip != nil {
		b.WriteString("i:" + id.GetIp())
	}
	return b.String()
}

// agentMachine is the machine an agent runs on, as Mesos names it.
func agentMachine(hostname, ip string) *mesospb.MachineID {
	return &mesospb.MachineID{Hostname: proto.String(hostname), Ip: proto.String(ip)}
}

func (a *agent) machine() *mesospb.MachineID {
	return agentMachine(a.info.GetHostname(), a.address.GetIp())
}

func (m *Master) recoverMaintenance(reg *registrypb.Registry) {
	for _, mm := range reg.GetMachines().GetMachines() {
		m.machines[machineKey(mm.GetInfo().GetId())] = proto.CloneOf(mm.GetInfo())
	}
	if len(reg.GetSchedules()) > 0 {
		m.schedule = proto.CloneOf(reg.GetSchedules()[0])
	}
}

// machineDown says whether the machine of an agent at hostname and ip is
// DOWN: no agent may register there.
func (m *Master) machineDown(hostname, ip string) bool {
	mi := m.machines[machineKey(agentMachine(hostname, ip))]
	return mi.GetMode() == mesospb.MachineInfo_DOWN
}

// unavailabilityOf is the agent's scheduled unavailability, if any.
func (m *Master) unavailabilityOf(a *agent) *mesospb.Unavailability {
	mi := m.machines[machineKey(a.machine())]
	if mi == nil || mi.GetMode() == mesospb.MachineInfo_UP || mi.Unavailability == nil {
		return nil
	}
	return proto.CloneOf(mi.GetUnavailability())
}

func (m *Master) currentSchedule() *maintenancepb.Schedule {
	if m.schedule == nil {
		return &maintenancepb.Schedule{}
	}
	return m.schedule
}

func (m *Master) maintenanceStatus() *maintenancepb.ClusterStatus {
	st := &maintenancepb.ClusterStatus{}
	for _, k := range sortedKeys(m.machines) {
		mi := m.machines[k]
		switch mi.GetMode() {
		case mesospb.MachineInfo_DRAINING:
			dm := &maintenancepb.ClusterStatus_DrainingMachine{Id: mi.GetId()}
			for _, a := range m.agentsOnMachine(k) {
				dm.Statuses = append(dm.Statuses, m.agentInverseOfferStatuses(a)...)
			}
			st.DrainingMachines = append(st.DrainingMachines, dm)
		case mesospb.MachineInfo_DOWN:
			st.DownMachines = append(st.DownMachines, mi.GetId())
		}
	}
	return st
}

// updateSchedule is UPDATE_MAINTENANCE_SCHEDULE and POST
// /maintenance/schedule.
func (m *Master) updateSchedule(ctx context.Context, s *maintenancepb.Schedule) error {
	if s == nil {
		s = &maintenancepb.Schedule{}
	}
	m.operatorMu.Lock()
	defer m.operatorMu.Unlock()
	if err := m.registrar.Apply(ctx, &registry.UpdateSchedule{Schedule: s}); err != nil {
		return registryStatus(err, false)
	}
	s = proto.CloneOf(s)
	return m.call(ctx, func() {
		m.changingUnavailability(func() { m.applySchedule(s) })
		m.log.Info("maintenance schedule updated", "windows", len(s.GetWindows()))
	})
}

// applySchedule changes the machines as the registry did: machines new to
// the schedule start DRAINING, those still in it keep their mode and take
// their new unavailability, the others go back UP (are forgotten).
func (m *Master) applySchedule(s *maintenancepb.Schedule) {
	scheduled := map[string]*mesospb.Unavailability{}
	ids := map[string]*mesospb.MachineID{}
	for _, w := range s.GetWindows() {
		for _, id := range w.GetMachineIds() {
			scheduled[machineKey(id)] = w.GetUnavailability()
			ids[machineKey(id)] = id
		}
	}
	for k, mi := range m.machines {
		if u, ok := scheduled[k]; ok {
			mi.Unavailability = proto.CloneOf(u)
		} else {
			delete(m.machines, k)
		}
	}
	for k, u := range scheduled {
		if _, ok := m.machines[k]; !ok {
			m.machines[k] = &mesospb.MachineInfo{
				Id:             proto.CloneOf(ids[k]),
				Mode:           mesospb.MachineInfo_DRAINING.Enum(),
				Unavailability: proto.CloneOf(u),
			}
		}
	}
	if len(s.GetWindows()) == 0 {
		m.schedule = nil
	} else {
		m.schedule = s
	}
}

// changingUnavailability runs change and, as Mesos does, for every agent
// whose unavailability it changed: rescinds its offers (so frameworks hear
// of the change at once) and inverse offers, forgets the answers to them,
// and tells the allocator, which starts afresh with the new
// unavailability.
func (m *Master) changingUnavailability(change func()) {
	before := make(map[string]*mesospb.Unavailability, len(m.agents))
	for id, a := range m.agents {
		before[id] = m.unavailabilityOf(a)
	}
	change()
	for _, id := range sortedKeys(m.agents) {
		a := m.agents[id]
		after := m.unavailabilityOf(a)
		if proto.Equal(before[id], after) {
			continue
		}
		m.rescindAgentOffers(a)
		delete(m.inverseOfferStatuses, id)
		m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_UnavailabilityUpdated{UnavailabilityUpdated: &allocator.UnavailabilityUpdated{
			AgentId: id, Unavailability: after,
		}}})
	}
	m.allocateSoon()
}

// startMaintenance is START_MAINTENANCE and POST /machine/down: the
// machines go DOWN, and their agents are told to shut down and removed
// (their tasks are lost), as Mesos does.
func (m *Master) startMaintenance(ctx context.Context, ids []*mesospb.MachineID) error {
	m.operatorMu.Lock()
	defer m.operatorMu.Unlock()
	if err := m.registrar.Apply(ctx, &registry.StartMaintenance{Machines: ids}); err != nil {
		return registryStatus(err, false)
	}
	return m.call(ctx, func() {
		down := map[string]bool{}
		for _, id := range ids {
			k := machineKey(id)
			down[k] = true
			if mi := m.machines[k]; mi != nil {
				mi.Mode = mesospb.MachineInfo_DOWN.Enum()
			}
		}
		for _, id := range sortedKeys(m.agents) {
			a := m.agents[id]
			if !down[machineKey(a.machine())] {
				continue
			}
			const why = "Operator initiated 'Machine DOWN'"
			a.send(&agentmasterpb.AgentEvent{
				Type:     agentmasterpb.AgentEvent_SHUTDOWN.Enum(),
				Shutdown: &agentmasterpb.AgentEvent_Shutdown{Message: proto.String(why)},
			})
			m.removeAgentForGood(a, why, "master/slave_removals/reason_unregistered")
		}
		m.log.Info("machines brought down for maintenance", "machines", len(ids))
	})
}

// stopMaintenance is STOP_MAINTENANCE and POST /machine/up: the machines
// are UP again and leave the schedule.
func (m *Master) stopMaintenance(ctx context.Context, ids []*mesospb.MachineID) error {
	m.operatorMu.Lock()
	defer m.operatorMu.Unlock()
	if err := m.registrar.Apply(ctx, &registry.StopMaintenance{Machines: ids}); err != nil {
		return registryStatus(err, false)
	}
	return m.call(ctx, func() {
		up := map[string]bool{}
		for _, id := range ids {
			up[machineKey(id)] = true
		}
		m.changingUnavailability(func() {
			for k := range up {
				delete(m.machines, k)
			}
			m.schedule = withoutMachines(m.schedule, up)
		})
		m.log.Info("machines brought back up", "machines", len(ids))
	})
}

// withoutMachines drops machines from a schedule, and the windows (and the
// schedule) left empty.
func withoutMachines(s *maintenancepb.Schedule, drop map[string]bool) *maintenancepb.Schedule {
	if s == nil {
		return nil
	}
	next := &maintenancepb.Schedule{}
	for _, w := range s.GetWindows() {
		var kept []*mesospb.MachineID
		for _, id := range w.GetMachineIds() {
			if !drop[machineKey(id)] {
				kept = append(kept, id)
			}
		}
		if len(kept) > 0 {
			next.Windows = append(next.Windows, &maintenancepb.Window{MachineIds: kept, Unavailability: w.GetUnavailability()})
		}
	}
	if len(next.Windows) == 0 {
		return nil
	}
	return next
}

// machineString renders a MachineID as Mesos does in messages: its JSON.
func machineString(id *mesospb.MachineID) string {
	data, err := jsoncodec.Marshal(id)
	if err != nil {
		return id.String()
	}
	return string(data)
}
