package wasm

import (
	"unsafe"

	"github.com/gomesos/mesos/modules/runtime/wasm/abi"
)

// The ABI's exports other than the per-kind calls (see package abi).

//go:wasmexport gomesos_abi_version
func abiVersion() int32 { return abi.Version }

//go:wasmexport gomesos_info
func info() uint64 {
	guest.out = append(guest.out[:0], guest.info()...)
	return pack(guest.out)
}

//go:wasmexport gomesos_alloc
func alloc(size uint32) uint32 { return buffers.alloc(size) }

//go:wasmexport gomesos_free
func free(ptr uint32) { buffers.free(ptr) }

//go:wasmexport gomesos_init
func initModule(ptr, n uint32) uint64 {
	req, ok := buffers.get(ptr, n)
	if !ok {
		return pack(guest.fail(abi.StatusBadRequest, "init request is not in a buffer from gomesos_alloc"))
	}
	return pack(guest.init(req))
}

// Call serves gomesos_call_<kind>: per-kind packages export it under
// their kind's name.
func Call(kind string, method, ptr, n uint32) uint64 {
	req, ok := buffers.get(ptr, n)
	if !ok {
		return pack(guest.fail(abi.StatusBadRequest, "request is not in a buffer from gomesos_alloc"))
	}
	return pack(guest.call(kind, method, req))
}

// pack returns the ABI's (ptr, len) of b.
func pack(b []byte) uint64 {
	if len(b) == 0 {
		return 0
	}
	return abi.Pack(addr(b), uint32(len(b)))
}

// addr is b's offset in linear memory (wasm pointers are 32-bit).
func addr(b []byte) uint32 { return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b)))) }

// buffers are the ones handed to the host.
var buffers = pinned{live: map[uint32][]byte{}}

// pinned keeps the buffers handed to the host reachable (Go's collector
// does not move objects, but would free unreferenced ones) until the host
// frees them, and lets requests be found from their pointer without
// trusting it. The host reuses one buffer for call after call: last
// finds it without a map lookup.
type pinned struct {
	live map[uint32][]byte
	last []byte
}

func (p *pinned) alloc(size uint32) uint32 {
	b := make([]byte, max(size, 1))
	ptr := addr(b)
	p.live[ptr] = b
	return ptr
}

func (p *pinned) free(ptr uint32) {
	delete(p.live, ptr)
	if p.last != nil && addr(p.last) == ptr {
		p.last = nil
	}
}

func (p *pinned) get(ptr, n uint32) ([]byte, bool) {
	b := p.last
	if b == nil || addr(b) != ptr {
		var ok bool
		if b, ok = p.live[ptr]; !ok {
			return nil, false
		}
		p.last = b
	}
	if int(n) > len(b) {
		return nil, false
	}
	return b[:n], true
}
