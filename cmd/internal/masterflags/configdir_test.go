package masterflags

import (
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gomesos/mesos/cmd/internal/cmdutil"
	"github.com/gomesos/mesos/core/flags"
)

// TestConfigDir: mesos-master's flags from a Mesosphere-style directory
// (--config_dir), below the environment and the command line.
func TestConfigDir(t *testing.T) {
	dir := t.TempDir()
	for name, value := range map[string]string{
		"zk":                     "zk://zk1:2181,zk2:2181/mesos\n",
		"quorum":                 "2\n",
		"work_dir":               "/var/lib/mesos/master\n",
		"cluster":                "from-dir",
		"?no-hostname_lookup":    "",
		"registry_store_timeout": "30secs",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(value), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fs := flags.NewFlagSet("mesos-master")
	fs.SetEnvPrefix(cmdutil.EnvPrefix)
	fs.SetLogger(slog.New(slog.DiscardHandler))
	fs.AddConfigDir(ConfigLayout())
	f := Define(fs)
	args := []string{"--cluster=from-command-line", "--config_dir=" + dir}
	env := []string{"MESOS_QUORUM=3", "MESOS_WORK_DIR=/from/env"}
	if err := fs.Load(fs.Sources(args, env, ConfigLayout())); err != nil {
		t.Fatal(err)
	}
	if err := f.Check(); err != nil {
		t.Fatal(err)
	}
	if f.Zk != "zk://zk1:2181,zk2:2181/mesos" || f.HostnameLookup || f.RegistryStoreTimeout.Std().Seconds() != 30 {
		t.Errorf("from the directory: zk %q hostname_lookup %v registry_store_timeout %v", f.Zk, f.HostnameLookup, f.RegistryStoreTimeout)
	}
	if f.Quorum != 3 || f.WorkDir != "/from/env" || f.Cluster != "from-command-line" {
		t.Errorf("precedence: quorum %d (env), work_dir %q (env), cluster %q (command line)", f.Quorum, f.WorkDir, f.Cluster)
	}
	if src := fs.Lookup("zk").Source(); src != flags.SourceConfigDir {
		t.Errorf("zk source %v", src)
	}
}

// TestConfigLayout: the default layout is Mesosphere's, read only where
// it exists (this machine has none of it, or the test says so).
func TestConfigLayout(t *testing.T) {
	l := ConfigLayout()
	if !slices.Equal(l.Dirs, []string{"/etc/mesos-master"}) || len(l.Files) != 1 || l.Files[0] != (flags.ConfigFile{Flag: "zk", Path: "/etc/mesos/zk"}) {
		t.Errorf("layout %+v", l)
	}
	fs := flags.NewFlagSet("mesos-master")
	fs.AddConfigDir(l)
	src := fs.Sources(nil, nil, l)
	if _, err := os.Stat("/etc/mesos-master"); err != nil && src.ConfigDir != "" {
		t.Errorf("no /etc/mesos-master here, yet the config dir is %q", src.ConfigDir)
	}
}
