package agent

import (
	"encoding/json"
	"net/http"
	"sort"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
)

// serveState is /state (and /slave(1)/state, .json): the agent's state in
// Mesos's JSON shape.
func (a *Agent) serveState(w http.ResponseWriter, r *http.Request) {
	var doc map[string]any
	view, err := a.withView(r.Context(), func() { doc = a.stateJSON() })
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	view.filterStateDoc(doc)
	writeJSON(w, r, doc)
}

// stateJSON builds the /state document. Called on the loop.
func (a *Agent) stateJSON() map[string]any {
	total := a.totalResources()
	caps := []string{}
	for _, c := range capabilities() {
		caps = append(caps, c.String())
	}
	doc := map[string]any{
		"start_time":   float64(a.startTime.UnixNano()) / 1e9,
		"id":           a.agentID(),
		"pid":          a.pid,
		"hostname":     a.info.GetHostname(),
		"capabilities": caps,
		"resources":    total.Flat(),
		"attributes":   a.attributes.Flat(),
		"flags":        a.flagsMap(),
	}
	addBuildFields(doc, a.versionInfo())
	unreserved := total.Unreserved()
	doc["unreserved_resources"] = unreserved.Flat()
	doc["unreserved_resources_full"] = resourcesJSON(unreserved)
	reserved, reservedFull := map[string]any{}, map[string]any{}
	for role, r := range total.Reservations() {
		reserved[role] = r.Flat()
		reservedFull[role] = resourcesJSON(r)
	}
	doc["reserved_resources"] = reserved
	doc["reserved_resources_full"] = reservedFull
	allocated := a.allocatedResources()
	reservedAllocated := map[string]any{}
	for role, r := range allocated.Reservations() {
		reservedAllocated[role] = r.Flat()
	}
	doc["reserved_resources_allocated"] = reservedAllocated
	doc["unreserved_resources_allocated"] = allocated.Unreserved().Flat()
	if a.masterInfo != nil {
		doc["master_hostname"] = a.masterInfo.GetHostname()
	}
	// Where the agent's own log is, for the web UI's "LOG" link; shown,
	// like the flags, only to who may view the flags (authz_view.go).
	for _, name := range []string{"log_dir", "external_log_file"} {
		if v := a.cfg.Flags[name]; v != "" {
			doc[name] = v
		}
	}
	frameworks := []any{}
	for _, fw := range a.sortedFrameworks() {
		frameworks = append(frameworks, a.frameworkJSON(fw))
	}
	completed := []any{}
	for _, fw := range a.completedFrameworks {
		completed = append(completed, a.frameworkJSON(fw))
	}
	doc["frameworks"] = frameworks
	doc["completed_frameworks"] = completed
	return doc
}

// allocatedResources is what the agent's frameworks hold on it: every
// live executor's resources with those of its queued and launched tasks
// (Mesos's sum of Framework::allocatedResources), the command executor's
// overhead included. Completed frameworks and executors hold nothing.
func (a *Agent) allocatedResources() resources.Resources {
	var out resources.Resources
	for _, fw := range a.frameworks {
		for _, e := range fw.executors {
			out = out.Add(e.allocated())
		}
	}
	return out
}

func (a *Agent) frameworkJSON(fw *framework) map[string]any {
	info := fw.info
	out := map[string]any{
		"id":               fw.id,
		"name":             info.GetName(),
		"user":             info.GetUser(),
		"failover_timeout": info.GetFailoverTimeout(),
		"checkpoint":       info.GetCheckpoint(),
		"hostname":         info.GetHostname(),
	}
	if info.Principal != nil {
		out["principal"] = info.GetPrincipal()
	}
	multiRole := false
	for _, c := range info.GetCapabilities() {
		if c.GetType() == mesospb.FrameworkInfo_Capability_MULTI_ROLE {
			multiRole = true
		}
	}
	if multiRole {
		out["roles"] = info.GetRoles()
	} else {
		out["role"] = info.GetRole()
	}
	executors := []any{}
	for _, e := range sortedExecutors(fw.executors) {
		executors = append(executors, a.executorJSON(e))
	}
	completed := []any{}
	for _, e := range fw.completedExecutors {
		completed = append(completed, a.executorJSON(e))
	}
	out["executors"] = executors
	out["completed_executors"] = completed
	return out
}

