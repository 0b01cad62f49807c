package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gomesos/mesos/builtin/isolator"
	"github.com/gomesos/mesos/cmd/internal/agentflags"
	"github.com/gomesos/mesos/cmd/internal/cmdutil"
	"github.com/gomesos/mesos/cmd/internal/masterflags"
	"github.com/gomesos/mesos/core/agent"
	"github.com/gomesos/mesos/core/flags"
	"github.com/gomesos/mesos/core/master"
	"github.com/gomesos/mesos/modules/host"
)

// runCluster starts the master and the agents and waits until ctx ends or
// one of them fails.
func runCluster(ctx context.Context, f *localFlags, env []string, args daemonArgs, stdout, stderr io.Writer, logger *slog.Logger) int {
	ip := f.IP
	if ip == "" {
		// A laptop cluster: loopback unless told otherwise.
		ip = "127.0.0.1"
	}
	masterAddr := net.JoinHostPort(ip, strconv.Itoa(f.Port))
	// Agent i listens on the master's port + 1 + i: 5051, 5052, ... with
	// the default --port=5050.
	firstAgentPort := f.Port + 1
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var agentConfigs []agent.Config
	for i := 0; i < f.NumSlaves; i++ {
		cfg, err := agentConfig(f, i, ip, masterAddr, firstAgentPort+i, env, args.agents, logger.With("agent", i))
		if err != nil {
			fmt.Fprintf(stderr, "mesos-local: agent %d: %v\n", i, err)
			return cmdutil.ExitFailure
		}
		agentConfigs = append(agentConfigs, cfg)
	}
	var isolators isolator.Options
	if len(agentConfigs) > 0 {
		isolators = agentConfigs[0].IsolatorOptions
	}
	mods, err := newLocalModules(f.WorkDir, isolators, logger)
	if err != nil {
		fmt.Fprintf(stderr, "mesos-local: %v\n", err)
		return cmdutil.ExitFailure
	}
	defer mods.close(logger) // after the daemons' own cleanups below

	m, listener, release, err := startMaster(ctx, f, ip, env, args.master, &mods.shared, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "mesos-local: master: %v\n", err)
		return cmdutil.ExitFailure
	}
	defer release()
	defer listener.Close()

	var agents []*agent.Agent
	for i, cfg := range agentConfigs {
		cfg.SharedModules = &mods.shared
		a, err := agent.New(cfg)
		if err != nil {
			fmt.Fprintf(stderr, "mesos-local: agent %d: %v\n", i, err)
			return cmdutil.ExitFailure
		}
		agents = append(agents, a)
	}

	errs := make(chan error, 1+len(agents))
	var wg sync.WaitGroup
	wg.Add(1 + len(agents))
	go func() {
		defer wg.Done()
		errs <- labelled("master", serveMaster(ctx, m, listener, logger))
	}()
	for i, a := range agents {
		go func() {
			defer wg.Done()
			errs <- labelled(fmt.Sprintf("agent %d", i), a.Run(ctx))
		}()
	}
	fmt.Fprintf(stdout, "mesos-local: master at http://%s with %d agent(s) on ports %d-%d; work dir %s\n",
		masterAddr, len(agents), firstAgentPort, firstAgentPort+max(len(agents)-1, 0), f.WorkDir)
	fmt.Fprintf(stdout, "try: bin/mesos-execute --master=%s --name=hello --command='echo hello'\n", masterAddr)

	// The first to stop (an error, or everyone at ctx's end) stops all.
	first := <-errs
	cancel()
	wg.Wait()
	close(errs)
	failed := first
	for err := range errs {
		failed = errors.Join(failed, err)
	}
	if failed != nil { // labelled dropped the cancellations
		logger.Error("mesos-local stopped", "error", failed)
		fmt.Fprintf(stderr, "mesos-local: %v\n", failed)
		return cmdutil.ExitFailure
	}
	return cmdutil.ExitOK
}

