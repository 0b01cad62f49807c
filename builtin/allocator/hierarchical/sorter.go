package hierarchical

import (
	"slices"
	"sort"

	"github.com/gomesos/mesos/core/resources"
)

// node is a node of a DRF sorter tree. The role sorter is a tree of roles
// (every role is an internal node; a role that has frameworks also has a
// "self" leaf, Mesos's virtual "." leaf); each role's framework sorter is a
// flat tree whose leaves are that role's frameworks.
//
// An internal node keeps, in live, the children that can receive
// resources now (leaves that want offers, internal nodes with such leaves
// below), sorted in DRF order. Children that cannot receive are kept out
// of live entirely, so walking the order never meets them. live holds
// arena indexes rather than pointers: moving a node in a long list is then
// a plain memmove, free of the garbage collector's write barriers.
type node[T any] struct {
	path   string // Mesos's node path: the tie-breaker of last resort
	parent *node[T]
	arena  *arena[T]
	id     int32 // index in arena.nodes; -1 for roots
	weight float64

	alloc resources.Quantities // scalar quantities allocated to the subtree
	count uint64               // allocations made to the subtree (a tie-breaker)
	share float64              // cached weighted dominant share

	live   []int32 // internal nodes: receiving children, in DRF order
	inLive bool    // whether this node is in its parent's live list
	leaf   bool
	want   bool // leaves: whether the client wants offers

	stamp uint64 // the last walk (agent and stage) that visited this node
	item  T
}

// arena owns the nodes of one or more trees and numbers them.
type arena[T any] struct {
	nodes []*node[T]
	free  []int32
}

// newNode creates a node with weight 1; a nil parent makes a root.
func (ar *arena[T]) newNode(path string, parent *node[T], leaf bool, item T) *node[T] {
	n := &node[T]{path: path, parent: parent, arena: ar, id: -1, weight: 1, leaf: leaf, item: item}
	if parent == nil {
		return n
	}
	if k := len(ar.free); k > 0 {
		n.id = ar.free[k-1]
		ar.free = ar.free[:k-1]
	} else {
		n.id = int32(len(ar.nodes))
		ar.nodes = append(ar.nodes, nil)
	}
	ar.nodes[n.id] = n
	return n
}

// dispose returns a node's index for reuse; the node must not be live.
func (ar *arena[T]) dispose(n *node[T]) {
	if n.id < 0 {
		return
	}
	ar.nodes[n.id] = nil
	ar.free = append(ar.free, n.id)
	n.id = -1
}

// child returns the i-th live child of n.
func (n *node[T]) child(i int) *node[T] { return n.arena.nodes[n.live[i]] }

// less is Mesos's DRF order: lower share first, then fewer allocations,
// then path.
func less[T any](a, b *node[T]) bool {
	if a.share != b.share {
		return a.share < b.share
	}
	if a.count != b.count {
		return a.count < b.count
	}
	return a.path < b.path
}

// keyBefore reports whether n sorts before the key (share, count, path).
func keyBefore[T any](n *node[T], share float64, count uint64, path string) bool {
	if n.share != share {
		return n.share < share
	}
	if n.count != count {
		return n.count < count
	}
	return n.path < path
}

// shareBasis is what shares are computed against: the cluster's total
// scalar quantities, less the names excluded from fair sharing.
type shareBasis struct {
	names  []string
	totals []float64
}

func newShareBasis(total resources.Quantities, excluded map[string]bool) shareBasis {
	var b shareBasis
	for _, name := range total.Names() {
		if excluded[name] {
			continue
		}
		v := total.Get(name).Float()
		if v <= 0 {
			continue
		}
		b.names = append(b.names, name)
		b.totals = append(b.totals, v)
	}
	return b
}

// dominant is the largest fraction of any resource that alloc holds.
func (b *shareBasis) dominant(alloc resources.Quantities) float64 {
	if alloc.IsEmpty() {
		return 0
	}
	share := 0.0
	for i, name := range b.names {
		if s := alloc.Get(name).Float() / b.totals[i]; s > share {
			share = s
		}
	}
	return share
}

func (b *shareBasis) shareOf(alloc resources.Quantities, weight float64) float64 {
	if weight <= 0 {
		weight = 1
	}
	return b.dominant(alloc) / weight
}

// sorterState is shared by every sorter tree of one allocator: the share
// basis, and whether some tree needs a full re-sort before it is walked.
type sorterState struct {
	basis shareBasis
	dirty bool
	// policy changes with anything that changes what every framework may
	// be offered (quota); see memo.go.
	policy uint64
}

