package wasm

import (
	"context"
	"testing"
	"time"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/hook"
)

// BenchmarkCallParts splits the trivial hook call of BenchmarkHookCall
// (the label hook with no labels, an empty request) into its parts, on
// one instance of the module:
//
//   - "export": an export that returns a constant (gomesos_abi_version)
//     called through wazero alone: the cost of entering and leaving the
//     guest;
//   - "export+watchdog": the same under the watchdog that enforces the
//     deadline: its cost is the difference;
//   - "guest": the hook's export with the request already in guest
//     memory: the SDK's dispatch, the guest's decoding, the hook, the
//     guest's encoding;
//   - "exchange": the host's side added: encoding the request into guest
//     memory and finding the response;
//   - "call": the whole call as the core makes it (pool, decoding the
//     response into a new message).
func BenchmarkCallParts(b *testing.B) {
	in := load(b, newLoader(b, Config{PoolSize: 1}), modules.Spec{File: guest(b, labelPkg)})
	h := in.Impl.(*hookClient)
	m := h.c.m
	ctx := context.Background()
	inst, err := m.pool.get(ctx)
	if err != nil {
		b.Fatal(err)
	}
	req := &hook.MasterLaunchTaskLabelDecoratorRequest{}
	method := h.n["MasterLaunchTaskLabelDecorator"]
	ptr, err := inst.buffer(ctx, time.Second, 16)
	if err != nil {
		b.Fatal(err)
	}
	stack := make([]uint64, 3)
	parts := []struct {
		name string
		call func() error
	}{
		{"export", func() error { return inst.abiVersion.CallWithStack(ctx, stack) }},
		{"export+watchdog", func() error { _, err := inst.invoke(ctx, time.Second, inst.abiVersion); return err }},
		{"guest", func() error {
			stack[0], stack[1], stack[2] = uint64(method), uint64(ptr), 0
			return inst.call.CallWithStack(ctx, stack)
		}},
		{"exchange", func() error { _, err := inst.exchange(ctx, time.Second, inst.call, method, req); return err }},
	}
	for _, p := range parts {
		b.Run(p.name, func(b *testing.B) {
			cpu := startCPU()
			for range b.N {
				if err := p.call(); err != nil {
					b.Fatal(err)
				}
			}
			cpu.report(b, "cpu-µs/op", time.Microsecond)
		})
	}
	m.pool.put(inst)
	b.Run("call", func(b *testing.B) {
		cpu := startCPU()
		for range b.N {
			if _, err := h.MasterLaunchTaskLabelDecorator(ctx, req); err != nil {
				b.Fatal(err)
			}
		}
		cpu.report(b, "cpu-µs/op", time.Microsecond)
	})
}