func (a *Agent) executorJSON(e *executor) map[string]any {
	out := map[string]any{
		"id":        e.id,
		"name":      e.info.GetName(),
		"source":    e.info.GetSource(),
		"container": e.containerID.GetValue(),
		"directory": e.directory,
		"resources": e.allocated().Flat(),
	}
	if rs := e.info.GetResources(); len(rs) > 0 {
		out["role"] = rs[0].GetAllocationInfo().GetRole()
	}
	if e.info.Labels != nil {
		out["labels"] = labelsJSON(e.info.GetLabels())
	}
	if e.info.Type != nil {
		out["type"] = e.info.GetType().String()
	}
	tasks := []any{}
	for _, t := range sortedTasks(e.launched) {
		tasks = append(tasks, taskJSON(t.proto))
	}
	queued := []any{}
	for _, q := range e.queued {
		for _, ti := range q.list {
			queued = append(queued, a.taskInfoJSON(ti))
		}
	}
	completed := []any{}
	for _, t := range e.completed {
		completed = append(completed, taskJSON(t.proto))
	}
	for _, t := range sortedTasks(e.terminated) {
		completed = append(completed, taskJSON(t.proto))
	}
	out["tasks"] = tasks
	out["queued_tasks"] = queued
	out["completed_tasks"] = completed
	return out
}

// taskJSON is Mesos's JSON of a Task.
func taskJSON(t *mesospb.Task) map[string]any {
	role := ""
	if rs := t.GetResources(); len(rs) > 0 {
		role = rs[0].GetAllocationInfo().GetRole()
	}
	statuses := []any{}
	for _, s := range t.GetStatuses() {
		statuses = append(statuses, statusJSON(s))
	}
	out := map[string]any{
		"id":           t.GetTaskId().GetValue(),
		"name":         t.GetName(),
		"framework_id": t.GetFrameworkId().GetValue(),
		"executor_id":  t.GetExecutorId().GetValue(),
		"slave_id":     t.GetAgentId().GetValue(),
		"state":        t.GetState().String(),
		"resources":    resources.New(t.GetResources()...).Flat(),
		"role":         role,
		"statuses":     statuses,
	}
	if t.User != nil {
		out["user"] = t.GetUser()
	}
	if t.Labels != nil {
		out["labels"] = labelsJSON(t.GetLabels())
	}
	if t.Discovery != nil {
		out["discovery"] = protoJSON(t.GetDiscovery())
	}
	if t.Container != nil {
		out["container"] = protoJSON(t.GetContainer())
	}
	if t.HealthCheck != nil {
		out["health_check"] = protoJSON(t.GetHealthCheck())
	}
	return out
}

// taskInfoJSON is Mesos's JSON of a queued TaskInfo.
func (a *Agent) taskInfoJSON(t *mesospb.TaskInfo) map[string]any {
	role := ""
	if rs := t.GetResources(); len(rs) > 0 {
		role = rs[0].GetAllocationInfo().GetRole()
	}
	out := map[string]any{
		"id":        t.GetTaskId().GetValue(),
		"name":      t.GetName(),
		"slave_id":  a.agentID(),
		"resources": resources.New(t.GetResources()...).Flat(),
		"role":      role,
	}
	if t.Command != nil {
		out["command"] = commandJSON(t.GetCommand())
	}
	if t.Executor != nil {
		out["executor_id"] = t.GetExecutor().GetExecutorId().GetValue()
	}
	if t.Discovery != nil {
		out["discovery"] = protoJSON(t.GetDiscovery())
	}
	return out
}

