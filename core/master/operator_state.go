package master

import (
	"slices"
	"sort"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
)

// The read-only calls of the operator API (GET_STATE, GET_AGENTS, ...),
// built on the loop. The messages refer to the loop's own records, so they
// are encoded on the loop too (operator_api.go) and never kept.

// endpointProtos renders resources as the operator API shows them, in the
// "endpoint" format: both the pre- and the post-refinement fields.
func endpointProtos(r resources.Resources) []*mesospb.Resource {
	ps, err := r.ProtosIn(resources.Endpoint)
	if err != nil {
		return r.Protos()
	}
	return ps
}

// usedResources is everything tasks and executors hold on the agent, with
// their allocation info.
func (a *agent) usedResources() resources.Resources {
	var used resources.Resources
	for _, fwID := range sortedKeys(a.used) {
		used = used.Add(a.used[fwID])
	}
	return used
}

// offeredByAgent sums the outstanding offers by agent, each resource
// keeping its allocation (the offer's role), as Mesos's
// Slave::offeredResources: VIEW_ROLE filtering needs the role an offered
// resource is allocated to, which agent.offered (kept unallocated, as the
// allocator counts it) has lost. Offers are added in id order, so a
// document lists them the same way each time.
func (m *Master) offeredByAgent() map[*agent]resources.Resources {
	out := make(map[*agent]resources.Resources)
	for _, id := range sortedKeys(m.offers) {
		o := m.offers[id]
		out[o.agent] = out[o.agent].Add(o.resources)
	}
	return out
}

// agentProto is one agent of GET_AGENTS (and AGENT_ADDED).
func (m *Master) agentProto(a *agent) *masterpb.Response_GetAgents_Agent {
	return m.agentProtoWith(a, m.offeredByAgent()[a])
}

// agentProtoWith is agentProto given what the agent's offers hold
// (offeredByAgent). As Mesos's createAgentResponse, every resource (of
// the AgentInfo, the total, the allocated, the offered) one of whose roles
// (reservations', allocation's) the principal may not VIEW_ROLE is left
// out.
func (m *Master) agentProtoWith(a *agent, offered resources.Resources) *masterpb.Response_GetAgents_Agent {
	p := &masterpb.Response_GetAgents_Agent{
		AgentInfo:          m.viewAgentInfo(a.info),
		Active:             proto.Bool(a.active),
		Deactivated:        proto.Bool(m.deactivatedAgents[a.id]),
		Version:            proto.String(a.version),
		Pid:                proto.String(a.pid),
		RegisteredTime:     timeInfo(a.regTime),
		TotalResources:     m.view.resources(endpointProtos(a.total)),
		AllocatedResources: m.view.resources(endpointProtos(a.usedResources())),
		OfferedResources:   m.view.resources(endpointProtos(offered)),
		Capabilities:       a.capabilities,
		DrainInfo:          m.drainInfo[a.id],
	}
	if !a.reregTime.IsZero() {
		p.ReregisteredTime = timeInfo(a.reregTime)
	}
	if !a.drainStart.IsZero() {
		p.EstimatedDrainStartTime = timeInfo(a.drainStart)
	}
	return p
}

// viewAgentInfo is info without the resources the view may not see; info
// itself when it shows them all (it is the loop's record: never changed).
func (m *Master) viewAgentInfo(info *mesospb.AgentInfo) *mesospb.AgentInfo {
	if m.view == nil {
		return info
	}
	kept := m.view.resources(info.GetResources())
	if len(kept) == len(info.GetResources()) {
		return info
	}
	out := proto.CloneOf(info)
	out.Resources = kept
	return out
}

func (m *Master) getAgents() *masterpb.Response_GetAgents {
	out := &masterpb.Response_GetAgents{}
	offered := m.offeredByAgent()
	for _, id := range sortedKeys(m.agents) {
		a := m.agents[id]
		out.Agents = append(out.Agents, m.agentProtoWith(a, offered[a]))
	}
	for _, id := range sortedKeys(m.recoveredAgents) {
		out.RecoveredAgents = append(out.RecoveredAgents, m.recoveredAgents[id])
	}
	return out
}

