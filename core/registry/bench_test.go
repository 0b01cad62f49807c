package registry

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/gomesos/mesos/core/proto/registrypb"
)

// seeded returns a recovered registrar whose store already holds n
// admitted agents.
func seeded(b *testing.B, store Store, n int) *Registrar {
	b.Helper()
	reg := &registrypb.Registry{Agents: &registrypb.Registry_Agents{}}
	for i := range n {
		reg.Agents.Agents = append(reg.Agents.Agents, &registrypb.Registry_Agent{Info: agentInfo(fmt.Sprintf("seed-S%d", i))})
	}
	data, err := encodeRegistry(reg)
	if err != nil {
		b.Fatal(err)
	}
	if err := store.Set(ctx, data, 0); err != nil {
		b.Fatal(err)
	}
	return recovered(b, store)
}

func benchStores(b *testing.B, run func(b *testing.B, store Store)) {
	b.Run("store=memory", func(b *testing.B) { run(b, NewMemoryStore()) })
	b.Run("store=file", func(b *testing.B) {
		s, err := OpenFileStore(b.TempDir(), nil)
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		run(b, s)
	})
}

// BenchmarkAdmitAgent: one operation, one write of the whole registry,
// which grows with the number of admitted agents (registry-bytes).
func BenchmarkAdmitAgent(b *testing.B) {
	for _, n := range []int{10_000, 50_000} {
		b.Run(fmt.Sprintf("agents=%d", n), func(b *testing.B) {
			benchStores(b, func(b *testing.B, store Store) {
				r := seeded(b, store, n)
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; b.Loop(); i++ {
					mustApply(b, r, &AdmitAgent{Info: agentInfo(fmt.Sprintf("new-S%d", i))})
				}
				b.StopTimer()
				st := r.Stats()
				b.SetBytes(int64(st.RegistrySizeBytes))
				b.ReportMetric(float64(st.RegistrySizeBytes), "registry-bytes")
			})
		})
	}
}

// BenchmarkAdmitAgentConcurrent: many masters' worth of registrations at
// once; batching makes writes/op fall well below 1.
func BenchmarkAdmitAgentConcurrent(b *testing.B) {
	benchStores(b, func(b *testing.B, store Store) {
		r := seeded(b, store, 10_000)
		before := r.Stats().Writes
		var next atomic.Int64
		b.SetParallelism(16)
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				mustApply(b, r, &AdmitAgent{Info: agentInfo(fmt.Sprintf("new-S%d", next.Add(1)))})
			}
		})
		b.StopTimer()
		b.ReportMetric(float64(r.Stats().Writes-before)/float64(b.N), "writes/op")
	})
}
