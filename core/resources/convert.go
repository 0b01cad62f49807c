package resources

import (
	"fmt"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Format is a wire format of a Resource's reservations.
type Format int

const (
	// PostRefinement is the format of frameworks with the
	// RESERVATION_REFINEMENT capability and of this package: the
	// reservations stack only; role and reservation unset.
	PostRefinement Format = iota
	// PreRefinement is the format of frameworks without that capability:
	// role ("*" when unreserved) and, for a dynamic reservation,
	// reservation{principal, labels}; reservations unset. Resources with
	// refined reservations (a stack deeper than one) cannot be expressed.
	PreRefinement
	// Endpoint is the format of the operator endpoints: both forms at once,
	// role and reservation filled in as in PreRefinement (when the stack
	// has at most one reservation) and the reservations stack kept.
	Endpoint
)

func (f Format) String() string {
	switch f {
	case PostRefinement:
		return "POST_RESERVATION_REFINEMENT"
	case PreRefinement:
		return "PRE_RESERVATION_REFINEMENT"
	case Endpoint:
		return "ENDPOINT"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// ErrRefinedDowngrade is returned when resources with refined reservations
// are converted to the pre-refinement format.
var ErrRefinedDowngrade = fmt.Errorf("Cannot downgrade resources containing refined reservations")

// Convert returns a copy of p in format f. p may be in any of the formats.
func Convert(p *mesospb.Resource, f Format) (*mesospb.Resource, error) {
	return convert(p, f)
}

// Upgrade returns a copy of p in the post-refinement format.
func Upgrade(p *mesospb.Resource) (*mesospb.Resource, error) { return convert(p, PostRefinement) }

// Downgrade returns a copy of p in the pre-refinement format; it fails for
// resources with refined reservations.
func Downgrade(p *mesospb.Resource) (*mesospb.Resource, error) { return convert(p, PreRefinement) }

// ConvertAll converts every resource of ps, returning new messages.
func ConvertAll(ps []*mesospb.Resource, f Format) ([]*mesospb.Resource, error) {
	out := make([]*mesospb.Resource, len(ps))
	for i, p := range ps {
		q, err := convert(p, f)
		if err != nil {
			return nil, err
		}
		out[i] = q
	}
	return out, nil
}

func convert(p *mesospb.Resource, f Format) (*mesospb.Resource, error) {
	q := proto.Clone(p).(*mesospb.Resource)
	if err := convertInPlace(q, f); err != nil {
		return nil, err
	}
	return q, nil
}

// ConvertMessage converts, in place, every mesos.v1.Resource found anywhere
// inside m (fields, repeated fields, map values) to format f, as Mesos's
// upgradeResources and downgradeResources do for whole messages. On error
// the resources visited before the failing one are already converted.
func ConvertMessage(m proto.Message, f Format) error {
	return walkResources(m.ProtoReflect(), f)
}

var resourceName = (&mesospb.Resource{}).ProtoReflect().Descriptor().FullName()

func walkResources(m protoreflect.Message, f Format) error {
	if m.Descriptor().FullName() == resourceName {
		if r, ok := m.Interface().(*mesospb.Resource); ok {
			return convertInPlace(r, f)
		}
		return nil
	}
	var err error
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsMap():
			if fd.MapValue().Kind() != protoreflect.MessageKind {
				return true
			}
			v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
				err = walkResources(mv.Message(), f)
				return err == nil
			})
		case fd.Kind() != protoreflect.MessageKind && fd.Kind() != protoreflect.GroupKind:
		case fd.IsList():
			l := v.List()
			for i := 0; i < l.Len() && err == nil; i++ {
				err = walkResources(l.Get(i).Message(), f)
			}
		default:
			err = walkResources(v.Message(), f)
		}
		return err == nil
	})
	return err
}

// convertInPlace rewrites p, which the caller owns, into format f.
func convertInPlace(p *mesospb.Resource, f Format) error {
	if err := toPost(p); err != nil {
		return err
	}
	if f == PostRefinement {
		return nil
	}
	switch len(p.Reservations) {
	case 0:
		p.Role = proto.String("*")
	case 1:
		src := p.Reservations[0]
		if src.GetType() == mesospb.Resource_ReservationInfo_DYNAMIC {
			dst := &mesospb.Resource_ReservationInfo{}
			if src.Principal != nil {
				dst.Principal = proto.String(*src.Principal)
			}
			if src.Labels != nil {
				dst.Labels = proto.Clone(src.Labels).(*mesospb.Labels)
			}
			p.Reservation = dst
		}
		p.Role = proto.String(src.GetRole())
		if f == PreRefinement {
			p.Reservations = nil
		}
	default:
		if f == PreRefinement {
			return ErrRefinedDowngrade
		}
	}
	return nil
}

// toPost rewrites p into the post-refinement format.
func toPost(p *mesospb.Resource) error {
	switch {
	case len(p.Reservations) > 0:
		// Already post-refinement, or the endpoint format: drop the
		// pre-refinement fields.
	case p.GetRole() == "*":
		if p.Reservation != nil {
			return fmt.Errorf("Invalid reservation: role \"*\" cannot be dynamically reserved")
		}
	default:
		r := p.Reservation
		if r == nil {
			r = &mesospb.Resource_ReservationInfo{Type: mesospb.Resource_ReservationInfo_STATIC.Enum()}
		} else {
			r.Type = mesospb.Resource_ReservationInfo_DYNAMIC.Enum()
		}
		r.Role = proto.String(p.GetRole())
		p.Reservations = []*mesospb.Resource_ReservationInfo{r}
	}
	p.Role, p.Reservation = nil, nil
	return nil
}
