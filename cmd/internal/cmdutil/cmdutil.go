// Package cmdutil holds what the project's binaries share: the flag groups
// that Mesos defines once for several programs (logging flags, the flags
// common to master and agent), the start-up sequence (load flags, --help,
// --version) and the exit codes.
package cmdutil

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"

	"github.com/gomesos/mesos/core/flags"
	"github.com/gomesos/mesos/core/units"
)

// MesosVersion is the Apache Mesos release whose operator surface and
// wire protocol the binaries reproduce; --version prints it the way Mesos
// does ("mesos 1.11.0"), since tools parse that line.
//
// TODO: move next to the /version endpoint once core/master exists.
const MesosVersion = "1.11.0"

// Exit codes.
const (
	ExitOK             = 0 // success, --help, --version
	ExitFailure        = 1 // bad flags or any other failure, as in Mesos
	ExitNotImplemented = 2 // the program parsed its flags but has no implementation yet
)

// EnvPrefix is the environment prefix of the Mesos daemons.
const EnvPrefix = "MESOS_"

// Load loads fs from src. It prints the help to stdout for --help and the
// error to stderr for a bad command line, and then returns done=true with
// the exit code; otherwise the program goes on.
//
// The FlagSet's own logging is switched off: its warnings are logged by
// Start once the program's logger exists (so that --quiet and
// --logging_level apply to them, as in Mesos), or printed with the error
// when loading fails, since they may explain it.
func Load(fs *flags.FlagSet, src flags.Sources, stdout, stderr io.Writer) (code int, done bool) {
	fs.SetLogger(slog.New(slog.DiscardHandler))
	err := fs.Load(src)
	switch {
	case errors.Is(err, flags.ErrHelp):
		fmt.Fprint(stdout, fs.Usage())
		return ExitOK, true
	case err != nil:
		for _, w := range fs.Warnings() {
			fmt.Fprintf(stderr, "%s: warning: %s\n", fs.Program(), w)
		}
		return UsageError(fs, stderr, err.Error()), true
	}
	return ExitOK, false
}

// Start makes the program's logger from its logging flags and logs the
// flag warnings and the effective flags, as Mesos does at start-up.
func Start(fs *flags.FlagSet, l *Logging, stderr io.Writer) *slog.Logger {
	logger := l.Logger(stderr)
	for _, w := range fs.Warnings() {
		logger.Warn(w)
	}
	LogFlags(logger, fs)
	return logger
}

// UsageError reports a problem with the command line (also one found after
// loading, such as two flags that exclude each other) and returns the exit
// code. Mesos prints its whole --help after the message; one line pointing
// at --help keeps the message itself visible on a terminal.
func UsageError(fs *flags.FlagSet, stderr io.Writer, msg string) int {
	fmt.Fprintf(stderr, "%s: %s\nSee '%s --help' for the list of flags.\n", fs.Program(), msg, fs.Program())
	return ExitFailure
}

// PrintVersion prints the version line as Mesos does.
func PrintVersion(stdout io.Writer) int {
	fmt.Fprintln(stdout, "mesos", MesosVersion)
	return ExitOK
}

// NotImplemented says plainly that program has parsed its flags but does
// nothing yet, and returns ExitNotImplemented. It writes to stderr
// directly rather than through the logger so that --quiet cannot hide it.
func NotImplemented(stderr io.Writer, program string) int {
	fmt.Fprintf(stderr, "%s: flags are valid, but %s is not implemented yet; exiting\n", program, program)
	return ExitNotImplemented
}

// LogFlags logs the effective flags at start-up, as Mesos does ("Flags at
// startup: ..."), sorted by name.
func LogFlags(logger *slog.Logger, fs *flags.FlagSet) {
	values := fs.Values()
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	sort.Strings(names)
	attrs := make([]any, 0, len(names))
	for _, name := range names {
		attrs = append(attrs, slog.String(name, values[name]))
	}
	logger.Info("Flags at startup", slog.Group("flags", attrs...))
}

// Logging holds Mesos's logging flags (src/logging/flags.cpp), which the
// master, the agent and mesos-local all take.
type Logging struct {
	Quiet                   bool
	LogDir                  string
	Logbufsecs              int
	LoggingLevel            string
	InitializeDriverLogging bool
	ExternalLogFile         string
}

