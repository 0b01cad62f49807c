package hierarchical

import (
	"testing"

	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator/allocatortest"
)

// user is a framework in a role of its own that runs identical tasks.
type user struct {
	fw, role string
	task     resources.Resources // one task, unallocated
	tasks    int
}

// simulate drives the cluster the way schedulers behave: each framework
// launches one task from each offer if the task fits, and gives back the
// rest without filters. Cycles repeat until a cycle launches nothing.
// (One task per offer is what makes the allocator's progressive filling
// visible: the framework with the lowest share is offered next.)
func simulate(t *testing.T, c *allocatortest.Cluster, users []*user) {
	t.Helper()
	byFw := map[string]*user{}
	for _, u := range users {
		byFw[u.fw] = u
	}
	for range 100 {
		launched := 0
		for _, a := range c.Cycle() {
			u := byFw[a.GetFrameworkId()]
			offer := resources.New(a.GetResources()...)
			task := u.task.Allocate(u.role)
			rest := offer
			if offer.Contains(task) {
				u.tasks++
				launched++
				rest = offer.Subtract(task)
			}
			if !rest.IsEmpty() {
				c.Recover(a.GetFrameworkId(), a.GetAgentId(), rest.Protos(), nil)
			}
		}
		if launched == 0 {
			return
		}
	}
	t.Fatal("no steady state after 100 cycles")
}

func (u *user) want(t *testing.T, n int) {
	t.Helper()
	if u.tasks != n {
		t.Errorf("%s launched %d tasks, want %d", u.fw, u.tasks, n)
	}
}

// Max-min fairness on one resource: 8 CPUs, user 1 runs 1-CPU tasks, user
// 2 runs 2-CPU tasks. Fair shares are 4 CPUs each: 4 tasks for user 1, 2
// for user 2.
//
// Offers (share = CPUs held / 8; ties go to the user offered fewer times,
// then by name):
//
//	u1 0 → 1/8   u2 0 → 2/8   u1 1/8 → 2/8   u2 (tie, 1 offer vs 2) 2/8 → 4/8
//	u1 2/8 → 3/8   u1 3/8 → 4/8   cluster full: u1 4 × 1 CPU, u2 2 × 2 CPUs.
func TestMaxMinFairnessOneResource(t *testing.T) {
	c := allocatortest.NewCluster(t, New(), nil)
	c.AddAgent("a1", "cpus:8;mem:10240")
	u1 := &user{fw: "u1", role: "user1", task: allocatortest.Parse("cpus:1")}
	u2 := &user{fw: "u2", role: "user2", task: allocatortest.Parse("cpus:2")}
	c.AddFramework(u1.fw, []string{u1.role})
	c.AddFramework(u2.fw, []string{u2.role})
	simulate(t, c, []*user{u1, u2})
	u1.want(t, 4)
	u2.want(t, 2)
}

// DRF on a cluster of 8 CPUs and 10 GB shared by two users:
// user 1 runs <1 CPU, 3 GB> tasks (dominant: memory, 3/10 = 0.3 per task),
// user 2 runs <3 CPUs, 1 GB> tasks (dominant: CPU, 3/8 = 0.375 per task).
//
// Equal weights, offers in order of dominant share:
//
//	u1 0     → 0.3    (used 1 CPU, 3 GB)
//	u2 0     → 0.375  (4 CPU, 4 GB)
//	u1 0.3   → 0.6    (5 CPU, 7 GB)
//	u2 0.375 → 0.75   (8 CPU, 8 GB)
//	u1 0.6: 0 CPU and 2 GB left, no task fits; nothing changes any more.
//
// Two tasks each.
func TestDRFTwoUsersEqualWeights(t *testing.T) {
	u1, u2 := drfUsers()
	c := allocatortest.NewCluster(t, New(), nil)
	c.AddAgent("a1", "cpus:8;mem:10240")
	c.AddFramework(u1.fw, []string{u1.role})
	c.AddFramework(u2.fw, []string{u2.role})
	simulate(t, c, []*user{u1, u2})
	u1.want(t, 2)
	u2.want(t, 2)
}

// The same cluster with weights 3:1 (shares divided by weight):
//
//	u1 0     → 0.3/3 = 0.1   (1 CPU, 3 GB)
//	u2 0     → 0.375         (4 CPU, 4 GB)
//	u1 0.1   → 0.6/3 = 0.2   (5 CPU, 7 GB)
//	u1 0.2   → 0.9/3 = 0.3   (6 CPU, 10 GB)
//	u1 0.3 < u2 0.375: 2 CPU and 0 GB left, no task fits.
//
// Three tasks for user 1, one for user 2.
func TestDRFTwoUsersWeighted(t *testing.T) {
	u1, u2 := drfUsers()
	c := allocatortest.NewCluster(t, New(), nil)
	c.Send(allocatortest.WeightsEvent(u1.role, 3))
	c.AddAgent("a1", "cpus:8;mem:10240")
	c.AddFramework(u1.fw, []string{u1.role})
	c.AddFramework(u2.fw, []string{u2.role})
	simulate(t, c, []*user{u1, u2})
	u1.want(t, 3)
	u2.want(t, 1)
}

// Within one role frameworks are ordered by DRF too: the same two users as
// frameworks of one role share it 2:2.
func TestDRFTwoFrameworksOneRole(t *testing.T) {
	u1, u2 := drfUsers()
	u1.role, u2.role = "shared", "shared"
	c := allocatortest.NewCluster(t, New(), nil)
	c.AddAgent("a1", "cpus:8;mem:10240")
	c.AddFramework(u1.fw, []string{u1.role})
	c.AddFramework(u2.fw, []string{u2.role})
	simulate(t, c, []*user{u1, u2})
	u1.want(t, 2)
	u2.want(t, 2)
}

func drfUsers() (*user, *user) {
	return &user{fw: "u1", role: "user1", task: allocatortest.Parse("cpus:1;mem:3072")},
		&user{fw: "u2", role: "user2", task: allocatortest.Parse("cpus:3;mem:1024")}
}

// The DRF paper's example (Ghodsi et al., NSDI 2011): 9 CPUs and 18 GB;
// A runs <1 CPU, 4 GB> tasks (dominant: memory, 4/18 = 2/9 per task), B
// runs <3 CPUs, 1 GB> tasks (dominant: CPU, 3/9 = 1/3 per task).
//
//	A 0   → 2/9   (1 CPU, 4 GB)
//	B 0   → 1/3   (4 CPU, 5 GB)
//	A 2/9 → 4/9   (5 CPU, 9 GB)
//	B 1/3 → 2/3   (8 CPU, 10 GB)
//	A 4/9 → 2/3   (9 CPU, 14 GB)
//	CPUs are used up: neither fits another task.
//
// A gets 3 tasks (3 CPU, 12 GB), B 2 tasks (6 CPU, 2 GB): both end with a
// dominant share of 2/3.
func TestDRFPaperExample(t *testing.T) {
	a := &user{fw: "A", role: "a", task: allocatortest.Parse("cpus:1;mem:4096")}
	b := &user{fw: "B", role: "b", task: allocatortest.Parse("cpus:3;mem:1024")}
	c := allocatortest.NewCluster(t, New(), nil)
	c.AddAgent("a1", "cpus:9;mem:18432")
	c.AddFramework(a.fw, []string{a.role})
	c.AddFramework(b.fw, []string{b.role})
	simulate(t, c, []*user{a, b})
	a.want(t, 3)
	b.want(t, 2)
}
