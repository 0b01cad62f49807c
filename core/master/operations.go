package master

import (
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// applyOperation applies RESERVE, UNRESERVE, CREATE, DESTROY, GROW_VOLUME
// or SHRINK_VOLUME (resize_volume.go) to offered resources. Each is a
// conversion of some offered resources (consumed) into others (converted);
// the agent checkpoints the result. Operators convert an agent's free
// resources the same way (operator_resources.go).
func (m *Master) applyOperation(lc *launchContext, op *mesospb.Offer_Operation, remaining resources.Resources) (resources.Resources, error) {
	op = proto.Clone(op).(*mesospb.Offer_Operation)
	if err := normalize(lc, op); err != nil {
		return remaining, err
	}
	consumed, converted, err := m.conversion(op, operationChecks{principal: lc.fw.info.GetPrincipal(), role: lc.role, agent: lc.agent})
	if err != nil {
		return remaining, err
	}
	next, err := remaining.Apply(consumed, converted)
	if err != nil {
		return remaining, fmt.Errorf("Invalid %s operation: %w", op.GetType(), err)
	}
	a := lc.agent
	var tracked *mesospb.Operation
	if op.GetId() != nil {
		tracked = m.trackOperation(lc.fw, a, op)
	}
	if err := m.applyConversion(a, op, consumed.Unallocate(), converted.Unallocate(), tracked); err != nil {
		if tracked != nil {
			delete(m.operations, string(tracked.GetUuid().GetValue()))
		}
		return remaining, err
	}
	m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_AllocationConverted{AllocationConverted: &allocator.AllocationConverted{
		FrameworkId: lc.fw.id, AgentId: a.id, From: consumed.Protos(), To: converted.Protos(),
	}}})
	m.log.Info("applied operation", "framework", lc.fw.id, "agent", a.id, "operation", op.GetType().String(), "to", converted.String())
	return next, nil
}

// applyConversion changes an agent's total by an operation's conversion
// (resources without allocation info) and has the agent checkpoint the
// result, and report the status of a tracked operation
// (operation_feedback.go).
func (m *Master) applyConversion(a *agent, op *mesospb.Offer_Operation, consumed, converted resources.Resources, tracked *mesospb.Operation) error {
	total, err := a.total.Apply(consumed, converted)
	if err != nil {
		return fmt.Errorf("Invalid %s operation on the agent: %w", op.GetType(), err)
	}
	a.total = total
	a.checkpointed = a.checkpointed.
		Subtract(consumed.Filter(isCheckpointed)).
		Add(converted.Filter(isCheckpointed))
	a.send(&agentmasterpb.AgentEvent{
		Type: agentmasterpb.AgentEvent_APPLY_OPERATIONS.Enum(),
		ApplyOperations: &agentmasterpb.AgentEvent_ApplyOperations{
			Operations:            []*mesospb.Offer_Operation{op},
			CheckpointedResources: a.checkpointed.Protos(),
			Tracked:               trackedList(tracked),
		},
	})
	return nil
}

func trackedList(op *mesospb.Operation) []*mesospb.Operation {
	if op == nil {
		return nil
	}
	return []*mesospb.Operation{op}
}

// isCheckpointed says whether an agent must persist a resource: dynamic
// reservations and persistent volumes come from operations, not flags.
func isCheckpointed(r resources.Resource) bool {
	return r.IsDynamicallyReserved() || r.IsPersistentVolume()
}

// operationChecks is who asks for a conversion: a framework through an
// offer (its principal, and the role the offer was made to), or an operator
// (no role: an operator may reserve for any role, but may not send
// allocated resources).
type operationChecks struct {
	principal string
	role      string // empty for operators
	agent     *agent
}

