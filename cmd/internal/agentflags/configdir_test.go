package agentflags

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/gomesos/mesos/core/flags"
)

// TestConfigLayout: the shared /etc/mesos/zk is the agent's --master, and
// an /etc/mesos-slave directory is read when there is no /etc/mesos-agent
// (here under a temporary root standing for /etc).
func TestConfigLayout(t *testing.T) {
	root := t.TempDir()
	l := ConfigLayout()
	if len(l.Dirs) != 2 || l.Dirs[0] != "/etc/mesos-agent" || l.Dirs[1] != "/etc/mesos-slave" || len(l.Files) != 1 || l.Files[0].Flag != "master" {
		t.Fatalf("layout %+v", l)
	}
	for i := range l.Dirs {
		l.Dirs[i] = filepath.Join(root, filepath.Base(l.Dirs[i]))
	}
	l.Files[0].Path = filepath.Join(root, "mesos", "zk")
	for path, value := range map[string]string{
		"mesos/zk":                    "zk://zk1:2181/mesos\n",
		"mesos-slave/work_dir":        "/var/lib/mesos/agent\n",
		"mesos-slave/attributes":      "rack:r1;zone:2",
		"mesos-slave/?no-switch_user": "",
	} {
		p := filepath.Join(root, path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(value), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fs, f := New()
	fs.SetLogger(slog.New(slog.DiscardHandler))
	fs.AddConfigDir(l)
	if err := fs.Load(fs.Sources(nil, []string{"MESOS_ATTRIBUTES=rack:r2"}, l)); err != nil {
		t.Fatal(err)
	}
	if f.Master != "zk://zk1:2181/mesos" || f.WorkDir != "/var/lib/mesos/agent" || f.SwitchUser || f.Attributes != "rack:r2" {
		t.Errorf("master %q work_dir %q switch_user %v attributes %q", f.Master, f.WorkDir, f.SwitchUser, f.Attributes)
	}
	if fs.Lookup("master").Source() != flags.SourceConfigDir {
		t.Errorf("master source %v", fs.Lookup("master").Source())
	}
}
