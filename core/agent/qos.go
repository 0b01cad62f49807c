package agent

import (
	"context"
	"time"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/qoscontroller"
)

// QoS corrections (Mesos's Slave::qosCorrections): the QoS controller
// watches the executors' usage and names executors to kill, the
// revocable ones that hurt the others. The agent asks it, at most every
// --qos_correction_interval_min, and destroys the containers it names:
// their tasks end TASK_GONE (TASK_LOST for frameworks that are not
// partition-aware) with REASON_CONTAINER_PREEMPTED, exactly as Mesos
// reports them.

// qosMessage is Mesos's message for tasks of a preempted executor.
const qosMessage = "Container preempted by QoS correction"

// qosLoop asks the controller for corrections until ctx ends. Without a
// controller there is nothing to ask (Mesos's noop controller never
// answers).
func (a *Agent) qosLoop(ctx context.Context) {
	q := a.mods.qos
	if q == nil {
		return
	}
	t := time.NewTimer(a.cfg.QoSCorrectionIntervalMin)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if corrections, ok := a.corrections(ctx, q); ok {
			a.post(func() { a.qosCorrections(corrections) })
		}
		t.Reset(a.cfg.QoSCorrectionIntervalMin)
	}
}

// corrections asks the controller; ok is false when it failed (the
// failure policy is skip: no corrections this time).
func (a *Agent) corrections(ctx context.Context, q qoscontroller.QoSController) ([]*qoscontroller.QoSCorrection, bool) {
	usage, err := a.resourceUsage(ctx)
	if err != nil {
		return nil, false
	}
	resp, err := q.Corrections(ctx, &qoscontroller.CorrectionsRequest{Usage: usage})
	if err != nil {
		if ctx.Err() == nil {
			a.log.Warn("Failed to get corrections from the QoS controller", "error", err)
		}
		return nil, false
	}
	// The decorator dropped the corrections that break the contract;
	// check again in case the controller is not decorated.
	var out []*qoscontroller.QoSCorrection
	for _, c := range resp.GetCorrections() {
		if _, err := qoscontroller.Check(c, usage); err != nil {
			a.log.Warn("Ignoring a QoS correction", "error", err)
			continue
		}
		out = append(out, c)
	}
	return out, true
}

// qosCorrections carries out corrections on the loop: each KILL destroys
// the named executor's container, if the executor still runs in that
// container.
func (a *Agent) qosCorrections(corrections []*qoscontroller.QoSCorrection) {
	if a.state == stateRecovering || a.state == stateTerminating {
		a.log.Warn("Cannot perform QoS corrections because the agent is " + a.state.String())
		return
	}
	for _, c := range corrections {
		a.qosKill(c.GetKill(), c.GetMessage())
	}
}

func (a *Agent) qosKill(k *qoscontroller.QoSCorrection_Kill, why string) {
	frameworkID, executorID := k.GetFrameworkId().GetValue(), k.GetExecutorId().GetValue()
	fw := a.frameworks[frameworkID]
	if fw == nil {
		a.log.Warn("Ignoring QoS correction KILL: framework cannot be found", "framework", frameworkID)
		return
	}
	if fw.state == frameworkTerminating {
		a.log.Warn("Ignoring QoS correction KILL: framework is terminating", "framework", frameworkID)
		return
	}
	e := fw.executors[executorID]
	if e == nil {
		a.log.Warn("Ignoring QoS correction KILL: executor cannot be found", "executor", executorID, "framework", frameworkID)
		return
	}
	if id := k.GetContainerId(); id != nil && id.GetValue() != e.containerID.GetValue() {
		a.log.Warn("Ignoring QoS correction KILL: container cannot be found", "container", id.GetValue(), "executor", executorID,
			"framework", frameworkID)
		return
	}
	if e.state != executorRegistering && e.state != executorRunning {
		a.log.Warn("Ignoring QoS correction KILL on an executor that is "+e.state.String(), "executor", executorID, "framework", frameworkID)
		return
	}
	a.log.Info("Killing container for executor as QoS correction", "container", e.containerID.GetValue(), "executor", executorID,
		"framework", frameworkID, "correction", why)
	// Send TASK_GONE because the task was started but has now been
	// terminated; TASK_LOST to frameworks that are not partition-aware.
	state := mesospb.TaskState_TASK_GONE
	if !fw.partitionAware() {
		state = mesospb.TaskState_TASK_LOST
	}
	e.state = executorTerminating
	e.pendingTermination = &termination{state: state, reason: mesospb.TaskStatus_REASON_CONTAINER_PREEMPTED, message: qosMessage}
	a.metrics.executorsPreempted++
	a.destroyContainer(e)
}
