package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os/user"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/flags"
	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/jsoncodec"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/core/schedulerclient"
	"github.com/gomesos/mesos/core/zk"
)

// defaultExecutorResources is what mesos-execute gives the default
// executor of a task group (Mesos's execute.cpp uses the same).
const defaultExecutorResources = "cpus:0.1;mem:32;disk:32"

// job is what mesos-execute launches: one task, or a task group under the
// default executor.
type job struct {
	tasks    []*mesospb.TaskInfo
	executor *mesospb.ExecutorInfo // set for a task group
	needed   resources.Resources   // allocated to the role
}

// execute runs the job to its end and returns the exit status: 0 when
// every task finished (TASK_FINISHED), 1 otherwise.
func execute(ctx context.Context, f *executeFlags, fs *flags.FlagSet, out io.Writer, logger *slog.Logger) (int, error) {
	codec := httpapi.JSON
	if f.ContentType == "protobuf" {
		codec = httpapi.Protobuf
	}
	j, err := buildJob(f)
	if err != nil {
		return 1, err
	}
	info, err := frameworkInfo(f)
	if err != nil {
		return 1, err
	}
	cfg := schedulerclient.Config{Master: f.Master, Codec: codec, Logger: logger}
	if f.Principal != "" && fs.Lookup("secret").IsSet() {
		// Mesos's scheduler library authenticates with the credential
		// (HTTP basic, the default HTTP framework authenticator).
		cfg.HTTP = basicAuthClient(f.Principal, f.Secret)
	}
	if strings.HasPrefix(f.Master, zk.Scheme) {
		d, err := schedulerclient.NewDetector(f.Master, logger)
		if err != nil {
			return 1, fmt.Errorf("--master: %w", err)
		}
		defer func() {
			cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = d.Close(cctx)
		}()
		cfg.Detector = d
		if info.FailoverTimeout == nil {
			info.FailoverTimeout = proto.Float64(defaultZKFailoverTimeout.Seconds())
		}
	}
	// A master given as host:port must answer at once; one found in
	// ZooKeeper may be electing or recovering (503).
	subscribe := schedulerclient.Subscribe
	if cfg.Detector != nil {
		subscribe = func(ctx context.Context, cfg schedulerclient.Config, info *mesospb.FrameworkInfo) (*schedulerclient.Session, error) {
			return schedulerclient.SubscribeRetrying(ctx, cfg, info, schedulerclient.Backoff{})
		}
	}
	s, err := subscribe(ctx, cfg, info)
	if err != nil {
		return 1, err
	}
	defer func() { s.Close() }()
	fmt.Fprintf(out, "Subscribed with ID %s\n", s.FrameworkID())

	launched := false
	states := map[string]mesospb.TaskState{}
	// --kill_after counts from a task's TASK_RUNNING, as in Mesos; the
	// timers hand the task to kill to this loop.
	kills := make(chan *mesospb.TaskStatus, len(j.tasks))
	killScheduled := map[string]bool{}
	for {
		select {
		case <-ctx.Done():
			return 1, ctx.Err()
		case st := <-kills:
			fmt.Fprintf(out, "Asked to kill task '%s' on agent '%s'\n", st.GetTaskId().GetValue(), st.GetAgentId().GetValue())
			_ = s.Call(ctx, &schedulerpb.Call{Type: schedulerpb.Call_KILL.Enum(), Kill: &schedulerpb.Call_Kill{TaskId: st.TaskId, AgentId: st.AgentId}})
		case ev, ok := <-s.Events():
			if !ok {
				ended := errors.New("the master closed the event stream")
				if err := s.Err(); err != nil {
					ended = fmt.Errorf("the master closed the event stream: %w", err)
				}
				if info.GetFailoverTimeout() <= 0 {
					return 1, ended
				}
				// Fail over: subscribe again with the framework id, to
				// the master elected next, and ask for the tasks' states
				// (updates sent while away are resent by the agents).
				logger.Warn("lost the master; subscribing again with the framework id", "framework_id", s.FrameworkID(), "error", ended)
				next, err := s.Resubscribe(ctx, info, schedulerclient.Backoff{})
				if err != nil {
					return 1, errors.Join(ended, err)
				}
				s = next
				fmt.Fprintf(out, "Re-subscribed with ID %s\n", s.FrameworkID())
				if launched {
					reconcile(ctx, s, j)
				}
				continue
			}
			switch ev.GetType() {
			case schedulerpb.Event_OFFERS:
				for _, o := range ev.GetOffers().GetOffers() {
					if launched {
						decline(ctx, s, o, declineForever)
						continue
					}
					placed, ok := place(o, j, f.Role)
					if !ok {
						// Resources may free up on that agent: the default
						// filter (5 s), not an hour.
						decline(ctx, s, o, nil)
						continue
					}
					if err := launch(ctx, s, o, placed); err != nil {
						return 1, err
					}
					launched = true
					printSubmitted(out, placed, o.GetAgentId().GetValue())
				}
			case schedulerpb.Event_UPDATE:
				st := ev.GetUpdate().GetStatus()
				printStatus(out, st)
				if id := st.GetTaskId().GetValue(); f.KillAfter > 0 && st.GetState() == mesospb.TaskState_TASK_RUNNING && !killScheduled[id] {
					killScheduled[id] = true
					time.AfterFunc(f.KillAfter.Std(), func() { kills <- st })
				}
				if len(st.GetUuid()) > 0 {
					_ = s.Call(ctx, &schedulerpb.Call{Type: schedulerpb.Call_ACKNOWLEDGE.Enum(), Acknowledge: &schedulerpb.Call_Acknowledge{
						AgentId: st.AgentId, TaskId: st.TaskId, Uuid: st.Uuid,
					}})
				}
				states[st.GetTaskId().GetValue()] = st.GetState()
				if code, done := outcome(j, states); done {
					_ = s.Call(ctx, &schedulerpb.Call{Type: schedulerpb.Call_TEARDOWN.Enum()})
					return code, nil
				}
			case schedulerpb.Event_ERROR:
				return 1, fmt.Errorf("the master sent an error: %s", ev.GetError().GetMessage())
			}
		}
	}
}

