package master

import (
	"sort"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
)

// The JSON documents of /master/state, /state-summary, /frameworks,
// /slaves, /tasks and /roles, in the shapes of Mesos's readonly handler
// (src/master/readonly_handler.cpp) and src/common/http.cpp's writers:
// the same field names, resources as flat objects, capabilities as names,
// times as seconds. They are written on the loop, from the master's own
// records, as Mesos writes them on its master actor.

// writeState is /master/state.
func (m *Master) writeState(w *jsonWriter) {
	m.renderChangedTasks()
	w.beginObject()
	m.writeBuild(w)
	w.fieldFloat("start_time", seconds(m.startTime))
	if m.elected() {
		w.fieldFloat("elected_time", seconds(m.electedTime))
	}
	w.fieldStr("id", m.id)
	w.fieldStr("pid", m.pid)
	w.fieldStr("hostname", m.cfg.Hostname)
	w.key("capabilities")
	w.beginArray()
	for _, c := range m.info.GetCapabilities() {
		w.str(c.GetType().String())
	}
	w.endArray()
	var active, inactive int64
	for _, a := range m.agents {
		if a.active {
			active++
		} else {
			inactive++
		}
	}
	w.fieldInt("activated_slaves", active)
	w.fieldInt("deactivated_slaves", inactive)
	w.fieldInt("unreachable_slaves", int64(len(m.unreachableAgents)))
	if m.info.Domain != nil {
		w.fieldProto("domain", m.info.GetDomain())
	}
	if leader := m.leader.Load(); leader != nil {
		w.fieldStr("leader", leader.GetPid())
		w.key("leader_info")
		w.proto(leader)
	}
	if m.cfg.Cluster != "" {
		w.fieldStr("cluster", m.cfg.Cluster)
	}
	if m.cfg.LogDir != "" {
		w.fieldStr("log_dir", m.cfg.LogDir)
	}
	if m.cfg.ExternalLogFile != "" {
		w.fieldStr("external_log_file", m.cfg.ExternalLogFile)
	}
	if m.view.showFlags() {
		w.key("flags")
		m.writeFlags(w)
	}

	w.key("slaves")
	w.beginArray()
	for _, id := range sortedKeys(m.agents) {
		w.beginObject()
		m.writeSlave(w, m.agents[id])
		w.endObject()
	}
	w.endArray()
	w.key("recovered_slaves")
	w.beginArray()
	for _, id := range sortedKeys(m.recoveredAgents) {
		w.beginObject()
		writeSlaveInfo(w, m.recoveredAgents[id], 0)
		w.endObject()
	}
	w.endArray()

	w.key("frameworks")
	w.beginArray()
	for _, id := range sortedKeys(m.frameworks) {
		if m.view.framework(m.frameworks[id]) {
			m.writeFrameworkFull(w, m.frameworks[id])
		}
	}
	w.endArray()
	w.key("completed_frameworks")
	w.beginArray()
	for _, fw := range m.completedFrameworks {
		if m.view.framework(fw) {
			m.writeFrameworkFull(w, fw)
		}
	}
	w.endArray()
	// Kept empty for old clients, as Mesos does.
	w.key("orphan_tasks")
	w.beginArray()
	w.endArray()
	w.key("unregistered_frameworks")
	w.beginArray()
	w.endArray()
	w.endObject()
}

// writeBuild writes the version and build fields of /state and /version.
func (m *Master) writeBuild(w *jsonWriter) {
	v := m.versionInfo()
	w.fieldStr("version", v.GetVersion())
	if v.GitSha != nil {
		w.fieldStr("git_sha", v.GetGitSha())
	}
	if v.GitBranch != nil {
		w.fieldStr("git_branch", v.GetGitBranch())
	}
	if v.GitTag != nil {
		w.fieldStr("git_tag", v.GetGitTag())
	}
	w.fieldStr("build_date", v.GetBuildDate())
	w.fieldFloat("build_time", v.GetBuildTime())
	w.fieldStr("build_user", v.GetBuildUser())
}

// writeFlags writes the flags object, names in order.
func (m *Master) writeFlags(w *jsonWriter) {
	w.beginObject()
	for _, name := range sortedKeys(m.cfg.Flags) {
		w.fieldStr(name, m.cfg.Flags[name])
	}
	w.endObject()
}

