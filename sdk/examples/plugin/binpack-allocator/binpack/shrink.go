package binpack

import (
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"google.golang.org/protobuf/proto"
)

// shrinkToRoom cuts the quota-counted scalars of offer (non-revocable,
// non-shared) so that, per name in room, their sum stays within it. An
// entry that does not fit is cut when it is a plain scalar and dropped
// otherwise (volumes, MOUNT, BLOCK and RAW disks), as Mesos does.
func shrinkToRoom(offer resources.Resources, room map[string]resources.Scalar) resources.Resources {
	used := map[string]resources.Scalar{}
	var excess []*mesospb.Resource
	for x := range offer.All() {
		if x.Type() != mesospb.Value_SCALAR || x.IsRevocable() || x.IsShared() {
			continue
		}
		lim, limited := room[x.Name()]
		if !limited {
			continue
		}
		left := lim.Sub(used[x.Name()])
		v := x.Scalar()
		switch {
		case v <= left:
			used[x.Name()] = used[x.Name()].Add(v)
		case left > 0 && shrinkable(x):
			p := x.Proto()
			p.Scalar = &mesospb.Value_Scalar{Value: proto.Float64(v.Sub(left).Float())}
			excess = append(excess, p)
			used[x.Name()] = lim
		default:
			excess = append(excess, x.Proto())
		}
	}
	if len(excess) == 0 {
		return offer
	}
	return offer.Subtract(resources.New(excess...))
}

func shrinkable(x resources.Resource) bool {
	return !x.IsPersistentVolume() &&
		!x.IsDisk(mesospb.Resource_DiskInfo_Source_MOUNT) &&
		!x.IsDisk(mesospb.Resource_DiskInfo_Source_BLOCK) &&
		!x.IsDisk(mesospb.Resource_DiskInfo_Source_RAW)
}
