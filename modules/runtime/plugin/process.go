package plugin

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	goplugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/runtime/plugin/wire"
)

// proc is one running plugin process serving the module.
type proc struct {
	client *goplugin.Client
	cc     *grpc.ClientConn
	// done ends when the process is gone.
	done       context.Context
	version    int
	declared   modules.Kind
	pid        int
	started    time.Time
	reattached bool
}

// kill ends the process at once (SIGKILL); the supervisor's watcher then
// sees it gone.
func (p *proc) kill() {
	if p.pid <= 0 {
		return
	}
	if pr, err := os.FindProcess(p.pid); err == nil {
		_ = pr.Kill()
	}
}

// stop asks the process to exit and kills it after go-plugin's grace
// period (2s), then releases go-plugin's resources.
func (p *proc) stop() { p.client.Kill() }

// launcher starts, restarts and reattaches to one module's process.
type launcher struct {
	spec modules.Spec
	path string
	kind *kindInfo
	opts Options
	log  *slog.Logger
	// detach is set for a process that outlives the daemon.
	detach *detachPaths
}

func (ln *launcher) clientConfig(out *pluginOutput) *goplugin.ClientConfig {
	return &goplugin.ClientConfig{
		HandshakeConfig:  wire.Handshake(),
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		Logger:           newHCLogger(ln.log, filepath.Base(ln.path)),
		Stderr:           out.stderr(),
		SyncStdout:       out.stream("stdout"),
		SyncStderr:       out.stream("stderr"),
		StartTimeout:     ln.opts.StartTimeout,
		GRPCDialOptions:  wire.DialOptions(),
	}
}

// start starts a new process, checking the file's sha256 first unless
// the caller just did. For a detached one it also returns the record that
// lets the next daemon reattach.
func (ln *launcher) start(ctx context.Context, verify bool) (*proc, *record, error) {
	if verify {
		if err := verifyChecksum(ln.path, ln.spec.SHA256); err != nil {
			return nil, nil, err
		}
	}
	out := newPluginOutput(ln.log)
	cfg := ln.clientConfig(out)
	cfg.VersionedPlugins = versionedPlugins(ln.kind)
	cfg.SkipHostEnv = true
	var extra []string
	var cert *clientCert
	var captured serverCert
	if ln.detach != nil {
		var err error
		if cert, err = newClientCert(); err != nil {
			return nil, nil, fmt.Errorf("TLS certificate: %w", err)
		}
		if cfg.TLSConfig, err = cert.tlsConfig(nil, &captured); err != nil {
			return nil, nil, fmt.Errorf("TLS configuration: %w", err)
		}
		extra = append(extra,
			"PLUGIN_CLIENT_CERT="+string(cert.certPEM),
			goplugin.EnvUnixSocketDir+"="+ln.detach.sockets,
			wire.EnvDetached+"=1",
			wire.EnvLogFile+"="+ln.detach.log)
	} else {
		cfg.AutoMTLS = true
	}
	cmd := command(ln.path, ln.spec, ln.kind.kind, logLevel(ln.log), extra...)
	cmd.SysProcAttr = procAttr(ln.detach != nil)
	cfg.Cmd = cmd
	client := goplugin.NewClient(cfg)
	p, err := ln.connect(ctx, client, 0)
	if err != nil {
		client.Kill()
		return nil, nil, ln.startError(ctx, err, out)
	}
	if ln.detach == nil {
		return p, nil, nil
	}
	rc := client.ReattachConfig()
	sum, err := fileSHA256(ln.path)
	if err != nil || rc == nil || captured.get() == nil {
		client.Kill()
		return nil, nil, fmt.Errorf("cannot record how to reattach (sha256: %v, TLS: %t)", err, captured.get() != nil)
	}
	rec := &record{
		Library: ln.spec.Library, Module: ln.spec.Name, Kind: string(ln.kind.kind),
		File: ln.path, SHA256: sum, PID: rc.Pid,
		Network: rc.Addr.Network(), Address: rc.Addr.String(), APIVersion: p.version,
		ClientCert: string(cert.certPEM), ClientKey: string(cert.keyPEM), ServerCert: captured.get(),
		Started: p.started,
	}
	return p, rec, nil
}

// reattach connects to a process an earlier daemon started.
func (ln *launcher) reattach(ctx context.Context, rec *record) (*proc, error) {
	cert, err := parseClientCert([]byte(rec.ClientCert), []byte(rec.ClientKey))
	if err != nil {
		return nil, fmt.Errorf("reattach record: %w", err)
	}
	tlsCfg, err := cert.tlsConfig(rec.ServerCert, nil)
	if err != nil {
		return nil, fmt.Errorf("reattach record: %w", err)
	}
	var addr net.Addr
	switch rec.Network {
	case "unix":
		addr, err = net.ResolveUnixAddr("unix", rec.Address)
	case "tcp":
		addr, err = net.ResolveTCPAddr("tcp", rec.Address)
	default:
		err = fmt.Errorf("unknown network %q", rec.Network)
	}
	if err != nil {
		return nil, fmt.Errorf("reattach record: %w", err)
	}
	// Only a live process that proves it holds the recorded certificate
	// is handed to go-plugin (which would otherwise watch, and may kill,
	// whatever process has the recorded pid).
	if err := probe(ctx, addr, tlsCfg); err != nil {
		return nil, fmt.Errorf("the recorded plugin does not answer: %w", err)
	}
	out := newPluginOutput(ln.log)
	cfg := ln.clientConfig(out)
	cfg.Plugins = pluginSet(ln.kind)
	cfg.TLSConfig = tlsCfg
	cfg.Reattach = &goplugin.ReattachConfig{Protocol: goplugin.ProtocolGRPC, ProtocolVersion: rec.APIVersion, Addr: addr, Pid: rec.PID}
	client := goplugin.NewClient(cfg)
	p, err := ln.connect(ctx, client, rec.APIVersion)
	if err != nil {
		client.Kill() // ours (it answered the probe), and broken
		return nil, err
	}
	p.pid = rec.PID
	p.reattached = true
	p.started = rec.Started
	return p, nil
}

// connect finishes a start or a reattach: handshake (or attach), dispense
// and configure the module.
func (ln *launcher) connect(ctx context.Context, client *goplugin.Client, version int) (*proc, error) {
	rpc, err := client.Client()
	if err != nil {
		return nil, err
	}
	raw, err := rpc.Dispense(wire.KindPluginName(ln.kind.kind))
	if err != nil {
		return nil, err
	}
	c, ok := raw.(*conn)
	if !ok {
		return nil, fmt.Errorf("dispensed %T, not a connection", raw)
	}
	if version == 0 {
		version = client.NegotiatedVersion()
	}
	declared, err := ln.configure(ctx, c.cc, version)
	if err != nil {
		return nil, &configureError{err}
	}
	p := &proc{client: client, cc: c.cc, done: c.done, version: version, declared: declared, started: time.Now()}
	if rc := client.ReattachConfig(); rc != nil {
		p.pid = rc.Pid
	}
	return p, nil
}