// defaultZKFailoverTimeout is the framework's failover_timeout with
// --master=zk://... and no --failover_timeout.
const defaultZKFailoverTimeout = 10 * time.Minute

// reconcile asks the master for the state of the job's tasks.
func reconcile(ctx context.Context, s *schedulerclient.Session, j *job) {
	rec := &schedulerpb.Call_Reconcile{}
	for _, t := range j.tasks {
		rec.Tasks = append(rec.Tasks, &schedulerpb.Call_Reconcile_Task{TaskId: t.TaskId, AgentId: t.AgentId})
	}
	_ = s.Call(ctx, &schedulerpb.Call{Type: schedulerpb.Call_RECONCILE.Enum(), Reconcile: rec})
}

// outcome says whether every task ended, and the exit status if so.
func outcome(j *job, states map[string]mesospb.TaskState) (int, bool) {
	code := 0
	for _, t := range j.tasks {
		st, ok := states[t.GetTaskId().GetValue()]
		if !ok || !terminal(st) {
			return 0, false
		}
		if st != mesospb.TaskState_TASK_FINISHED {
			code = 1
		}
	}
	return code, true
}

func terminal(s mesospb.TaskState) bool {
	switch s {
	case mesospb.TaskState_TASK_FINISHED, mesospb.TaskState_TASK_FAILED, mesospb.TaskState_TASK_KILLED,
		mesospb.TaskState_TASK_ERROR, mesospb.TaskState_TASK_LOST, mesospb.TaskState_TASK_DROPPED,
		mesospb.TaskState_TASK_GONE, mesospb.TaskState_TASK_GONE_BY_OPERATOR:
		return true
	}
	return false
}

