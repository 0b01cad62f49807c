package zk

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

func TestParseMember(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ok    bool
		label string
		seq   int32
	}{
		{"json.info_0000000003", true, "json.info", 3},
		{"info_0000000012", true, "info", 12},
		{"0000000007", true, "", 7},
		{"json.info_-2147483648", true, "json.info", -2147483648},
		{"log_replicas", false, "", 0},
		{"registry", false, "", 0},
		{"json.info_", false, "", 0},
		{"json.info_00000000099999999999", false, "", 0},
		{"a_b_0000000001", true, "a", 1},
		{"json.info__0000000004", true, "json.info", 4},
	} {
		m, ok := ParseMember(tc.name)
		if ok != tc.ok || ok && (m.Label != tc.label || m.Sequence != tc.seq || m.Name != tc.name) {
			t.Errorf("ParseMember(%q) = %+v, %v", tc.name, m, ok)
		}
	}
	if got := MemberName(MasterInfoJSONLabel, 42); got != "json.info_0000000042" {
		t.Errorf("MemberName = %q", got)
	}
}

func TestLeaderOf(t *testing.T) {
	ms := Members([]string{"json.info_0000000009", "registry", "other_0000000001", "info_0000000005", "json.info_0000000002", "log_replicas"})
	var names []string
	for _, m := range ms {
		names = append(names, m.Name)
	}
	if got := strings.Join(names, " "); got != "other_0000000001 json.info_0000000002 info_0000000005 json.info_0000000009" {
		t.Errorf("Members = %s", got)
	}
	if l, ok := LeaderOf(ms); !ok || l.Name != "json.info_0000000002" {
		t.Errorf("LeaderOf = %+v, %v", l, ok)
	}
	if _, ok := LeaderOf(Members([]string{"registry", "other_0000000001"})); ok {
		t.Error("LeaderOf found a leader among no masters")
	}
	if Join("/", "a") != "/a" || Join("/m", "a") != "/m/a" || Parent("/a") != "/" || Parent("/a/b") != "/a" {
		t.Error("Join or Parent")
	}
}

func TestMasterInfoCodec(t *testing.T) {
	info := &mesospb.MasterInfo{
		Id: proto.String("m1"), Ip: proto.Uint32(0x0100007f), Port: proto.Uint32(5050),
		Pid: proto.String("master@127.0.0.1:5050"), Hostname: proto.String("localhost"), Version: proto.String("1.11.0"),
		Address: &mesospb.Address{Hostname: proto.String("localhost"), Ip: proto.String("127.0.0.1"), Port: proto.Int32(5050)},
	}
	data, err := EncodeMasterInfo(info)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeMasterInfo(MasterInfoJSONLabel, data)
	if err != nil || !proto.Equal(got, info) {
		t.Fatalf("JSON round trip = %v, %v", got, err)
	}
	bin, _ := proto.Marshal(info)
	got, err = DecodeMasterInfo(MasterInfoLabel, bin)
	if err != nil || !proto.Equal(got, info) {
		t.Fatalf("binary = %v, %v", got, err)
	}
	got, err = DecodeMasterInfo("", []byte("master@10.0.0.7:5050"))
	if err != nil || got.GetIp() != 0x0700000a || got.GetPort() != 5050 || got.GetPid() != "master@10.0.0.7:5050" {
		t.Fatalf("UPID = %v, %v", got, err)
	}
	for _, bad := range []struct {
		label string
		data  string
	}{
		{MasterInfoJSONLabel, "{"}, {MasterInfoJSONLabel, `{"id":"x"}`}, {MasterInfoLabel, "\xff\xff"},
		{"", "nope"}, {"", "master@[::1]:5050"}, {"other", "{}"},
	} {
		if got, err := DecodeMasterInfo(bad.label, []byte(bad.data)); err == nil {
			t.Errorf("DecodeMasterInfo(%q, %q) = %v", bad.label, bad.data, got)
		}
	}
}