// AddLogging declares the logging flags on fs.
func AddLogging(fs *flags.FlagSet, l *Logging) {
	fs.Bool(&l.Quiet, "quiet", "Disable logging to stderr", false)
	fs.String(&l.LogDir, "log_dir",
		"Location to put log files.  By default, nothing is written to disk.\n"+
			"Does not affect logging to stderr.\n"+
			"If specified, the log file will appear in the Mesos WebUI.\n"+
			"NOTE: 3rd party log messages (e.g. ZooKeeper) are\n"+
			"only written to stderr!")
	fs.Int(&l.Logbufsecs, "logbufsecs", "Maximum number of seconds that logs may be buffered for.\n"+
		"By default, logs are flushed immediately.", 0)
	fs.String(&l.LoggingLevel, "logging_level",
		"Log message at or above this level.\n"+
			"Possible values: `INFO`, `WARNING`, `ERROR`.\n"+
			"If `--quiet` is specified, this will only affect the logs\n"+
			"written to `--log_dir`, if specified.", "INFO").
		Validate(func() error {
			_, err := slogLevel(l.LoggingLevel)
			return err
		})
	fs.Bool(&l.InitializeDriverLogging, "initialize_driver_logging",
		"Whether the master/agent should initialize Google logging for the\n"+
			"scheduler and executor drivers, in the same way as described here.\n"+
			"The scheduler/executor drivers have separate logs and do not get\n"+
			"written to the master/agent logs.\n\n"+
			"This option has no effect when using the HTTP scheduler/executor APIs.", true)
	fs.String(&l.ExternalLogFile, "external_log_file",
		"Location of the externally managed log file.  Mesos does not write to\n"+
			"this file directly and merely exposes it in the WebUI and HTTP API.\n"+
			"This is only useful when logging to stderr in combination with an\n"+
			"external logging mechanism, like syslog or journald.\n\n"+
			"This option is meaningless when specified along with `--quiet`.\n\n"+
			"This option takes precedence over `--log_dir` in the WebUI.\n"+
			"However, logs will still be written to the `--log_dir` if\n"+
			"that option is specified.")
}

