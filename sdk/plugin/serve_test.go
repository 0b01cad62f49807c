package plugin

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	"github.com/gomesos/mesos/modules/kinds/isolator"
	"github.com/gomesos/mesos/modules/runtime/plugin/wire"
)

func testModules() []Module {
	return []Module{
		Allocator("a", func(map[string]string) (allocator.Allocator, error) { return nil, nil }),
		Isolator("i", func(map[string]string) (isolator.Isolator, error) { return isolator.Nop{}, nil }),
	}
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestWithoutTheCookieItExplains(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := serve(Options{}, testModules(), env(nil), &stdout, &stderr); code != 1 {
		t.Fatalf("exit code %d, want 1", code)
	}
	if !strings.Contains(stderr.String(), "Mesos module plugin serving a (Allocator, API versions [1]), i (Isolator") {
		t.Errorf("stderr %q", stderr.String())
	}
}

func TestDescribe(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := serve(Options{}, testModules(), env(map[string]string{
		wire.MagicCookieKey: wire.MagicCookieValue, wire.EnvDescribe: "1",
	}), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit code %d: %s", code, stderr.String())
	}
	var d wire.Description
	if err := json.Unmarshal(stdout.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Modules) != 2 || d.Modules[0].Kind != "Allocator" || d.Modules[1].Name != "i" || d.SDK != wire.SDKName {
		t.Errorf("description %+v", d)
	}
}

func TestPick(t *testing.T) {
	mods := testModules()
	for _, tc := range []struct {
		name, kind, want, err string
	}{
		{"a", "", "a", ""},
		{"i", "Isolator", "i", ""},
		{"a", "Isolator", "", "is a Allocator, not a Isolator"},
		{"x", "", "", `does not serve a module "x"`},
	} {
		m, err := pick(mods, tc.name, tc.kind)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("pick(%q, %q) = %v, want error %q", tc.name, tc.kind, err, tc.err)
		case tc.err == "" && (err != nil || m.Name() != tc.want):
			t.Errorf("pick(%q, %q) = %v, %v, want %s", tc.name, tc.kind, m.Name(), err, tc.want)
		}
	}
	// A single module is served whatever the manifest calls it.
	if m, err := pick(mods[:1], "renamed", "Allocator"); err != nil || m.Name() != "a" {
		t.Errorf("single module: %v, %v", m.Name(), err)
	}
}

// The log lines are in the format go-plugin hosts parse: hclog's keys
// and timestamp layout.
func TestLogFormat(t *testing.T) {
	var buf bytes.Buffer
	newLogger(&buf, slog.LevelDebug).Warn("disk almost full", "free", 3)
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if m["@level"] != "warn" || m["@message"] != "disk almost full" || m["free"] != 3.0 {
		t.Errorf("log line %s", buf.Bytes())
	}
	if _, err := time.Parse("2006-01-02T15:04:05.000000Z07:00", m["@timestamp"].(string)); err != nil {
		t.Errorf("timestamp: %v", err)
	}
}

func TestModuleAPIVersions(t *testing.T) {
	m := Allocator("a", nil)
	if m.Kind() != modules.KindAllocator || len(m.APIVersions()) != 1 || m.APIVersions()[0] != allocator.APIVersion {
		t.Errorf("%v %v", m.Kind(), m.APIVersions())
	}
}