func labelled(what string, err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}

// startMaster configures the master from its flags on the command line and
// in the MESOS_* environment, with mesos-local's address, work directory
// and module host.
func startMaster(ctx context.Context, f *localFlags, ip string, env, args []string, mods *host.Shared, stderr io.Writer) (*master.Master, net.Listener, func(), error) {
	fs := flags.NewFlagSet("mesos-local (master)")
	fs.SetEnvPrefix(cmdutil.EnvPrefix)
	mf := masterflags.Define(fs)
	menv := withOverrides(env, map[string]string{
		"IP":       ip,
		"PORT":     strconv.Itoa(f.Port),
		"WORK_DIR": filepath.Join(f.WorkDir, "master"),
	})
	if err := fs.Load(flags.Sources{Args: args, Env: menv}); err != nil {
		return nil, nil, nil, err
	}
	if err := mf.Check(); err != nil {
		return nil, nil, nil, err
	}
	// The logging flags are mesos-local's own (splitArgs keeps them): the
	// master logs as the rest of the process does, so --quiet silences it
	// too (Mesos's mesos-local has one glog for everything).
	mf.Logging = f.Logging
	log, err := mf.OpenLog(stderr)
	if err != nil {
		return nil, nil, nil, err
	}
	listener, err := mf.Listen(ctx)
	if err != nil {
		log.Close()
		return nil, nil, nil, err
	}
	cfg, release, err := mf.Config(ctx, masterflags.Setup{Log: log, Listener: listener, Modules: mods})
	if err != nil {
		listener.Close()
		log.Close()
		return nil, nil, nil, err
	}
	m, err := master.New(cfg)
	if err != nil {
		release()
		listener.Close()
		log.Close()
		return nil, nil, nil, err
	}
	return m, listener, func() { release(); log.Close() }, nil
}

// serveMaster serves the master's HTTP API while it runs.
func serveMaster(ctx context.Context, m *master.Master, listener net.Listener, logger *slog.Logger) error {
	srv := &http.Server{Handler: m.Handler(), ReadHeaderTimeout: 30 * time.Second,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(listener) }()
	runErr := m.Run(ctx)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	if err := <-serveErr; runErr == nil && err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving HTTP: %w", err)
	}
	return runErr
}

// agentConfig configures agent i from its flags on the command line and in
// the MESOS_* environment, with its place in the local cluster: the
// master, its port and its directories.
func agentConfig(f *localFlags, i int, ip, masterAddr string, port int, env, args []string, logger *slog.Logger) (agent.Config, error) {
	fs, af := agentflags.New()
	dir := filepath.Join(f.WorkDir, "agents", strconv.Itoa(i))
	aenv := withOverrides(env, map[string]string{
		"MASTER":            masterAddr,
		"IP":                ip,
		"PORT":              strconv.Itoa(port),
		"WORK_DIR":          filepath.Join(dir, "work"),
		"RUNTIME_DIR":       filepath.Join(dir, "run"),
		"FETCHER_CACHE_DIR": filepath.Join(dir, "fetch"),
	})
	if err := fs.Load(flags.Sources{Args: args, Env: aenv}); err != nil {
		return agent.Config{}, err
	}
	if err := af.Check(fs); err != nil {
		return agent.Config{}, err
	}
	return af.Config(fs, env, logger)
}

// withOverrides returns env with MESOS_<name>=value set for each entry,
// replacing what env had for those names.
func withOverrides(env []string, set map[string]string) []string {
	out := make([]string, 0, len(env)+len(set))
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if _, replaced := set[strings.TrimPrefix(name, cmdutil.EnvPrefix)]; replaced && strings.HasPrefix(name, cmdutil.EnvPrefix) {
			continue
		}
		out = append(out, kv)
	}
	for name, value := range set {
		out = append(out, cmdutil.EnvPrefix+name+"="+value)
	}
	return out
}
