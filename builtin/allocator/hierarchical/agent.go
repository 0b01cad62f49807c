package hierarchical

import (
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// allocEntry is what one framework holds on an agent in one role, in
// unallocated form (no allocation info); shared resources may appear with
// several copies. q caches its scalar quantities (a shared resource counts
// once, as in Mesos's sorter). What a cycle adds is kept in pending and
// summed only when the entry is next read.
type allocEntry struct {
	fw      string
	role    string
	sum     resources.Resources
	pending []resources.Resources
	q       resources.Quantities
}

// res returns everything the entry holds.
func (e *allocEntry) res() resources.Resources {
	for _, p := range e.pending {
		e.sum = e.sum.Add(p)
	}
	e.pending = nil
	return e.sum
}

// agent is the allocator's view of one agent.
type agent struct {
	id       string
	idx      int // position in HierarchicalDRF.agentList
	hostname string
	active   bool

	multiRole        bool // agent capabilities that gate offers
	hierarchicalRole bool

	total    resources.Resources
	totalNS  resources.Resources // total without shared resources
	shared   resources.Resources // shared resources: always offerable
	hasGPU   bool
	plain    bool                 // see isPlain
	totalQ   resources.Quantities // scalar quantities of total
	headroom resources.Quantities // unreserved non-revocable scalars of total

	allocs    []allocEntry
	allocated resources.Resources // non-shared part of all entries
	// allocatedStale: allocated must be recomputed from allocs before
	// use (the cycle hands out whole agents without summing).
	allocatedStale bool

	// avail is what is free (without shared resources) and info describes
	// it; both are kept current, also during a cycle.
	avail resources.Resources
	info  availInfo

	// Per-cycle state, valid while cycle equals the allocator's cycle.
	cycle      uint64
	sharedLeft resources.Resources // shared resources not yet offered
	out        []outRef

	maintenance *maintenance

	// version changes whenever what the agent can offer changes; memo
	// remembers a stage-2 walk that offered nothing (see memo.go).
	version uint64
	memo    agentMemo
}

// outRef points at an allocation of this cycle made on the agent.
type outRef struct {
	fw  *framework
	out *allocator.Allocation
}

// availInfo summarizes an agent's free resources.
type availInfo struct {
	all        resources.Quantities // every free resource by quantity
	scalar     resources.Quantities // free scalars (sorter quantities)
	unreserved bool                 // some free resource is unreserved
	reserved   bool
	revocable  bool
	refined    bool
	// onlyHeadroom: everything free is an unreserved non-revocable
	// scalar or a non-scalar without reservation; the common case, in
	// which no resource needs to be set apart for any role or framework.
	onlyHeadroom bool
	// reservationRoles lists the roles free reserved resources belong to.
	reservationRoles []string
}

func describe(r resources.Resources) availInfo {
	info := availInfo{
		all:          resources.QuantitiesOf(r),
		scalar:       resources.ScalarQuantitiesOf(r),
		onlyHeadroom: true,
	}
	for x := range r.All() {
		if x.IsReserved() {
			info.reserved = true
			info.onlyHeadroom = false
			if x.HasRefinedReservations() {
				info.refined = true
			}
			role := x.ReservationRole()
			if !contains(info.reservationRoles, role) {
				info.reservationRoles = append(info.reservationRoles, role)
			}
		} else {
			info.unreserved = true
		}
		if x.IsRevocable() {
			info.revocable = true
			info.onlyHeadroom = false
		}
	}
	return info
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// setTotal replaces the agent's total and recomputes what follows from it.
func (a *agent) setTotal(total resources.Resources) {
	a.total = total
	a.shared = total.Shared()
	a.totalNS = total
	if !a.shared.IsEmpty() {
		a.totalNS = total.NonShared()
	}
	gpus, _ := total.GPUs()
	a.hasGPU = gpus > 0
	a.plain = isPlain(total)
	a.totalQ = resources.ScalarQuantitiesOf(total)
	a.headroom = headroomQuantities(total)
	a.refreshAvail()
}

// refreshAvail recomputes the free resources from the total and the
// allocations. An over-allocated agent (the total shrank) has nothing free.
func (a *agent) refreshAvail() {
	a.version++
	a.syncAllocated()
	a.avail = a.totalNS.Subtract(a.allocated)
	a.info = describe(a.avail)
}

// syncAllocated recomputes allocated if it is stale.
func (a *agent) syncAllocated() {
	if !a.allocatedStale {
		return
	}
	var sum resources.Resources
	for i := range a.allocs {
		r := a.allocs[i].res()
		if !a.shared.IsEmpty() {
			r = r.NonShared()
		}
		sum = sum.Add(r)
	}
	a.allocated, a.allocatedStale = sum, false
}

// entry returns the index of (fw, role) in allocs, -1 if absent.
func (a *agent) entry(fw, role string) int {
	for i := range a.allocs {
		if a.allocs[i].fw == fw && a.allocs[i].role == role {
			return i
		}
	}
	return -1
}

// holdHint carries what the cycle already knows about resources it
// hands out, to spare recomputing it.
type holdHint struct {
	whole    bool                 // the resources are exactly a.avail
	q        resources.Quantities // their scalar quantities
	headroom resources.Quantities // their unreserved non-revocable scalars
}

// hold adds res (unallocated form) to the entry of (fw, role), creating
// it, and takes it out of the free resources. It returns whether the entry
// is new and the growth of its scalar quantities.
func (a *agent) hold(fw, role string, res resources.Resources, hint *holdHint) (bool, resources.Quantities) {
	i := a.entry(fw, role)
	created := i < 0
	if created {
		a.allocs = append(a.allocs, allocEntry{fw: fw, role: role})
		i = len(a.allocs) - 1
	}
	e := &a.allocs[i]
	before := e.q
	ns := res
	if !a.shared.IsEmpty() {
		ns = res.NonShared()
	}
	switch {
	case created && hint != nil:
		e.sum, e.q = res, hint.q
	case hint != nil && ns.Len() == res.Len():
		// Without shared resources quantities simply add up.
		e.pending = append(e.pending, res)
		e.q = e.q.Add(hint.q)
	default:
		e.sum = e.res().Add(res)
		e.q = resources.ScalarQuantitiesOf(e.sum)
	}
	if !ns.IsEmpty() {
		if hint != nil && hint.whole {
			// Everything free is taken: no need to sum now.
			a.allocatedStale = true
			a.avail, a.info = resources.Resources{}, availInfo{onlyHeadroom: true}
			a.version++
		} else {
			a.syncAllocated()
			a.allocated = a.allocated.Add(ns)
			a.refreshAvail()
		}
	}
	return created, e.q.Subtract(before)
}

// release takes res out of entry i and returns it to the free resources.
// It returns what was actually released and the shrinkage of the entry's
// scalar quantities; an emptied entry is removed (indexes of later entries
// shift).
func (a *agent) release(i int, res resources.Resources) (resources.Resources, resources.Quantities) {
	e := &a.allocs[i]
	before, beforeQ := e.res(), e.q
	e.sum = before.Subtract(res)
	released := before.Subtract(e.sum)
	e.q = resources.ScalarQuantitiesOf(e.sum)
	shrink := beforeQ.Subtract(e.q)
	if e.sum.IsEmpty() {
		a.allocs = append(a.allocs[:i], a.allocs[i+1:]...)
	}
	ns := released
	if !a.shared.IsEmpty() {
		ns = released.NonShared()
	}
	if !ns.IsEmpty() {
		a.allocatedStale = true
		a.refreshAvail()
	}
	return released, shrink
}

// isPlain reports whether every entry of r carries nothing but a name, a
// type and a value, so that its protos can be built directly (see
// output.go). Whatever the entries' metadata, the test is exact: the
// direct build must equal the library's.
func isPlain(r resources.Resources) bool {
	for x := range r.All() {
		if x.IsReserved() || x.IsRevocable() || x.IsShared() || x.HasProvider() ||
			x.IsPersistentVolume() {
			return false
		}
		if !protoEqual(x.Proto(), plainProto(x)) {
			return false
		}
	}
	return true
}

// headroomQuantities is the quota-relevant part of r: its unreserved,
// non-revocable scalars.
func headroomQuantities(r resources.Resources) resources.Quantities {
	return resources.ScalarQuantitiesOf(r.Filter(isHeadroom))
}

func isHeadroom(x resources.Resource) bool {
	return x.Type() == mesospb.Value_SCALAR && x.IsUnreserved() && !x.IsRevocable()
}
