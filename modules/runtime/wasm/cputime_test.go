package wasm

import (
	"syscall"
	"testing"
	"time"
)

// The machine the benchmarks run on is shared and often overloaded, so
// that wall time per operation says more about the load than about the
// code; they also report the CPU time the process spent (all threads:
// wazero's, the garbage collector's, the watchdog's timers).

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuSpan measures the CPU time of a benchmark's loop.
type cpuSpan time.Duration

func startCPU() cpuSpan { return cpuSpan(cpuTime()) }

// report adds the CPU time per operation, in unit, as metric name.
func (c cpuSpan) report(b *testing.B, name string, unit time.Duration) {
	b.ReportMetric(float64(cpuTime()-time.Duration(c))/float64(b.N)/float64(unit), name)
}
