// Package qoscontroller is the contract of the QoSController module kind:
// the Go interface the agent calls, and the messages (generated from
// qoscontroller.proto) it is called with. Built-in, go-plugin and WASM QoS
// controllers all implement this one interface.
package qoscontroller

import (
	"context"
	"errors"
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// APIVersion is the version of this contract. A change to the meaning of a
// message or call bumps it; the host and a module agree on the highest
// version both speak when the module is loaded.
const APIVersion = 1

// QoSController decides which revocable executors the agent must kill.
// The agent calls it from one goroutine at a time.
type QoSController interface {
	// Corrections returns what to correct now, given the agent's usage.
	Corrections(ctx context.Context, req *CorrectionsRequest) (*CorrectionsResponse, error)
}

// ErrInvalidCorrection is wrapped by Check's errors.
var ErrInvalidCorrection = errors.New("invalid QoS correction")

// Kill builds the correction that kills executor e (one entry of a
// ResourceUsage), naming its framework, executor and container.
func Kill(e *mesospb.ResourceUsage_Executor, message string) *QoSCorrection {
	info := e.GetExecutorInfo()
	return &QoSCorrection{
		Type: QoSCorrection_KILL,
		Kill: &QoSCorrection_Kill{
			FrameworkId: proto.CloneOf(info.GetFrameworkId()),
			ExecutorId:  proto.CloneOf(info.GetExecutorId()),
			ContainerId: proto.CloneOf(e.GetContainerId()),
		},
		Message: message,
	}
}

// Check reports whether the agent can carry out correction c against the
// usage it sent: a KILL naming a framework and an executor of that usage
// and, when it names a container, that executor's container. It returns
// the executor to kill.
func Check(c *QoSCorrection, usage *mesospb.ResourceUsage) (*mesospb.ResourceUsage_Executor, error) {
	if c.GetType() != QoSCorrection_KILL {
		return nil, fmt.Errorf("%w: type %v is not KILL", ErrInvalidCorrection, c.GetType())
	}
	k := c.GetKill()
	if k.GetFrameworkId().GetValue() == "" || k.GetExecutorId().GetValue() == "" {
		return nil, fmt.Errorf("%w: a KILL must name a framework and an executor", ErrInvalidCorrection)
	}
	for _, e := range usage.GetExecutors() {
		info := e.GetExecutorInfo()
		if info.GetFrameworkId().GetValue() != k.GetFrameworkId().GetValue() ||
			info.GetExecutorId().GetValue() != k.GetExecutorId().GetValue() {
			continue
		}
		if k.GetContainerId() != nil && !proto.Equal(k.GetContainerId(), e.GetContainerId()) {
			return nil, fmt.Errorf("%w: container %s is not the current container of executor %s of framework %s",
				ErrInvalidCorrection, k.GetContainerId().GetValue(), k.GetExecutorId().GetValue(), k.GetFrameworkId().GetValue())
		}
		return e, nil
	}
	return nil, fmt.Errorf("%w: no executor %s of framework %s is running",
		ErrInvalidCorrection, k.GetExecutorId().GetValue(), k.GetFrameworkId().GetValue())
}