// printStatus writes an update the way Mesos's mesos-execute does.
func printStatus(out io.Writer, st *mesospb.TaskStatus) {
	fmt.Fprintf(out, "Received status update %s for task '%s'\n", st.GetState(), st.GetTaskId().GetValue())
	if st.Message != nil {
		fmt.Fprintf(out, "  message: '%s'\n", st.GetMessage())
	}
	if st.Source != nil {
		fmt.Fprintf(out, "  source: %s\n", st.GetSource())
	}
	if st.Reason != nil {
		fmt.Fprintf(out, "  reason: %s\n", st.GetReason())
	}
	if st.Healthy != nil {
		// std::cout prints a bool as 1 or 0.
		healthy := 0
		if st.GetHealthy() {
			healthy = 1
		}
		fmt.Fprintf(out, "  healthy?: %d\n", healthy)
	}
	if st.CheckStatus != nil {
		// Mesos prints the CheckStatusInfo as JSON.
		if b, err := jsoncodec.Marshal(st.GetCheckStatus()); err == nil {
			fmt.Fprintf(out, "  check status: %s\n", b)
		}
	}
	if lim := st.GetLimitation().GetResources(); len(lim) > 0 {
		if r, err := resources.FromProtos(lim); err == nil {
			fmt.Fprintf(out, "  resource limit violation: %s\n", r)
		}
	}
}

// declineForever keeps the offers of a framework that has launched its
// job away for an hour.
var declineForever = &mesospb.Filters{RefuseSeconds: proto.Float64(3600)}

func decline(ctx context.Context, s *schedulerclient.Session, o *mesospb.Offer, filters *mesospb.Filters) {
	_ = s.Call(ctx, &schedulerpb.Call{
		Type:    schedulerpb.Call_DECLINE.Enum(),
		Decline: &schedulerpb.Call_Decline{OfferIds: []*mesospb.OfferID{o.GetId()}, Filters: filters},
	})
}

// printSubmitted writes the launch the way Mesos's mesos-execute does.
func printSubmitted(out io.Writer, j *job, agentID string) {
	if j.executor == nil {
		fmt.Fprintf(out, "Submitted task '%s' to agent '%s'\n", j.tasks[0].GetName(), agentID)
		return
	}
	ids := make([]string, 0, len(j.tasks))
	for _, t := range j.tasks {
		ids = append(ids, t.GetTaskId().GetValue())
	}
	// stout's stringify of a vector: "[ a, b ]".
	fmt.Fprintf(out, "Submitted task group with tasks [ %s ] to agent '%s'\n", strings.Join(ids, ", "), agentID)
}

func launch(ctx context.Context, s *schedulerclient.Session, o *mesospb.Offer, j *job) error {
	for _, t := range j.tasks {
		t.AgentId = o.GetAgentId()
	}
	op := &mesospb.Offer_Operation{}
	if j.executor != nil {
		j.executor.FrameworkId = &mesospb.FrameworkID{Value: proto.String(s.FrameworkID())}
		op.Type = mesospb.Offer_Operation_LAUNCH_GROUP.Enum()
		op.LaunchGroup = &mesospb.Offer_Operation_LaunchGroup{Executor: j.executor, TaskGroup: &mesospb.TaskGroupInfo{Tasks: j.tasks}}
	} else {
		op.Type = mesospb.Offer_Operation_LAUNCH.Enum()
		op.Launch = &mesospb.Offer_Operation_Launch{TaskInfos: j.tasks}
	}
	return s.Call(ctx, &schedulerpb.Call{
		Type: schedulerpb.Call_ACCEPT.Enum(),
		Accept: &schedulerpb.Call_Accept{
			OfferIds:   []*mesospb.OfferID{o.GetId()},
			Operations: []*mesospb.Offer_Operation{op},
			Filters:    &mesospb.Filters{RefuseSeconds: proto.Float64(3600)},
		},
	})
}

