// Command mesos-master is the Mesos master: it pools the resources of the
// agents and offers them to frameworks.
//
// It loads and checks its flags (command line, MESOS_* environment,
// config directory: --config_dir or /etc/mesos-master)
// exactly as Apache Mesos's mesos-master does (cmd/internal/masterflags),
// answers --help and --version, and runs the master (package core/master)
// until SIGINT or SIGTERM. With --zk it contends for leadership through
// ZooKeeper and, as Mesos's master, exits when it loses it: a supervisor
// restarts it as a contender.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gomesos/mesos/cmd/internal/cmdutil"
	"github.com/gomesos/mesos/cmd/internal/masterflags"
	"github.com/gomesos/mesos/core/flags"
	"github.com/gomesos/mesos/core/master"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Environ(), os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// newFlags declares mesos-master's flags.
func newFlags() (*flags.FlagSet, *masterflags.Flags) {
	fs := flags.NewFlagSet("mesos-master")
	fs.SetEnvPrefix(cmdutil.EnvPrefix)
	fs.AddConfigDir(masterflags.ConfigLayout())
	return fs, masterflags.Define(fs)
}

// run is main without the process: tests call it with their own
// arguments, environment, output and context (the master runs until ctx
// ends).
func run(ctx context.Context, args, env []string, stdout, stderr io.Writer) int {
	fs, f := newFlags()
	if code, done := cmdutil.Load(fs, fs.Sources(args, env, masterflags.ConfigLayout()), stdout, stderr); done {
		return code
	}
	if f.Version {
		return cmdutil.PrintVersion(stdout)
	}
	if err := f.Check(); err != nil {
		return cmdutil.UsageError(fs, stderr, err.Error())
	}
	log, err := f.OpenLog(stderr)
	if err != nil {
		return fail(stderr, fs, nil, err)
	}
	defer log.Close()
	logger := log.Logger
	listener, err := f.Listen(ctx)
	if err != nil {
		return fail(stderr, fs, logger, err)
	}
	defer listener.Close()
	cfg, release, err := f.Config(ctx, masterflags.Setup{Log: log, Listener: listener})
	if err != nil {
		return fail(stderr, fs, logger, err)
	}
	defer release()
	m, err := master.New(cfg)
	if err != nil {
		return fail(stderr, fs, logger, err)
	}
	if err := serve(ctx, m, listener, logger); err != nil {
		if errors.Is(err, master.ErrLostLeadership) {
			logger.Error("Lost leadership... committing suicide!", "error", err)
		}
		return fail(stderr, fs, logger, err)
	}
	logger.Info("master stopped")
	return cmdutil.ExitOK
}

// serve serves the master's HTTP API on listener while it runs.
func serve(ctx context.Context, m *master.Master, listener net.Listener, logger *slog.Logger) error {
	srv := &http.Server{
		Handler:           m.Handler(),
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(listener) }()
	logger.Info("serving the master's HTTP API", "address", listener.Addr().String(), "pid", m.Info().GetPid())
	runErr := m.Run(ctx)
	// Streams (scheduler, agent, operator subscriptions) end with the
	// master; give the rest a moment to finish.
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

// fail reports err, in the log and on stderr (which --quiet does not
// silence), and returns the failure exit code.
func fail(stderr io.Writer, fs *flags.FlagSet, logger *slog.Logger, err error) int {
	if logger != nil {
		logger.Error("master failed", "error", err)
	}
	fmt.Fprintf(stderr, "%s: %v\n", fs.Program(), err)
	return cmdutil.ExitFailure
}
