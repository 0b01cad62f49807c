// Package anonymous is the contract of the Anonymous module kind: the Go
// interface the daemons call to start and stop modules that live beside
// them, and the messages (generated from anonymous.proto) they call it
// with. Built-in, go-plugin and WASM anonymous modules all implement this
// one interface.
package anonymous

import "context"

// APIVersion is the version of this contract. A change to the meaning of a
// message or call bumps it; the host and a module agree on the highest
// version both speak when the module is loaded.
const APIVersion = 1

// Anonymous is a module that runs beside a daemon. Start and Stop are
// called once each, Stop after Start; Stop may also come without a Start
// (the daemon failed to start) and must then succeed.
type Anonymous interface {
	Start(ctx context.Context, req *StartRequest) (*StartResponse, error)
	Stop(ctx context.Context, req *StopRequest) (*StopResponse, error)
}
