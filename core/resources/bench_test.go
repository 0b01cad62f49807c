package resources

import "testing"

// An agent-sized set: unreserved and reserved scalars, ports, a set, a
// revocable resource and a persistent volume.
const benchAgent = "cpus:32;mem:65536;disk:1048576;ports:[31000-32000];gpus:4;" +
	"cpus(web):8;mem(web):16384;disk(web):1024;gpu_ids:{g0,g1,g2,g3}"

const benchTask = "cpus:0.5;mem:512;disk:100;ports:[31005-31005]"

func benchResources(b *testing.B) (agent, task Resources) {
	agent = MustParse(benchAgent)
	agent = agent.Add(mustNew(b, with(scalarRes("cpus", 4), revocable)))
	agent = agent.Add(mustNew(b, with(scalarRes("disk", 100), reserved(dynamic("web", "p")), persistent("v1"))))
	return agent, MustParse(benchTask)
}

func BenchmarkResourcesAdd(b *testing.B) {
	agent, task := benchResources(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = agent.Add(task)
	}
}

func BenchmarkResourcesSubtract(b *testing.B) {
	agent, task := benchResources(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = agent.Subtract(task)
	}
}

func BenchmarkResourcesContains(b *testing.B) {
	agent, task := benchResources(b)
	b.ReportAllocs()
	for b.Loop() {
		if !agent.Contains(task) {
			b.Fatal("not contained")
		}
	}
}

func BenchmarkResourcesEqual(b *testing.B) {
	agent, _ := benchResources(b)
	other := agent.Add(Resources{})
	b.ReportAllocs()
	for b.Loop() {
		if !agent.Equal(other) {
			b.Fatal("not equal")
		}
	}
}

// BenchmarkResourcesLaunchCycle models an agent's bookkeeping for one task:
// check it fits, take it out, give it back.
func BenchmarkResourcesLaunchCycle(b *testing.B) {
	agent, task := benchResources(b)
	b.ReportAllocs()
	for b.Loop() {
		if !agent.Contains(task) {
			b.Fatal("not contained")
		}
		agent = agent.Subtract(task).Add(task)
	}
}

func BenchmarkResourcesAllocate(b *testing.B) {
	agent, _ := benchResources(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = agent.Allocate("web")
	}
}

func BenchmarkResourcesFilterAllocatable(b *testing.B) {
	agent, _ := benchResources(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = agent.AllocatableTo("web/a")
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(benchAgent, "*"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkQuantitiesOf(b *testing.B) {
	agent, _ := benchResources(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = QuantitiesOf(agent)
	}
}

func benchQuantities(b *testing.B) (total, task Quantities) {
	agent, t := benchResources(b)
	return QuantitiesOf(agent), QuantitiesOf(t)
}

func BenchmarkQuantitiesAdd(b *testing.B) {
	total, task := benchQuantities(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = total.Add(task)
	}
}

func BenchmarkQuantitiesSubtract(b *testing.B) {
	total, task := benchQuantities(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = total.Subtract(task)
	}
}

func BenchmarkQuantitiesContains(b *testing.B) {
	total, task := benchQuantities(b)
	b.ReportAllocs()
	for b.Loop() {
		if !total.Contains(task) {
			b.Fatal("not contained")
		}
	}
}

func BenchmarkQuantitiesAddSubtractInPlace(b *testing.B) {
	total, task := benchQuantities(b)
	total = total.Clone()
	b.ReportAllocs()
	for b.Loop() {
		total.AddInPlace(task)
		total.SubtractInPlace(task)
	}
}

func BenchmarkQuantitiesAddSubtract(b *testing.B) {
	total, task := benchQuantities(b)
	b.ReportAllocs()
	for b.Loop() {
		total = total.Add(task).Subtract(task)
	}
}

func BenchmarkResourcesContainsQuantities(b *testing.B) {
	agent, task := benchResources(b)
	q := QuantitiesOf(task)
	b.ReportAllocs()
	for b.Loop() {
		if !agent.ContainsQuantities(q) {
			b.Fatal("not contained")
		}
	}
}