func slogLevel(name string) (slog.Level, error) {
	switch name {
	case "INFO":
		return slog.LevelInfo, nil
	case "WARNING":
		return slog.LevelWarn, nil
	case "ERROR":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("'%s' is not a valid logging level. Possible values for 'logging_level' flag are: 'INFO', 'WARNING', 'ERROR'", name)
}

// Logger returns the program's logger: text records on stderr at
// --logging_level, or nothing with --quiet. (--log_dir files come with the
// daemons.)
func (l *Logging) Logger(stderr io.Writer) *slog.Logger {
	if l.Quiet {
		return slog.New(slog.DiscardHandler)
	}
	level, err := slogLevel(l.LoggingLevel)
	if err != nil {
		level = slog.LevelInfo // unreachable after Load's validation
	}
	return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
}

// Common holds the flags Mesos defines for both the master and the agent
// (docs/configuration/master-and-agent.md), except the logging flags.
type Common struct {
	AdvertiseIP               string
	AdvertisePort             int
	AuthenticateHTTPReadonly  bool
	AuthenticateHTTPReadwrite bool
	FirewallRules             json.RawMessage
	Domain                    json.RawMessage
	Hooks                     string
	Hostname                  string
	HostnameLookup            bool
	HTTPAuthenticators        string
	IP                        string
	IPDiscoveryCommand        string
	Modules                   json.RawMessage
	ModulesDir                string
	Port                      int
	Version                   bool
	ZKSessionTimeout          units.Duration
}

// AddCommon declares the master-and-agent flags on fs; port is the
// program's default port (5050 for the master, 5051 for the agent).
func AddCommon(fs *flags.FlagSet, c *Common, role string, port int) {
	fs.String(&c.AdvertiseIP, "advertise_ip",
		"IP address advertised to reach this Mesos "+role+".\n"+
			"The "+role+" does not bind to this IP address.\n"+
			"However, this IP address may be used to access this "+role+".")
	fs.Int(&c.AdvertisePort, "advertise_port",
		"Port advertised to reach this Mesos "+role+" (along with\n"+
			"`advertise_ip`). The "+role+" does not bind using this port.\n"+
			"However, this port (along with `advertise_ip`) may be used to\n"+
			"access Mesos "+role+".").Validate(func() error { return CheckPort(c.AdvertisePort) })
	fs.Bool(&c.AuthenticateHTTPReadonly, "authenticate_http_readonly",
		"If `true`, only authenticated requests for read-only HTTP endpoints\n"+
			"supporting authentication are allowed. If `false`, unauthenticated\n"+
			"requests to such HTTP endpoints are also allowed.", false)
	fs.Bool(&c.AuthenticateHTTPReadwrite, "authenticate_http_readwrite",
		"If `true`, only authenticated requests for read-write HTTP endpoints\n"+
			"supporting authentication are allowed. If `false`, unauthenticated\n"+
			"requests to such HTTP endpoints are also allowed.", false)
	fs.JSON(&c.FirewallRules, "firewall_rules",
		"The value could be a JSON-formatted string of rules or a\n"+
			"file path containing the JSON-formatted rules used in the endpoints\n"+
			"firewall. Path must be of the form `file:///path/to/file`\n"+
			"or `/path/to/file`.\n\n"+
			"See the `Firewall` message in `flags.proto` for the expected format.\n\n"+
			"Example:\n"+
			"{\n"+
			"  \"disabled_endpoints\" : {\n"+
			"    \"paths\" : [\n"+
			"      \"/files/browse\",\n"+
			"      \"/metrics/snapshot\"\n"+
			"    ]\n"+
			"  }\n"+
			"}")
	fs.JSON(&c.Domain, "domain",
		"Domain that the "+role+" belongs to. Mesos currently only supports\n"+
			"fault domains, which identify groups of hosts with similar failure\n"+
			"characteristics. A fault domain consists of a region and a zone.\n"+
			"This value can be specified as either a JSON-formatted string or a\n"+
			"file path containing JSON.")
	fs.String(&c.Hooks, "hooks",
		"A comma-separated list of hook modules to be installed inside the "+role+";\n"+
			"their hooks are called in the order given.")
	fs.String(&c.Hostname, "hostname",
		"The hostname the "+role+" should advertise.\n"+
			"If left unset, the hostname is resolved from the IP address\n"+
			"that the "+role+" binds to; unless the user explicitly prevents\n"+
			"that, using `--no-hostname_lookup`, in which case the IP itself\n"+
			"is used.")
	fs.Bool(&c.HostnameLookup, "hostname_lookup",
		"Whether we should execute a lookup to find out the server's hostname,\n"+
			"if not explicitly set (via, e.g., `--hostname`).\n"+
			"True by default; if set to `false` it will cause Mesos\n"+
			"to use the IP address, unless the hostname is explicitly set.", true)
	fs.String(&c.HTTPAuthenticators, "http_authenticators",
		"HTTP authenticator implementation to use when handling requests to\n"+
			"authenticated endpoints. Use the default `basic`, or load an\n"+
			"alternate HTTP authenticator module using `--modules`.", "basic")
	fs.String(&c.IP, "ip",
		"IP address to listen on. This cannot be used in conjunction\n"+
			"with `--ip_discovery_command`.")
	fs.String(&c.IPDiscoveryCommand, "ip_discovery_command",
		"Optional IP discovery binary: if set, it is expected to emit\n"+
			"the IP address which the "+role+" will try to bind to.\n"+
			"Cannot be used in conjunction with `--ip`.")
	fs.JSON(&c.Modules, "modules",
		"List of modules to be loaded and be available to the internal\n"+
			"subsystems.\n\n"+
			"Use `--modules=filepath` to specify the list of modules via a\n"+
			"file containing a JSON-formatted string. `filepath` can be\n"+
			"of the form `file:///path/to/file` or `/path/to/file`.\n\n"+
			"Use `--modules=\"{...}\"` to specify the list of modules inline.\n\n"+
			"Example:\n"+
			"{\n"+
			"  \"libraries\": [\n"+
			"    {\n"+
			"      \"file\": \"/path/to/libfoo.so\",\n"+
			"      \"modules\": [\n"+
			"        {\n"+
			"          \"name\": \"org_apache_mesos_bar\",\n"+
			"          \"parameters\": [\n"+
			"            {\n"+
			"              \"key\": \"X\",\n"+
			"              \"value\": \"Y\"\n"+
			"            }\n"+
			"          ]\n"+
			"        },\n"+
			"        {\n"+
			"          \"name\": \"org_apache_mesos_baz\"\n"+
			"        }\n"+
			"      ]\n"+
			"    }\n"+
			"  ]\n"+
			"}\n\n"+
			"Cannot be used in conjunction with --modules_dir.")
	fs.Path(&c.ModulesDir, "modules_dir",
		"Directory path of the module manifest files. The manifest files are processed in\n"+
			"alphabetical order. (See `--modules` for more information on module\n"+
			"manifest files). Cannot be used in conjunction with `--modules`.")
	fs.Int(&c.Port, "port", "Port to listen on.", port).
		Validate(func() error { return CheckPort(c.Port) })
	fs.Bool(&c.Version, "version", "Show version and exit.", false)
	fs.Duration(&c.ZKSessionTimeout, "zk_session_timeout", "ZooKeeper session timeout.", 10*units.Second)
}

// Check reports combinations of common flags that Mesos refuses.
func (c *Common) Check(fs *flags.FlagSet) error {
	if fs.Lookup("modules").IsSet() && fs.Lookup("modules_dir").IsSet() {
		return errors.New("Only one of --modules or --modules_dir should be specified")
	}
	if fs.Lookup("ip").IsSet() && fs.Lookup("ip_discovery_command").IsSet() {
		return errors.New("Only one of `--ip` or `--ip_discovery_command` should be specified")
	}
	return nil
}

// CheckPort accepts what fits in Mesos's uint16 ports.
func CheckPort(port int) error {
	if port < 0 || port > 65535 {
		return fmt.Errorf("port %d is out of range (0-65535)", port)
	}
	return nil
}

// OneOf returns a validator accepting only the given values.
func OneOf(p *string, name string, allowed ...string) func() error {
	return func() error {
		for _, a := range allowed {
			if *p == a {
				return nil
			}
		}
		return fmt.Errorf("'%s' is not a valid value for --%s; expected one of %q", *p, name, allowed)
	}
}
