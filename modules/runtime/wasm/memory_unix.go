//go:build unix

package wasm

import (
	"github.com/tetratelabs/wazero/experimental"
	"golang.org/x/sys/unix"
)

// mmapAllocator backs each instance's linear memory with an anonymous
// mapping of the memory's maximum size (its limit), whose pages the
// kernel provides as they are first touched. Growing the memory is then
// free: wazero's default, a Go slice grown by append, copies the whole
// memory at each growth, which for an allocator holding hundreds of
// megabytes cost more than the allocation cycle itself. The mapping lives
// outside the Go heap, so a large limit neither counts towards the host's
// garbage collection nor takes memory before the guest uses it.
type mmapAllocator struct{}

func newMemoryAllocator() experimental.MemoryAllocator { return mmapAllocator{} }

func (mmapAllocator) Allocate(capacity, max uint64) experimental.LinearMemory {
	if max == 0 || max != uint64(int(max)) {
		return &sliceMemory{buf: make([]byte, 0, capacity)}
	}
	buf, err := unix.Mmap(-1, 0, int(max), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON|mapNoReserve)
	if err != nil {
		// No address space or overcommit refused: grow by copying.
		return &sliceMemory{buf: make([]byte, 0, capacity)}
	}
	return &mmapMemory{buf: buf}
}

// mmapMemory is a linear memory in a mapping of its maximum size.
type mmapMemory struct{ buf []byte }

func (m *mmapMemory) Reallocate(size uint64) []byte {
	if m.buf == nil || size > uint64(len(m.buf)) {
		return nil
	}
	return m.buf[:size]
}

func (m *mmapMemory) Free() {
	if m.buf != nil {
		_ = unix.Munmap(m.buf)
		m.buf = nil
	}
}
