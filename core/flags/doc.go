// Package flags implements Apache Mesos's command-line flag grammar for
// every binary of the project (mesos-master, mesos-agent, mesos-local,
// mesos-execute and the mesos CLI), so that an operator's existing command
// lines, environment files and config directories keep working.
//
// It follows Mesos's stout/flags (flags.hpp, fetch.hpp, parse.hpp). Each
// binary builds its own FlagSet; nothing here is global.
//
// # Command line
//
//   - Flags are written --name=value. A boolean may also be written --name
//     (true), --no-name (false) or --name=true|false|1|0; --name= (empty)
//     means true, as in Mesos, and --no-name=value is an error.
//   - Mesos does not accept "--name value" with a space: stout skips any
//     argument not starting with "--" and then fails the flag with "Missing
//     value". We report the same error with a hint, and by default reject
//     stray arguments outright instead of silently ignoring them (see
//     AllowArgs). "--" ends the flags; everything after it is an argument.
//   - Flag names are case-insensitive on the command line (stout lower-cases
//     them) and each argument is trimmed of surrounding white space, as
//     stout does.
//   - An unknown flag fails with "Failed to load unknown flag 'x'"; a flag
//     given twice (also through an alias, or once as --x and once as
//     --no-x) fails; a bad value fails naming the flag and the value.
//   - --help is always defined; Load returns ErrHelp when it is given, even
//     if other flags are wrong, so that help is always reachable.
//
// # Environment
//
// When the FlagSet has an environment prefix (MESOS_ for the daemons), a
// variable MESOS_<NAME> sets flag <name> (the rest of the variable name is
// lower-cased, so MESOS_WORK_DIR sets work_dir). The environment is passed
// in to Load, never read from the process, so tests need no global state.
// The command line wins over the environment.
//
// A variable with the prefix that names no flag of this FlagSet is ignored
// with a warning rather than failing. This is a deliberate choice: masters,
// agents and executors share the MESOS_ prefix in one environment (an agent
// started next to a master sees MESOS_QUORUM; a task sees MESOS_SANDBOX), and
// Mesos itself silently ignores such variables. Unlike Mesos we log them,
// since a misspelt MESOS_WROK_DIR is otherwise invisible.
//
// # Config directory
//
// Optionally (Sources.ConfigDir), a directory such as /etc/mesos-master holds
// one file per flag, named after the flag and holding its value, as the
// Mesosphere packages' mesos-init-wrapper reads them. A file "?name" (or
// "?no-name") sets a boolean flag without a value. The value is trimmed of
// surrounding white space. Unknown file names are ignored with a warning,
// dot-files (editor leftovers) and subdirectories silently; a missing
// directory is not an error. A file there cannot name another config
// directory (config_dir is ignored with a warning). Sources.ConfigFiles are
// single flag files read below the directory (Mesosphere's /etc/mesos/zk).
// The config files have the lowest precedence: command line, then
// environment, then config directory, then shared files, then the flag's
// default.
//
// The daemons declare --config_dir (AddConfigDir) and make their Sources
// with FlagSet.Sources: --config_dir on the command line or in the
// environment names the directory (empty: none); without it, the first
// existing directory of the daemon's Layout (/etc/mesos-master) and its
// shared files are read.
//
// # Values from files
//
// Any flag value written file://path is replaced by the contents of that
// file (path may be relative to the working directory; file:///etc/x is
// absolute), with trailing newlines removed. Flags declared Structured (JSON
// documents, resources, modules, ACLs, credentials) also treat a value
// starting with "/" as a path to read, as Mesos does for its JSON flags. No
// other flag reads a plain path: --work_dir=/var/lib/mesos is just a string.
// Flags declared with Path are never read at all (stout's Path type): their
// value is a file name that the daemon opens itself later, and a file://
// prefix is stripped.
//
// # Types
//
// String, Bool, Int, Uint, Uint64, Float64, units.Duration ("5secs"),
// units.Bytes ("2GB"), Path and JSON come built in; anything else implements
// Value and registers with Var.
//
// Registration mirrors Mesos's add(&field, name, help[, default]): the
// default is an optional last argument. Without one the flag is optional in
// Mesos's sense (Option<T>): --help shows no default and Values leaves it
// out until it is set.
package flags
