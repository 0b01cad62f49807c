package hierarchical

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gomesos/mesos/core/resources"
)

// testTree is a random sorter tree: internal nodes with leaves below.
type testTree struct {
	st     *sorterState
	ar     *arena[string]
	root   *node[string]
	leaves []*node[string]
}

func newTestTree(rng *rand.Rand, fanout, depth int) *testTree {
	st := &sorterState{}
	st.basis = newShareBasis(resources.NewQuantities(map[string]float64{"cpus": 1000, "mem": 100000}), nil)
	tt := &testTree{st: st, ar: &arena[string]{}}
	tt.root = tt.ar.newNode("", nil, false, "")
	var build func(p *node[string], d int)
	build = func(p *node[string], d int) {
		for i := range 1 + rng.IntN(fanout) {
			path := fmt.Sprintf("%s/%d", p.path, i)
			if d == depth || rng.IntN(3) == 0 {
				leaf := tt.ar.newNode(path, p, true, path)
				leaf.want = rng.IntN(5) != 0
				tt.leaves = append(tt.leaves, leaf)
				setLive(st, leaf)
				continue
			}
			n := tt.ar.newNode(path, p, false, path)
			n.weight = float64(1 + rng.IntN(3))
			build(n, d+1)
		}
	}
	build(tt.root, 1)
	return tt
}

func randomQuantities(rng *rand.Rand) resources.Quantities {
	return resources.NewQuantities(map[string]float64{
		"cpus": float64(rng.IntN(8)), "mem": float64(rng.IntN(4096))})
}

// resort sorts every live list of the tree.
func (tt *testTree) resort() {
	var rec func(n *node[string])
	rec = func(n *node[string]) {
		sortLive(tt.st, n)
		for i := range n.live {
			if c := n.child(i); !c.leaf {
				rec(c)
			}
		}
	}
	rec(tt.root)
	tt.st.dirty = false
}

// snapshot lists the live leaves in DRF order, as Mesos's sort() does:
// each level fully sorted by a fresh computation, then pre-order.
func (tt *testTree) snapshot() []string {
	var out []string
	var rec func(n *node[string])
	rec = func(n *node[string]) {
		kids := make([]*node[string], 0, len(n.live))
		for i := range n.live {
			kids = append(kids, n.child(i))
		}
		for _, c := range kids {
			c.share = tt.st.basis.shareOf(c.alloc, c.weight)
		}
		slices.SortFunc(kids, func(a, b *node[string]) int {
			if less(a, b) {
				return -1
			}
			return 1
		})
		for _, c := range kids {
			if c.leaf {
				out = append(out, c.item)
			} else {
				rec(c)
			}
		}
	}
	rec(tt.root)
	return out
}

// TestWalkIsASnapshot checks the lazy walk against Mesos's semantics:
// allocating to leaves while walking must not change the order in which
// the remaining leaves are visited, which is the order a full sort at the
// start of the walk gives.
func TestWalkIsASnapshot(t *testing.T) {
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 7))
		tt := newTestTree(rng, 4, 3)
		for range 20 {
			leaf := tt.leaves[rng.IntN(len(tt.leaves))]
			sortAdd(tt.st, leaf, randomQuantities(rng))
		}
		tt.resort()
		for round := range 5 {
			want := tt.snapshot()
			var got []string
			stamp := uint64(round + 1)
			walk(tt.root, stamp, func(leaf *node[string]) bool {
				got = append(got, leaf.item)
				if rng.IntN(2) == 0 {
					sortAdd(tt.st, leaf, randomQuantities(rng))
				}
				return false
			})
			if !slices.Equal(got, want) {
				t.Fatalf("seed %d round %d: walk visited\n%v\nsnapshot order is\n%v", seed, round, got, want)
			}
			if tt.st.dirty {
				t.Fatalf("seed %d: allocating during a walk dirtied the tree", seed)
			}
		}
	}
}

// TestRepositionKeepsOrder checks that incremental moves leave every live
// list sorted.
func TestRepositionKeepsOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tt := newTestTree(rng, 6, 3)
	tt.resort()
	for range 2000 {
		leaf := tt.leaves[rng.IntN(len(tt.leaves))]
		if !leaf.inLive {
			continue
		}
		sortAdd(tt.st, leaf, randomQuantities(rng))
	}
	var check func(n *node[string])
	check = func(n *node[string]) {
		for i := 1; i < len(n.live); i++ {
			if less(n.child(i), n.child(i-1)) {
				t.Fatalf("live list of %q out of order at %d", n.path, i)
			}
		}
		for i := range n.live {
			if c := n.child(i); !c.leaf {
				check(c)
			}
		}
	}
	check(tt.root)
}

// TestOrderLessMatchesWalk checks the comparison used for candidate lists
// against the walk.
func TestOrderLessMatchesWalk(t *testing.T) {
	for seed := range uint64(50) {
		rng := rand.New(rand.NewPCG(seed, 3))
		tt := newTestTree(rng, 4, 3)
		for range 30 {
			sortAdd(tt.st, tt.leaves[rng.IntN(len(tt.leaves))], randomQuantities(rng))
		}
		tt.resort()
		var order []*node[string]
		walk(tt.root, 1, func(l *node[string]) bool { order = append(order, l); return false })
		shuffled := slices.Clone(order)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		slices.SortFunc(shuffled, func(a, b *node[string]) int {
			if orderLess(a, b) {
				return -1
			}
			return 1
		})
		if !slices.Equal(order, shuffled) {
			t.Fatalf("seed %d: orderLess disagrees with the walk", seed)
		}
	}
}

func TestShareIsDominantOverWeight(t *testing.T) {
	b := newShareBasis(resources.NewQuantities(map[string]float64{"cpus": 8, "mem": 10240, "gpus": 2}),
		map[string]bool{"gpus": true})
	alloc := resources.NewQuantities(map[string]float64{"cpus": 2, "mem": 5120, "gpus": 2})
	// mem 0.5 dominates cpus 0.25; gpus are excluded from fair sharing.
	if got := b.shareOf(alloc, 2); got != 0.25 {
		t.Errorf("share = %v, want 0.5/2", got)
	}
}
