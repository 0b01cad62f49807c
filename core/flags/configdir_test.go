package flags

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomesos/mesos/core/units"
)

// testLayout is a daemon layout under a temporary root: two candidate
// directories (the agent's mesos-agent, then mesos-slave) and a shared zk
// file, any of which a test creates.
func testLayout(root string) Layout {
	return Layout{
		Dirs:  []string{filepath.Join(root, "mesos-agent"), filepath.Join(root, "mesos-slave")},
		Files: []ConfigFile{{Flag: "zk", Path: filepath.Join(root, "mesos", "zk")}},
	}
}

func mkdir(t *testing.T, parts ...string) string {
	t.Helper()
	dir := filepath.Join(parts...)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// loadLayout declares --config_dir on a test set and loads it from args,
// env and the layout, as the daemons do.
func loadLayout(t *testing.T, args, env []string, l Layout) (*FlagSet, *testFlags, error) {
	t.Helper()
	fs, f, _ := newTestSet(t)
	fs.AddConfigDir(l)
	return fs, f, fs.Load(fs.Sources(args, env, l))
}

// TestLayoutNothingThere: without the layout's files nothing changes.
func TestLayoutNothingThere(t *testing.T) {
	fs, f, err := loadLayout(t, nil, nil, testLayout(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	if f.Port != 5050 || f.Zk != "" || len(fs.Warnings()) > 0 {
		t.Errorf("port %d zk %q warnings %v", f.Port, f.Zk, fs.Warnings())
	}
}

// TestLayoutDefaults: the first existing directory is read (never both),
// and the shared file fills in what the directory leaves out.
func TestLayoutDefaults(t *testing.T) {
	root := t.TempDir()
	l := testLayout(root)
	slave := mkdir(t, root, "mesos-slave")
	writeFile(t, slave, "port", "5052\n")
	writeFile(t, slave, "?quiet", "")
	writeFile(t, mkdir(t, root, "mesos"), "zk", "zk://shared:2181/mesos\n")

	_, f, err := loadLayout(t, nil, nil, l)
	if err != nil {
		t.Fatal(err)
	}
	if f.Port != 5052 || !f.Quiet || f.Zk != "zk://shared:2181/mesos" {
		t.Errorf("from mesos-slave and mesos/zk: port %d quiet %v zk %q", f.Port, f.Quiet, f.Zk)
	}

	// mesos-agent, once it exists, is read instead of mesos-slave; its zk
	// wins over the shared file.
	agent := mkdir(t, root, "mesos-agent")
	writeFile(t, agent, "work_dir", "/var/lib/mesos\n")
	writeFile(t, agent, "zk", "zk://own:2181/mesos")
	fs, f, err := loadLayout(t, nil, nil, l)
	if err != nil {
		t.Fatal(err)
	}
	if f.Port != 5050 || f.Quiet || f.WorkDir != "/var/lib/mesos" || f.Zk != "zk://own:2181/mesos" {
		t.Errorf("from mesos-agent: %+v", *f)
	}
	if fs.Lookup("zk").Source() != SourceConfigDir {
		t.Errorf("zk source %v", fs.Lookup("zk").Source())
	}
}

// TestLayoutPrecedence: command line > environment > config directory >
// shared file > default.
func TestLayoutPrecedence(t *testing.T) {
	root := t.TempDir()
	l := testLayout(root)
	dir := mkdir(t, root, "mesos-agent")
	writeFile(t, dir, "port", "1")
	writeFile(t, dir, "quorum", "1")
	writeFile(t, dir, "work_dir", "/from/dir")
	writeFile(t, mkdir(t, root, "mesos"), "zk", "zk://shared/mesos")

	_, f, err := loadLayout(t, []string{"--port=3"}, []string{"MESOS_PORT=2", "MESOS_QUORUM=2"}, l)
	if err != nil {
		t.Fatal(err)
	}
	if f.Port != 3 || f.Quorum != 2 || f.WorkDir != "/from/dir" || f.Zk != "zk://shared/mesos" || f.GCDelay != units.Week {
		t.Errorf("port %d (want 3, command line), quorum %d (want 2, env), work_dir %q (dir), zk %q (shared), gc_delay %v (default)",
			f.Port, f.Quorum, f.WorkDir, f.Zk, f.GCDelay)
	}
}

// TestConfigDirFlag: --config_dir (or MESOS_CONFIG_DIR) replaces the
// layout, shared file included; empty reads nothing.
func TestConfigDirFlag(t *testing.T) {
	root := t.TempDir()
	l := testLayout(root)
	writeFile(t, mkdir(t, root, "mesos-agent"), "port", "1")
	writeFile(t, mkdir(t, root, "mesos"), "zk", "zk://shared/mesos")
	other := mkdir(t, root, "elsewhere")
	writeFile(t, other, "port", "7")

	for _, tc := range []struct {
		name     string
		args     []string
		env      []string
		wantPort int
	}{
		{"command line", []string{"--config_dir=" + other}, nil, 7},
		{"file:// prefix", []string{"--config_dir=file://" + other}, nil, 7},
		{"environment", nil, []string{"MESOS_CONFIG_DIR=" + other}, 7},
		{"command line over environment", []string{"--config_dir=" + other}, []string{"MESOS_CONFIG_DIR=/nonexistent"}, 7},
		{"empty reads none", []string{"--config_dir="}, nil, 5050},
		{"missing directory reads none", []string{"--config_dir=" + filepath.Join(root, "missing")}, nil, 5050},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, f, err := loadLayout(t, tc.args, tc.env, l)
			if err != nil {
				t.Fatal(err)
			}
			if f.Port != tc.wantPort || f.Zk != "" {
				t.Errorf("port %d zk %q, want port %d and no zk", f.Port, f.Zk, tc.wantPort)
			}
		})
	}
}

// TestConfigDirErrors: bad values name their file; a config directory
// cannot point at another; a config_dir without a value fails as any
// other string flag would.
func TestConfigDirErrors(t *testing.T) {
	root := t.TempDir()
	l := testLayout(root)
	writeFile(t, mkdir(t, root, "mesos"), "zk", "zk://shared/mesos")
	dir := mkdir(t, root, "mesos-agent")
	writeFile(t, dir, "config_dir", "/somewhere")
	fs, f, err := loadLayout(t, nil, nil, l)
	if err != nil || f.Zk != "zk://shared/mesos" {
		t.Fatalf("zk %q, %v", f.Zk, err)
	}
	if w := strings.Join(fs.Warnings(), "\n"); !strings.Contains(w, "cannot name another") {
		t.Errorf("warnings %q", w)
	}

	writeFile(t, dir, "port", "fifty")
	_, _, err = loadLayout(t, nil, nil, l)
	if !errors.Is(err, ErrInvalidValue) || !strings.Contains(err.Error(), filepath.Join(dir, "port")) {
		t.Errorf("bad port: %v", err)
	}

	if _, _, err := loadLayout(t, []string{"--config_dir"}, nil, l); !errors.Is(err, ErrMissingValue) {
		t.Errorf("--config_dir without a value: %v", err)
	}

	// The shared file is a directory: a clear error, not a silent skip.
	root = t.TempDir()
	mkdir(t, root, "mesos", "zk")
	if _, _, err := loadLayout(t, nil, nil, testLayout(root)); !errors.Is(err, ErrInvalidValue) || !strings.Contains(err.Error(), "mesos/zk") {
		t.Errorf("zk is a directory: %v", err)
	}
}