// conversion works out what an operation consumes and what it produces,
// with Mesos's validation of each kind.
func (m *Master) conversion(op *mesospb.Offer_Operation, chk operationChecks) (consumed, converted resources.Resources, err error) {
	principal := chk.principal
	switch op.GetType() {
	case mesospb.Offer_Operation_RESERVE:
		converted, err = resources.FromProtos(op.GetReserve().GetResources())
		if err != nil {
			return consumed, converted, fmt.Errorf("Invalid RESERVE operation: %w", err)
		}
		for r := range converted.All() {
			if !r.IsDynamicallyReserved() {
				return consumed, converted, fmt.Errorf("Invalid RESERVE operation: resource %s is not dynamically reserved", r)
			}
			res := r.Reservations()
			top := res[len(res)-1]
			if p := top.GetPrincipal(); p != "" && principal != "" && p != principal {
				return consumed, converted, fmt.Errorf("Invalid RESERVE operation: a reserve operation was attempted with principal '%s', which does not match the framework's principal '%s'", p, principal)
			}
			if chk.role == "" {
				if _, allocated := r.AllocationRole(); allocated {
					return consumed, converted, fmt.Errorf("Invalid RESERVE operation: resource %s must not have allocation info", r)
				}
			} else if alloc, _ := r.AllocationRole(); top.GetRole() != alloc {
				// As Mesos: a framework reserves for the role the
				// resources are allocated to (normalize put the offer's
				// there unless the framework chose one), neither for
				// another of its roles nor for a subrole.
				return consumed, converted, fmt.Errorf("A reserve operation was attempted for a resource with role '%s', but the resource was allocated to role '%s'", top.GetRole(), alloc)
			}
		}
		if chk.role != "" {
			if err := allocatedToSingleRole(op.GetReserve().GetResources()); err != nil {
				return consumed, converted, fmt.Errorf("Invalid reservation resources: %w", err)
			}
		}
		consumed, err = converted.PopReservation()
		if err == nil && len(op.GetReserve().GetSource()) > 0 {
			// Mesos 1.x: 'source' names what the reservation is made from;
			// it must be the resources without their new reservation.
			source, serr := resources.FromProtos(op.GetReserve().GetSource())
			if serr != nil {
				return consumed, converted, fmt.Errorf("Invalid RESERVE operation: invalid 'source': %w", serr)
			}
			if !source.Equal(consumed) {
				return consumed, converted, fmt.Errorf("Invalid RESERVE operation: 'source' %s is not the reserved resources %s without their last reservation", source, converted)
			}
		}
	case mesospb.Offer_Operation_UNRESERVE:
		consumed, err = resources.FromProtos(op.GetUnreserve().GetResources())
		if err != nil {
			return consumed, converted, fmt.Errorf("Invalid UNRESERVE operation: %w", err)
		}
		for r := range consumed.All() {
			if !r.IsDynamicallyReserved() {
				return consumed, converted, fmt.Errorf("Invalid UNRESERVE operation: resource %s is not dynamically reserved", r)
			}
			if r.IsPersistentVolume() {
				return consumed, converted, fmt.Errorf("Invalid UNRESERVE operation: a persistent volume %s cannot be unreserved", r)
			}
		}
		converted, err = consumed.PopReservation()
	case mesospb.Offer_Operation_CREATE:
		converted, err = resources.FromProtos(op.GetCreate().GetVolumes())
		if err != nil {
			return consumed, converted, fmt.Errorf("Invalid CREATE operation: %w", err)
		}
		for r := range converted.All() {
			if !r.IsPersistentVolume() {
				return consumed, converted, fmt.Errorf("Invalid CREATE operation: %s is not a persistent volume", r)
			}
			if id := r.Proto().GetDisk().GetPersistence().GetId(); agentHasVolume(chk.agent, id) {
				return consumed, converted, fmt.Errorf("Invalid CREATE operation: persistence ID '%s' already exists on the agent", id)
			}
		}
		if chk.role != "" {
			if err := allocatedToSingleRole(op.GetCreate().GetVolumes()); err != nil {
				return consumed, converted, fmt.Errorf("Invalid volume resources: %w", err)
			}
		}
		consumed = stripPersistence(converted)
	case mesospb.Offer_Operation_DESTROY:
		consumed, err = resources.FromProtos(op.GetDestroy().GetVolumes())
		if err != nil {
			return consumed, converted, fmt.Errorf("Invalid DESTROY operation: %w", err)
		}
		for r := range consumed.All() {
			if !r.IsPersistentVolume() {
				return consumed, converted, fmt.Errorf("Invalid DESTROY operation: %s is not a persistent volume", r)
			}
		}
		converted = stripPersistence(consumed)
	case mesospb.Offer_Operation_GROW_VOLUME, mesospb.Offer_Operation_SHRINK_VOLUME:
		return m.resizeConversion(op, chk) // resize_volume.go
	}
	return consumed, converted, err
}

// stripPersistence turns persistent volumes back into the plain (reserved)
// disk they were made from.
func stripPersistence(r resources.Resources) resources.Resources {
	var ps []*mesospb.Resource
	for _, p := range r.Protos() {
		ps = append(ps, withoutPersistence(p))
	}
	return resources.New(ps...)
}

// withoutPersistence is a copy of p without its persistence, volume and
// sharing: the plain disk a persistent volume was made from.
func withoutPersistence(p *mesospb.Resource) *mesospb.Resource {
	c := proto.Clone(p).(*mesospb.Resource)
	if c.Disk != nil {
		c.Disk.Persistence, c.Disk.Volume = nil, nil
		if c.Disk.Source == nil {
			c.Disk = nil
		}
	}
	c.Shared = nil
	return c
}

func agentHasVolume(a *agent, id string) bool {
	for r := range a.total.PersistentVolumes().All() {
		if r.Proto().GetDisk().GetPersistence().GetId() == id {
			return true
		}
	}
	return false
}