// frameworkInfo is mesos-execute's framework: MULTI_ROLE in the given role,
// PARTITION_AWARE unless asked otherwise, plus --framework_capabilities.
func frameworkInfo(f *executeFlags) (*mesospb.FrameworkInfo, error) {
	name := "mesos-execute instance"
	u, err := user.Current()
	if err != nil {
		return nil, fmt.Errorf("find the current user: %w", err)
	}
	info := &mesospb.FrameworkInfo{
		User:       proto.String(u.Username),
		Name:       proto.String(name),
		Roles:      []string{f.Role},
		Checkpoint: proto.Bool(f.Checkpoint),
	}
	if f.FailoverTimeout > 0 {
		info.FailoverTimeout = proto.Float64(f.FailoverTimeout.Std().Seconds())
	}
	if f.Principal != "" {
		info.Principal = proto.String(f.Principal)
	}
	// Mesos's mesos-execute always enables RESERVATION_REFINEMENT,
	// TASK_KILLING_STATE and REVOCABLE_RESOURCES; MULTI_ROLE because it
	// subscribes with roles.
	caps := map[mesospb.FrameworkInfo_Capability_Type]bool{
		mesospb.FrameworkInfo_Capability_MULTI_ROLE:             true,
		mesospb.FrameworkInfo_Capability_RESERVATION_REFINEMENT: true,
		mesospb.FrameworkInfo_Capability_TASK_KILLING_STATE:     true,
		mesospb.FrameworkInfo_Capability_REVOCABLE_RESOURCES:    true,
	}
	if f.PartitionAware {
		caps[mesospb.FrameworkInfo_Capability_PARTITION_AWARE] = true
	}
	for _, name := range strings.Split(f.FrameworkCapabilities, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		v, ok := mesospb.FrameworkInfo_Capability_Type_value[name]
		if !ok {
			return nil, fmt.Errorf("Flags '--framework_capabilities' specifies an unknown capability '%s'", name)
		}
		caps[mesospb.FrameworkInfo_Capability_Type(v)] = true
	}
	for c := range caps {
		info.Capabilities = append(info.Capabilities, &mesospb.FrameworkInfo_Capability{Type: c.Enum()})
	}
	return info, nil
}

// buildJob turns the flags into the tasks to launch and what they need.
func buildJob(f *executeFlags) (*job, error) {
	if f.Package != "" {
		// Mesos copies the package into HDFS with the hadoop script and
		// gives the task its hdfs:// URI; there is no HDFS client here.
		return nil, errors.New("--package is not supported: copying packages into HDFS is not implemented" +
			" (give the task a URI it can fetch with --task instead)")
	}
	spec, err := parseContainerSpec(f)
	if err != nil {
		return nil, err
	}
	if len(f.TaskGroup) > 0 {
		group := &mesospb.TaskGroupInfo{}
		if err := jsoncodec.Unmarshal(withAgentIDs(f.TaskGroup), group); err != nil {
			return nil, fmt.Errorf("invalid --task_group: %w", err)
		}
		if len(group.GetTasks()) == 0 {
			return nil, errors.New("invalid --task_group: it has no tasks")
		}
		execRes, _ := resources.Parse(defaultExecutorResources, "*")
		j := &job{
			tasks: group.GetTasks(),
			executor: &mesospb.ExecutorInfo{
				Type:       mesospb.ExecutorInfo_DEFAULT.Enum(),
				ExecutorId: &mesospb.ExecutorID{Value: proto.String("default-executor")},
				Resources:  execRes.Allocate(f.Role).Protos(),
				Container:  spec.groupExecutorContainer(),
			},
			needed: execRes.Allocate(f.Role),
		}
		for _, t := range j.tasks {
			r, err := taskResources(t, f.Role)
			if err != nil {
				return nil, err
			}
			j.needed = j.needed.Add(r)
		}
		return j, nil
	}
	var task *mesospb.TaskInfo
	if len(f.Task) > 0 {
		task = &mesospb.TaskInfo{}
		if err := jsoncodec.Unmarshal(withAgentID(f.Task), task); err != nil {
			return nil, fmt.Errorf("invalid --task: %w", err)
		}
	} else {
		r, err := resources.Parse(f.Resources, "*")
		if err != nil {
			return nil, fmt.Errorf("Failed to parse resources '%s': %w", f.Resources, err)
		}
		task = &mesospb.TaskInfo{
			Name:      proto.String(f.Name),
			TaskId:    &mesospb.TaskID{Value: proto.String(f.Name)},
			Resources: r.Protos(),
			Command:   &mesospb.CommandInfo{Shell: proto.Bool(f.Shell)},
		}
		if f.Shell {
			task.Command.Value = proto.String(f.Command)
		}
		if len(f.Env) > 0 {
			env, err := environment(f.Env)
			if err != nil {
				return nil, err
			}
			task.Command.Environment = env
		}
		if task.Container, err = spec.containerInfo(); err != nil {
			return nil, err
		}
	}
	r, err := taskResources(task, f.Role)
	if err != nil {
		return nil, err
	}
	return &job{tasks: []*mesospb.TaskInfo{task}, needed: r}, nil
}