// writeSlaveInfo writes an AgentInfo's fields (Mesos's json(SlaveInfo)).
// port is the agent's port when known from its address (0: AgentInfo's).
func writeSlaveInfo(w *jsonWriter, info *mesospb.AgentInfo, port int32) {
	if port == 0 {
		port = info.GetPort()
	}
	w.fieldStr("id", info.GetId().GetValue())
	w.fieldStr("hostname", info.GetHostname())
	w.fieldInt("port", int64(port))
	w.key("attributes")
	writeAttributes(w, info.GetAttributes())
	if info.Domain != nil {
		w.fieldProto("domain", info.GetDomain())
	}
}

// writeAttributes writes attributes as Mesos does: scalars as numbers,
// ranges and sets as their strings, text as is.
func writeAttributes(w *jsonWriter, attrs []*mesospb.Attribute) {
	w.beginObject()
	for _, a := range attrs {
		w.key(a.GetName())
		switch a.GetType() {
		case mesospb.Value_SCALAR:
			w.float(a.GetScalar().GetValue())
		case mesospb.Value_RANGES:
			var rs resources.Ranges
			for _, x := range a.GetRanges().GetRange() {
				rs = rs.Add(resources.Ranges{{Begin: x.GetBegin(), End: x.GetEnd()}})
			}
			w.str(rs.String())
		case mesospb.Value_SET:
			w.str(setString(a.GetSet().GetItem()))
		default:
			w.str(a.GetText().GetValue())
		}
	}
	w.endObject()
}

// writeSlave writes the fields of Mesos's SlaveWriter.
func (m *Master) writeSlave(w *jsonWriter, a *agent) {
	writeSlaveInfo(w, a.info, a.address.GetPort())
	w.fieldStr("pid", a.pid)
	w.fieldFloat("registered_time", seconds(a.regTime))
	if !a.reregTime.IsZero() {
		w.fieldFloat("reregistered_time", seconds(a.reregTime))
	}
	w.key("resources")
	w.resources(a.total)
	w.key("used_resources")
	var used flatAcc
	for _, u := range a.used {
		used.add(u)
	}
	used.write(w)
	w.key("offered_resources")
	w.resources(a.offered)
	w.key("reserved_resources")
	w.beginObject()
	reservations := a.total.Reservations()
	for _, role := range sortedKeys(reservations) {
		if m.view.role(role) {
			w.key(role)
			w.resources(reservations[role])
		}
	}
	w.endObject()
	w.key("unreserved_resources")
	w.resources(a.total.Unreserved())
	w.fieldBool("active", a.active)
	w.fieldBool("deactivated", m.deactivatedAgents[a.id])
	w.fieldStr("version", a.version)
	w.key("capabilities")
	w.beginArray()
	for _, c := range a.capabilities {
		w.str(c.GetType().String())
	}
	w.endArray()
	if d := m.drainInfo[a.id]; d != nil {
		w.fieldProto("drain_info", d)
	}
	if !a.drainStart.IsZero() {
		w.fieldFloat("estimated_drain_start_time_seconds", seconds(a.drainStart))
	}
}

// writeSlaveFull adds what /slaves shows beyond /state: every resource in
// full (protobuf JSON, endpoint format), for operators who unreserve or
// destroy them. offered is what the agent's offers hold, with their
// allocation (offeredByAgent). As Mesos's SlavesWriter, reservations of
// roles v may not view are left out, and in each list every resource one
// of whose roles (reservations', allocation's) v may not view: a refined
// reservation shows only to a principal who may view each of its roles,
// used and offered resources only to one who may view the role they are
// allocated to. The flat fields (writeSlave) are not filtered so.
func writeSlaveFull(w *jsonWriter, a *agent, offered resources.Resources, v *view) {
	full := func(r resources.Resources) {
		w.beginArray()
		for _, p := range endpointProtos(r) {
			if v.resource(p) {
				w.proto(p)
			}
		}
		w.endArray()
	}
	w.key("reserved_resources_full")
	w.beginObject()
	reservations := a.total.Reservations()
	for _, role := range sortedKeys(reservations) {
		if v.role(role) {
			w.key(role)
			full(reservations[role])
		}
	}
	w.endObject()
	w.key("unreserved_resources_full")
	full(a.total.Unreserved())
	w.key("used_resources_full")
	full(a.usedResources())
	w.key("offered_resources_full")
	full(offered)
}

