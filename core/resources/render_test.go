package resources

import (
	"encoding/json"
	"maps"
	"testing"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"google.golang.org/protobuf/proto"
)

func TestFlatSeed(t *testing.T) {
	r := mustNew(t, scalarRes("cpus", 0.1), scalarRes("mem", 32),
		rangesRes("ports", Range{31000, 31000}, Range{31005, 31010}))
	b, err := json.Marshal(r.Flat())
	if err != nil {
		t.Fatal(err)
	}
	var got, want map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	// Mesos 1.x also always reports "gpus".
	seed := `{"cpus":0.1,"mem":32,"disk":0,"ports":"[31000-31000, 31005-31010]","gpus":0}`
	if err := json.Unmarshal([]byte(seed), &want); err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, want) {
		t.Errorf("Flat = %s, want %s", b, seed)
	}
}

func TestFlat(t *testing.T) {
	r := mustNew(t,
		scalarRes("cpus", 0.1), scalarRes("cpus", 0.2),
		with(scalarRes("cpus", 1), reserved(static("web"))),
		with(scalarRes("cpus", 0.5), revocable),
		setRes("gpus_ids", "a", "b"),
		with(setRes("gpus_ids", "c"), reserved(static("web"))),
		rangesRes("ports", Range{1, 2}),
		with(rangesRes("ports", Range{3, 4}), reserved(static("web"))),
	)
	got := r.Flat()
	want := map[string]any{
		"cpus": 1.3, "cpus_revocable": 0.5, "gpus": 0.0, "mem": 0.0, "disk": 0.0,
		"gpus_ids": "{a, b, c}", "ports": "[1-4]",
	}
	if !maps.Equal(got, want) {
		t.Errorf("Flat = %v, want %v", got, want)
	}
}

func TestString(t *testing.T) {
	labels := &mesospb.Labels{Labels: []*mesospb.Label{
		{Key: proto.String("k"), Value: proto.String("v")}, {Key: proto.String("flag")}}}
	tests := []struct {
		p    *mesospb.Resource
		want string
	}{
		{with(scalarRes("cpus", 4), allocated("*")), "cpus(allocated: *):4"},
		{with(scalarRes("cpus", 4), allocated("web"), reserved(static("web"))),
			"cpus(allocated: web)(reservations: [(STATIC,web)]):4"},
		{with(scalarRes("cpus", 1), reserved(dynamic("web", "p"), dynamic("web/a", ""))),
			"cpus(reservations: [(DYNAMIC,web,p), (DYNAMIC,web/a)]):1"},
		{with(scalarRes("cpus", 1), reserved(&mesospb.Resource_ReservationInfo{
			Type: mesospb.Resource_ReservationInfo_DYNAMIC.Enum(), Role: proto.String("r"), Labels: labels})),
			"cpus(reservations: [(DYNAMIC,r,{k: v, flag})]):1"},
		{with(scalarRes("disk", 10), diskSource(mesospb.Resource_DiskInfo_Source_MOUNT, "/mnt")), "disk[MOUNT:/mnt]:10"},
		{with(scalarRes("disk", 10), diskSource(mesospb.Resource_DiskInfo_Source_PATH, "/p"), persistent("id")),
			"disk[PATH:/p,id]:10"},
		{with(scalarRes("disk", 10), persistent("id"), func(p *mesospb.Resource) {
			p.Disk.Volume = &mesospb.Volume{ContainerPath: proto.String("data"), HostPath: proto.String("/h"),
				Mode: mesospb.Volume_RO.Enum()}
		}), "disk[id:/h:data:ro]:10"},
		{with(scalarRes("disk", 10), diskSource(mesospb.Resource_DiskInfo_Source_RAW, "vol1"), func(p *mesospb.Resource) {
			p.Disk.Source.Vendor = proto.String("csi")
		}), "disk[RAW(csi,vol1,)]:10"},
		{with(scalarRes("cpus", 1), revocable), "cpus{REV}:1"},
		{rangesRes("ports", Range{1, 2}, Range{4, 4}), "ports:[1-2, 4-4]"},
		{setRes("s"), "s:{}"},
	}
	for _, tc := range tests {
		if got := FormatProto(tc.p); got != tc.want {
			t.Errorf("FormatProto = %q, want %q", got, tc.want)
		}
		if r, err := FromProtos([]*mesospb.Resource{tc.p}); err == nil && r.Len() == 1 {
			if got := r.String(); got != tc.want {
				t.Errorf("String = %q, want %q", got, tc.want)
			}
		}
	}
	if got := (Resources{}).String(); got != "{}" {
		t.Errorf("empty = %q", got)
	}
}

func TestTextAndJSONRoundTrip(t *testing.T) {
	r := MustParse("cpus:4;mem:4096.5;ports:[31000-32000,1-2];disks:{a,b};cpus(role):2;cpus(eng/fe):0.001")
	text, exact := r.Text()
	if !exact {
		t.Fatalf("Text not exact: %q", text)
	}
	if text != "cpus:4;mem:4096.5;ports:[1-2,31000-32000];disks:{a,b};cpus(role):2;cpus(eng/fe):0.001" {
		t.Errorf("Text = %q", text)
	}
	back, err := Parse(text, "*")
	if err != nil || !back.Equal(r) {
		t.Errorf("text round trip = %v, %v", back, err)
	}
	j, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	back, err = Parse(string(j), "*")
	if err != nil || !back.Equal(r) {
		t.Errorf("JSON round trip = %v, %v (%s)", back, err, j)
	}
	if _, exact := MustParse("cpus:1").Allocate("r").Text(); exact {
		t.Errorf("allocated resources claimed exact")
	}
	if _, exact := mustNew(t, setRes("s", "a b")).Text(); exact {
		t.Errorf("set item with space claimed exact")
	}
}

func TestNilSafety(t *testing.T) {
	if got := FormatProto(nil); got != ":0" {
		t.Errorf("FormatProto(nil) = %q", got)
	}
	p := with(scalarRes("cpus", 1), func(p *mesospb.Resource) {
		p.Reservations = []*mesospb.Resource_ReservationInfo{nil}
	})
	_ = FormatProto(p)
	if err := Validate(p); err == nil {
		t.Errorf("nil reservation accepted")
	}
	if _, err := FromProtos([]*mesospb.Resource{nil}); err == nil {
		t.Errorf("nil resource accepted")
	}
	if got := New(nil, p).Len(); got != 0 {
		t.Errorf("New kept invalid resources")
	}
}
