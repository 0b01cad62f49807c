package allocguard

import (
	"fmt"
	"testing"

	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// benchCase is a master view of n agents shaped like the allocator
// benchmark's (cpus:24;mem:4096;disk:4096;ports:[31000-32000], with
// cpus:16;mem:2014;disk:1024 and 16 ports in use) and 1000 frameworks,
// and a response allocating every agent's free resources.
func benchCase(n int) (MapView, *allocator.AllocateResponse) {
	total := resources.MustParse("cpus:24;mem:4096;disk:4096;ports:[31000-32000]")
	used := resources.MustParse("cpus:16;mem:2014;disk:1024;ports:[31000-31015]")
	free := total.Subtract(used)
	v := MapView{Agents: map[string]*Agent{}, Frameworks: map[string]*Framework{}}
	const frameworks = 1000
	for i := range frameworks {
		v.Frameworks[fmt.Sprintf("fw-%d", i)] = &Framework{Active: true, Roles: []string{fmt.Sprintf("role-%d", i)}}
	}
	resp := &allocator.AllocateResponse{}
	for i := range n {
		id := fmt.Sprintf("agent-%d", i)
		v.Agents[id] = &Agent{Active: true, Total: total, Allocated: used}
		fw := i % frameworks
		resp.Allocations = append(resp.Allocations, &allocator.Allocation{
			FrameworkId: fmt.Sprintf("fw-%d", fw), AgentId: id,
			Resources: free.Allocate(fmt.Sprintf("role-%d", fw)).Protos(),
		})
	}
	return v, resp
}

// BenchmarkCheck checks one response allocating 10k agents.
func BenchmarkCheck(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("agents=%d", n), func(b *testing.B) {
			v, resp := benchCase(n)
			g := New()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if r := g.Check(v, resp); len(r.Rejected) != 0 {
					b.Fatal(r.Rejected[0].Err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/allocation")
		})
	}
}
