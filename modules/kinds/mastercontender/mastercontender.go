// Package mastercontender is the contract of the MasterContender module
// kind: the Go interface the master calls to stand in the election of the
// leading master, and the messages (generated from mastercontender.proto)
// it is called with. Built-in, go-plugin and WASM contenders all implement
// this one interface.
package mastercontender

import "context"

// APIVersion is the version of this contract. A change to the meaning of a
// message or call bumps it; the host and a module agree on the highest
// version both speak when the module is loaded.
const APIVersion = 1

// MasterContender enters a master in the election (see
// mastercontender.proto). Watch may be called concurrently with Contend
// and Withdraw.
type MasterContender interface {
	// Contend establishes the master's candidacy and returns its lease,
	// ending any lease held before.
	Contend(ctx context.Context, req *ContendRequest) (*ContendResponse, error)
	// Watch blocks until the lease is lost (returning why) or ctx ends
	// (returning ctx.Err()). An unknown lease is lost at once.
	Watch(ctx context.Context, req *WatchRequest) (*WatchResponse, error)
	// Withdraw ends the candidacy; an unknown lease is not an error.
	Withdraw(ctx context.Context, req *WithdrawRequest) (*WithdrawResponse, error)
}