// frameworkFlat sums what a framework holds, flat: used on the agents,
// offered, and both.
func (m *Master) frameworkFlat(fw *framework) (used, offered, both *flatAcc) {
	used, offered, both = &flatAcc{}, &flatAcc{}, &flatAcc{}
	for _, a := range m.agents {
		if r, ok := a.used[fw.id]; ok {
			used.add(r)
			both.add(r)
		}
	}
	for _, o := range fw.offers {
		offered.add(o.resources)
		both.add(o.resources)
	}
	return used, offered, both
}

// writeFrameworkSummary writes Mesos's Summary<Framework> fields.
func (m *Master) writeFrameworkSummary(w *jsonWriter, fw *framework, used, offered *flatAcc) {
	w.fieldStr("id", fw.id)
	w.fieldStr("name", fw.info.GetName())
	w.key("used_resources")
	used.write(w)
	w.key("offered_resources")
	offered.write(w)
	w.key("capabilities")
	w.beginArray()
	for _, c := range fw.info.GetCapabilities() {
		w.str(c.GetType().String())
	}
	w.endArray()
	w.fieldStr("hostname", fw.info.GetHostname())
	w.fieldStr("webui_url", fw.info.GetWebuiUrl())
	w.fieldBool("active", fw.active)
	w.fieldBool("connected", fw.connected())
	w.fieldBool("recovered", fw.recovered)
}

// writeFrameworkFull writes one framework as /state and /frameworks do.
func (m *Master) writeFrameworkFull(w *jsonWriter, fw *framework) {
	used, offered, both := m.frameworkFlat(fw)
	w.beginObject()
	m.writeFrameworkSummary(w, fw, used, offered)
	w.fieldStr("user", fw.info.GetUser())
	w.fieldFloat("failover_timeout", fw.info.GetFailoverTimeout())
	w.fieldBool("checkpoint", fw.info.GetCheckpoint())
	w.fieldFloat("registered_time", seconds(fw.registeredTime))
	w.fieldFloat("unregistered_time", seconds(fw.unregisteredTime))
	if fw.info.Principal != nil {
		w.fieldStr("principal", fw.info.GetPrincipal())
	}
	w.key("resources")
	both.write(w)
	if !fw.reregisteredTime.IsZero() {
		w.fieldFloat("reregistered_time", seconds(fw.reregisteredTime))
	}
	if fw.capable(mesospb.FrameworkInfo_Capability_MULTI_ROLE) {
		w.key("roles")
		w.strings(fw.info.GetRoles())
	} else {
		w.fieldStr("role", fw.info.GetRole())
	}

	// Tasks in no particular order, as in Mesos: sorting a framework's
	// thousands of tasks would cost more than the rest of its document.
	var unreachable []*task
	w.key("tasks")
	w.beginArray()
	for _, t := range fw.tasks {
		if !m.view.task(fw, t) {
			continue
		}
		if refreshTaskJSON(t).state == mesospb.TaskState_TASK_UNREACHABLE {
			unreachable = append(unreachable, t)
			continue
		}
		writeTask(w, t)
	}
	w.endArray()
	w.key("unreachable_tasks")
	w.beginArray()
	for _, t := range unreachable {
		writeTask(w, t)
	}
	w.endArray()
	w.key("completed_tasks")
	w.beginArray()
	for _, t := range fw.completedTasks {
		if m.view.task(fw, t) {
			writeTask(w, t)
		}
	}
	w.endArray()

	w.key("offers")
	w.beginArray()
	for _, id := range sortedKeys(fw.offers) {
		o := fw.offers[id]
		w.beginObject()
		w.fieldStr("id", o.id)
		w.fieldStr("framework_id", fw.id)
		w.key("allocation_info")
		w.beginObject()
		w.fieldStr("role", o.role)
		w.endObject()
		w.fieldStr("slave_id", o.agent.id)
		w.key("resources")
		w.resources(o.resources)
		w.endObject()
	}
	w.endArray()

	w.key("executors")
	w.beginArray()
	for _, agentID := range sortedKeys(fw.executors) {
		execs := fw.executors[agentID]
		for _, execID := range sortedKeys(execs) {
			if m.view.executor(fw, agentID, execs[execID]) {
				writeExecutor(w, execs[execID], agentID)
			}
		}
	}
	w.endArray()
	if fw.info.Labels != nil {
		w.key("labels")
		writeLabels(w, fw.info.GetLabels())
	}
	w.endObject()
}

