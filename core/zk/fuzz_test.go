package zk

import (
	"net"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// FuzzParseURL feeds --zk values. What parses must be well formed and
// survive a round trip through String.
func FuzzParseURL(f *testing.F) {
	for _, seed := range []string{
		"zk://127.0.0.1:2181/mesos", "zk://user:pass@h1:2181,h2:2181/path", "zk://h1,h2,h3:2181/mesos",
		"zk://[::1]:2181/x/y/", "zk://u:p@ss@h/", "zk://h:99999/", "zk://h/a//b", " zk://h/\n", "zk://@/",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseURL(s)
		if err != nil {
			return
		}
		if len(u.Servers) == 0 {
			t.Fatalf("ParseURL(%q): no servers", s)
		}
		for _, server := range u.Servers {
			host, port, err := net.SplitHostPort(server)
			if err != nil || host == "" {
				t.Fatalf("ParseURL(%q): server %q is not host:port", s, server)
			}
			if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
				t.Fatalf("ParseURL(%q): server %q has a bad port", s, server)
			}
		}
		if err := CheckPath(u.Path); err != nil {
			t.Fatalf("ParseURL(%q): path %q: %v", s, u.Path, err)
		}
		if u.Auth != nil && !strings.Contains(u.Auth.Credentials, ":") {
			t.Fatalf("ParseURL(%q): credentials %q are not user:pass", s, u.Auth.Credentials)
		}
		again, err := ParseURL(u.String())
		if err != nil || !reflect.DeepEqual(again, u) {
			t.Fatalf("ParseURL(%q) = %+v; ParseURL(%q) = %+v, %v", s, u, u.String(), again, err)
		}
	})
}
