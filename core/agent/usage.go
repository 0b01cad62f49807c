package agent

import (
	"context"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// usageTimeout bounds the gathering of the executors' statistics for the
// resource estimator and the QoS controller.
const usageTimeout = 10 * time.Second

// resourceUsage is what the resource estimator and the QoS controller
// decide from (Mesos's Slave::usage): every executor that has not
// terminated, with what it is allocated, its container, its live tasks
// and its container's statistics, and the agent's total resources. An
// executor whose statistics cannot be had is listed without them.
func (a *Agent) resourceUsage(ctx context.Context) (*mesospb.ResourceUsage, error) {
	var usage *mesospb.ResourceUsage
	var launched []bool
	if err := a.call(ctx, func() { usage, launched = a.usageSnapshot() }); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, usageTimeout)
	defer cancel()
	var wg sync.WaitGroup
	for i, e := range usage.GetExecutors() {
		if !launched[i] {
			continue
		}
		wg.Go(func() {
			stats, err := a.containerizer.Usage(ctx, e.GetContainerId())
			if err != nil {
				a.log.Warn("Failed to get resource statistics for executor", "executor", e.GetExecutorInfo().GetExecutorId().GetValue(),
					"framework", e.GetExecutorInfo().GetFrameworkId().GetValue(), "error", err)
				return
			}
			e.Statistics = stats
		})
	}
	wg.Wait()
	return usage, nil
}

// usageSnapshot is the part of resourceUsage read on the loop; launched
// says which executors have a container to ask for statistics.
func (a *Agent) usageSnapshot() (*mesospb.ResourceUsage, []bool) {
	usage := &mesospb.ResourceUsage{Total: a.totalResources().Protos()}
	var launched []bool
	for _, fw := range a.sortedFrameworks() {
		for _, e := range sortedExecutors(fw.executors) {
			if e.state == executorTerminated {
				continue
			}
			entry := &mesospb.ResourceUsage_Executor{
				ExecutorInfo: proto.CloneOf(e.info),
				Allocated:    e.allocated().Protos(),
				ContainerId:  proto.CloneOf(e.containerID),
			}
			for _, t := range sortedTasks(e.launched) {
				entry.Tasks = append(entry.Tasks, &mesospb.ResourceUsage_Executor_Task{
					Name:      proto.String(t.proto.GetName()),
					Id:        proto.CloneOf(t.proto.GetTaskId()),
					Resources: cloneResources(t.proto.GetResources()),
					Labels:    proto.CloneOf(t.proto.GetLabels()),
				})
			}
			usage.Executors = append(usage.Executors, entry)
			launched = append(launched, e.containerLaunched)
		}
	}
	return usage, launched
}

func cloneResources(rs []*mesospb.Resource) []*mesospb.Resource {
	out := make([]*mesospb.Resource, len(rs))
	for i, r := range rs {
		out[i] = proto.CloneOf(r)
	}
	return out
}