// writeStatus writes a task status (Mesos's json(TaskStatus)).
func writeStatus(w *jsonWriter, s *mesospb.TaskStatus) {
	w.beginObject()
	w.fieldStr("state", taskStateName(s.GetState()))
	w.fieldFloat("timestamp", s.GetTimestamp())
	if s.Labels != nil {
		w.key("labels")
		writeLabels(w, s.GetLabels())
	}
	if cs := s.GetContainerStatus(); cs != nil {
		w.key("container_status")
		w.beginObject()
		if cs.ContainerId != nil {
			w.fieldProto("container_id", cs.GetContainerId())
		}
		if len(cs.GetNetworkInfos()) > 0 {
			w.key("network_infos")
			w.beginArray()
			for _, n := range cs.GetNetworkInfos() {
				writeNetworkInfo(w, n)
			}
			w.endArray()
		}
		if cs.CgroupInfo != nil {
			w.fieldProto("cgroup_info", cs.GetCgroupInfo())
		}
		w.endObject()
	}
	if s.Healthy != nil {
		w.fieldBool("healthy", s.GetHealthy())
	}
	w.endObject()
}

// writeNetworkInfo writes a NetworkInfo as Mesos does: labels as a list.
func writeNetworkInfo(w *jsonWriter, n *mesospb.NetworkInfo) {
	w.beginObject()
	if len(n.GetGroups()) > 0 {
		w.key("groups")
		w.strings(n.GetGroups())
	}
	if n.Labels != nil {
		w.key("labels")
		writeLabels(w, n.GetLabels())
	}
	if len(n.GetIpAddresses()) > 0 {
		w.key("ip_addresses")
		w.beginArray()
		for _, ip := range n.GetIpAddresses() {
			// As the message's JSON: protocol defaults to IPv4.
			w.beginObject()
			w.fieldStr("protocol", ip.GetProtocol().String())
			if ip.IpAddress != nil {
				w.fieldStr("ip_address", ip.GetIpAddress())
			}
			w.endObject()
		}
		w.endArray()
	}
	if n.Name != nil {
		w.fieldStr("name", n.GetName())
	}
	if len(n.GetPortMappings()) > 0 {
		w.key("port_mappings")
		w.beginArray()
		for _, pm := range n.GetPortMappings() {
			w.proto(pm)
		}
		w.endArray()
	}
	w.endObject()
}

// writeLabels writes labels as Mesos's state does: a list of {key, value}.
func writeLabels(w *jsonWriter, l *mesospb.Labels) {
	w.beginArray()
	for _, label := range l.GetLabels() {
		w.beginObject()
		w.fieldStr("key", label.GetKey())
		if label.Value != nil {
			w.fieldStr("value", label.GetValue())
		}
		w.endObject()
	}
	w.endArray()
}

// writeExecutor writes an executor (Mesos's json(ExecutorInfo)) and the
// agent it runs on.
func writeExecutor(w *jsonWriter, e *mesospb.ExecutorInfo, agentID string) {
	w.beginObject()
	w.fieldStr("executor_id", e.GetExecutorId().GetValue())
	w.fieldStr("name", e.GetName())
	w.fieldStr("framework_id", e.GetFrameworkId().GetValue())
	w.key("command")
	writeCommand(w, e.GetCommand())
	r := resources.New(e.GetResources()...)
	w.key("resources")
	w.resources(r)
	if len(e.GetResources()) > 0 {
		w.fieldStr("role", e.GetResources()[0].GetAllocationInfo().GetRole())
	}
	if e.Labels != nil {
		w.key("labels")
		writeLabels(w, e.GetLabels())
	}
	if e.Type != nil {
		w.fieldStr("type", e.GetType().String())
	}
	w.fieldStr("slave_id", agentID)
	w.endObject()
}