// frameworkResources is what a framework holds on every agent (used) and
// what its offers hold (offered).
func (m *Master) frameworkResources(fw *framework) (used, offered resources.Resources) {
	for _, a := range m.agents {
		if r, ok := a.used[fw.id]; ok {
			used = used.Add(r)
		}
	}
	for _, o := range fw.offers {
		offered = offered.Add(o.resources)
	}
	return used, offered
}

func (m *Master) frameworkProto(fw *framework) *masterpb.Response_GetFrameworks_Framework {
	used, offered := m.frameworkResources(fw)
	p := &masterpb.Response_GetFrameworks_Framework{
		FrameworkInfo:      fw.info,
		Active:             proto.Bool(fw.active),
		Connected:          proto.Bool(fw.connected()),
		Recovered:          proto.Bool(fw.recovered),
		AllocatedResources: endpointProtos(used),
		OfferedResources:   endpointProtos(offered),
	}
	if !fw.registeredTime.IsZero() {
		p.RegisteredTime = timeInfo(fw.registeredTime)
	}
	// Mesos starts a framework with its reregistered time equal to its
	// registered one, so GET_FRAMEWORKS shows both once it subscribed.
	if !fw.reregisteredTime.IsZero() {
		p.ReregisteredTime = timeInfo(fw.reregisteredTime)
	} else if !fw.registeredTime.IsZero() {
		p.ReregisteredTime = timeInfo(fw.registeredTime)
	}
	if !fw.unregisteredTime.IsZero() {
		p.UnregisteredTime = timeInfo(fw.unregisteredTime)
	}
	for _, id := range sortedKeys(fw.offers) {
		if o, err := m.offerProto(fw.offers[id]); err == nil {
			p.Offers = append(p.Offers, o)
		}
	}
	p.InverseOffers = m.frameworkInverseOffers(fw)
	return p
}

func (m *Master) getFrameworks() *masterpb.Response_GetFrameworks {
	out := &masterpb.Response_GetFrameworks{}
	for _, id := range sortedKeys(m.frameworks) {
		if m.view.framework(m.frameworks[id]) {
			out.Frameworks = append(out.Frameworks, m.frameworkProto(m.frameworks[id]))
		}
	}
	for _, fw := range m.completedFrameworks {
		if m.view.framework(fw) {
			out.CompletedFrameworks = append(out.CompletedFrameworks, m.frameworkProto(fw))
		}
	}
	return out
}

func (m *Master) getExecutors() *masterpb.Response_GetExecutors {
	out := &masterpb.Response_GetExecutors{}
	for _, fwID := range sortedKeys(m.frameworks) {
		fw := m.frameworks[fwID]
		for _, agentID := range sortedKeys(fw.executors) {
			execs := fw.executors[agentID]
			for _, execID := range sortedKeys(execs) {
				if !m.view.framework(fw) || !m.view.executor(fw, agentID, execs[execID]) {
					continue
				}
				out.Executors = append(out.Executors, &masterpb.Response_GetExecutors_Executor{
					ExecutorInfo: execs[execID],
					AgentId:      agentIDProto(agentID),
				})
			}
		}
	}
	return out
}

func (m *Master) getTasks() *masterpb.Response_GetTasks {
	out := &masterpb.Response_GetTasks{}
	add := func(fw *framework) {
		if !m.view.framework(fw) {
			return
		}
		for _, id := range sortedKeys(fw.tasks) {
			t := fw.tasks[id]
			if !m.view.task(fw, t) {
				continue
			}
			if t.info.GetState() == mesospb.TaskState_TASK_UNREACHABLE {
				out.UnreachableTasks = append(out.UnreachableTasks, t.info)
			} else {
				out.Tasks = append(out.Tasks, t.info)
			}
		}
		for _, t := range fw.completedTasks {
			if m.view.task(fw, t) {
				out.CompletedTasks = append(out.CompletedTasks, t.info)
			}
		}
	}
	for _, id := range sortedKeys(m.frameworks) {
		add(m.frameworks[id])
	}
	for _, fw := range m.completedFrameworks {
		add(fw)
	}
	return out
}

func (m *Master) getState() *masterpb.Response_GetState {
	return &masterpb.Response_GetState{
		GetTasks:      m.getTasks(),
		GetExecutors:  m.getExecutors(),
		GetFrameworks: m.getFrameworks(),
		GetAgents:     m.getAgents(),
	}
}

