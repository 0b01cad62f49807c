package master

import (
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// accept applies an ACCEPT: the offers are used by the operations in order,
// and whatever the operations leave is declined with the call's filters.
// An ACCEPT with no operations (or launches with no tasks) is a decline.
func (m *Master) accept(fw *framework, acc *schedulerpb.Call_Accept) error {
	for _, op := range acc.GetOperations() {
		fw.metrics.operation(op.GetType())
	}
	offers, offerErr := m.acceptedOffers(fw, acc.GetOfferIds())
	if offerErr != "" {
		// Mesos drops every task of the call and gives back the valid
		// offers when any offer is invalid.
		for _, o := range offers {
			m.recoverOffer(o, o.resources, nil)
		}
		for _, op := range acc.GetOperations() {
			if launchedTasks(op) == nil {
				m.dropOperation(fw, op, "Operation attempted with invalid offers: "+offerErr)
			}
			for _, t := range launchedTasks(op) {
				m.dropTask(fw, t, mesospb.TaskStatus_REASON_INVALID_OFFERS, offerErr)
			}
		}
		m.log.Info("accept with invalid offers", "framework", fw.id, "error", offerErr)
		return nil
	}
	m.metrics.offersAccepted += int64(len(offers))
	fw.metrics.offersAccepted += int64(len(offers))
	a := offers[0].agent
	role := offers[0].role
	remaining := resources.Resources{}
	for _, o := range offers {
		remaining = remaining.Add(o.resources)
	}
	launch := &launchContext{fw: fw, agent: a, role: role, pending: map[string]bool{}}
	for _, op := range acc.GetOperations() {
		var err error
		switch {
		case op.GetId() != nil && launchedTasks(op) != nil:
			// Operation feedback is not for launches: their tasks fail.
			m.rejectLaunchWithID(fw, op)
		case op.GetType() == mesospb.Offer_Operation_LAUNCH:
			remaining = m.launchTasks(launch, op.GetLaunch().GetTaskInfos(), remaining)
		case op.GetType() == mesospb.Offer_Operation_LAUNCH_GROUP:
			remaining = m.launchGroup(launch, op.GetLaunchGroup(), remaining)
		case op.GetId() != nil:
			if err = m.feedbackError(fw, a, op); err == nil {
				remaining, err = m.applyOperation(launch, op, remaining)
			}
		case op.GetType() == mesospb.Offer_Operation_RESERVE, op.GetType() == mesospb.Offer_Operation_UNRESERVE,
			op.GetType() == mesospb.Offer_Operation_CREATE, op.GetType() == mesospb.Offer_Operation_DESTROY,
			op.GetType() == mesospb.Offer_Operation_GROW_VOLUME, op.GetType() == mesospb.Offer_Operation_SHRINK_VOLUME:
			remaining, err = m.applyOperation(launch, op, remaining)
		default:
			err = fmt.Errorf("operation %s is not supported", op.GetType())
		}
		if err != nil {
			// Mesos drops an invalid operation (answering OPERATION_ERROR
			// when the framework asked for feedback) and carries on.
			m.dropOperation(fw, op, err.Error())
		}
	}
	for _, o := range offers {
		m.removeOffer(o)
	}
	if !remaining.IsEmpty() {
		m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_ResourcesRecovered{ResourcesRecovered: &allocator.ResourcesRecovered{
			FrameworkId: fw.id, AgentId: a.id, Resources: remaining.Protos(), Filters: withDefaultRefusal(acc.GetFilters()),
		}}})
		m.allocateSoon()
	}
	return nil
}