// writeCommand writes a CommandInfo (Mesos's json(CommandInfo)).
func writeCommand(w *jsonWriter, c *mesospb.CommandInfo) {
	w.beginObject()
	if c.Shell != nil {
		w.fieldBool("shell", c.GetShell())
	}
	if c.Value != nil {
		w.fieldStr("value", c.GetValue())
	}
	w.key("argv")
	w.strings(c.GetArguments())
	if c.Environment != nil {
		w.fieldProto("environment", c.GetEnvironment())
	}
	w.key("uris")
	w.beginArray()
	for _, u := range c.GetUris() {
		w.beginObject()
		w.fieldStr("value", u.GetValue())
		w.fieldBool("executable", u.GetExecutable())
		w.endObject()
	}
	w.endArray()
	w.endObject()
}

// taskCounts is a TaskState summary of /state-summary.
type taskCounts map[mesospb.TaskState]int64

func writeTaskCounts(w *jsonWriter, c taskCounts) {
	for _, s := range []mesospb.TaskState{
		mesospb.TaskState_TASK_STAGING, mesospb.TaskState_TASK_STARTING, mesospb.TaskState_TASK_RUNNING,
		mesospb.TaskState_TASK_KILLING, mesospb.TaskState_TASK_FINISHED, mesospb.TaskState_TASK_KILLED,
		mesospb.TaskState_TASK_FAILED, mesospb.TaskState_TASK_LOST, mesospb.TaskState_TASK_ERROR,
		mesospb.TaskState_TASK_UNREACHABLE,
	} {
		w.fieldInt(s.String(), c[s])
	}
}

// writeStateSummary is /master/state-summary: agents and frameworks with
// counts of their tasks by state and who runs where.
func (m *Master) writeStateSummary(w *jsonWriter) {
	agentCounts := map[string]taskCounts{}
	fwCounts := map[string]taskCounts{}
	agentFws := map[string]map[string]bool{}
	fwAgents := map[string]map[string]bool{}
	count := func(fw *framework, t *task) {
		a := t.info.GetAgentId().GetValue()
		if agentCounts[a] == nil {
			agentCounts[a] = taskCounts{}
			agentFws[a] = map[string]bool{}
		}
		if fwCounts[fw.id] == nil {
			fwCounts[fw.id] = taskCounts{}
			fwAgents[fw.id] = map[string]bool{}
		}
		agentCounts[a][t.info.GetState()]++
		fwCounts[fw.id][t.info.GetState()]++
		agentFws[a][fw.id] = true
		fwAgents[fw.id][a] = true
	}
	for _, fw := range m.frameworks {
		if !m.view.framework(fw) {
			continue
		}
		for _, t := range fw.tasks {
			count(fw, t)
		}
		for _, t := range fw.completedTasks {
			count(fw, t)
		}
	}
	w.beginObject()
	w.fieldStr("hostname", m.cfg.Hostname)
	if m.cfg.Cluster != "" {
		w.fieldStr("cluster", m.cfg.Cluster)
	}
	w.key("slaves")
	w.beginArray()
	for _, id := range sortedKeys(m.agents) {
		w.beginObject()
		m.writeSlave(w, m.agents[id])
		writeTaskCounts(w, agentCounts[id])
		w.key("framework_ids")
		w.strings(sortedKeys(agentFws[id]))
		w.endObject()
	}
	w.endArray()
	w.key("frameworks")
	w.beginArray()
	for _, id := range sortedKeys(m.frameworks) {
		fw := m.frameworks[id]
		if !m.view.framework(fw) {
			continue
		}
		used, offered, _ := m.frameworkFlat(fw)
		w.beginObject()
		m.writeFrameworkSummary(w, fw, used, offered)
		writeTaskCounts(w, fwCounts[id])
		w.key("slave_ids")
		w.strings(sortedKeys(fwAgents[id]))
		w.endObject()
	}
	w.endArray()
	w.endObject()
}

// writeFrameworks is /master/frameworks, optionally of one framework.
func (m *Master) writeFrameworks(w *jsonWriter, only string) {
	w.beginObject()
	w.key("frameworks")
	w.beginArray()
	for _, id := range sortedKeys(m.frameworks) {
		if (only == "" || id == only) && m.view.framework(m.frameworks[id]) {
			m.writeFrameworkFull(w, m.frameworks[id])
		}
	}
	w.endArray()
	w.key("completed_frameworks")
	w.beginArray()
	for _, fw := range m.completedFrameworks {
		if (only == "" || fw.id == only) && m.view.framework(fw) {
			m.writeFrameworkFull(w, fw)
		}
	}
	w.endArray()
	w.key("unregistered_frameworks")
	w.beginArray()
	w.endArray()
	w.endObject()
}

