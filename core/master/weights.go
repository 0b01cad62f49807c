package master

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/registry"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// UPDATE_WEIGHTS and PUT /weights (Mesos's WeightsHandler): validated,
// persisted, then applied: the allocator gets the new weights, and if any
// updated role has frameworks every outstanding offer is rescinded so that
// the next allocation follows the new weights.

// updateWeights validates, persists and applies new weights.
func (m *Master) updateWeights(ctx context.Context, infos []*mesospb.WeightInfo) error {
	validated := make([]*mesospb.WeightInfo, 0, len(infos))
	for _, w := range infos {
		role := strings.TrimSpace(w.GetRole())
		if err := resources.ValidateRole(role); err != nil {
			return badRequest("Failed to validate update weights request JSON: Invalid role '%s': %v", role, err)
		}
		if !m.whitelisted(role) {
			return badRequest("Failed to validate update weights request JSON: Unknown role '%s'", role)
		}
		if !(w.GetWeight() > 0) {
			return badRequest("Failed to validate update weights request JSON for role '%s': Invalid weight '%s': Weights must be positive",
				role, strconv.FormatFloat(w.GetWeight(), 'g', -1, 64))
		}
		validated = append(validated, &mesospb.WeightInfo{Role: proto.String(role), Weight: proto.Float64(w.GetWeight())})
	}
	// Operator changes that go through the registry are serialized, so the
	// loop applies them in the order the registry stored them.
	m.operatorMu.Lock()
	defer m.operatorMu.Unlock()
	if err := m.registrar.Apply(ctx, &registry.UpdateWeights{Weights: validated}); err != nil {
		return registryStatus(err, false)
	}
	return m.call(ctx, func() { m.applyWeights(validated) })
}

func (m *Master) applyWeights(ws []*mesospb.WeightInfo) {
	rescind := false
	for _, w := range ws {
		m.weights[w.GetRole()] = w.GetWeight()
		rescind = rescind || m.roleActive(w.GetRole())
	}
	m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_WeightsUpdated{WeightsUpdated: &allocator.WeightsUpdated{Weights: ws}}})
	m.log.Info("weights updated", "weights", fmt.Sprint(weightsText(ws)))
	if rescind {
		for _, id := range sortedKeys(m.offers) {
			m.rescindOffer(m.offers[id], nil)
		}
	}
	m.allocateSoon()
}

// roleActive: some framework is subscribed to the role.
func (m *Master) roleActive(role string) bool {
	for _, fw := range m.frameworks {
		if slices.Contains(fw.roles(), role) {
			return true
		}
	}
	return false
}

// whitelisted says whether a role may be used: any role without --roles.
func (m *Master) whitelisted(role string) bool {
	return len(m.cfg.Roles) == 0 || slices.Contains(m.cfg.Roles, role)
}

func weightsText(ws []*mesospb.WeightInfo) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.GetRole() + "=" + strconv.FormatFloat(w.GetWeight(), 'g', -1, 64)
	}
	return out
}