// acceptedOffers looks up the offers of an ACCEPT. On error it returns the
// valid ones (to be given back) and Mesos's reason.
func (m *Master) acceptedOffers(fw *framework, ids []*mesospb.OfferID) ([]*offer, string) {
	if len(ids) == 0 {
		return nil, "No offers specified"
	}
	var offers []*offer
	var problem string
	seen := map[string]bool{}
	for _, id := range ids {
		v := id.GetValue()
		o := m.offers[v]
		switch {
		case seen[v]:
			problem = "Duplicate offer " + v + " in the same call"
		case o == nil:
			problem = "Offer " + v + " is no longer valid"
		case o.fw != fw:
			problem = "Offer " + v + " has invalid framework"
		default:
			if len(offers) > 0 && o.agent != offers[0].agent {
				problem = "Aggregated offers must belong to one single agent"
			} else if len(offers) > 0 && o.role != offers[0].role {
				problem = "Aggregated offers must be allocated to the same role"
			}
			offers = append(offers, o)
		}
		seen[v] = true
	}
	return offers, problem
}

func launchedTasks(op *mesospb.Offer_Operation) []*mesospb.TaskInfo {
	switch op.GetType() {
	case mesospb.Offer_Operation_LAUNCH:
		return op.GetLaunch().GetTaskInfos()
	case mesospb.Offer_Operation_LAUNCH_GROUP:
		return op.GetLaunchGroup().GetTaskGroup().GetTasks()
	}
	return nil
}

// rejectLaunchWithID fails the tasks of a LAUNCH or LAUNCH_GROUP that set
// an operation id, with Mesos's messages.
func (m *Master) rejectLaunchWithID(fw *framework, op *mesospb.Offer_Operation) {
	reason := mesospb.TaskStatus_REASON_TASK_INVALID
	if op.GetType() == mesospb.Offer_Operation_LAUNCH_GROUP {
		reason = mesospb.TaskStatus_REASON_TASK_GROUP_INVALID
	}
	message := "The `id` field cannot be set on " + op.GetType().String() + " operations"
	for _, t := range launchedTasks(op) {
		m.metrics.tasksInvalid++
		fw.send(updateEvent(masterStatus(t.GetTaskId(), t.GetAgentId(), mesospb.TaskState_TASK_ERROR, reason, message, m.nowSeconds())))
	}
}

// launchContext is what the operations of one ACCEPT share.
type launchContext struct {
	fw      *framework
	agent   *agent
	role    string
	pending map[string]bool // task ids launched earlier in this call
}

// dropTask tells the framework a task was never launched.
func (m *Master) dropTask(fw *framework, t *mesospb.TaskInfo, reason mesospb.TaskStatus_Reason, message string) {
	state := mesospb.TaskState_TASK_LOST
	if fw.capable(mesospb.FrameworkInfo_Capability_PARTITION_AWARE) {
		state = mesospb.TaskState_TASK_DROPPED
	}
	fw.send(updateEvent(masterStatus(t.GetTaskId(), t.GetAgentId(), state, reason, message, m.nowSeconds())))
}

// rejectTask answers an invalid task with TASK_ERROR, as Mesos does.
func (m *Master) rejectTask(fw *framework, t *mesospb.TaskInfo, err error) {
	m.metrics.tasksInvalid++
	fw.send(updateEvent(masterStatus(t.GetTaskId(), t.GetAgentId(), mesospb.TaskState_TASK_ERROR, mesospb.TaskStatus_REASON_TASK_INVALID, err.Error(), m.nowSeconds())))
}

// normalize brings a framework's message to the master's form: reservations
// in the post-refinement form and allocation_info set to the offer's role
// where the framework left it out. As Mesos (protobuf::injectAllocationInfo
// in Master::accept), this is done for every framework, MULTI_ROLE or not:
// MULTI_ROLE frameworks need not echo the offer's allocation_info, and one
// they did set is kept, to be checked against the offer.
func normalize(lc *launchContext, msg proto.Message) error {
	if err := resources.ConvertMessage(msg, resources.PostRefinement); err != nil {
		return err
	}
	setAllocationRole(msg, lc.role)
	return nil
}

