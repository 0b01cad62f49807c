// Package allocator is the contract of the Allocator module kind: the Go
// interface the master calls, and the messages (generated from
// allocator.proto) it is called with. Built-in, go-plugin and WASM
// allocators all implement this one interface.
package allocator

import "context"

// APIVersion is the version of this contract. A change to the meaning of a
// message or call bumps it; the host and a module agree on the highest
// version both speak when the module is loaded.
const APIVersion = 1

// Allocator decides which framework gets which free resources.
//
// The master calls it from one goroutine at a time. Allocate applies the
// batched events in order and then, when req.Allocate is set, returns the
// allocations of one cycle. The allocator must count what it allocates as
// allocated until a ResourcesRecovered event gives it back.
type Allocator interface {
	Initialize(ctx context.Context, req *InitializeRequest) (*InitializeResponse, error)
	Allocate(ctx context.Context, req *AllocateRequest) (*AllocateResponse, error)
}
