package master

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// Operator resource operations (RESERVE_RESOURCES, UNRESERVE_RESOURCES,
// CREATE_VOLUMES, DESTROY_VOLUMES and /reserve, /unreserve,
// /create-volumes, /destroy-volumes): the conversions of operations.go,
// applied to an agent's free resources rather than to an offer. As in
// Mesos, offers holding the resources are rescinded first; what is still
// not free is a conflict (409). The allocator hears of the change as
// AvailableConverted.

func (m *Master) operatorReserve(ctx context.Context, agentID string, source, rs []*mesospb.Resource) error {
	return m.operatorOperation(ctx, agentID, &mesospb.Offer_Operation{
		Type:    mesospb.Offer_Operation_RESERVE.Enum(),
		Reserve: &mesospb.Offer_Operation_Reserve{Source: source, Resources: rs},
	})
}

func (m *Master) operatorUnreserve(ctx context.Context, agentID string, rs []*mesospb.Resource) error {
	return m.operatorOperation(ctx, agentID, &mesospb.Offer_Operation{
		Type:      mesospb.Offer_Operation_UNRESERVE.Enum(),
		Unreserve: &mesospb.Offer_Operation_Unreserve{Resources: rs},
	})
}

func (m *Master) operatorCreateVolumes(ctx context.Context, agentID string, volumes []*mesospb.Resource) error {
	return m.operatorOperation(ctx, agentID, &mesospb.Offer_Operation{
		Type:   mesospb.Offer_Operation_CREATE.Enum(),
		Create: &mesospb.Offer_Operation_Create{Volumes: volumes},
	})
}

func (m *Master) operatorDestroyVolumes(ctx context.Context, agentID string, volumes []*mesospb.Resource) error {
	return m.operatorOperation(ctx, agentID, &mesospb.Offer_Operation{
		Type:    mesospb.Offer_Operation_DESTROY.Enum(),
		Destroy: &mesospb.Offer_Operation_Destroy{Volumes: volumes},
	})
}

func (m *Master) operatorOperation(ctx context.Context, agentID string, op *mesospb.Offer_Operation) error {
	op = proto.CloneOf(op)
	var opErr error
	if err := m.call(ctx, func() { opErr = m.applyOperatorOperation(agentID, op) }); err != nil {
		return err
	}
	return opErr
}

// applyOperatorOperation runs on the loop.
func (m *Master) applyOperatorOperation(agentID string, op *mesospb.Offer_Operation) error {
	a := m.agents[agentID]
	if a == nil {
		return badRequest("No agent found with specified ID")
	}
	if err := resources.ConvertMessage(op, resources.PostRefinement); err != nil {
		return badRequest("%v", err)
	}
	consumed, converted, err := m.conversion(op, operationChecks{agent: a})
	if err != nil {
		return badRequest("%v", err)
	}
	if op.GetType() == mesospb.Offer_Operation_DESTROY {
		if id := volumeInUse(a, consumed); id != "" {
			return badRequest("Invalid DESTROY operation: Persistent volumes in use: '%s'", id)
		}
	}
	m.rescindOffersFor(a, consumed)
	if free := a.free(); !free.Contains(consumed) {
		return conflict("Invalid %s operation on agent %s: the agent's available resources %s do not contain %s", op.GetType(), a.id, free, consumed)
	}
	if err := m.applyConversion(a, op, consumed, converted, nil); err != nil {
		return conflict("%v", err)
	}
	m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_AvailableConverted{AvailableConverted: &allocator.AvailableConverted{
		AgentId: a.id, From: consumed.Protos(), To: converted.Protos(),
	}}})
	m.allocateSoon()
	m.log.Info("applied operator operation", "agent", a.id, "operation", op.GetType().String(), "to", converted.String())
	return nil
}

// rescindOffersFor withdraws offers of the agent, one at a time, until the
// agent's free resources hold what an operation needs; offers that hold
// none of it are left alone (Mesos's greedy rescinding). Their resources
// come back with the default 5-second filter, so that the allocator does
// not offer them again before the operation is applied.
func (m *Master) rescindOffersFor(a *agent, required resources.Resources) {
	for _, id := range sortedKeys(m.offers) {
		if a.free().Contains(required) {
			return
		}
		o := m.offers[id]
		if o.agent != a {
			continue
		}
		recovered := o.resources.Unallocate()
		if rest := required.Subtract(recovered); rest.Equal(required) {
			continue
		}
		m.rescindOffer(o, withDefaultRefusal(nil))
		required = required.Subtract(recovered)
	}
}

// volumeInUse names a persistent volume of r that a task or executor of
// the agent uses ("" if none).
func volumeInUse(a *agent, r resources.Resources) string {
	used := map[string]bool{}
	for _, u := range a.used {
		for v := range u.PersistentVolumes().All() {
			used[v.Proto().GetDisk().GetPersistence().GetId()] = true
		}
	}
	for v := range r.PersistentVolumes().All() {
		if id := v.Proto().GetDisk().GetPersistence().GetId(); used[id] {
			return id
		}
	}
	return ""
}
