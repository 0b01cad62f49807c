package masterflags

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/gomesos/mesos/core/resources"
)

// The flags whose values have a grammar of their own.

// parseRoles reads --roles: a comma-separated list of valid roles.
func parseRoles(value string) ([]string, error) {
	var roles []string
	for role := range strings.SplitSeq(value, ",") {
		role = strings.TrimSpace(role)
		if role == "" {
			continue
		}
		if err := resources.ValidateRole(role); err != nil {
			return nil, fmt.Errorf("invalid role '%s' in --roles: %w", role, err)
		}
		roles = append(roles, role)
	}
	return roles, nil
}

// parseWeights reads --weights: role=weight pairs, comma-separated, each
// weight a positive number (Mesos's Master::initialize).
func parseWeights(value string) (map[string]float64, error) {
	weights := map[string]float64{}
	for pair := range strings.SplitSeq(value, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		role, text, ok := strings.Cut(pair, "=")
		if !ok {
			return nil, fmt.Errorf("invalid weight '%s' in --weights: expecting role=weight", pair)
		}
		if err := resources.ValidateRole(role); err != nil {
			return nil, fmt.Errorf("invalid role '%s' in --weights: %w", role, err)
		}
		w, err := strconv.ParseFloat(text, 64)
		if err != nil || w <= 0 || math.IsInf(w, 0) || math.IsNaN(w) {
			return nil, fmt.Errorf("invalid weight '%s' for role '%s' in --weights: must be a positive number", text, role)
		}
		weights[role] = w
	}
	return weights, nil
}

// parsePercentage reads --recovery_agent_removal_limit: "0%" to "100%",
// as a fraction.
func parsePercentage(value string) (float64, error) {
	text, ok := strings.CutSuffix(strings.TrimSpace(value), "%")
	if !ok {
		return 0, fmt.Errorf("invalid value '%s' for --recovery_agent_removal_limit: expecting a percentage such as 100%%", value)
	}
	p, err := strconv.ParseFloat(text, 64)
	if err != nil || p < 0 || p > 100 {
		return 0, fmt.Errorf("invalid value '%s' for --recovery_agent_removal_limit: must be between 0%% and 100%%", value)
	}
	return p / 100, nil
}

// parseResourceNames reads --fair_sharing_excluded_resource_names: a
// comma-separated list of resource names.
func parseResourceNames(value string) []string {
	var names []string
	for name := range strings.SplitSeq(value, ",") {
		if name = strings.TrimSpace(name); name != "" && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return names
}

// parseMinAllocatable reads --min_allocatable_resources as Mesos's
// Master::initialize does: alternatives separated by '|', each a set of
// quantities ("cpus:1;mem:32") that must all be met; only non-negative
// scalars. An empty alternative (or one of zeros) sets no minimum.
func parseMinAllocatable(value string) ([]map[string]float64, error) {
	var sets []map[string]float64
	for token := range strings.SplitSeq(value, "|") {
		q, err := resources.ParseQuantities(strings.TrimSpace(token))
		if err != nil {
			return nil, fmt.Errorf("error parsing --min_allocatable_resources '%s': %w", value, err)
		}
		set := map[string]float64{}
		for _, name := range q.Names() {
			set[name] = q.Get(name).Float()
		}
		sets = append(sets, set)
	}
	return sets, nil
}
