package hierarchical

import (
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
)

// shrink cuts scalar resources down so that, per name, their sum stays
// within limit(name); names for which limit reports false are not limited.
// An entry that does not fit is cut to what is left when it can be (a
// plain scalar), dropped otherwise (MOUNT, BLOCK and RAW disks, volumes),
// as Mesos's shrinkResources does. Non-scalar entries are left alone.
func shrink(r resources.Resources, limit func(name string) (resources.Scalar, bool)) resources.Resources {
	type use struct {
		name string
		v    resources.Scalar
	}
	var used []use
	var excess []*mesospb.Resource
	for x := range r.All() {
		if x.Type() != mesospb.Value_SCALAR {
			continue
		}
		lim, limited := limit(x.Name())
		if !limited {
			continue
		}
		k := -1
		for i := range used {
			if used[i].name == x.Name() {
				k = i
				break
			}
		}
		if k < 0 {
			used = append(used, use{name: x.Name()})
			k = len(used) - 1
		}
		left := lim.Sub(used[k].v)
		v := x.Scalar()
		switch {
		case v <= left:
			used[k].v = used[k].v.Add(v)
		case left > 0 && shrinkable(x):
			p := x.Proto()
			p.Scalar = &mesospb.Value_Scalar{Value: ptr(v.Sub(left).Float())}
			excess = append(excess, p)
			used[k].v = lim
		default:
			excess = append(excess, x.Proto())
		}
	}
	if len(excess) == 0 {
		return r
	}
	return r.Subtract(resources.New(excess...))
}

func ptr[T any](v T) *T { return &v }

// shrinkable reports whether a scalar entry may be cut to a smaller
// amount.
func shrinkable(x resources.Resource) bool {
	return !x.IsShared() && !x.IsPersistentVolume() &&
		!x.IsDisk(mesospb.Resource_DiskInfo_Source_MOUNT) &&
		!x.IsDisk(mesospb.Resource_DiskInfo_Source_BLOCK) &&
		!x.IsDisk(mesospb.Resource_DiskInfo_Source_RAW)
}

// shrinkToQuantities keeps at most q of each name; names q does not hold
// are dropped.
func shrinkToQuantities(r resources.Resources, q resources.Quantities) resources.Resources {
	return shrink(r, func(name string) (resources.Scalar, bool) { return q.Get(name), true })
}

// shrinkToLimits keeps at most room[name] of each name in room; other
// names are unlimited.
func shrinkToLimits(r resources.Resources, room map[string]resources.Scalar) resources.Resources {
	if room == nil {
		return r
	}
	return shrink(r, func(name string) (resources.Scalar, bool) {
		v, ok := room[name]
		return v, ok
	})
}
