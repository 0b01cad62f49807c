package allocguard

// Reason is why an allocation (or inverse offer) was rejected.
type Reason int

// The reasons, in the order the checks are made.
const (
	UnknownAgent         Reason = iota // the agent is not known to the master
	InactiveAgent                      // the agent is deactivated
	UnknownFramework                   // the framework is not known to the master
	InactiveFramework                  // the framework is inactive
	Empty                              // no resources
	InvalidResources                   // a resource is malformed
	MissingRole                        // a resource carries no allocation_info.role
	NotSubscribed                      // allocated to a role the framework is not subscribed to
	WrongReservation                   // reserved to a role the allocation role may not use
	NotRevocableCapable                // revocable resources to a framework without REVOCABLE_RESOURCES
	NotSharedCapable                   // shared resources to a framework without SHARED_RESOURCES
	NotRefinementCapable               // refined reservations to a framework without RESERVATION_REFINEMENT
	NotFree                            // more than is free on the agent (or handed out twice)
	NumReasons                         // the number of reasons
)

var reasonNames = [NumReasons]string{
	UnknownAgent:         "unknown_agent",
	InactiveAgent:        "inactive_agent",
	UnknownFramework:     "unknown_framework",
	InactiveFramework:    "inactive_framework",
	Empty:                "empty",
	InvalidResources:     "invalid_resources",
	MissingRole:          "missing_role",
	NotSubscribed:        "not_subscribed",
	WrongReservation:     "wrong_reservation",
	NotRevocableCapable:  "not_revocable_capable",
	NotSharedCapable:     "not_shared_capable",
	NotRefinementCapable: "not_refinement_capable",
	NotFree:              "not_free",
}

// String is the reason's metric-friendly name ("not_free").
func (r Reason) String() string {
	if r >= 0 && r < NumReasons {
		return reasonNames[r]
	}
	return "unknown"
}