func statusJSON(s *mesospb.TaskStatus) map[string]any {
	out := map[string]any{
		"state":     s.GetState().String(),
		"timestamp": s.GetTimestamp(),
	}
	if s.Labels != nil {
		out["labels"] = labelsJSON(s.GetLabels())
	}
	if s.ContainerStatus != nil {
		out["container_status"] = containerStatusJSON(s.GetContainerStatus())
	}
	if s.Healthy != nil {
		out["healthy"] = s.GetHealthy()
	}
	return out
}

// commandJSON is Mesos's JSON of a CommandInfo (common/http.cpp): the
// arguments as "argv", each URI by its value and executable only.
func commandJSON(c *mesospb.CommandInfo) map[string]any {
	out := map[string]any{}
	if c.Shell != nil {
		out["shell"] = c.GetShell()
	}
	if c.Value != nil {
		out["value"] = c.GetValue()
	}
	argv := []string{}
	argv = append(argv, c.GetArguments()...)
	out["argv"] = argv
	if c.Environment != nil {
		out["environment"] = protoJSON(c.GetEnvironment())
	}
	uris := []any{}
	for _, u := range c.GetUris() {
		uris = append(uris, map[string]any{"value": u.GetValue(), "executable": u.GetExecutable()})
	}
	out["uris"] = uris
	return out
}

// containerStatusJSON is Mesos's JSON of a task status's ContainerStatus
// (common/http.cpp): its container id, network infos and cgroup info,
// not the executor's pid.
func containerStatusJSON(s *mesospb.ContainerStatus) map[string]any {
	out := map[string]any{}
	if s.ContainerId != nil {
		out["container_id"] = protoJSON(s.GetContainerId())
	}
	if len(s.GetNetworkInfos()) > 0 {
		infos := []any{}
		for _, n := range s.GetNetworkInfos() {
			infos = append(infos, networkInfoJSON(n))
		}
		out["network_infos"] = infos
	}
	if s.CgroupInfo != nil {
		out["cgroup_info"] = protoJSON(s.GetCgroupInfo())
	}
	return out
}

// networkInfoJSON is Mesos's JSON of a NetworkInfo: only what is set.
func networkInfoJSON(n *mesospb.NetworkInfo) map[string]any {
	out := map[string]any{}
	if len(n.GetGroups()) > 0 {
		out["groups"] = n.GetGroups()
	}
	if n.Labels != nil {
		out["labels"] = labelsJSON(n.GetLabels())
	}
	if len(n.GetIpAddresses()) > 0 {
		ips := []any{}
		for _, ip := range n.GetIpAddresses() {
			ips = append(ips, protoJSON(ip))
		}
		out["ip_addresses"] = ips
	}
	if n.Name != nil {
		out["name"] = n.GetName()
	}
	if len(n.GetPortMappings()) > 0 {
		pms := []any{}
		for _, pm := range n.GetPortMappings() {
			pms = append(pms, protoJSON(pm))
		}
		out["port_mappings"] = pms
	}
	return out
}

func labelsJSON(l *mesospb.Labels) []any {
	out := []any{}
	for _, label := range l.GetLabels() {
		out = append(out, protoJSON(label))
	}
	return out
}

func resourcesJSON(r resources.Resources) []json.RawMessage {
	out := []json.RawMessage{}
	for _, p := range r.Protos() {
		out = append(out, protoJSON(p))
	}
	return out
}

// flagsMap is the effective flags (for /state and /flags).
func (a *Agent) flagsMap() map[string]string {
	out := map[string]string{}
	for k, v := range a.cfg.Flags {
		out[k] = v
	}
	return out
}

// sortedFlagNames lists the flags by name.
func (a *Agent) sortedFlagNames() []string {
	names := make([]string, 0, len(a.cfg.Flags))
	for k := range a.cfg.Flags {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}
