package registry

import (
	"errors"
	"fmt"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/registrypb"
)

// Operation is one change to the registry, applied by the Registrar in
// order with the others of its batch.
//
// Apply changes reg and reports whether it did, or refuses with an error and
// leaves reg untouched: an operation checks everything before it changes
// anything. It copies what it stores, so the caller keeps its own messages.
// Apply may record results in the operation (PruneAgents lists what it
// removed); read them after Registrar.Apply returns.
type Operation interface {
	Apply(reg *registrypb.Registry) (changed bool, err error)
	// String names the operation for logs and errors ("admit agent S1").
	String() string
}

// ErrRefused marks an operation that Apply refused (the transition is
// impossible in the current registry). The registry did not change and the
// registrar goes on; compare Mesos's apply() future being false.
var ErrRefused = errors.New("registry operation refused")

// RefusedError is what Registrar.Apply returns for a refused operation.
// errors.Is(err, ErrRefused) holds, and Reason is the operation's own error
// (Mesos's message where Mesos has one).
type RefusedError struct {
	Op     Operation
	Reason error
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("%v: %s: %v", ErrRefused, e.Op, e.Reason)
}

// Unwrap exposes both ErrRefused and the reason to errors.Is and errors.As.
func (e *RefusedError) Unwrap() []error { return []error{ErrRefused, e.Reason} }

// timeInfo converts a time for storage; the zero time is refused by callers.
func timeInfo(t time.Time) *mesospb.TimeInfo {
	return &mesospb.TimeInfo{Nanoseconds: proto.Int64(t.UnixNano())}
}

// checkAgentID refuses a missing or empty agent id.
func checkAgentID(id *mesospb.AgentID) error {
	if id.GetValue() == "" {
		return errors.New("missing agent id")
	}
	return nil
}

// checkAgentInfo refuses an AgentInfo without id or missing required fields
// (it could not be encoded, and the whole batch would fail to store).
func checkAgentInfo(info *mesospb.AgentInfo) error {
	if info == nil {
		return errors.New("missing AgentInfo")
	}
	if info.GetId().GetValue() == "" {
		return errors.New("AgentInfo is missing the 'id' field")
	}
	if err := proto.CheckInitialized(info); err != nil {
		return fmt.Errorf("invalid AgentInfo: %w", err)
	}
	return nil
}

// agentName renders an id in messages like Mesos's stringify(SlaveID).
func agentName(id *mesospb.AgentID) string { return id.GetValue() }

// removeAt deletes s[i], keeping order (the lists are ordered by age).
func removeAt[T any](s []T, i int) []T {
	copy(s[i:], s[i+1:])
	var zero T
	s[len(s)-1] = zero
	return s[:len(s)-1]
}