// setAllocationRole sets allocation_info to role on the resources of msg
// that have none.
func setAllocationRole(msg proto.Message, role string) {
	inject := func(r *mesospb.Resource) {
		if r != nil && r.AllocationInfo == nil {
			r.AllocationInfo = &mesospb.Resource_AllocationInfo{Role: proto.String(role)}
		}
	}
	switch v := msg.(type) {
	case *mesospb.TaskInfo:
		for _, r := range v.GetResources() {
			inject(r)
		}
		if v.Executor != nil {
			setAllocationRole(v.Executor, role)
		}
	case *mesospb.ExecutorInfo:
		for _, r := range v.GetResources() {
			inject(r)
		}
	case *mesospb.Offer_Operation:
		for _, list := range [][]*mesospb.Resource{
			v.GetReserve().GetResources(), v.GetUnreserve().GetResources(),
			v.GetCreate().GetVolumes(), v.GetDestroy().GetVolumes(),
			{v.GetGrowVolume().GetVolume(), v.GetGrowVolume().GetAddition(), v.GetShrinkVolume().GetVolume()},
		} {
			for _, r := range list {
				inject(r) // nil: an absent GrowVolume/ShrinkVolume field
			}
		}
	}
}

// launchTasks launches each valid task of a LAUNCH and answers each invalid
// one with TASK_ERROR. It returns what the offers still hold.
func (m *Master) launchTasks(lc *launchContext, infos []*mesospb.TaskInfo, remaining resources.Resources) resources.Resources {
	for _, orig := range infos {
		ti := proto.Clone(orig).(*mesospb.TaskInfo)
		m.decorateTaskResources(ti, remaining)
		taskRes, execRes, err := m.validateTask(lc, ti, remaining)
		if err != nil {
			m.rejectTask(lc.fw, orig, err)
			continue
		}
		m.decorateTaskLabels(lc, ti)
		remaining = remaining.Subtract(taskRes).Subtract(execRes)
		if ti.Executor != nil && m.executorOf(lc, ti.GetExecutor().GetExecutorId().GetValue()) == nil {
			m.addExecutor(lc, ti.GetExecutor(), execRes)
		}
		t := m.newTask(lc, ti, taskRes)
		lc.agent.send(&agentmasterpb.AgentEvent{
			Type:    agentmasterpb.AgentEvent_RUN_TASK.Enum(),
			RunTask: &agentmasterpb.AgentEvent_RunTask{Framework: lc.fw.info, Task: ti},
		})
		m.log.Info("launching task", "framework", lc.fw.id, "task", t.id, "agent", lc.agent.id, "resources", taskRes.String())
	}
	return remaining
}

// launchGroup launches a task group under one executor (the default
// executor), all or nothing.
func (m *Master) launchGroup(lc *launchContext, lg *mesospb.Offer_Operation_LaunchGroup, remaining resources.Resources) resources.Resources {
	exec := proto.Clone(lg.GetExecutor()).(*mesospb.ExecutorInfo)
	group := proto.Clone(lg.GetTaskGroup()).(*mesospb.TaskGroupInfo)
	fail := func(err error) resources.Resources {
		for _, t := range lg.GetTaskGroup().GetTasks() {
			m.rejectTask(lc.fw, t, err)
		}
		return remaining
	}
	if len(group.GetTasks()) == 0 {
		return fail(fmt.Errorf("Task group cannot be empty"))
	}
	if exec.GetType() != mesospb.ExecutorInfo_DEFAULT {
		return fail(fmt.Errorf("'ExecutorInfo.type' must be 'DEFAULT'"))
	}
	if err := normalize(lc, exec); err != nil {
		return fail(err)
	}
	execRes, err := m.executorResources(lc, exec)
	if err != nil {
		return fail(err)
	}
	need := execRes
	taskRes := make([]resources.Resources, len(group.GetTasks()))
	for i, ti := range group.GetTasks() {
		if ti.Executor != nil {
			return fail(fmt.Errorf("Task '%s' should not have 'ExecutorInfo' set in a task group", ti.GetTaskId().GetValue()))
		}
		r, err := m.validateTaskCommon(lc, ti)
		if err != nil {
			return fail(err)
		}
		lc.pending[ti.GetTaskId().GetValue()] = true
		taskRes[i] = r
		need = need.Add(r)
	}
	if !remaining.Contains(need) {
		return fail(fmt.Errorf("Task group uses more resources %s than available %s", need, remaining))
	}
	remaining = remaining.Subtract(need)
	if m.executorOf(lc, exec.GetExecutorId().GetValue()) == nil {
		m.addExecutor(lc, exec, execRes)
	}
	for i, ti := range group.GetTasks() {
		ti.Executor = exec
		m.newTask(lc, ti, taskRes[i])
		ti.Executor = nil
	}
	lc.agent.send(&agentmasterpb.AgentEvent{
		Type:         agentmasterpb.AgentEvent_RUN_TASK_GROUP.Enum(),
		RunTaskGroup: &agentmasterpb.AgentEvent_RunTaskGroup{Framework: lc.fw.info, Executor: exec, TaskGroup: group},
	})
	return remaining
}