func (m *Master) getMaster() *masterpb.Response_GetMaster {
	return &masterpb.Response_GetMaster{
		MasterInfo:  m.info,
		StartTime:   proto.Float64(seconds(m.startTime)),
		ElectedTime: proto.Float64(seconds(m.electedTime)),
	}
}

// roleInfo is what /roles and GET_ROLES say of one role.
type roleInfo struct {
	name       string
	weight     float64
	frameworks []string
	resources  resources.Resources // allocated and offered
}

// knownRoles are the roles Mesos lists: on the --roles whitelist, with a
// subscribed framework or one still holding resources in it, or with a
// weight or quota of their own.
func (m *Master) knownRoles() []roleInfo {
	names := map[string]bool{}
	for _, r := range m.cfg.Roles {
		names[r] = true
	}
	frameworks := map[string][]string{}
	for _, fw := range m.frameworks {
		for _, r := range fw.roles() {
			names[r] = true
			frameworks[r] = append(frameworks[r], fw.id)
		}
	}
	for r := range m.weights {
		names[r] = true
	}
	for r := range m.quotas {
		names[r] = true
	}
	held := map[string]resources.Resources{}
	// As Mesos, a framework stays tracked under a role it left (by
	// UPDATE_FRAMEWORK or failover) while it holds resources there.
	track := func(role, fwID string) {
		names[role] = true
		if m.frameworks[fwID] != nil && !slices.Contains(frameworks[role], fwID) {
			frameworks[role] = append(frameworks[role], fwID)
		}
	}
	for _, a := range m.agents {
		for fwID, used := range a.used {
			for role, r := range used.Allocations() {
				held[role] = held[role].Add(r)
				track(role, fwID)
			}
		}
	}
	for _, o := range m.offers {
		held[o.role] = held[o.role].Add(o.resources)
		track(o.role, o.fw.id)
	}
	out := make([]roleInfo, 0, len(names))
	for _, name := range sortedKeys(names) {
		fws := frameworks[name]
		sort.Strings(fws)
		out = append(out, roleInfo{name: name, weight: m.weight(name), frameworks: fws, resources: held[name]})
	}
	return out
}

// weight is a role's weight, 1 unless set.
func (m *Master) weight(role string) float64 {
	if w, ok := m.weights[role]; ok {
		return w
	}
	return 1
}

func (m *Master) getRoles() *masterpb.Response_GetRoles {
	out := &masterpb.Response_GetRoles{}
	for _, r := range m.knownRoles() {
		if !m.view.role(r.name) {
			continue
		}
		role := &mesospb.Role{Name: proto.String(r.name), Weight: proto.Float64(r.weight), Resources: roleQuantities(r.resources)}
		for _, id := range r.frameworks {
			role.Frameworks = append(role.Frameworks, frameworkIDProto(id))
		}
		out.Roles = append(out.Roles, role)
	}
	return out
}

// roleQuantities is a role's resources as GET_ROLES shows them, as
// Mesos's ReadOnlyHandler::getRoles: the quantities allocated and offered
// of cpus, disk, gpus and mem (in that order, its ResourceQuantities'),
// each a bare name, type and scalar, with no role, reservation or
// allocation.
func roleQuantities(r resources.Resources) []*mesospb.Resource {
	var out []*mesospb.Resource
	for _, name := range []string{"cpus", "disk", "gpus", "mem"} {
		sum, ok := r.SumScalar(name)
		if !ok || sum.Float() == 0 {
			continue
		}
		out = append(out, &mesospb.Resource{
			Name:   proto.String(name),
			Type:   mesospb.Value_SCALAR.Enum(),
			Scalar: &mesospb.Value_Scalar{Value: proto.Float64(sum.Float())},
		})
	}
	return out
}

func (m *Master) getWeights() *masterpb.Response_GetWeights {
	out := &masterpb.Response_GetWeights{}
	for _, role := range sortedKeys(m.weights) {
		if !m.view.role(role) {
			continue
		}
		out.WeightInfos = append(out.WeightInfos, &mesospb.WeightInfo{Role: proto.String(role), Weight: proto.Float64(m.weights[role])})
	}
	return out
}

// sortedKeys returns a map's keys in order, for output that does not
// change from one request to the next.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// seconds is a time as Mesos's state endpoints show it: seconds since the
// epoch, with a fraction.
// The zero time is 0, as Mesos shows a framework never unregistered.
func seconds(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixNano()) / 1e9
}
