package zk

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want URL
	}{
		{"zk://127.0.0.1:2181/mesos", URL{Servers: []string{"127.0.0.1:2181"}, Path: "/mesos"}},
		{" zk://h1:2181,h2:2182,h3:2183/mesos\n", URL{Servers: []string{"h1:2181", "h2:2182", "h3:2183"}, Path: "/mesos"}},
		// DESIGN.md's example: servers without a port get 2181.
		{"zk://h1,h2,h3:2181/mesos", URL{Servers: []string{"h1:2181", "h2:2181", "h3:2181"}, Path: "/mesos"}},
		{"zk://h1:2181", URL{Servers: []string{"h1:2181"}, Path: "/"}},
		{"zk://h1:2181/", URL{Servers: []string{"h1:2181"}, Path: "/"}},
		{"zk://h1:2181/a/b/", URL{Servers: []string{"h1:2181"}, Path: "/a/b"}},
		{"zk://[::1]:2181,[fe80::1]/x", URL{Servers: []string{"[::1]:2181", "[fe80::1]:2181"}, Path: "/x"}},
		{"zk://user:pass@h1:2181,h2:2181/mesos", URL{
			Servers: []string{"h1:2181", "h2:2181"}, Path: "/mesos",
			Auth: &Auth{Scheme: "digest", Credentials: "user:pass"},
		}},
		// The credentials end at the last '@'.
		{"zk://u:p@ss@h1/m", URL{Servers: []string{"h1:2181"}, Path: "/m", Auth: &Auth{Scheme: "digest", Credentials: "u:p@ss"}}},
	} {
		got, err := ParseURL(tc.in)
		if err != nil {
			t.Errorf("ParseURL(%q) = %v", tc.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseURL(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
		again, err := ParseURL(got.String())
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Errorf("ParseURL(%q.String() = %q) = %+v, %v", tc.in, got.String(), again, err)
		}
	}
}

func TestParseURLErrors(t *testing.T) {
	for _, in := range []string{
		"", "h1:2181/mesos", "http://h1/mesos", "zk://", "zk:///mesos", "zk://h1,,h2/m", "zk://h1:/m",
		"zk://h1:0/m", "zk://h1:65536/m", "zk://h1:+1/m", "zk://h1:x/m", "zk://::1/m", "zk://[::1/m",
		"zk://[::1]x/m", "zk://[h1]/m", "zk://h 1/m", "zk://@h1/m", "zk://user@h1/m", "zk://:pass@h1/m",
		"zk://h1/a//b", "zk://h1/a/./b", "zk://h1/..", "zk://h1/zookeeper", "zk://h1/zookeeper/quota",
		"zk://h1/a\x00b", "zk://h1/a\x7fb",
	} {
		if u, err := ParseURL(in); err == nil {
			t.Errorf("ParseURL(%q) = %+v, want an error", in, u)
		}
	}
}

func TestURLRedacted(t *testing.T) {
	u, err := ParseURL("zk://jo:secret@h1:2181/mesos")
	if err != nil {
		t.Fatal(err)
	}
	if got := u.Redacted(); got != "zk://jo:xxxxx@h1:2181/mesos" {
		t.Errorf("Redacted = %q", got)
	}
	if got := u.String(); got != "zk://jo:secret@h1:2181/mesos" {
		t.Errorf("String = %q", got)
	}
	_, err = ParseURL("zk://jo:secret@h1:x/mesos")
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("error %v shows the password", err)
	}
}

func TestACL(t *testing.T) {
	open, _ := ParseURL("zk://h1/m")
	if acl := open.ACL(); len(acl) != 1 || acl[0].Scheme != "world" || acl[0].Perms != 0x1f {
		t.Errorf("open ACL = %+v", acl)
	}
	auth, _ := ParseURL("zk://u:p@h1/m")
	acl := auth.ACL()
	if len(acl) != 2 || acl[0].Scheme != "world" || acl[0].ID != "anyone" || acl[0].Perms != 1 ||
		acl[1].Scheme != "auth" || acl[1].Perms != 0x1f {
		t.Errorf("authenticated ACL = %+v", acl)
	}
}

func TestQuorum(t *testing.T) {
	for _, tc := range []struct{ quorum, masters int }{{1, 1}, {2, 2}, {2, 3}, {3, 3}, {3, 5}, {4, 7}} {
		if err := CheckQuorum(tc.quorum, tc.masters); err != nil {
			t.Errorf("CheckQuorum(%d, %d) = %v", tc.quorum, tc.masters, err)
		}
	}
	for _, tc := range []struct{ quorum, masters int }{{1, 2}, {1, 3}, {2, 5}, {0, 1}, {4, 3}, {1, 0}} {
		if err := CheckQuorum(tc.quorum, tc.masters); err == nil {
			t.Errorf("CheckQuorum(%d, %d) succeeded", tc.quorum, tc.masters)
		}
	}
	if Quorum(3) != 2 || Quorum(5) != 3 || Quorum(4) != 3 || Quorum(1) != 1 {
		t.Error("Quorum is not the smallest majority")
	}
}