// validateTask checks a task of a LAUNCH (Mesos's task validation) and
// returns its resources and those of a new executor it brings.
func (m *Master) validateTask(lc *launchContext, ti *mesospb.TaskInfo, remaining resources.Resources) (taskRes, execRes resources.Resources, err error) {
	if (ti.Command == nil) == (ti.Executor == nil) {
		return taskRes, execRes, fmt.Errorf("Task should have at least one (but not both) of CommandInfo or ExecutorInfo present")
	}
	taskRes, err = m.validateTaskCommon(lc, ti)
	if err != nil {
		return taskRes, execRes, err
	}
	if ti.Executor != nil {
		if execRes, err = m.executorResources(lc, ti.GetExecutor()); err != nil {
			return taskRes, execRes, err
		}
	}
	if need := taskRes.Add(execRes); !remaining.Contains(need) {
		return taskRes, execRes, fmt.Errorf("Task uses more resources %s than available %s", need, remaining)
	}
	lc.pending[ti.GetTaskId().GetValue()] = true
	return taskRes, execRes, nil
}

// validateTaskCommon is what every task is checked for, alone or in a group.
func (m *Master) validateTaskCommon(lc *launchContext, ti *mesospb.TaskInfo) (resources.Resources, error) {
	id := ti.GetTaskId().GetValue()
	if err := validateID(id); err != nil {
		return resources.Resources{}, fmt.Errorf("Task ID '%s' is invalid: %w", id, err)
	}
	if lc.fw.tasks[id] != nil || lc.pending[id] {
		return resources.Resources{}, fmt.Errorf("Task has duplicate ID: %s", id)
	}
	if ti.GetAgentId().GetValue() != lc.agent.id {
		return resources.Resources{}, fmt.Errorf("Task uses invalid agent: %s", ti.GetAgentId().GetValue())
	}
	if err := normalize(lc, ti); err != nil {
		return resources.Resources{}, fmt.Errorf("Task uses invalid resources: %w", err)
	}
	r, err := resources.FromProtos(ti.GetResources())
	if err != nil {
		return resources.Resources{}, fmt.Errorf("Task uses invalid resources: %w", err)
	}
	if err := allocatedToSingleRole(ti.GetResources()); err != nil {
		return resources.Resources{}, fmt.Errorf("Invalid task resources: %w", err)
	}
	if gp := ti.GetKillPolicy().GetGracePeriod(); gp != nil && gp.GetNanoseconds() < 0 {
		return resources.Resources{}, fmt.Errorf("Task's 'kill_policy.grace_period' must be non-negative")
	}
	return r, nil
}

