package resources

import (
	"fmt"
	"math"
	"slices"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// Validate checks one resource as Mesos's Resources::validate does. It
// accepts all three formats (see Format) and reports the first problem:
// empty name, unknown or unsupported type, a value that does not match the
// type, a negative, NaN or infinite scalar (or one too large for the
// fixed-point form), inverted or overlapping ranges, duplicate set items,
// DiskInfo on a resource other than "disk", bad disk sources, invalid role
// names, a malformed or badly refined reservation stack, role and
// reservations that disagree, and sharing of anything but persistent
// volumes. Error texts follow Mesos's.
func Validate(p *mesospb.Resource) error {
	if p == nil {
		return fmt.Errorf("Missing resource")
	}
	if p.GetName() == "" {
		return fmt.Errorf("Empty resource name")
	}
	if err := validateValue(p); err != nil {
		return err
	}
	if err := validateDisk(p); err != nil {
		return err
	}
	if err := validateReservationFormat(p); err != nil {
		return err
	}
	if p.Shared != nil {
		if p.GetName() != "disk" {
			return fmt.Errorf("Resource %s cannot be shared", p.GetName())
		}
		if p.GetDisk().GetPersistence() == nil {
			return fmt.Errorf("Only persistent volumes can be shared")
		}
	}
	return nil
}

// ValidateAll validates every resource of ps; the error names the
// offending resource.
func ValidateAll(ps []*mesospb.Resource) error {
	for _, p := range ps {
		if err := Validate(p); err != nil {
			return fmt.Errorf("Resource '%s' is invalid: %w", FormatProto(p), err)
		}
	}
	return nil
}

func validateValue(p *mesospb.Resource) error {
	hasScalar, hasRanges, hasSet := p.Scalar != nil, p.Ranges != nil, p.Set != nil
	switch p.GetType() {
	case mesospb.Value_SCALAR:
		if !hasScalar || hasRanges || hasSet {
			return fmt.Errorf("Invalid scalar resource")
		}
		v := p.Scalar.GetValue()
		switch {
		case math.IsNaN(v):
			return fmt.Errorf("Invalid scalar resource: value is NaN")
		case v < 0:
			return fmt.Errorf("Invalid scalar resource: value < 0")
		case !scalarFits(v):
			return fmt.Errorf("Invalid scalar resource: value %g is too large", v)
		}
	case mesospb.Value_RANGES:
		if hasScalar || !hasRanges || hasSet {
			return fmt.Errorf("Invalid ranges resource")
		}
		rs := rangesFromProto(p.Ranges)
		for _, r := range rs {
			if r.Begin > r.End {
				return fmt.Errorf("Invalid ranges resource: begin > end in %d-%d", r.Begin, r.End)
			}
		}
		// Ranges need not be coalesced, but must not overlap. (Mesos only
		// catches a range starting inside an earlier one; any overlap is
		// refused here.)
		slices.SortFunc(rs, cmpRange)
		for i := 1; i < len(rs); i++ {
			if rs[i].Begin <= rs[i-1].End {
				return fmt.Errorf("Invalid ranges resource: overlapping ranges %d-%d and %d-%d",
					rs[i-1].Begin, rs[i-1].End, rs[i].Begin, rs[i].End)
			}
		}
	case mesospb.Value_SET:
		if hasScalar || hasRanges || !hasSet {
			return fmt.Errorf("Invalid set resource")
		}
		items := p.Set.GetItem()
		seen := make(map[string]struct{}, len(items))
		for _, it := range items {
			if _, dup := seen[it]; dup {
				return fmt.Errorf("Invalid set resource: duplicated elements ('%s')", it)
			}
			seen[it] = struct{}{}
		}
	case mesospb.Value_TEXT:
		return fmt.Errorf("Unsupported resource type")
	default:
		return fmt.Errorf("Invalid resource type")
	}
	return nil
}

func validateDisk(p *mesospb.Resource) error {
	d := p.Disk
	if d == nil {
		return nil
	}
	if p.GetName() != "disk" {
		return fmt.Errorf("DiskInfo should not be set for %s resource", p.GetName())
	}
	s := d.Source
	if s == nil {
		return nil
	}
	switch t := s.GetType(); t {
	case mesospb.Resource_DiskInfo_Source_PATH, mesospb.Resource_DiskInfo_Source_MOUNT:
	case mesospb.Resource_DiskInfo_Source_BLOCK, mesospb.Resource_DiskInfo_Source_RAW:
		if s.Mount != nil {
			return fmt.Errorf("Mount should not be set for %s disk source", t)
		}
		if s.Path != nil {
			return fmt.Errorf("Path should not be set for %s disk source", t)
		}
	default:
		return fmt.Errorf("Unsupported 'DiskInfo.Source.Type' in '%s'", formatDiskSource(s))
	}
	return nil
}

func validateReservationFormat(p *mesospb.Resource) error {
	if len(p.Reservations) == 0 {
		// The pre-refinement format.
		if err := ValidateRole(p.GetRole()); err != nil {
			return err
		}
		if r := p.Reservation; r != nil {
			if r.Type != nil {
				return fmt.Errorf("'Resource.ReservationInfo.type' must not be set for the 'Resource.reservation' field")
			}
			if r.Role != nil {
				return fmt.Errorf("'Resource.ReservationInfo.role' must not be set for the 'Resource.reservation' field")
			}
			if p.GetRole() == "*" {
				return fmt.Errorf("Invalid reservation: role \"*\" cannot be dynamically reserved")
			}
		}
		return nil
	}

	if err := validateReservationStack(p.Reservations); err != nil {
		return err
	}

	// The pre-refinement fields may accompany a single reservation (the
	// endpoint format) if they agree with it.
	if len(p.Reservations) > 1 {
		if p.Role != nil {
			return fmt.Errorf("Invalid resource format: 'Resource.role' must not be set if there is more than one reservation in 'Resource.reservations'")
		}
		if p.Reservation != nil {
			return fmt.Errorf("Invalid resource format: 'Resource.reservation' must not be set if there is more than one reservation in 'Resource.reservations'")
		}
		return nil
	}
	r := p.Reservations[0]
	if p.Role != nil && p.GetRole() != r.GetRole() {
		return fmt.Errorf("Invalid resource format: 'Resource.role' field with '%s' does not match the role '%s' in 'Resource.reservations'",
			p.GetRole(), r.GetRole())
	}
	switch r.GetType() {
	case mesospb.Resource_ReservationInfo_STATIC:
		if p.Reservation != nil {
			return fmt.Errorf("Invalid resource format: 'Resource.reservation' must not be set if the single reservation in 'Resource.reservations' is STATIC")
		}
	case mesospb.Resource_ReservationInfo_DYNAMIC:
		if (p.Role != nil) != (p.Reservation != nil) {
			return fmt.Errorf("Invalid resource format: 'Resource.role' and 'Resource.reservation' must either be both set or both not set if the single reservation in 'Resource.reservations' is DYNAMIC")
		}
		if pr := p.Reservation; pr != nil {
			if pr.GetPrincipal() != r.GetPrincipal() {
				return fmt.Errorf("Invalid resource format: 'Resource.reservation.principal' field with '%s' does not match the principal '%s' in 'Resource.reservations'",
					pr.GetPrincipal(), r.GetPrincipal())
			}
			if !labelsEqual(pr.Labels, r.Labels) {
				return fmt.Errorf("Invalid resource format: 'Resource.reservation.labels' field with '%s' does not match the labels '%s' in 'Resource.reservations'",
					formatLabels(pr.Labels), formatLabels(r.Labels))
			}
		}
	default:
		return fmt.Errorf("Unsupported 'Resource.ReservationInfo.Type'")
	}
	return nil
}

// validateReservationStack checks each reservation and that every one after
// the first is a DYNAMIC reservation to a strict subrole of the one below.
func validateReservationStack(rs []*mesospb.Resource_ReservationInfo) error {
	for _, r := range rs {
		if r == nil {
			return fmt.Errorf("Invalid reservation: missing 'Resource.ReservationInfo'")
		}
		if r.Type == nil {
			return fmt.Errorf("Invalid reservation: 'Resource.ReservationInfo.type' field must be set.")
		}
		if t := r.GetType(); t != mesospb.Resource_ReservationInfo_STATIC && t != mesospb.Resource_ReservationInfo_DYNAMIC {
			return fmt.Errorf("Unsupported 'Resource.ReservationInfo.Type'")
		}
		if r.Role == nil {
			return fmt.Errorf("Invalid reservation: 'Resource.ReservationInfo.role' field must be set.")
		}
		if err := ValidateRole(r.GetRole()); err != nil {
			return err
		}
		if r.GetRole() == "*" {
			return fmt.Errorf("Invalid reservation: role \"*\" cannot be reserved")
		}
	}
	for i := 1; i < len(rs); i++ {
		if rs[i].GetType() == mesospb.Resource_ReservationInfo_STATIC {
			return fmt.Errorf("Invalid refined reservation: A refined reservation cannot be STATIC")
		}
		if !IsStrictSubrole(rs[i].GetRole(), rs[i-1].GetRole()) {
			return fmt.Errorf("Invalid refined reservation: role '%s' is not a refinement of '%s'",
				rs[i].GetRole(), rs[i-1].GetRole())
		}
	}
	return nil
}

// labelsEqual compares labels as Mesos does: both unset, or both set with
// the same (key, value) pairs in any order.
func labelsEqual(a, b *mesospb.Labels) bool {
	return string(keyLabels(nil, a)) == string(keyLabels(nil, b))
}

// validateCommandLine applies the extra rules for resources given to an
// agent on its command line: no persistent volumes, revocable resources or
// dynamic reservations, and one type per resource name.
func validateCommandLine(r Resources) error {
	types := make(map[string]mesospb.Value_Type, len(r.items))
	for _, it := range r.items {
		switch {
		case it.m.persistent:
			return fmt.Errorf("Persistent volumes cannot be specified at the command line")
		case it.m.revocable:
			return fmt.Errorf("Revocable resources cannot be specified at the command line; do not include a 'revocable' key in the resources JSON")
		case it.m.dynamic:
			return fmt.Errorf("Dynamic reservations cannot be specified at the command line; do not include a reservation with DYNAMIC type in the resources JSON")
		}
		if t, ok := types[it.m.name]; ok && t != it.m.typ {
			return fmt.Errorf("Resources with the same name ('%s') but different types are not allowed", it.m.name)
		}
		types[it.m.name] = it.m.typ
	}
	return nil
}
