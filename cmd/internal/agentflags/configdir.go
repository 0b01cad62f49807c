package agentflags

import "github.com/gomesos/mesos/core/flags"

// ConfigLayout is where mesos-agent reads config files by default, as
// Mesosphere's packages lay them out: /etc/mesos-agent/<flag> (or the
// older /etc/mesos-slave when there is no /etc/mesos-agent; never both),
// and /etc/mesos/zk as --master. Nothing is read on a machine without them.
// mesos-agent declares --config_dir (flags.FlagSet.AddConfigDir) and loads
// from FlagSet.Sources with it; mesos-local reads no config files.
func ConfigLayout() flags.Layout {
	return flags.Layout{
		Dirs:  []string{"/etc/mesos-agent", "/etc/mesos-slave"},
		Files: []flags.ConfigFile{{Flag: "master", Path: "/etc/mesos/zk"}},
	}
}
