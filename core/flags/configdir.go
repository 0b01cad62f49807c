package flags

import (
	"os"
	"strings"
)

// ConfigDirFlag is the flag that points a daemon at its config directory.
const ConfigDirFlag = "config_dir"

// Layout is where a daemon finds its config files when no --config_dir is
// given: the convention of Mesosphere's Mesos packages, whose init wrapper
// reads /etc/mesos-master/<flag> (or /etc/mesos-agent, /etc/mesos-slave)
// and /etc/mesos/zk. On a machine without them nothing is read.
type Layout struct {
	// Dirs are the candidate config directories; the first that exists is
	// read (the agent's /etc/mesos-agent, then the older /etc/mesos-slave).
	Dirs []string
	// Files are single-value files shared by the daemons, read below the
	// config directory (/etc/mesos/zk: the master's --zk, the agent's
	// --master).
	Files []ConfigFile
}

// ConfigFile is one file holding the value of one flag.
type ConfigFile struct {
	Flag string // the flag it sets
	Path string
}

// AddConfigDir declares --config_dir, which Sources reads before loading:
// a directory of flag files that replaces the layout's defaults, or
// nothing at all when empty.
func (fs *FlagSet) AddConfigDir(l Layout) *Flag {
	def := "none"
	if len(l.Dirs) > 0 {
		def = strings.Join(l.Dirs, ", else ")
		for _, f := range l.Files {
			def += "; and " + f.Path + " for --" + f.Flag
		}
	}
	return fs.Path(new(string), ConfigDirFlag,
		"Directory of configuration files, one per flag: a file named after\n"+
			"a flag holds its value (`work_dir` containing `/var/lib/mesos`), an\n"+
			"empty file `?name` or `?no-name` sets a boolean flag. They rank\n"+
			"below the command line and the MESOS_* environment. Without this\n"+
			"flag the daemon reads, when they exist: "+def+".\n"+
			"An empty value (`--config_dir=`) reads no configuration files.")
}

// Sources are the command line, the environment and the config files for
// them: the directory --config_dir names (on the command line, else in
// the environment), else the layout's first directory that exists and its
// shared files. Load then reads them in that order of precedence.
func (fs *FlagSet) Sources(args, env []string, l Layout) Sources {
	src := Sources{Args: args, Env: env}
	if dir, ok := fs.prescan(ConfigDirFlag, args, env); ok {
		src.ConfigDir = dir
		return src
	}
	for _, dir := range l.Dirs {
		if info, err := os.Stat(dir); err == nil && info.IsDir() {
			src.ConfigDir = dir
			break
		}
	}
	src.ConfigFiles = l.Files
	return src
}

// prescan finds a flag's value before Load: on the command line (before
// any "--"), else in the environment. A malformed setting is left for Load
// to report.
func (fs *FlagSet) prescan(name string, args, env []string) (string, bool) {
	cmd, _ := splitArgs(args)
	for _, s := range cmd {
		if s.name == name {
			if s.value == nil {
				return "", true
			}
			return strings.TrimPrefix(*s.value, "file://"), true
		}
	}
	if fs.envPrefix == "" {
		return "", false
	}
	for _, s := range envSettings(fs.envPrefix, env) {
		if s.name == name {
			return strings.TrimPrefix(*s.value, "file://"), true
		}
	}
	return "", false
}
