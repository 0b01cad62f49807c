package agent

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// serveOperator is the agent's v1 operator API, POST /api/v1
// (operator-http-api.md, agent calls).
func (a *Agent) serveOperator(w http.ResponseWriter, r *http.Request) {
	if ct := r.Header.Get("Content-Type"); strings.HasPrefix(ct, mediaRecordIO) {
		// Only ATTACH_CONTAINER_INPUT streams its request.
		a.serveAttachInput(w, r)
		return
	}
	var call agentpb.Call
	if _, err := httpapi.DecodeRequest(r, &call, 0); err != nil {
		httpapi.WriteError(w, err)
		return
	}
	if err := validateOperatorCall(&call); err != nil {
		http.Error(w, "Failed to validate agent::Call: "+err.Error(), http.StatusBadRequest)
		return
	}
	if err := a.authorizeOperatorCall(r.Context(), &call); err != nil {
		writeOperatorError(w, err)
		return
	}
	var view *agentView
	switch call.GetType() {
	case agentpb.Call_LAUNCH_NESTED_CONTAINER_SESSION, agentpb.Call_ATTACH_CONTAINER_OUTPUT:
		// Streaming answers negotiate their own encoding.
		a.serveContainerCall(w, r, httpapi.JSON, &call)
		return
	}
	codec, err := httpapi.ResponseCodec(r.Header)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	var resp *agentpb.Response
	switch call.GetType() {
	case agentpb.Call_GET_HEALTH:
		resp = &agentpb.Response{GetHealth: &agentpb.Response_GetHealth{Healthy: proto.Bool(true)}}
	case agentpb.Call_GET_FLAGS:
		resp = &agentpb.Response{GetFlags: &agentpb.Response_GetFlags{Flags: a.flagProtos()}}
	case agentpb.Call_GET_VERSION:
		resp = &agentpb.Response{GetVersion: &agentpb.Response_GetVersion{VersionInfo: a.versionInfo()}}
	case agentpb.Call_GET_LOGGING_LEVEL:
		resp = &agentpb.Response{GetLoggingLevel: &agentpb.Response_GetLoggingLevel{Level: proto.Uint32(a.verbosity.Level())}}
	case agentpb.Call_SET_LOGGING_LEVEL:
		if err := a.call(r.Context(), func() { a.setLoggingLevel(call.GetSetLoggingLevel()) }); err != nil {
			writeOperatorError(w, err)
			return
		}
		w.WriteHeader(http.StatusOK)
		return
	case agentpb.Call_GET_METRICS:
		resp, err = a.getMetrics(r)
	case agentpb.Call_GET_STATE:
		view, err = a.withView(r.Context(), func() {
			resp = &agentpb.Response{GetState: &agentpb.Response_GetState{
				GetTasks: a.getTasks(), GetExecutors: a.getExecutors(), GetFrameworks: a.getFrameworks(),
			}}
		})
	case agentpb.Call_GET_FRAMEWORKS:
		view, err = a.withView(r.Context(), func() { resp = &agentpb.Response{GetFrameworks: a.getFrameworks()} })
	case agentpb.Call_GET_EXECUTORS:
		view, err = a.withView(r.Context(), func() { resp = &agentpb.Response{GetExecutors: a.getExecutors()} })
	case agentpb.Call_GET_TASKS:
		view, err = a.withView(r.Context(), func() { resp = &agentpb.Response{GetTasks: a.getTasks()} })
	case agentpb.Call_GET_AGENT:
		err = a.call(r.Context(), func() {
			resp = &agentpb.Response{GetAgent: &agentpb.Response_GetAgent{AgentInfo: proto.Clone(a.info).(*mesospb.AgentInfo)}}
		})
	case agentpb.Call_GET_CONTAINERS:
		if view, err = a.withView(r.Context(), func() {}); err == nil {
			resp, err = a.getContainers(r)
		}
	case agentpb.Call_GET_OPERATIONS:
		var ops []*mesospb.Operation
		if ops, err = a.viewOperations(r.Context()); err == nil {
			resp = &agentpb.Response{GetOperations: &agentpb.Response_GetOperations{Operations: ops}}
		}
	case agentpb.Call_GET_RESOURCE_PROVIDERS:
		resp = &agentpb.Response{GetResourceProviders: &agentpb.Response_GetResourceProviders{}}
	case agentpb.Call_LIST_FILES:
		resp, err = a.listFiles(r.Context(), call.GetListFiles().GetPath())
	case agentpb.Call_READ_FILE:
		rf := call.GetReadFile()
		resp, err = a.readFile(r.Context(), rf.GetPath(), rf.GetOffset(), rf.Length)
	default:
		a.serveContainerCall(w, r, codec, &call)
		return
	}
	if err != nil {
		var oe *operatorError
		if errors.As(err, &oe) {
			http.Error(w, oe.msg, oe.status)
			return
		}
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	view.filter(resp)
	resp.Type = responseType(call.GetType()).Enum()
	if err := httpapi.WriteMessage(w, codec, resp); err != nil {
		a.log.Debug("failed to write operator response", "error", err)
	}
}

// operatorError is an operator call's failure with its HTTP status.
type operatorError struct {
	status int
	msg    string
}

func (e *operatorError) Error() string { return e.msg }

// validateOperatorCall checks that a call carries what its type needs.
func validateOperatorCall(c *agentpb.Call) error {
	if c.Type == nil {
		return errors.New("Expecting 'type' to be present")
	}
	need := func(present bool, field string) error {
		if !present {
			return fmt.Errorf("Expecting '%s' to be present", field)
		}
		return nil
	}
	switch c.GetType() {
	case agentpb.Call_SET_LOGGING_LEVEL:
		if err := need(c.SetLoggingLevel != nil, "set_logging_level"); err != nil {
			return err
		}
		if err := need(c.SetLoggingLevel.Level != nil, "set_logging_level.level"); err != nil {
			return err
		}
		return need(c.SetLoggingLevel.Duration != nil, "set_logging_level.duration")
	case agentpb.Call_LIST_FILES:
		return need(c.ListFiles != nil, "list_files")
	case agentpb.Call_READ_FILE:
		return need(c.ReadFile != nil, "read_file")
	case agentpb.Call_LAUNCH_NESTED_CONTAINER:
		return need(c.LaunchNestedContainer != nil, "launch_nested_container")
	case agentpb.Call_WAIT_NESTED_CONTAINER:
		return need(c.WaitNestedContainer != nil, "wait_nested_container")
	case agentpb.Call_KILL_NESTED_CONTAINER:
		return need(c.KillNestedContainer != nil, "kill_nested_container")
	case agentpb.Call_REMOVE_NESTED_CONTAINER:
		return need(c.RemoveNestedContainer != nil, "remove_nested_container")
	case agentpb.Call_LAUNCH_NESTED_CONTAINER_SESSION:
		return need(c.LaunchNestedContainerSession != nil, "launch_nested_container_session")
	case agentpb.Call_ATTACH_CONTAINER_INPUT:
		return need(c.AttachContainerInput != nil, "attach_container_input")
	case agentpb.Call_ATTACH_CONTAINER_OUTPUT:
		return need(c.AttachContainerOutput != nil, "attach_container_output")
	case agentpb.Call_LAUNCH_CONTAINER:
		return need(c.LaunchContainer != nil, "launch_container")
	case agentpb.Call_WAIT_CONTAINER:
		return need(c.WaitContainer != nil, "wait_container")
	case agentpb.Call_KILL_CONTAINER:
		return need(c.KillContainer != nil, "kill_container")
	case agentpb.Call_REMOVE_CONTAINER:
		return need(c.RemoveContainer != nil, "remove_container")
	}
	return nil
}

// responseType is the Response type of each call type answered with data.
func responseType(t agentpb.Call_Type) agentpb.Response_Type {
	switch t {
	case agentpb.Call_GET_HEALTH:
		return agentpb.Response_GET_HEALTH
	case agentpb.Call_GET_FLAGS:
		return agentpb.Response_GET_FLAGS
	case agentpb.Call_GET_VERSION:
		return agentpb.Response_GET_VERSION
	case agentpb.Call_GET_METRICS:
		return agentpb.Response_GET_METRICS
	case agentpb.Call_GET_LOGGING_LEVEL:
		return agentpb.Response_GET_LOGGING_LEVEL
	case agentpb.Call_LIST_FILES:
		return agentpb.Response_LIST_FILES
	case agentpb.Call_READ_FILE:
		return agentpb.Response_READ_FILE
	case agentpb.Call_GET_STATE:
		return agentpb.Response_GET_STATE
	case agentpb.Call_GET_CONTAINERS:
		return agentpb.Response_GET_CONTAINERS
	case agentpb.Call_GET_FRAMEWORKS:
		return agentpb.Response_GET_FRAMEWORKS
	case agentpb.Call_GET_EXECUTORS:
		return agentpb.Response_GET_EXECUTORS
	case agentpb.Call_GET_TASKS:
		return agentpb.Response_GET_TASKS
	case agentpb.Call_GET_AGENT:
		return agentpb.Response_GET_AGENT
	case agentpb.Call_GET_OPERATIONS:
		return agentpb.Response_GET_OPERATIONS
	case agentpb.Call_GET_RESOURCE_PROVIDERS:
		return agentpb.Response_GET_RESOURCE_PROVIDERS
	case agentpb.Call_WAIT_NESTED_CONTAINER:
		return agentpb.Response_WAIT_NESTED_CONTAINER
	case agentpb.Call_WAIT_CONTAINER:
		return agentpb.Response_WAIT_CONTAINER
	}
	return agentpb.Response_UNKNOWN
}

func (a *Agent) flagProtos() []*mesospb.Flag {
	var out []*mesospb.Flag
	for _, name := range a.sortedFlagNames() {
		out = append(out, &mesospb.Flag{Name: proto.String(name), Value: proto.String(a.cfg.Flags[name])})
	}
	return out
}

func (a *Agent) getMetrics(r *http.Request) (*agentpb.Response, error) {
	var m map[string]float64
	if err := a.call(r.Context(), func() { m = a.metricsSnapshot() }); err != nil {
		return nil, err
	}
	resp := &agentpb.Response_GetMetrics{}
	for _, name := range sortedKeys(m) {
		resp.Metrics = append(resp.Metrics, &mesospb.Metric{Name: proto.String(name), Value: proto.Float64(m[name])})
	}
	return &agentpb.Response{GetMetrics: resp}, nil
}

// getFrameworks is GET_FRAMEWORKS. Called on the loop.
func (a *Agent) getFrameworks() *agentpb.Response_GetFrameworks {
	out := &agentpb.Response_GetFrameworks{}
	for _, fw := range a.sortedFrameworks() {
		out.Frameworks = append(out.Frameworks, &agentpb.Response_GetFrameworks_Framework{FrameworkInfo: frameworkInfoWithID(fw)})
	}
	for _, fw := range a.completedFrameworks {
		out.CompletedFrameworks = append(out.CompletedFrameworks, &agentpb.Response_GetFrameworks_Framework{FrameworkInfo: frameworkInfoWithID(fw)})
	}
	return out
}

// getExecutors is GET_EXECUTORS. Called on the loop.
func (a *Agent) getExecutors() *agentpb.Response_GetExecutors {
	out := &agentpb.Response_GetExecutors{}
	for _, fw := range a.sortedFrameworks() {
		for _, e := range sortedExecutors(fw.executors) {
			out.Executors = append(out.Executors, &agentpb.Response_GetExecutors_Executor{ExecutorInfo: proto.Clone(e.info).(*mesospb.ExecutorInfo)})
		}
		for _, e := range fw.completedExecutors {
			out.CompletedExecutors = append(out.CompletedExecutors, &agentpb.Response_GetExecutors_Executor{ExecutorInfo: proto.Clone(e.info).(*mesospb.ExecutorInfo)})
		}
	}
	for _, fw := range a.completedFrameworks {
		for _, e := range fw.completedExecutors {
			out.CompletedExecutors = append(out.CompletedExecutors, &agentpb.Response_GetExecutors_Executor{ExecutorInfo: proto.Clone(e.info).(*mesospb.ExecutorInfo)})
		}
	}
	return out
}

// getTasks is GET_TASKS. Called on the loop.
func (a *Agent) getTasks() *agentpb.Response_GetTasks {
	out := &agentpb.Response_GetTasks{}
	clone := func(t *task) *mesospb.Task { return proto.Clone(t.proto).(*mesospb.Task) }
	add := func(fw *framework, live bool) {
		for _, e := range sortedExecutors(fw.executors) {
			if live {
				for _, q := range e.queued {
					for _, ti := range q.list {
						out.QueuedTasks = append(out.QueuedTasks, e.taskProto(ti, a.agentIDProto(), mesospb.TaskState_TASK_STAGING))
					}
				}
			}
			for _, t := range sortedTasks(e.launched) {
				out.LaunchedTasks = append(out.LaunchedTasks, clone(t))
			}
			for _, t := range sortedTasks(e.terminated) {
				out.TerminatedTasks = append(out.TerminatedTasks, clone(t))
			}
			for _, t := range e.completed {
				out.CompletedTasks = append(out.CompletedTasks, clone(t))
			}
		}
		for _, e := range fw.completedExecutors {
			for _, t := range e.completed {
				out.CompletedTasks = append(out.CompletedTasks, clone(t))
			}
			for _, t := range sortedTasks(e.terminated) {
				out.CompletedTasks = append(out.CompletedTasks, clone(t))
			}
		}
	}
	for _, fw := range a.sortedFrameworks() {
		add(fw, true)
	}
	for _, fw := range a.completedFrameworks {
		add(fw, false)
	}
	return out
}

// getContainers is GET_CONTAINERS: every executor container with its
// status and statistics.
func (a *Agent) getContainers(r *http.Request) (*agentpb.Response, error) {
	var targets []usageTarget
	if err := a.call(r.Context(), func() { targets = a.usageTargets() }); err != nil {
		return nil, err
	}
	stats := a.usages(r.Context(), targets)
	out := &agentpb.Response_GetContainers{}
	for i, t := range targets {
		c := &agentpb.Response_GetContainers_Container{
			FrameworkId:        &mesospb.FrameworkID{Value: proto.String(t.frameworkID)},
			ExecutorId:         &mesospb.ExecutorID{Value: proto.String(t.executorID)},
			ExecutorName:       proto.String(t.name),
			ContainerId:        proto.Clone(t.containerID).(*mesospb.ContainerID),
			ResourceStatistics: stats[i],
		}
		if t.status != nil {
			c.ContainerStatus = proto.Clone(t.status).(*mesospb.ContainerStatus)
		}
		out.Containers = append(out.Containers, c)
	}
	return &agentpb.Response{GetContainers: out}, nil
}

func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
