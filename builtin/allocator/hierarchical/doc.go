// Package hierarchical is the built-in HierarchicalDRF allocator: Mesos
// 1.x's default allocation policy written against the allocator module
// contract (modules/kinds/allocator).
//
// Policy, as in Mesos:
//
//   - Roles form a tree ("eng/frontend" is a child of "eng"); a role's
//     share includes its whole subtree. At every level of the tree the
//     role with the lowest weighted dominant share goes first (share
//     divided by weight, ties broken by how many allocations a node has
//     had, then by name). Within a role, frameworks are ordered the same
//     way (frameworks have no weights, as in Mesos).
//   - Each cycle visits the active, whitelisted agents in a random order.
//     Stage 1 satisfies quota guarantees; stage 2 offers everything else.
//     For every agent the roles are taken in DRF order, and within a role
//     its frameworks in DRF order; a framework gets all of what is left
//     on the agent for its role (minus what it cannot or will not take),
//     so allocations are "coarse-grained", one per framework and agent.
//   - Reserved resources go only to frameworks of the reservation role or
//     its subroles. Unreserved resources are held back ("headroom") so that
//     unsatisfied quota guarantees can still be met later, and no role's
//     consumption (its reservations plus its unreserved allocations) may
//     exceed a quota limit of the role or of one of its ancestors.
//   - Revocable resources go only to REVOCABLE_RESOURCES frameworks, shared
//     resources only to SHARED_RESOURCES frameworks (and at most once per
//     cycle), refined reservations only to RESERVATION_REFINEMENT
//     frameworks, and agents with GPUs only to GPU_RESOURCES frameworks when
//     filter_gpu_resources is set.
//   - Offer filters (declines with refuse_seconds) hold for
//     max(refuse_seconds, allocation interval); suppress and revive work per
//     role and revive clears the filters.
//   - Agents under maintenance produce inverse offers for the frameworks
//     that have resources on them.
//
// Performance. The state is kept so that a cycle costs little more than
// the allocations it makes: each agent keeps its free resources ready to
// offer, the sorters keep their children sorted by cached share and move a
// node after it is allocated to (binary search and one copy), the order of
// roles and frameworks is walked lazily so an agent that is used up after
// the first framework costs O(log n) rather than O(n), and protos are only
// built for the allocations actually made. An agent that every framework
// refused is not walked again until something it depends on changes, and
// then only the frameworks that changed are asked (memo.go). See cycle.go.
package hierarchical
