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
func execute(ctx context.Context, f *executeFlags, out io.Writer, logger *slog.Logger) (int, error) {
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
	var killTimer <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return 1, ctx.Err()
		case <-killTimer:
			killTimer = nil
			for _, t := range j.tasks {
				_ = s.Call(ctx, &schedulerpb.Call{Type: schedulerpb.Call_KILL.Enum(), Kill: &schedulerpb.Call_Kill{TaskId: t.TaskId, AgentId: t.AgentId}})
			}
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
					if launched || !fits(o, j.needed) {
						decline(ctx, s, o)
						continue
					}
					if err := launch(ctx, s, o, j); err != nil {
						return 1, err
					}
					launched = true
					for _, t := range j.tasks {
						fmt.Fprintf(out, "Submitted task '%s' to agent '%s'\n", t.GetName(), o.GetAgentId().GetValue())
					}
					if f.KillAfter > 0 {
						killTimer = time.After(f.KillAfter.Std())
					}
				}
			case schedulerpb.Event_UPDATE:
				st := ev.GetUpdate().GetStatus()
				printStatus(out, st)
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
}

func fits(o *mesospb.Offer, needed resources.Resources) bool {
	offered, err := resources.FromProtos(o.GetResources())
	return err == nil && offered.Contains(needed)
}

func decline(ctx context.Context, s *schedulerclient.Session, o *mesospb.Offer) {
	_ = s.Call(ctx, &schedulerpb.Call{
		Type:    schedulerpb.Call_DECLINE.Enum(),
		Decline: &schedulerpb.Call_Decline{OfferIds: []*mesospb.OfferID{o.GetId()}, Filters: &mesospb.Filters{RefuseSeconds: proto.Float64(3600)}},
	})
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
	caps := map[mesospb.FrameworkInfo_Capability_Type]bool{mesospb.FrameworkInfo_Capability_MULTI_ROLE: true}
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
			return nil, fmt.Errorf("unknown framework capability '%s'", name)
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
	if len(f.TaskGroup) > 0 {
		group := &mesospb.TaskGroupInfo{}
		if err := jsoncodec.Unmarshal(f.TaskGroup, group); err != nil {
			return nil, fmt.Errorf("invalid --task_group: %w", err)
		}
		execRes, _ := resources.Parse(defaultExecutorResources, "*")
		j := &job{
			tasks: group.GetTasks(),
			executor: &mesospb.ExecutorInfo{
				Type:       mesospb.ExecutorInfo_DEFAULT.Enum(),
				ExecutorId: &mesospb.ExecutorID{Value: proto.String("default-executor")},
				Resources:  execRes.Allocate(f.Role).Protos(),
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
		// The task's agent_id is filled in at launch: allow it missing.
		raw := map[string]json.RawMessage{}
		if err := json.Unmarshal(f.Task, &raw); err != nil {
			return nil, fmt.Errorf("invalid --task: %w", err)
		}
		if _, ok := raw["agent_id"]; !ok {
			raw["agent_id"] = json.RawMessage(`{"value":"pending"}`)
		}
		withAgent, _ := json.Marshal(raw)
		if err := jsoncodec.Unmarshal(withAgent, task); err != nil {
			return nil, fmt.Errorf("invalid --task: %w", err)
		}
	} else {
		r, err := resources.Parse(f.Resources, "*")
		if err != nil {
			return nil, fmt.Errorf("invalid --resources: %w", err)
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
		if f.DockerImage != "" && f.dockerContainerizer {
			task.Container = &mesospb.ContainerInfo{
				Type:   mesospb.ContainerInfo_DOCKER.Enum(),
				Docker: &mesospb.ContainerInfo_DockerInfo{Image: proto.String(f.DockerImage)},
			}
		} else if f.DockerImage != "" {
			task.Container = &mesospb.ContainerInfo{
				Type:  mesospb.ContainerInfo_MESOS.Enum(),
				Mesos: &mesospb.ContainerInfo_MesosInfo{Image: &mesospb.Image{Type: mesospb.Image_DOCKER.Enum(), Docker: &mesospb.Image_Docker{Name: proto.String(f.DockerImage)}}},
			}
		}
	}
	r, err := taskResources(task, f.Role)
	if err != nil {
		return nil, err
	}
	return &job{tasks: []*mesospb.TaskInfo{task}, needed: r}, nil
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
