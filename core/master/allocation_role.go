package master

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// allocatedToSingleRole checks that resources (normalized: allocation_info
// injected) are allocated to one role, with Mesos's messages
// (validation::resource::validateAllocatedToSingleRole). A MULTI_ROLE
// framework could otherwise mix resources of two of its roles in one task
// or executor.
func allocatedToSingleRole(rs []*mesospb.Resource) error {
	first := ""
	for i, r := range rs {
		if ai := r.GetAllocationInfo(); ai == nil || ai.Role == nil {
			return fmt.Errorf("The resources are not allocated to a role")
		}
		role := r.GetAllocationInfo().GetRole()
		if i == 0 {
			first = role
			continue
		}
		if role != first {
			return fmt.Errorf("The resources have multiple allocation roles ('%s' and '%s') but only one allocation role is allowed", role, first)
		}
	}
	return nil
}

// validateSuppressedRoles checks, as Mesos does on SUBSCRIBE and
// UPDATE_FRAMEWORK, that the suppressed roles are roles of the framework.
// The set is written as stout writes a std::set.
func validateSuppressedRoles(info *mesospb.FrameworkInfo, suppressed []string) error {
	roles := frameworkRoles(info)
	var bad []string
	for _, r := range suppressed {
		if !slices.Contains(roles, r) && !slices.Contains(bad, r) {
			bad = append(bad, r)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	slices.Sort(bad)
	return fmt.Errorf("Suppressed roles { %s } are not contained in the set of roles", strings.Join(bad, ", "))
}
