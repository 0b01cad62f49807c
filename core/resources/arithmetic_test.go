package resources

import (
	"testing"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

func TestAddSubtractScalars(t *testing.T) {
	a := MustParse("cpus:0.1")
	b := MustParse("cpus:0.2")
	sum := a.Add(b)
	if c, _ := sum.CPUs(); c != 0.3 {
		t.Errorf("0.1+0.2 = %v, want exactly 0.3", c)
	}
	if !sum.Equal(MustParse("cpus:0.3")) {
		t.Errorf("%v != cpus:0.3", sum)
	}
	if got := sum.Subtract(a).String(); got != "cpus:0.2" {
		t.Errorf("0.3-0.1 = %q", got)
	}
	// Operands are unchanged.
	if a.String() != "cpus:0.1" || b.String() != "cpus:0.2" {
		t.Errorf("operands changed: %v %v", a, b)
	}
	// Subtracting everything, or more, removes the entry.
	if got := a.Subtract(a); !got.IsEmpty() {
		t.Errorf("a-a = %v", got)
	}
	if got := a.Subtract(MustParse("cpus:5")); !got.IsEmpty() {
		t.Errorf("negative result kept: %v", got)
	}
	// Subtracting what is not there changes nothing.
	if got := a.Subtract(MustParse("mem:5")); !got.Equal(a) {
		t.Errorf("a - mem = %v", got)
	}
	// Many small additions stay exact.
	var r Resources
	for range 1000 {
		r = r.Add(MustParse("cpus:0.001"))
	}
	if c, _ := r.CPUs(); c != 1 {
		t.Errorf("1000 x 0.001 = %v", c)
	}
}

func TestRangesAndSetsInResources(t *testing.T) {
	r := MustParse("ports:[31000-32000]")
	used := MustParse("ports:[31001-31004]")
	left := r.Subtract(used)
	if got := left.String(); got != "ports:[31000-31000, 31005-32000]" {
		t.Errorf("split = %q", got)
	}
	if got := left.Add(used).String(); got != "ports:[31000-32000]" {
		t.Errorf("merge = %q", got)
	}
	if !r.Contains(used) || left.Contains(used) || left.Contains(r) || !r.Contains(left) {
		t.Errorf("contains wrong")
	}

	s := MustParse("disks:{a,b,c}")
	if got := s.Subtract(MustParse("disks:{b,x}")).String(); got != "disks:{a, c}" {
		t.Errorf("set difference = %q", got)
	}
	if got := s.Add(MustParse("disks:{c,d}")).String(); got != "disks:{a, b, c, d}" {
		t.Errorf("set union = %q", got)
	}
	if !s.Contains(MustParse("disks:{c,a}")) || s.Contains(MustParse("disks:{a,x}")) {
		t.Errorf("set contains wrong")
	}
	if got := s.Subtract(s); !got.IsEmpty() {
		t.Errorf("s-s = %v", got)
	}
	if !MustParse("disks:{a,b}").Equal(MustParse("disks:{b,a}")) {
		t.Errorf("set order matters")
	}
}

func TestReservationsKeptApart(t *testing.T) {
	r := MustParse("cpus:4;cpus(web):2")
	if r.Len() != 2 {
		t.Fatalf("reserved merged with unreserved: %v", r)
	}
	if r.Contains(MustParse("cpus:5")) {
		t.Errorf("unreserved cpus:4 should not contain cpus:5")
	}
	if !r.Contains(MustParse("cpus:4;cpus(web):1")) {
		t.Errorf("contains failed")
	}
	// Subtracting unreserved never touches reserved.
	if got := r.Subtract(MustParse("cpus:6")).String(); got != "cpus(reservations: [(STATIC,web)]):2" {
		t.Errorf("got %q", got)
	}
	// Static and dynamic reservations of one role are different.
	st := mustNew(t, with(scalarRes("cpus", 1), reserved(static("web"))))
	dy := mustNew(t, with(scalarRes("cpus", 1), reserved(dynamic("web", "p"))))
	if st.Add(dy).Len() != 2 || st.Contains(dy) {
		t.Errorf("static and dynamic merged")
	}
	// Principal and labels matter; label order does not.
	l1 := mustNew(t, with(scalarRes("cpus", 1), reserved(dynamic("web", "p", "a", "1", "b", "2"))))
	l2 := mustNew(t, with(scalarRes("cpus", 1), reserved(dynamic("web", "p", "b", "2", "a", "1"))))
	l3 := mustNew(t, with(scalarRes("cpus", 1), reserved(dynamic("web", "p", "a", "1"))))
	if l1.Add(l2).Len() != 1 || l1.Add(l3).Len() != 2 {
		t.Errorf("labels compared wrongly")
	}
	p2 := mustNew(t, with(scalarRes("cpus", 1), reserved(dynamic("web", "q"))))
	if dy.Add(p2).Len() != 2 {
		t.Errorf("principals merged")
	}
}

func TestRefinedReservations(t *testing.T) {
	base := mustNew(t, with(scalarRes("cpus", 8), reserved(static("eng"))))
	refined, err := MustParse("cpus(eng):3").PushReservation(dynamic("eng/fe", "p"))
	if err != nil {
		t.Fatal(err)
	}
	if got := refined.String(); got != "cpus(reservations: [(STATIC,eng), (DYNAMIC,eng/fe,p)]):3" {
		t.Errorf("refined = %q", got)
	}
	all := base.Subtract(MustParse("cpus(eng):3")).Add(refined)
	if all.Len() != 2 {
		t.Fatalf("refined merged with its base: %v", all)
	}
	if c, _ := all.ReservedTo("eng/fe").CPUs(); c != 3 {
		t.Errorf("reserved to eng/fe: %v", c)
	}
	if c, _ := all.ReservedTo("eng").CPUs(); c != 5 {
		t.Errorf("reserved to eng: %v", c)
	}
	if c, _ := all.ReservedToRoleSubtree("eng").CPUs(); c != 8 {
		t.Errorf("reserved to eng subtree: %v", c)
	}
	if c, _ := all.AllocatableTo("eng/fe").CPUs(); c != 8 {
		t.Errorf("allocatable to eng/fe: %v", c)
	}
	if c, _ := all.AllocatableTo("eng").CPUs(); c != 5 {
		t.Errorf("allocatable to eng: %v", c)
	}
	if c, ok := all.AllocatableTo("other").CPUs(); ok {
		t.Errorf("allocatable to other: %v", c)
	}
	popped, err := refined.PopReservation()
	if err != nil {
		t.Fatal(err)
	}
	if !popped.Equal(MustParse("cpus(eng):3")) {
		t.Errorf("popped = %v", popped)
	}
	if got := base.Subtract(MustParse("cpus(eng):3")).Add(popped); !got.Equal(base) {
		t.Errorf("pop did not merge back: %v", got)
	}
	if _, err := MustParse("cpus:1").PopReservation(); err == nil {
		t.Errorf("pop from unreserved accepted")
	}
	// Invalid refinements.
	for _, ri := range []*mesospb.Resource_ReservationInfo{
		dynamic("other", "p"), static("eng/fe"), dynamic("eng", "p"), dynamic("*", "p"),
	} {
		if _, err := MustParse("cpus(eng):1").PushReservation(ri); err == nil {
			t.Errorf("push %v accepted", ri)
		}
	}
	if got := all.ToUnreserved(); !got.Equal(MustParse("cpus:8")) {
		t.Errorf("ToUnreserved = %v", got)
	}
}

func TestRevocableKeptApart(t *testing.T) {
	rev := mustNew(t, with(scalarRes("cpus", 1), revocable))
	r := MustParse("cpus:2").Add(rev)
	if r.Len() != 2 {
		t.Fatalf("revocable merged: %v", r)
	}
	if got := r.String(); got != "cpus:2; cpus{REV}:1" {
		t.Errorf("String = %q", got)
	}
	if c, _ := r.Revocable().CPUs(); c != 1 {
		t.Errorf("revocable cpus %v", c)
	}
	if c, _ := r.NonRevocable().CPUs(); c != 2 {
		t.Errorf("non-revocable cpus %v", c)
	}
	if r.Subtract(MustParse("cpus:3")).String() != "cpus{REV}:1" {
		t.Errorf("unreserved subtraction touched revocable")
	}
}

func TestSharedCounts(t *testing.T) {
	vol := with(scalarRes("disk", 10), reserved(dynamic("web", "p")), persistent("v1"), shared)
	one := mustNew(t, vol)
	two := one.Add(one)
	if two.Len() != 1 {
		t.Fatalf("shared copies not merged: %v", two)
	}
	if got := two.Count(vol); got != 2 {
		t.Errorf("Count = %d", got)
	}
	if got := two.String(); got != "disk(reservations: [(DYNAMIC,web,p)])[v1]<SHARED>:10<2>" {
		t.Errorf("String = %q", got)
	}
	// Adding shared copies does not grow the amount.
	if d, _ := two.Disk(); d != 10 {
		t.Errorf("disk = %v", d)
	}
	if !two.Contains(one) || one.Contains(two) || !two.Contains(two) {
		t.Errorf("contains wrong")
	}
	if got := two.Subtract(one); !got.Equal(one) {
		t.Errorf("2-1 = %v", got)
	}
	if got := two.Subtract(two); !got.IsEmpty() {
		t.Errorf("2-2 = %v", got)
	}
	if one.Equal(two) {
		t.Errorf("counts ignored by Equal")
	}
	// A shared volume and its non-shared twin are different resources.
	plain := mustNew(t, with(vol, func(p *mesospb.Resource) { p.Shared = nil }))
	if one.Add(plain).Len() != 2 || one.Contains(plain) || plain.Contains(one) {
		t.Errorf("shared mixed with non-shared")
	}
	// Shared volumes of different sizes never merge.
	bigger := mustNew(t, with(vol, func(p *mesospb.Resource) { p.Scalar.Value = ptr(20.0) }))
	if one.Add(bigger).Len() != 2 {
		t.Errorf("different shared volumes merged")
	}
}

func ptr[T any](v T) *T { return &v }

func TestDiskRules(t *testing.T) {
	mount := with(scalarRes("disk", 100), diskSource(mesospb.Resource_DiskInfo_Source_MOUNT, "/mnt/a"))
	m := mustNew(t, mount)
	mm := m.Add(m)
	if mm.Len() != 2 {
		t.Errorf("MOUNT disks merged: %v", mm)
	}
	if !mm.Contains(m.Add(m)) {
		t.Errorf("two mounts should contain two mounts")
	}
	if m.Contains(mm) {
		t.Errorf("one mount contains two copies")
	}
	// A MOUNT disk is indivisible.
	part := mustNew(t, with(mount, func(p *mesospb.Resource) { p.Scalar.Value = ptr(50.0) }))
	if m.Contains(part) {
		t.Errorf("MOUNT disk divided")
	}
	if got := m.Subtract(part); !got.Equal(m) {
		t.Errorf("partial MOUNT subtraction changed it: %v", got)
	}
	// PATH disks merge.
	path := mustNew(t, with(scalarRes("disk", 10), diskSource(mesospb.Resource_DiskInfo_Source_PATH, "/p")))
	if path.Add(path).Len() != 1 {
		t.Errorf("PATH disks not merged")
	}
	// RAW disks merge only without an id.
	rawID := mustNew(t, with(scalarRes("disk", 10), diskSource(mesospb.Resource_DiskInfo_Source_RAW, "id1")))
	raw := mustNew(t, with(scalarRes("disk", 10), diskSource(mesospb.Resource_DiskInfo_Source_RAW, "")))
	if rawID.Add(rawID).Len() != 2 || raw.Add(raw).Len() != 1 {
		t.Errorf("RAW rules wrong")
	}
	// Non-shared persistent volumes never merge and are only subtracted
	// whole.
	pv := mustNew(t, with(scalarRes("disk", 10), reserved(static("web")), persistent("v")))
	if pv.Add(pv).Len() != 2 {
		t.Errorf("persistent volumes merged")
	}
	smaller := mustNew(t, with(scalarRes("disk", 5), reserved(static("web")), persistent("v")))
	if pv.Contains(smaller) || !pv.Subtract(smaller).Equal(pv) {
		t.Errorf("persistent volume divided")
	}
	if got := pv.PersistentVolumes(); !got.Equal(pv) {
		t.Errorf("PersistentVolumes = %v", got)
	}
	// DiskInfo.volume is ignored by equality.
	withVol := mustNew(t, with(scalarRes("disk", 10), reserved(static("web")), persistent("v"),
		func(p *mesospb.Resource) {
			p.Disk.Volume = &mesospb.Volume{ContainerPath: ptr("data"), Mode: mesospb.Volume_RW.Enum()}
		}))
	if !pv.Equal(withVol) {
		t.Errorf("volume not ignored")
	}
	// Different disks are different resources.
	if path.Add(MustParse("disk:10")).Len() != 2 {
		t.Errorf("PATH disk merged with root disk")
	}
}

func TestContainsAndEqual(t *testing.T) {
	agent := MustParse("cpus:4;mem:4096;disk:1000;ports:[31000-32000]")
	tests := []struct {
		sub  string
		want bool
	}{
		{"", true},
		{"cpus:4", true},
		{"cpus:4.001", false},
		{"cpus:1;mem:1;ports:[31000-31000]", true},
		{"ports:[30999-31000]", false},
		{"gpus:1", false},
		{"cpus(web):1", false},
	}
	for _, tc := range tests {
		if got := agent.Contains(MustParse(tc.sub)); got != tc.want {
			t.Errorf("contains %q = %v", tc.sub, got)
		}
	}
	if !agent.Equal(MustParse("ports:[31000-32000];disk:1000;mem:4096;cpus:4")) {
		t.Errorf("order matters to Equal")
	}
	if agent.Equal(MustParse("cpus:4;mem:4096;disk:1000")) {
		t.Errorf("Equal ignores ports")
	}
	if !(Resources{}).Equal(MustParse("")) {
		t.Errorf("empty not equal")
	}
	if !agent.ContainsResource(scalarRes("cpus", 2)) || agent.ContainsResource(scalarRes("cpus", -1)) {
		t.Errorf("ContainsResource wrong")
	}
}

func TestAllocationInfo(t *testing.T) {
	r := MustParse("cpus:4;mem:10;cpus(web):1")
	a := r.Allocate("web")
	if got := a.String(); got != "cpus(allocated: web):4; mem(allocated: web):10; cpus(allocated: web)(reservations: [(STATIC,web)]):1" {
		t.Errorf("allocated = %q", got)
	}
	if a.Contains(r) || r.Contains(a) {
		t.Errorf("allocated and unallocated resources are different")
	}
	if !a.Unallocate().Equal(r) {
		t.Errorf("unallocate = %v", a.Unallocate())
	}
	b := MustParse("cpus:1").Allocate("eng/fe")
	both := a.Add(b)
	groups := both.Allocations()
	if len(groups) != 2 || !groups["web"].Equal(a) || !groups["eng/fe"].Equal(b) {
		t.Errorf("allocations = %v", groups)
	}
	if got := both.AllocatedToRoleSubtree("eng"); !got.Equal(b) {
		t.Errorf("allocated to eng subtree = %v", got)
	}
	if role, ok := b.Items()[0].AllocationRole(); !ok || role != "eng/fe" {
		t.Errorf("AllocationRole = %q %v", role, ok)
	}
	// Allocate does not change its receiver.
	if r.String() != "cpus:4; mem:10; cpus(reservations: [(STATIC,web)]):1" {
		t.Errorf("receiver changed: %v", r)
	}
}

func TestFilters(t *testing.T) {
	vol := with(scalarRes("disk", 10), reserved(dynamic("web", "p")), persistent("v1"), shared)
	r := mustNew(t,
		scalarRes("cpus", 4),
		with(scalarRes("cpus", 1), reserved(static("web"))),
		with(scalarRes("cpus", 2), reserved(static("eng"), dynamic("eng/fe", "p"))),
		with(scalarRes("cpus", 0.5), revocable),
		with(scalarRes("mem", 100), provider("rp1")),
		vol,
	)
	check := func(name string, got Resources, want string) {
		t.Helper()
		if got.String() != want {
			t.Errorf("%s = %q, want %q", name, got.String(), want)
		}
	}
	check("Unreserved", r.Unreserved(), "cpus:4; cpus{REV}:0.5; mem:100")
	check("Reserved", r.Reserved().Scalars().Get("cpus"),
		"cpus(reservations: [(STATIC,web)]):1; cpus(reservations: [(STATIC,eng), (DYNAMIC,eng/fe,p)]):2")
	check("ReservedTo(eng)", r.ReservedTo("eng"), "{}")
	check("ReservedTo(eng/fe)", r.ReservedTo("eng/fe"), "cpus(reservations: [(STATIC,eng), (DYNAMIC,eng/fe,p)]):2")
	check("Revocable", r.Revocable(), "cpus{REV}:0.5")
	check("Shared", r.Shared(), "disk(reservations: [(DYNAMIC,web,p)])[v1]<SHARED>:10<1>")
	check("WithProvider", r.WithProvider(), "mem:100")
	check("FromProvider(rp2)", r.FromProvider("rp2"), "{}")
	if r.FromProvider("rp1").Len() != 1 || r.WithoutProvider().Len() != 5 || r.NonShared().Len() != 5 {
		t.Errorf("provider/shared filters wrong")
	}
	if c, _ := r.AllocatableTo("web").CPUs(); c != 5.5 {
		t.Errorf("allocatable to web: %v", c)
	}
	if c, _ := r.AllocatableTo("eng/fe/x").CPUs(); c != 6.5 {
		t.Errorf("allocatable to eng/fe/x: %v", c)
	}
	groups := r.Reservations()
	if len(groups) != 2 || groups["web"].Len() != 2 || groups["eng/fe"].Len() != 1 {
		t.Errorf("Reservations = %v", groups)
	}
	if got := r.Names(); len(got) != 3 || got[0] != "cpus" || got[1] != "disk" || got[2] != "mem" {
		t.Errorf("Names = %v", got)
	}
}

func TestApply(t *testing.T) {
	total := MustParse("cpus:4;mem:100")
	consumed := MustParse("cpus:1")
	converted, err := consumed.PushReservation(dynamic("web", "p"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := total.Apply(consumed, converted)
	if err != nil {
		t.Fatal(err)
	}
	if got.String() != "cpus:3; mem:100; cpus(reservations: [(DYNAMIC,web,p)]):1" {
		t.Errorf("Apply = %v", got)
	}
	if _, err := total.Apply(MustParse("cpus:5"), converted); err == nil {
		t.Errorf("Apply of uncontained resources accepted")
	}
}
