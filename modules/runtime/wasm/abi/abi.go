// Package abi is the gomesos WASM module ABI, version 1: the exports a
// module provides, how request and response bytes cross guest memory and
// how a response says it failed. The host runtime (modules/runtime/wasm)
// and the Go guest SDK (sdk/wasm) both build on it; a module written in
// another language implements the same exports (docs/MODULES-wasm.md).
//
// A module is a WASI reactor (it exports _initialize, not _start) with
// these exports, all numbers being wasm i32 or i64 and every pointer an
// offset into the module's exported memory "memory":
//
//	gomesos_abi_version() -> i32            ABI version, must be Version
//	gomesos_info() -> i64                   packed (ptr, len) of a ModuleInfo
//	gomesos_alloc(size i32) -> i32          ptr of size bytes for the host
//	gomesos_free(ptr i32)                   gives such a buffer back
//	gomesos_init(ptr i32, len i32) -> i64   InitRequest in, status out
//	gomesos_call_<kind>(method i32, ptr i32, len i32) -> i64
//
// <kind> is the kind in lower case (gomesos_call_allocator,
// gomesos_call_hook); a module exports the call of every kind its info
// names, and nothing obliges it to export others.
//
// Buffers. The host asks gomesos_alloc for a buffer, writes a request
// into it and passes (ptr, len) to a call; the buffer stays the host's
// (it may reuse it for later calls) until it hands it to gomesos_free.
// What a call, gomesos_info or gomesos_init returns is packed into an i64
// as ptr<<32 | len and points into memory the module owns: it stays valid
// until the host next calls any export of that instance, and the host
// never frees it. So a call in the steady state is one export call.
//
// gomesos_info returns the bytes of a ModuleInfo message. Responses: the
// first byte of what a call or gomesos_init returns is a Status; after
// StatusOK come the protobuf bytes of the method's response message,
// after any other status a UTF-8 error message.
//
// Methods. method is the 1-based position of the rpc in the kind's
// .proto service (Allocator: 1 Initialize, 2 Allocate): MethodNumber
// computes it from the generated descriptor, so host and guest cannot
// disagree.
//
// An instance serves one call at a time; the host runs several instances
// of a module for concurrency and gives each one gomesos_init first.
package abi

import (
	"fmt"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// Version is the ABI version this package describes.
const Version = 1

// Export names.
const (
	ExportABIVersion = "gomesos_abi_version"
	ExportInfo       = "gomesos_info"
	ExportAlloc      = "gomesos_alloc"
	ExportFree       = "gomesos_free"
	ExportInit       = "gomesos_init"
	// ExportMemory is the memory every pointer refers to.
	ExportMemory = "memory"
	// ExportInitialize is the WASI reactor's initializer, run once when an
	// instance is created (Go: -buildmode=c-shared).
	ExportInitialize = "_initialize"
	// ExportStart marks a WASI command, which cannot serve calls.
	ExportStart = "_start"

	callPrefix = "gomesos_call_"
)

// CallExport is the name of the call export of a kind ("Allocator" →
// "gomesos_call_allocator").
func CallExport(kind string) string { return callPrefix + strings.ToLower(kind) }

// Status is the first byte of a response.
type Status byte

const (
	// StatusOK: the method's response message follows.
	StatusOK Status = 0
	// StatusError: the module's implementation returned an error; its
	// message follows.
	StatusError Status = 1
	// StatusUnimplemented: the module does not implement that kind or
	// method (or was not initialized for the kind).
	StatusUnimplemented Status = 2
	// StatusBadRequest: the request bytes did not decode.
	StatusBadRequest Status = 3
)

func (s Status) String() string {
	switch s {
	case StatusOK:
		return "ok"
	case StatusError:
		return "error"
	case StatusUnimplemented:
		return "unimplemented"
	case StatusBadRequest:
		return "bad request"
	}
	return fmt.Sprintf("status %d", byte(s))
}

// Pack packs a (ptr, len) pair into one i64 result.
func Pack(ptr, n uint32) uint64 { return uint64(ptr)<<32 | uint64(n) }

// Unpack is the inverse of Pack.
func Unpack(v uint64) (ptr, n uint32) { return uint32(v >> 32), uint32(v) }

// MethodNumber is the ABI number of the method named name in service sd:
// its 1-based position in the .proto service. It panics if sd has no such
// method, which is a programming error in a kind adapter.
func MethodNumber(sd protoreflect.ServiceDescriptor, name protoreflect.Name) uint32 {
	md := sd.Methods().ByName(name)
	if md == nil {
		panic(fmt.Sprintf("abi: service %s has no method %s", sd.FullName(), name))
	}
	return uint32(md.Index() + 1)
}

// MethodName names method number n of sd, for errors and logs.
func MethodName(sd protoreflect.ServiceDescriptor, n uint32) string {
	if n == 0 || int(n) > sd.Methods().Len() {
		return fmt.Sprintf("method %d", n)
	}
	return string(sd.Methods().Get(int(n - 1)).Name())
}

// KindService is the .proto service of a kind ("Allocator" →
// gomesos.modules.allocator.v1.Allocator), found by its full name in the
// registry of linked protobuf files, so that it does not matter which
// .proto file of the kind's package declares it. The caller must link the
// kind's Go package (modules/kinds/<kind>). It panics if the service is
// not linked, which is a programming error in a kind adapter.
func KindService(kind string) protoreflect.ServiceDescriptor {
	name := protoreflect.FullName("gomesos.modules." + strings.ToLower(kind) + ".v1." + kind)
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(name)
	if err != nil {
		panic(fmt.Sprintf("abi: service %s of kind %s is not linked: %v", name, kind, err))
	}
	sd, ok := d.(protoreflect.ServiceDescriptor)
	if !ok {
		panic(fmt.Sprintf("abi: %s is a %T, not a service", name, d))
	}
	return sd
}