// withAgentID gives a TaskInfo's JSON a placeholder agent_id when it has
// none (it is filled in at launch; Mesos's help says it need not be set).
// JSON that is not an object is returned as is, for the decoder's error.
func withAgentID(raw json.RawMessage) json.RawMessage {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return raw
	}
	if _, ok := obj["agent_id"]; !ok {
		obj["agent_id"] = json.RawMessage(`{"value":""}`)
	}
	out, err := json.Marshal(obj)
	if err != nil {
		return raw
	}
	return out
}

// withAgentIDs is withAgentID for each task of a TaskGroupInfo's JSON.
func withAgentIDs(raw json.RawMessage) json.RawMessage {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return raw
	}
	var tasks []json.RawMessage
	if err := json.Unmarshal(obj["tasks"], &tasks); err != nil {
		return raw
	}
	for i := range tasks {
		tasks[i] = withAgentID(tasks[i])
	}
	b, err := json.Marshal(tasks)
	if err != nil {
		return raw
	}
	obj["tasks"] = b
	out, err := json.Marshal(obj)
	if err != nil {
		return raw
	}
	return out
}

// taskResources allocates a task's resources to the role (the framework
// is MULTI_ROLE, so its resources carry allocation_info).
func taskResources(t *mesospb.TaskInfo, role string) (resources.Resources, error) {
	r, err := resources.FromProtos(t.GetResources())
	if err != nil {
		return r, fmt.Errorf("task '%s' has invalid resources: %w", t.GetName(), err)
	}
	r = r.Allocate(role)
	t.Resources = r.Protos()
	return r, nil
}

// environment reads --env, a JSON object of names to values.
func environment(raw json.RawMessage) (*mesospb.Environment, error) {
	vars := map[string]string{}
	if err := json.Unmarshal(raw, &vars); err != nil {
		return nil, fmt.Errorf("invalid --env (expected a JSON object of strings): %w", err)
	}
	env := &mesospb.Environment{}
	for k, v := range vars {
		env.Variables = append(env.Variables, &mesospb.Environment_Variable{Name: proto.String(k), Value: proto.String(v)})
	}
	return env, nil
}

// place fits the job into an offer: with a role other than "*", the
// role's static reservations first, then unreserved resources (Mesos's
// mesos-execute takes "resources first from the specified role, then
// from '*'"; a job split across both is not placed). It returns the job
// with the resources it will use.
func place(o *mesospb.Offer, j *job, role string) (*job, bool) {
	offered, err := resources.FromProtos(o.GetResources())
	if err != nil {
		return nil, false
	}
	if role != "*" {
		reservation := &mesospb.Resource_ReservationInfo{Type: mesospb.Resource_ReservationInfo_STATIC.Enum(), Role: proto.String(role)}
		if reserved, err := j.map_(func(r resources.Resources) (resources.Resources, error) {
			return r.PushReservation(reservation)
		}); err == nil && offered.Contains(reserved.needed) {
			return reserved, true
		}
	}
	return j, offered.Contains(j.needed)
}

// map_ is the job with edit applied to the resources of its tasks and
// executor (copies: the job is left alone).
func (j *job) map_(edit func(resources.Resources) (resources.Resources, error)) (*job, error) {
	out := &job{}
	conv := func(rs []*mesospb.Resource) ([]*mesospb.Resource, error) {
		r, err := resources.FromProtos(rs)
		if err != nil {
			return nil, err
		}
		if r, err = edit(r); err != nil {
			return nil, err
		}
		out.needed = out.needed.Add(r)
		return r.Protos(), nil
	}
	for _, t := range j.tasks {
		c := proto.Clone(t).(*mesospb.TaskInfo)
		var err error
		if c.Resources, err = conv(c.GetResources()); err != nil {
			return nil, err
		}
		out.tasks = append(out.tasks, c)
	}
	if j.executor != nil {
		out.executor = proto.Clone(j.executor).(*mesospb.ExecutorInfo)
		var err error
		if out.executor.Resources, err = conv(out.executor.GetResources()); err != nil {
			return nil, err
		}
	}
	return out, nil
}