// setLive puts n into its parent's live list or takes it out, following
// n's own state, and carries the change up the tree. Between cycles new
// entries are appended and the tree is marked dirty (re-sorted before the
// next walk).
func setLive[T any](st *sorterState, n *node[T]) {
	for n != nil && n.parent != nil {
		should := n.want
		if !n.leaf {
			should = len(n.live) > 0
		}
		if should == n.inLive {
			return
		}
		p := n.parent
		if should {
			p.live = append(p.live, n.id)
		} else if i := slices.Index(p.live, n.id); i >= 0 {
			p.live = slices.Delete(p.live, i, i+1)
		}
		n.inLive = should
		st.dirty = true
		n = p
	}
}

// sortAdd adds q to n and its ancestors. During a cycle (the tree is
// clean) each changed node is moved to its new place in its parent's live
// list right away; otherwise the tree is marked dirty.
func sortAdd[T any](st *sorterState, n *node[T], q resources.Quantities) {
	for cur := n; cur != nil; cur = cur.parent {
		oldShare, oldCount := cur.share, cur.count
		cur.alloc.AddInPlace(q)
		cur.count++
		if cur.parent == nil {
			continue
		}
		if st.dirty || !cur.inLive {
			st.dirty = true
			continue
		}
		cur.share = st.basis.shareOf(cur.alloc, cur.weight)
		cur.parent.reposition(cur, oldShare, oldCount)
	}
}

// sortSub takes q out of n and its ancestors and marks the tree dirty
// (it only happens between cycles).
func sortSub[T any](st *sorterState, n *node[T], q resources.Quantities) {
	if q.IsEmpty() {
		return
	}
	for cur := n; cur != nil; cur = cur.parent {
		cur.alloc.SubtractInPlace(q)
	}
	st.dirty = true
}

// reposition moves child n, whose key was (oldShare, oldCount) and has
// only grown since, to its sorted place in p.live.
func (p *node[T]) reposition(n *node[T], oldShare float64, oldCount uint64) {
	live := p.live
	i := sort.Search(len(live), func(k int) bool {
		return !keyBefore(p.child(k), oldShare, oldCount, n.path)
	})
	if i >= len(live) || live[i] != n.id {
		// Not where its old key says: fall back to a scan.
		if i = slices.Index(live, n.id); i < 0 {
			return
		}
	}
	rest := live[i+1:]
	j := sort.Search(len(rest), func(k int) bool { return less(n, p.child(i+1+k)) })
	if j == 0 {
		return
	}
	copy(live[i:i+j], rest[:j])
	live[i+j] = n.id
}

// sortLive recomputes the shares of n's live children and sorts them. It
// does not descend.
func sortLive[T any](st *sorterState, n *node[T]) {
	nodes := n.arena.nodes
	for _, id := range n.live {
		c := nodes[id]
		c.share = st.basis.shareOf(c.alloc, c.weight)
	}
	slices.SortFunc(n.live, func(a, b int32) int {
		x, y := nodes[a], nodes[b]
		switch {
		case less(x, y):
			return -1
		case less(y, x):
			return 1
		}
		return 0
	})
}

// walk visits the live leaves below n in DRF order, as Mesos's sort()
// would list them at the start of the walk, but lazily: it stops as soon
// as visit returns true. Nodes allocated to during the walk only ever move
// towards the end; stamp marks what was visited so that a node met again
// after it moved is skipped, and the nodes not yet visited keep their
// relative order, so the walk sees exactly the order of a snapshot taken
// when it began.
func walk[T any](n *node[T], stamp uint64, visit func(*node[T]) bool) bool {
	for i := 0; i < len(n.live); {
		c := n.child(i)
		if c.stamp == stamp {
			i++
			continue
		}
		c.stamp = stamp
		var stop bool
		if c.leaf {
			stop = visit(c)
		} else {
			stop = walk(c, stamp, visit)
		}
		if stop {
			return true
		}
		if i < len(n.live) && n.live[i] == c.id {
			i++
		}
	}
	return false
}

// orderLess reports whether leaf a comes before leaf b in the tree's DRF
// order: the two are compared where their paths from the root part.
func orderLess[T any](a, b *node[T]) bool {
	var pa, pb [16]*node[T]
	ca, cb := ancestry(a, pa[:0]), ancestry(b, pb[:0])
	for i := 0; i < len(ca) && i < len(cb); i++ {
		if ca[i] != cb[i] {
			return less(ca[i], cb[i])
		}
	}
	return len(ca) < len(cb)
}

// ancestry returns n's path from just below the root down to n.
func ancestry[T any](n *node[T], buf []*node[T]) []*node[T] {
	for ; n != nil && n.parent != nil; n = n.parent {
		buf = append(buf, n)
	}
	slices.Reverse(buf)
	return buf
}
