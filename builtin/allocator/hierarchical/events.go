package hierarchical

import (
	"errors"

	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// errSkip marks an event that was skipped because it names an agent or a
// framework the allocator does not know. Such events are expected (the
// master and the allocator race) and are only counted.
var errSkip = errors.New("unknown agent or framework")

// apply applies one event.
func (h *HierarchicalDRF) apply(ev *allocator.Event) {
	h.stats.Events++
	var err error
	switch k := ev.GetKind().(type) {
	case *allocator.Event_AgentAdded:
		err = h.addAgent(k.AgentAdded)
	case *allocator.Event_AgentUpdated:
		err = h.updateAgent(k.AgentUpdated)
	case *allocator.Event_AgentRemoved:
		err = h.removeAgentEvent(k.AgentRemoved)
	case *allocator.Event_AgentActivation:
		err = h.activateAgent(k.AgentActivation)
	case *allocator.Event_FrameworkAdded:
		err = h.addFramework(k.FrameworkAdded)
	case *allocator.Event_FrameworkUpdated:
		err = h.updateFrameworkEvent(k.FrameworkUpdated)
	case *allocator.Event_FrameworkRemoved:
		err = h.removeFramework(k.FrameworkRemoved)
	case *allocator.Event_FrameworkActivation:
		err = h.activateFramework(k.FrameworkActivation)
	case *allocator.Event_ResourcesRecovered:
		err = h.recoverResources(k.ResourcesRecovered)
	case *allocator.Event_AllocationConverted:
		err = h.convertAllocation(k.AllocationConverted)
	case *allocator.Event_AvailableConverted:
		err = h.convertAvailable(k.AvailableConverted)
	case *allocator.Event_OffersSuppressed:
		err = h.suppress(k.OffersSuppressed)
	case *allocator.Event_OffersRevived:
		err = h.revive(k.OffersRevived)
	case *allocator.Event_QuotaUpdated:
		h.setQuota(k.QuotaUpdated.GetConfig())
	case *allocator.Event_WeightsUpdated:
		err = h.setWeights(k.WeightsUpdated.GetWeights())
	case *allocator.Event_WhitelistUpdated:
		err = h.setWhitelist(k.WhitelistUpdated)
	case *allocator.Event_UnavailabilityUpdated:
		err = h.updateUnavailability(k.UnavailabilityUpdated)
	case *allocator.Event_InverseOfferUpdated:
		err = h.updateInverseOffer(k.InverseOfferUpdated)
	case *allocator.Event_ResourcesRequested:
		// Mesos's allocator only logs requests; so do we.
	default:
		err = errSkip
	}
	if err != nil {
		h.stats.SkippedEvents++
	}
}
