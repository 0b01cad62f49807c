package agent

import (
	"context"
	"slices"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
)

// GET_OPERATIONS shows, as Mesos's agent does (slave/http.cpp
// getOperations), only the operations whose consumed resources the
// principal may all view: each consumed resource's role (unless "*"),
// every role of its reservations and its allocation's role must pass
// VIEW_ROLE. An operation whose consumed resources cannot be worked out
// (LAUNCH and the like, never tracked here) is not shown.

// viewOperations is GET_OPERATIONS for the request's principal: the
// operations are copied on the loop and judged off it.
func (a *Agent) viewOperations(ctx context.Context) ([]*mesospb.Operation, error) {
	var ops []*mesospb.Operation
	if err := a.call(ctx, func() { ops = a.getOperations() }); err != nil {
		return nil, err
	}
	if a.mods.authorizer == nil || len(ops) == 0 {
		return ops, nil
	}
	needs := make([][]string, len(ops))
	var roles []string
	index := map[string]int{}
	for i, op := range ops {
		rs, ok := consumedRoles(op.GetInfo())
		if !ok {
			continue
		}
		if len(rs) == 0 {
			rs = []string{} // nothing to check: shown
		}
		needs[i] = rs
		for _, r := range rs {
			if _, seen := index[r]; !seen {
				index[r] = len(roles)
				roles = append(roles, r)
			}
		}
	}
	objs := make([]*authorizer.Object, len(roles))
	for i, r := range roles {
		objs[i] = &authorizer.Object{Value: proto.String(r)}
	}
	allowed := a.approve(ctx, authorizer.Action_VIEW_ROLE, objs)
	out := make([]*mesospb.Operation, 0, len(ops))
	for i, op := range ops {
		if needs[i] == nil {
			continue
		}
		shown := true
		for _, r := range needs[i] {
			shown = shown && allowed[index[r]]
		}
		if shown {
			out = append(out, op)
		}
	}
	return out, nil
}

// consumedRoles lists the roles of what an operation consumes (Mesos's
// protobuf::getConsumedResources), false when that is not known. A
// RESERVE consumes its resources without their last (new) reservation.
func consumedRoles(info *mesospb.Offer_Operation) ([]string, bool) {
	var consumed []*mesospb.Resource
	reserve := false
	switch info.GetType() {
	case mesospb.Offer_Operation_RESERVE:
		consumed, reserve = info.GetReserve().GetResources(), true
		if src := info.GetReserve().GetSource(); len(src) > 0 {
			consumed, reserve = src, false
		}
	case mesospb.Offer_Operation_UNRESERVE:
		consumed = info.GetUnreserve().GetResources()
	case mesospb.Offer_Operation_CREATE:
		consumed = info.GetCreate().GetVolumes()
	case mesospb.Offer_Operation_DESTROY:
		consumed = info.GetDestroy().GetVolumes()
	case mesospb.Offer_Operation_GROW_VOLUME:
		consumed = []*mesospb.Resource{info.GetGrowVolume().GetVolume(), info.GetGrowVolume().GetAddition()}
	case mesospb.Offer_Operation_SHRINK_VOLUME:
		consumed = []*mesospb.Resource{info.GetShrinkVolume().GetVolume()}
	case mesospb.Offer_Operation_CREATE_DISK:
		consumed = []*mesospb.Resource{info.GetCreateDisk().GetSource()}
	case mesospb.Offer_Operation_DESTROY_DISK:
		consumed = []*mesospb.Resource{info.GetDestroyDisk().GetSource()}
	default:
		return nil, false
	}
	var roles []string
	add := func(role string) {
		if !slices.Contains(roles, role) {
			roles = append(roles, role)
		}
	}
	for _, r := range consumed {
		if r == nil {
			return nil, false
		}
		res := r.GetReservations()
		switch {
		case reserve && len(res) > 0:
			res = res[:len(res)-1]
		case reserve && r.Role != nil && r.GetRole() != "*":
			// The pre-refinement format: one reservation, in "role";
			// without it the resource is unreserved.
		case reserve:
			return nil, false // a RESERVE without a reservation is invalid
		case r.Role != nil && r.GetRole() != "*":
			add(r.GetRole())
		}
		for _, ri := range res {
			add(ri.GetRole())
		}
		if ai := r.GetAllocationInfo(); ai != nil {
			add(ai.GetRole())
		}
	}
	return roles, true
}
