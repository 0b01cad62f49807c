// Package resources is the resource bookkeeping of the master, the allocator
// and the agent: parsing of the --resources and --attributes flags, Mesos's
// resource arithmetic (add, subtract, contains) with its merge rules, the
// reservation-refinement formats, the fast Quantities type of the allocator,
// and the renderings used in logs and state endpoints.
//
// A Resources value is immutable: every operation returns a new value and
// never changes its operands, so values may be shared between goroutines
// without locking. Internally every entry is kept in the
// post-reservation-refinement format (the Resource.reservations stack);
// conversions to the pre-refinement format (Resource.role and
// Resource.reservation) are in convert.go.
//
// Scalars use Mesos's fixed-point arithmetic: values are rounded to
// thousandths, held as int64, and converted back to float64 the way Mesos
// does, so 0.1+0.2 is exactly 0.3.
package resources
