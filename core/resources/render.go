package resources

import (
	"strconv"
	"strings"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// String renders r as Mesos writes Resources to its logs: entries joined by
// "; ", "{}" when empty. For example
// "cpus(allocated: *):4; mem(reservations: [(STATIC,web)]):4096".
func (r Resources) String() string {
	if len(r.items) == 0 {
		return "{}"
	}
	var b strings.Builder
	for i, it := range r.items {
		if i > 0 {
			b.WriteString("; ")
		}
		it.write(&b)
	}
	return b.String()
}

// String renders one entry as Mesos does, with "<n>" appended for the
// copies of a shared resource.
func (r Resource) String() string {
	var b strings.Builder
	r.write(&b)
	return b.String()
}

func (r Resource) write(b *strings.Builder) {
	writeMeta(b, r.m.tmpl)
	switch r.m.typ {
	case mesospb.Value_SCALAR:
		b.WriteString(r.scalar.String())
	case mesospb.Value_RANGES:
		b.WriteString(r.ranges.String())
	case mesospb.Value_SET:
		b.WriteString(formatSet(r.set))
	}
	if r.m.shared {
		b.WriteByte('<')
		b.WriteString(strconv.Itoa(r.count))
		b.WriteByte('>')
	}
}

// FormatProto renders one resource proto as Mesos's operator<< does. The
// proto is shown as given: pre-refinement role and reservation fields are
// not part of Mesos's rendering.
func FormatProto(p *mesospb.Resource) string {
	var b strings.Builder
	writeMeta(&b, p)
	switch p.GetType() {
	case mesospb.Value_SCALAR:
		b.WriteString(formatScalar(ScalarFromFloat(p.GetScalar().GetValue()).Float()))
	case mesospb.Value_RANGES:
		b.WriteString(Ranges(rangesFromProto(p.GetRanges())).String())
	case mesospb.Value_SET:
		b.WriteString(formatSet(p.GetSet().GetItem()))
	default:
		b.WriteString(p.GetType().String())
	}
	return b.String()
}

// writeMeta writes everything up to and including the ':' before the value.
func writeMeta(b *strings.Builder, p *mesospb.Resource) {
	b.WriteString(p.GetName())
	if a := p.GetAllocationInfo(); a != nil {
		b.WriteString("(allocated: ")
		b.WriteString(a.GetRole())
		b.WriteByte(')')
	}
	if rs := p.GetReservations(); len(rs) > 0 {
		b.WriteString("(reservations: [")
		for i, r := range rs {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			b.WriteString(r.GetType().String())
			b.WriteByte(',')
			b.WriteString(r.GetRole())
			if r != nil && r.Principal != nil {
				b.WriteByte(',')
				b.WriteString(r.GetPrincipal())
			}
			if r.GetLabels() != nil {
				b.WriteByte(',')
				b.WriteString(formatLabels(r.GetLabels()))
			}
			b.WriteByte(')')
		}
		b.WriteString("])")
	}
	if d := p.GetDisk(); d != nil {
		b.WriteByte('[')
		b.WriteString(formatDisk(d))
		b.WriteByte(']')
	}
	if p.GetRevocable() != nil {
		b.WriteString("{REV}")
	}
	if p.GetShared() != nil {
		b.WriteString("<SHARED>")
	}
	b.WriteByte(':')
}

// formatLabels renders labels as "{k1: v1, k2}".
func formatLabels(l *mesospb.Labels) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, x := range l.GetLabels() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(x.GetKey())
		if x.Value != nil {
			b.WriteString(": ")
			b.WriteString(*x.Value)
		}
	}
	b.WriteByte('}')
	return b.String()
}

func formatDisk(d *mesospb.Resource_DiskInfo) string {
	var b strings.Builder
	if d.Source != nil {
		b.WriteString(formatDiskSource(d.Source))
	}
	if d.Persistence != nil {
		if d.Source != nil {
			b.WriteByte(',')
		}
		b.WriteString(d.Persistence.GetId())
	}
	if v := d.Volume; v != nil {
		b.WriteByte(':')
		b.WriteString(formatVolume(v))
	}
	return b.String()
}

func formatDiskSource(s *mesospb.Resource_DiskInfo_Source) string {
	csi, isCSI := "", s.Id != nil || s.Profile != nil
	if isCSI {
		csi = "(" + s.GetVendor() + "," + s.GetId() + "," + s.GetProfile() + ")"
	}
	root := func(r *string) string {
		if isCSI {
			return csi
		}
		if r != nil {
			return ":" + *r
		}
		return ""
	}
	switch s.GetType() {
	case mesospb.Resource_DiskInfo_Source_MOUNT:
		var r *string
		if s.Mount != nil {
			r = s.Mount.Root
		}
		return "MOUNT" + root(r)
	case mesospb.Resource_DiskInfo_Source_PATH:
		var r *string
		if s.Path != nil {
			r = s.Path.Root
		}
		return "PATH" + root(r)
	case mesospb.Resource_DiskInfo_Source_BLOCK:
		return "BLOCK" + csi
	case mesospb.Resource_DiskInfo_Source_RAW:
		return "RAW" + csi
	}
	return "UNKNOWN"
}

func formatVolume(v *mesospb.Volume) string {
	s := v.GetContainerPath()
	if v.HostPath != nil {
		s = *v.HostPath + ":" + s
		if v.Mode != nil {
			switch v.GetMode() {
			case mesospb.Volume_RW:
				s += ":rw"
			case mesospb.Volume_RO:
				s += ":ro"
			}
		}
	}
	return s
}
