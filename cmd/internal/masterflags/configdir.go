package masterflags

import "github.com/gomesos/mesos/core/flags"

// ConfigLayout is where mesos-master reads config files by default, as
// Mesosphere's packages lay them out: /etc/mesos-master/<flag>, and
// /etc/mesos/zk as --zk. Neither exists on a machine without those
// packages' configuration, and then nothing is read. mesos-master
// declares --config_dir (flags.FlagSet.AddConfigDir) and loads from
// FlagSet.Sources with it; mesos-local reads no config files.
func ConfigLayout() flags.Layout {
	return flags.Layout{
		Dirs:  []string{"/etc/mesos-master"},
		Files: []flags.ConfigFile{{Flag: "zk", Path: "/etc/mesos/zk"}},
	}
}
