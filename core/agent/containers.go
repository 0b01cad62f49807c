package agent

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/containerizer"
	"github.com/gomesos/mesos/core/agent/sandbox"
	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// nestedContainer is a container an operator or executor launched below
// an executor's container (the nested container calls of the operator
// API). The containerizer does not tie a nested container's life to its
// parent's, so the agent destroys them with their executor.
type nestedContainer struct {
	id          *mesospb.ContainerID
	key         string
	frameworkID string
	executorID  string
	dir         string
	launched    bool
	terminated  bool
}

// containerKey names a container as Mesos prints it (parent.child).
func containerKey(id *mesospb.ContainerID) string {
	if id.GetParent() != nil {
		return containerKey(id.GetParent()) + "." + id.GetValue()
	}
	return id.GetValue()
}

// rootOf is the top-level container of a chain.
func rootOf(id *mesospb.ContainerID) *mesospb.ContainerID {
	for id.GetParent() != nil {
		id = id.GetParent()
	}
	return id
}

// serveContainerCall handles the operator calls on (nested) containers.
func (a *Agent) serveContainerCall(w http.ResponseWriter, r *http.Request, codec httpapi.Codec, call *agentpb.Call) {
	var err error
	switch call.GetType() {
	case agentpb.Call_LAUNCH_NESTED_CONTAINER:
		c := call.GetLaunchNestedContainer()
		err = a.launchNested(r.Context(), c.GetContainerId(), c.GetCommand(), c.GetContainer(), isolator.ContainerClass_CONTAINER_CLASS_DEFAULT, false)
	case agentpb.Call_LAUNCH_CONTAINER:
		c := call.GetLaunchContainer()
		if c.GetContainerId().GetParent() == nil {
			err = &operatorError{status: http.StatusBadRequest, msg: "Standalone containers are not supported: give the container a parent"}
			break
		}
		err = a.launchNested(r.Context(), c.GetContainerId(), c.GetCommand(), c.GetContainer(), isolator.ContainerClass_CONTAINER_CLASS_DEFAULT, false)
	case agentpb.Call_WAIT_NESTED_CONTAINER, agentpb.Call_WAIT_CONTAINER:
		a.serveWaitContainer(w, r, codec, call)
		return
	case agentpb.Call_KILL_NESTED_CONTAINER:
		c := call.GetKillNestedContainer()
		err = a.killNested(r.Context(), c.GetContainerId(), c.GetSignal())
	case agentpb.Call_KILL_CONTAINER:
		c := call.GetKillContainer()
		err = a.killNested(r.Context(), c.GetContainerId(), c.GetSignal())
	case agentpb.Call_REMOVE_NESTED_CONTAINER:
		err = a.removeNested(r.Context(), call.GetRemoveNestedContainer().GetContainerId())
	case agentpb.Call_REMOVE_CONTAINER:
		err = a.removeNested(r.Context(), call.GetRemoveContainer().GetContainerId())
	case agentpb.Call_LAUNCH_NESTED_CONTAINER_SESSION:
		a.serveSession(w, r, call.GetLaunchNestedContainerSession())
		return
	case agentpb.Call_ATTACH_CONTAINER_OUTPUT:
		a.serveAttachOutput(w, r, call.GetAttachContainerOutput().GetContainerId())
		return
	case agentpb.Call_ATTACH_CONTAINER_INPUT:
		err = &operatorError{status: http.StatusBadRequest,
			msg: "ATTACH_CONTAINER_INPUT streams its request: expecting 'Content-Type: " + mediaRecordIO + "'"}
	default:
		err = &operatorError{status: http.StatusNotImplemented, msg: "Call " + call.GetType().String() + " is not supported by this agent"}
	}
	if err != nil {
		writeOperatorError(w, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func writeOperatorError(w http.ResponseWriter, err error) {
	var oe *operatorError
	if errors.As(err, &oe) && oe.status == http.StatusAccepted {
		w.WriteHeader(http.StatusAccepted)
		return
	}
	if errors.As(err, &oe) {
		http.Error(w, oe.msg, oe.status)
		return
	}
	http.Error(w, err.Error(), http.StatusServiceUnavailable)
}

var errAccepted = errors.New("container already exists")

// launchNested launches a nested container in the sandbox of its parent,
// <parent sandbox>/containers/<id>. A container that exists already is
// answered 202, as in Mesos.
//
// withInput gives it a stdin for ATTACH_CONTAINER_INPUT (sessions).
func (a *Agent) launchNested(ctx context.Context, id *mesospb.ContainerID, cmd *mesospb.CommandInfo, info *mesospb.ContainerInfo, class isolator.ContainerClass, withInput bool) error {
	n, cfg, env, err := a.prepareNested(ctx, id, cmd, info, class)
	if errors.Is(err, errAccepted) {
		return &operatorError{status: http.StatusAccepted, msg: ""}
	}
	if err != nil {
		return err
	}
	if err := sandbox.CreateSandboxDir(n.dir, cfg.GetUser()); err == nil {
		err = a.containerizer.Launch(a.runCtx, id, containerizer.LaunchRequest{Config: cfg, Environment: env, Input: withInput})
		if err == nil {
			a.post(func() { n.launched = true })
			go func() {
				_, _ = a.containerizer.Wait(a.runCtx, id)
				a.post(func() { n.terminated = true })
			}()
			return nil
		}
		a.post(func() { delete(a.nested, n.key) })
		return &operatorError{status: http.StatusInternalServerError, msg: "Failed to launch container: " + err.Error()}
	} else {
		a.post(func() { delete(a.nested, n.key) })
		return &operatorError{status: http.StatusInternalServerError, msg: "Failed to create the container's sandbox: " + err.Error()}
	}
}

// prepareNested checks a launch on the loop and records the container.
func (a *Agent) prepareNested(ctx context.Context, id *mesospb.ContainerID, cmd *mesospb.CommandInfo, info *mesospb.ContainerInfo, class isolator.ContainerClass) (*nestedContainer, *isolator.ContainerConfig, map[string]string, error) {
	if id.GetParent() == nil {
		return nil, nil, nil, &operatorError{status: http.StatusBadRequest, msg: "Expecting 'container_id.parent' to be present"}
	}
	if err := sandbox.ValidateContainerIDChain(id); err != nil {
		return nil, nil, nil, &operatorError{status: http.StatusBadRequest, msg: err.Error()}
	}
	if cmd.GetValue() == "" {
		return nil, nil, nil, &operatorError{status: http.StatusBadRequest, msg: "Expecting 'command.value' to be present"}
	}
	if err := containerizer.ValidateTTYInfo(info.GetTtyInfo()); err != nil {
		return nil, nil, nil, &operatorError{status: http.StatusBadRequest, msg: "Invalid 'container.tty_info': " + err.Error()}
	}
	var n *nestedContainer
	var cfg *isolator.ContainerConfig
	var env map[string]string
	var opErr error
	if err := a.call(ctx, func() {
		key := containerKey(id)
		if a.nested[key] != nil {
			opErr = errAccepted
			return
		}
		e := a.executorOfContainer(rootOf(id))
		if e == nil || e.state == executorTerminated || e.state == executorTerminating {
			opErr = &operatorError{status: http.StatusBadRequest, msg: "Unable to locate the running parent container of " + key}
			return
		}
		if id.GetParent().GetParent() != nil && a.nested[containerKey(id.GetParent())] == nil {
			opErr = &operatorError{status: http.StatusBadRequest, msg: "Unable to locate the parent container of " + key}
			return
		}
		dir := e.directory
		var chain []string
		for c := id; c.GetParent() != nil; c = c.GetParent() {
			chain = append([]string{c.GetValue()}, chain...)
		}
		for _, c := range chain {
			dir = filepath.Join(dir, sandbox.ContainersDir, c)
		}
		n = &nestedContainer{id: proto.Clone(id).(*mesospb.ContainerID), key: key, frameworkID: e.frameworkID, executorID: e.id, dir: dir}
		a.nested[key] = n
		user := e.user
		if u := cmd.GetUser(); u != "" && a.cfg.SwitchUser {
			user = u
		}
		cfg = &isolator.ContainerConfig{
			CommandInfo: cmd, ContainerInfo: info, Directory: dir, User: user, ContainerClass: class,
		}
		env = map[string]string{"MESOS_SANDBOX": dir}
		if v, ok := a.lookupEnv("PATH"); ok {
			env["PATH"] = v
		}
	}); err != nil {
		return nil, nil, nil, err
	}
	return n, cfg, env, opErr
}

// lookupEnv finds a variable of the agent's environment.
func (a *Agent) lookupEnv(name string) (string, bool) {
	for _, kv := range a.cfg.Env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			return v, true
		}
	}
	return "", false
}

// executorOfContainer finds the executor whose container id is given.
func (a *Agent) executorOfContainer(id *mesospb.ContainerID) *executor {
	for _, fw := range a.frameworks {
		for _, e := range fw.executors {
			if e.containerID.GetValue() == id.GetValue() {
				return e
			}
		}
	}
	return nil
}

// nestedOf checks that a call names a known nested container.
func (a *Agent) nestedOf(ctx context.Context, id *mesospb.ContainerID) (*nestedContainer, error) {
	var n *nestedContainer
	if err := a.call(ctx, func() { n = a.nested[containerKey(id)] }); err != nil {
		return nil, err
	}
	if n == nil {
		return nil, &operatorError{status: http.StatusNotFound, msg: "Container " + containerKey(id) + " cannot be found"}
	}
	return n, nil
}

// killNested destroys a nested container (no signal, or SIGKILL) or
// signals its processes: the container's supervisor passes SIGTERM,
// SIGINT and SIGQUIT on to its command.
func (a *Agent) killNested(ctx context.Context, id *mesospb.ContainerID, signal int32) error {
	n, err := a.nestedOf(ctx, id)
	if err != nil {
		return err
	}
	if signal == 0 || syscall.Signal(signal) == syscall.SIGKILL {
		go func() { _, _ = a.containerizer.Destroy(a.runCtx, n.id) }()
		return nil
	}
	status, err := a.containerizer.Status(ctx, n.id)
	if err != nil || status.GetExecutorPid() == 0 {
		return &operatorError{status: http.StatusNotFound, msg: "Container " + n.key + " is not running"}
	}
	if err := syscall.Kill(int(status.GetExecutorPid()), syscall.Signal(signal)); err != nil {
		return &operatorError{status: http.StatusInternalServerError, msg: fmt.Sprintf("Failed to send signal %d to container %s: %v", signal, n.key, err)}
	}
	return nil
}

// removeNested removes a terminated nested container's sandbox.
func (a *Agent) removeNested(ctx context.Context, id *mesospb.ContainerID) error {
	n, err := a.nestedOf(ctx, id)
	if err != nil {
		return err
	}
	if _, running := a.containerizer.State(n.id); running {
		return &operatorError{status: http.StatusBadRequest, msg: "Container " + n.key + " has not terminated"}
	}
	if err := os.RemoveAll(n.dir); err != nil {
		return &operatorError{status: http.StatusInternalServerError, msg: "Failed to remove the container's sandbox: " + err.Error()}
	}
	return a.call(ctx, func() { delete(a.nested, n.key) })
}

// serveWaitContainer answers once the container has terminated.
func (a *Agent) serveWaitContainer(w http.ResponseWriter, r *http.Request, codec httpapi.Codec, call *agentpb.Call) {
	id := call.GetWaitNestedContainer().GetContainerId()
	if call.GetType() == agentpb.Call_WAIT_CONTAINER {
		id = call.GetWaitContainer().GetContainerId()
	}
	n, err := a.nestedOf(r.Context(), id)
	if err != nil {
		writeOperatorError(w, err)
		return
	}
	term, err := a.containerizer.Wait(r.Context(), n.id)
	if err != nil {
		writeOperatorError(w, &operatorError{status: http.StatusNotFound, msg: "Container " + n.key + " cannot be found: " + err.Error()})
		return
	}
	var exit *int32
	if term.Status.Known {
		exit = proto.Int32(int32(term.Status.WaitStatus))
	}
	var state *mesospb.TaskState
	var reason *mesospb.TaskStatus_Reason
	if term.State != nil {
		state = term.State
	}
	if len(term.Reasons) > 0 {
		reason = term.Reasons[0].Enum()
	}
	var message *string
	if term.Message != "" {
		message = proto.String(term.Message)
	}
	resp := &agentpb.Response{}
	if call.GetType() == agentpb.Call_WAIT_CONTAINER {
		resp.Type = agentpb.Response_WAIT_CONTAINER.Enum()
		resp.WaitContainer = &agentpb.Response_WaitContainer{ExitStatus: exit, State: state, Reason: reason, Message: message}
	} else {
		resp.Type = agentpb.Response_WAIT_NESTED_CONTAINER.Enum()
		resp.WaitNestedContainer = &agentpb.Response_WaitNestedContainer{ExitStatus: exit, State: state, Reason: reason, Message: message}
	}
	if err := httpapi.WriteMessage(w, codec, resp); err != nil {
		a.log.Debug("failed to write WAIT response", "error", err)
	}
}

// destroyNestedOf destroys the nested containers of an executor.
func (a *Agent) destroyNestedOf(e *executor) {
	for key, n := range a.nested {
		if n.frameworkID == e.frameworkID && n.executorID == e.id {
			delete(a.nested, key)
			if !n.terminated {
				id := n.id
				a.nestedDestroys.Go(func() { _, _ = a.containerizer.Destroy(context.Background(), id) })
			}
		}
	}
}

// recoverNested registers the nested containers the containerizer
// recovered under their executors.
func (a *Agent) recoverNested(ctx context.Context) {
	for _, id := range a.containerizer.Containers() {
		if id.GetParent() == nil {
			continue
		}
		e := a.executorOfContainer(rootOf(id))
		if e == nil {
			continue
		}
		dir := e.directory
		var chain []string
		for c := id; c.GetParent() != nil; c = c.GetParent() {
			chain = append([]string{c.GetValue()}, chain...)
		}
		for _, c := range chain {
			dir = filepath.Join(dir, sandbox.ContainersDir, c)
		}
		n := &nestedContainer{id: id, key: containerKey(id), frameworkID: e.frameworkID, executorID: e.id, dir: dir, launched: true}
		a.nested[n.key] = n
		go func() {
			_, _ = a.containerizer.Wait(ctx, id)
			a.post(func() { n.terminated = true })
		}()
	}
}
