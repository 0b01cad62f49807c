package detector

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/masterdetector"
)

// Standalone is Mesos's StandaloneMasterDetector: it reports the master it
// was given, or the one last appointed (none until then), and wakes
// waiting Detect calls when the leader changes.
type Standalone struct {
	mu      sync.Mutex
	leader  *mesospb.MasterInfo
	changed chan struct{} // closed and replaced by each Appoint
}

var _ masterdetector.MasterDetector = (*Standalone)(nil)

// NewStandalone makes the standalone detector from its parameters:
// "master" (optional), the leader as ParseMaster reads it. Without it
// there is no leader until one is appointed.
func NewStandalone(params map[string]string) (masterdetector.MasterDetector, error) {
	d, err := NewStandaloneWith(params, Resolver{})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// NewStandaloneWith is NewStandalone resolving host names with r.
func NewStandaloneWith(params map[string]string, r Resolver) (*Standalone, error) {
	var leader *mesospb.MasterInfo
	for key, value := range params {
		if key != "master" {
			return nil, fmt.Errorf("standalone master detector: unknown parameter '%s'", key)
		}
		info, err := ParseMaster(value, r)
		if err != nil {
			return nil, fmt.Errorf("standalone master detector: parameter 'master': %w", err)
		}
		leader = info
	}
	return NewStandaloneDetector(leader), nil
}

// NewStandaloneDetector makes a detector whose leader is leader (nil:
// none yet).
func NewStandaloneDetector(leader *mesospb.MasterInfo) *Standalone {
	return &Standalone{leader: proto.CloneOf(leader), changed: make(chan struct{})}
}

// Appoint makes leader (nil: none) the leader from now on, waking the
// Detect calls it differs for. A master that runs standalone appoints
// itself once its contender has its lease.
func (d *Standalone) Appoint(leader *mesospb.MasterInfo) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !masterdetector.Differs(leader, d.leader) {
		return
	}
	slog.Debug("standalone master detector: new leader", "leader", leader.GetPid())
	d.leader = proto.CloneOf(leader)
	close(d.changed)
	d.changed = make(chan struct{})
}

// Detect returns the leader once it differs from req.Previous.
func (d *Standalone) Detect(ctx context.Context, req *masterdetector.DetectRequest) (*masterdetector.DetectResponse, error) {
	for {
		d.mu.Lock()
		leader, changed := d.leader, d.changed
		d.mu.Unlock()
		if masterdetector.Differs(leader, req.GetPrevious()) {
			return &masterdetector.DetectResponse{Leader: proto.CloneOf(leader)}, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}
