// Package binpack is an example allocation policy that packs frameworks
// onto as few agents as it can: each cycle it visits the agents fullest
// first, so that new work lands where work already runs and lightly used
// agents stay empty (to be drained, scaled down or kept for large tasks).
//
// The policy, per cycle:
//
//   - Candidate agents are the active, whitelisted ones with something
//     free. They are visited by decreasing utilisation (the largest share
//     of any scalar resource already held by frameworks), then by id.
//   - The frameworks' subscribed, unsuppressed roles take turns round
//     robin (the turn order rotates every cycle). An agent goes to the next
//     framework role in turn that can take something of it; that framework
//     gets all of what is left on the agent for its role, and the next
//     role in turn gets the next agent. With the parameter
//     max_agents_per_framework set, a framework gets at most that many
//     agents per cycle, so frameworks see only the fullest agents.
//   - The rules every allocator follows (modules/kinds/allocator and its
//     conformance suite) hold: reserved resources only to their role's
//     subtree, revocable, shared and refined resources and GPU agents only
//     to capable frameworks, quota limits of a role and of its ancestors,
//     the whitelist, minimum allocatable resources (the master's and each
//     framework's), decline filters for max(refuse_seconds, allocation
//     interval), suppress and revive.
//   - Not done (unlike HierarchicalDRF): quota guarantees, weights, fair
//     sharing, inverse offers for maintenance.
//
// The package is pure Go with no goroutines and no operating-system
// access, so the same policy runs built in, as a go-plugin subprocess
// (../main.go) and compiled to WASM (GOOS=wasip1).
package binpack
