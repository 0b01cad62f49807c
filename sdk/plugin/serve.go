package plugin

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/gomesos/mesos/modules/runtime/plugin/wire"
)

// Options adjust how Serve serves.
type Options struct {
	// GRPCServerOptions are added to the plugin's gRPC server options
	// (interceptors, codecs, ...).
	GRPCServerOptions []grpc.ServerOption
}

// Serve serves the module the host names among mods, until the host is
// done with it or goes away, then exits the process. It never returns.
func Serve(mods ...Module) { ServeWith(Options{}, mods...) }

// ServeWith is Serve with options.
func ServeWith(o Options, mods ...Module) {
	os.Exit(serve(o, mods, os.Getenv, os.Stdout, os.Stderr))
}

// serve runs a plugin process and returns its exit code.
func serve(o Options, mods []Module, getenv func(string) string, stdout, stderr io.Writer) int {
	if getenv(wire.MagicCookieKey) != wire.MagicCookieValue {
		fmt.Fprintf(stderr, "This program is a Mesos module plugin serving %s.\n"+
			"The Mesos master or agent runs it when its --modules manifest names it.\n", describeModules(mods))
		return 1
	}
	if getenv(wire.EnvDescribe) == "1" {
		return describe(mods, stdout, stderr)
	}
	detached := getenv(wire.EnvDetached) == "1"
	logOut, err := logOutput(detached, getenv(wire.EnvLogFile), stderr)
	if err != nil {
		fmt.Fprintf(stderr, "cannot open the plugin log: %v\n", err)
		return 1
	}
	log := newLogger(logOut, parseLevel(getenv(wire.EnvLogLevel)))
	// The plugin process is the author's program; its default logger is
	// the one the host reads.
	slog.SetDefault(log)
	mod, err := pick(mods, getenv(wire.EnvModule), getenv(wire.EnvKind))
	if err != nil {
		log.Error(err.Error())
		return 1
	}
	if detached {
		ignoreBrokenPipes()
	} else if err := exitWithParent(log, atoi(getenv(wire.EnvHostPID)), os.Exit); err != nil {
		log.Error("cannot watch the host process", "error", err)
		return 1
	}
	checkVersions(log, mod, getenv("PLUGIN_PROTOCOL_VERSIONS"))

	srv := mod.newServer()
	versioned := map[int]goplugin.PluginSet{}
	for _, v := range mod.versions {
		versioned[v] = goplugin.PluginSet{
			wire.ModulePluginName:         &serverPlugin{register: func(s *grpc.Server) { registerModule(s, mod, srv, len(mods) > 1) }},
			wire.KindPluginName(mod.kind): &serverPlugin{register: func(s *grpc.Server) { srv.register(s, v) }},
		}
	}
	goplugin.Serve(&goplugin.ServeConfig{
		HandshakeConfig:  wire.Handshake(),
		VersionedPlugins: versioned,
		GRPCServer: func(opts []grpc.ServerOption) *grpc.Server {
			opts = append(opts, wire.ServerOptions()...)
			return grpc.NewServer(append(opts, o.GRPCServerOptions...)...)
		},
		Logger: hclog.New(&hclog.LoggerOptions{Name: "go-plugin", Output: logOut, JSONFormat: true, Level: hclog.Warn}),
	})
	return 0
}

// pick finds the module the host asked for: by name, or the only one.
func pick(mods []Module, name, kind string) (Module, error) {
	var found []Module
	for _, m := range mods {
		if m.name == name {
			found = append(found, m)
		}
	}
	if len(found) == 0 && len(mods) == 1 {
		found = mods
	}
	switch {
	case len(found) == 0:
		return Module{}, fmt.Errorf("this plugin does not serve a module %q; it serves %s", name, describeModules(mods))
	case len(found) > 1:
		return Module{}, fmt.Errorf("this plugin serves several modules named %q", name)
	case kind != "" && string(found[0].kind) != kind:
		return Module{}, fmt.Errorf("module %q is a %s, not a %s", found[0].name, found[0].kind, kind)
	}
	return found[0], nil
}

// checkVersions logs the versions both sides speak when they have none in
// common (the handshake then fails on the host, which names them too).
func checkVersions(log *slog.Logger, mod Module, hostList string) {
	if hostList == "" {
		return
	}
	for _, s := range strings.Split(hostList, ",") {
		if v, err := strconv.Atoi(s); err == nil {
			for _, mine := range mod.versions {
				if mine == v {
					return
				}
			}
		}
	}
	log.Error("no common API version", "kind", string(mod.kind), "host_versions", hostList, "module_versions", fmt.Sprint(mod.versions))
}

func describeModules(mods []Module) string {
	var parts []string
	for _, m := range mods {
		parts = append(parts, fmt.Sprintf("%s (%s, API versions %v)", m.name, m.kind, m.versions))
	}
	if len(parts) == 0 {
		return "no module"
	}
	return strings.Join(parts, ", ")
}

// describe prints the plugin's Description as JSON.
func describe(mods []Module, stdout, stderr io.Writer) int {
	d := wire.Description{SDK: wire.SDKName}
	for _, m := range mods {
		d.Modules = append(d.Modules, wire.ModuleDescription{Name: m.name, Kind: string(m.kind), APIVersions: m.versions})
	}
	if err := json.NewEncoder(stdout).Encode(d); err != nil {
		fmt.Fprintf(stderr, "describe: %v\n", err)
		return 1
	}
	return 0
}

// atoi is the number in s, 0 if it is not one.
func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}