// writeSlaves is /master/slaves, optionally of one agent.
func (m *Master) writeSlaves(w *jsonWriter, only string) {
	w.beginObject()
	w.key("slaves")
	w.beginArray()
	offered := m.offeredByAgent()
	for _, id := range sortedKeys(m.agents) {
		if only == "" || id == only {
			a := m.agents[id]
			w.beginObject()
			m.writeSlave(w, a)
			writeSlaveFull(w, a, offered[a], m.view)
			w.endObject()
		}
	}
	w.endArray()
	w.key("recovered_slaves")
	w.beginArray()
	for _, id := range sortedKeys(m.recoveredAgents) {
		if only == "" || id == only {
			w.beginObject()
			writeSlaveInfo(w, m.recoveredAgents[id], 0)
			w.endObject()
		}
	}
	w.endArray()
	w.endObject()
}

// writeTasks is /master/tasks: the tasks of every framework, sorted by
// the time of their first status, a page of them.
func (m *Master) writeTasks(w *jsonWriter, q tasksQuery) {
	var tasks []*task
	add := func(fw *framework) {
		if q.frameworkID != "" && fw.id != q.frameworkID || !m.view.framework(fw) {
			return
		}
		for _, id := range sortedKeys(fw.tasks) {
			if (q.taskID == "" || id == q.taskID) && m.view.task(fw, fw.tasks[id]) {
				tasks = append(tasks, fw.tasks[id])
			}
		}
		for _, t := range fw.completedTasks {
			if (q.taskID == "" || t.id == q.taskID) && m.view.task(fw, t) {
				tasks = append(tasks, t)
			}
		}
	}
	for _, id := range sortedKeys(m.frameworks) {
		add(m.frameworks[id])
	}
	for _, fw := range m.completedFrameworks {
		add(fw)
	}
	sortTasks(tasks, q.ascending)
	w.beginObject()
	w.key("tasks")
	w.beginArray()
	if q.offset < len(tasks) {
		end := len(tasks)
		if q.limit < end-q.offset {
			end = q.offset + q.limit
		}
		for _, t := range tasks[q.offset:end] {
			writeTask(w, t)
		}
	}
	w.endArray()
	w.endObject()
}

// sortTasks orders tasks by their first status's timestamp, as Mesos's
// TaskComparator does; tasks without a status come first ascending and
// last descending.
func sortTasks(tasks []*task, ascending bool) {
	first := func(t *task) (float64, bool) {
		if s := t.info.GetStatuses(); len(s) > 0 {
			return s[0].GetTimestamp(), true
		}
		return 0, false
	}
	sort.SliceStable(tasks, func(i, j int) bool {
		a, aok := first(tasks[i])
		b, bok := first(tasks[j])
		if aok != bok {
			return aok == !ascending
		}
		if ascending {
			return a < b
		}
		return a > b
	})
}

// writeRoles is /master/roles.
func (m *Master) writeRoles(w *jsonWriter) {
	w.beginObject()
	w.key("roles")
	w.beginArray()
	for _, r := range m.knownRoles() {
		if !m.view.role(r.name) {
			continue
		}
		w.beginObject()
		w.fieldStr("name", r.name)
		w.fieldFloat("weight", r.weight)
		if c := m.quotas[r.name]; c != nil {
			w.key("quota")
			w.beginObject()
			w.fieldStr("role", r.name)
			w.key("guarantee")
			writeScalarMap(w, c.GetGuarantees())
			w.key("limit")
			writeScalarMap(w, c.GetLimits())
			w.endObject()
		}
		w.key("resources")
		w.resources(r.resources)
		w.key("frameworks")
		w.strings(r.frameworks)
		w.endObject()
	}
	w.endArray()
	w.endObject()
}

func writeScalarMap(w *jsonWriter, m map[string]*mesospb.Value_Scalar) {
	w.beginObject()
	for _, name := range sortedKeys(m) {
		w.fieldFloat(name, m[name].GetValue())
	}
	w.endObject()
}
