// Package masterdetector is the contract of the MasterDetector module kind:
// the Go interface masters and agents call to learn the leading master,
// and the messages (generated from masterdetector.proto) they call it
// with. Built-in, go-plugin and WASM detectors all implement this one
// interface.
package masterdetector

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// APIVersion is the version of this contract. A change to the meaning of a
// message or call bumps it; the host and a module agree on the highest
// version both speak when the module is loaded.
const APIVersion = 1

// MasterDetector reports the leading master. It is called concurrently.
type MasterDetector interface {
	// Detect returns the leader as soon as it differs from req.Previous,
	// or ctx.Err() when ctx ends first.
	Detect(ctx context.Context, req *DetectRequest) (*DetectResponse, error)
}

// Differs reports whether two leaders differ (nil is no leader), the
// comparison Detect makes.
func Differs(a, b *mesospb.MasterInfo) bool {
	if a == nil || b == nil {
		return (a == nil) != (b == nil)
	}
	return !proto.Equal(a, b)
}
