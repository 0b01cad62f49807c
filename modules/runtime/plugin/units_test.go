package plugin

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gomesos/mesos/modules"
)

func TestBackoff(t *testing.T) {
	p := Options{}.withDefaults().Restart
	want := []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second}
	for i, w := range want {
		if got := p.backoff(i + 1); got != w {
			t.Errorf("backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	if got := p.backoff(100); got != 30*time.Second {
		t.Errorf("backoff(100) = %v, want the 30s cap", got)
	}
}

func TestRecordRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	paths, err := newDetachPaths(dir, modules.Spec{Library: "lib/with slashes", Name: "my module"})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, paths.sockets} {
		if fi, err := os.Stat(d); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("%s: %v, %v", d, fi.Mode(), err)
		}
	}
	if r, err := readRecord(paths.record); r != nil || err != nil {
		t.Fatalf("no record yet: %v, %v", r, err)
	}
	cert, err := newClientCert()
	if err != nil {
		t.Fatal(err)
	}
	in := &record{Library: "lib", Module: "m", PID: 42, Network: "unix", Address: "/x", APIVersion: 1,
		ClientCert: string(cert.certPEM), ClientKey: string(cert.keyPEM), ServerCert: []byte{1, 2}}
	if err := writeRecord(paths.record, in); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(paths.record); fi.Mode().Perm() != 0o600 {
		t.Errorf("record mode %v", fi.Mode())
	}
	out, err := readRecord(paths.record)
	if err != nil || out.PID != 42 || out.ClientKey != in.ClientKey || len(out.ServerCert) != 2 {
		t.Fatalf("read back %+v, %v", out, err)
	}
	if _, err := parseClientCert([]byte(out.ClientCert), []byte(out.ClientKey)); err != nil {
		t.Errorf("stored certificate: %v", err)
	}
	if err := os.WriteFile(paths.record, []byte(`{"format": 99}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := readRecord(paths.record); err == nil {
		t.Error("a record of another format was read")
	}
	if err := removeRecord(paths.record); err != nil || removeRecord(paths.record) != nil {
		t.Error("removeRecord is not idempotent")
	}
}