// executorResources checks a task's executor: a running executor of that id
// must be the same one; a new one's resources are returned.
func (m *Master) executorResources(lc *launchContext, e *mesospb.ExecutorInfo) (resources.Resources, error) {
	id := e.GetExecutorId().GetValue()
	if err := validateID(id); err != nil {
		return resources.Resources{}, fmt.Errorf("Executor ID '%s' is invalid: %w", id, err)
	}
	if fid := e.GetFrameworkId().GetValue(); fid != "" && fid != lc.fw.id {
		return resources.Resources{}, fmt.Errorf("ExecutorInfo has an invalid FrameworkID (Actual: %s vs Expected: %s)", fid, lc.fw.id)
	}
	if existing := m.executorOf(lc, id); existing != nil {
		if !proto.Equal(withoutFrameworkID(existing), withoutFrameworkID(e)) {
			return resources.Resources{}, fmt.Errorf("ExecutorInfo is not compatible with ExecutorInfo of the running executor %s", id)
		}
		return resources.Resources{}, nil
	}
	if err := normalize(lc, e); err != nil {
		return resources.Resources{}, fmt.Errorf("Executor uses invalid resources: %w", err)
	}
	r, err := resources.FromProtos(e.GetResources())
	if err != nil {
		return resources.Resources{}, fmt.Errorf("Executor uses invalid resources: %w", err)
	}
	if err := allocatedToSingleRole(e.GetResources()); err != nil {
		return resources.Resources{}, fmt.Errorf("Invalid executor resources: %w", err)
	}
	return r, nil
}

func withoutFrameworkID(e *mesospb.ExecutorInfo) *mesospb.ExecutorInfo {
	c := proto.Clone(e).(*mesospb.ExecutorInfo)
	c.FrameworkId = nil
	return c
}

func (m *Master) executorOf(lc *launchContext, id string) *mesospb.ExecutorInfo {
	return lc.agent.executors[lc.fw.id][id]
}

func (m *Master) addExecutor(lc *launchContext, e *mesospb.ExecutorInfo, r resources.Resources) {
	if e.FrameworkId == nil {
		e.FrameworkId = frameworkIDProto(lc.fw.id)
	}
	lc.agent.addExecutor(lc.fw.id, e)
	if lc.fw.executors[lc.agent.id] == nil {
		lc.fw.executors[lc.agent.id] = map[string]*mesospb.ExecutorInfo{}
	}
	lc.fw.executors[lc.agent.id][e.GetExecutorId().GetValue()] = e
	if !r.IsEmpty() {
		lc.agent.addUsed(lc.fw.id, r)
	}
}

// newTask records a launched task in TASK_STAGING.
func (m *Master) newTask(lc *launchContext, ti *mesospb.TaskInfo, r resources.Resources) *task {
	info := &mesospb.Task{
		Name:        ti.Name,
		TaskId:      ti.TaskId,
		FrameworkId: frameworkIDProto(lc.fw.id),
		AgentId:     agentIDProto(lc.agent.id),
		State:       mesospb.TaskState_TASK_STAGING.Enum(),
		Resources:   ti.Resources,
		Labels:      ti.Labels,
		Discovery:   ti.Discovery,
		Container:   ti.Container,
		HealthCheck: ti.HealthCheck,
		KillPolicy:  ti.KillPolicy,
		Limits:      ti.Limits,
	}
	if ti.Executor != nil {
		info.ExecutorId = ti.GetExecutor().GetExecutorId()
	}
	if u := ti.GetCommand().GetUser(); u != "" {
		info.User = proto.String(u)
	} else if u := lc.fw.info.GetUser(); u != "" {
		info.User = proto.String(u)
	}
	t := &task{id: ti.GetTaskId().GetValue(), agentID: lc.agent.id, info: info, resources: r}
	m.addTask(lc.fw, lc.agent, t)
	m.metrics.tasksLaunched++
	m.publishTaskAdded(t)
	return t
}

// validateID applies Mesos's rules for framework-chosen ids: not empty, no
// '/', not '.' or '..', no control characters.
func validateID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("ID must not be empty")
	case id == "." || id == "..":
		return fmt.Errorf("'.' and '..' are disallowed")
	}
	for _, c := range id {
		if c == '/' || c == '\\' || c < 0x20 || c == 0x7f {
			return fmt.Errorf("'/', '\\' and control characters are disallowed")
		}
	}
	return nil
}
