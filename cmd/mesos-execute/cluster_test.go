package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gomesos/mesos/cmd/internal/clustertest"
	"github.com/gomesos/mesos/cmd/internal/executors"
	"github.com/gomesos/mesos/core/agent/containerizer"
	"github.com/gomesos/mesos/core/master"
)

// The test binary is also the agent's container supervisor and its
// command and default executors, as the mesos-agent binary is.
func TestMain(m *testing.M) {
	containerizer.MaybeRunHelper()
	executors.MaybeRun()
	os.Exit(m.Run())
}

// testLogger discards unless MESOS_EXECUTE_TEST_LOG is set.
func testLogger() *slog.Logger {
	if os.Getenv("MESOS_EXECUTE_TEST_LOG") == "" {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// startMaster runs an in-process master on a loopback port until the test
// ends; edit may change its configuration.
func startMaster(t *testing.T, edit func(*master.Config)) string {
	return clustertest.StartMaster(t, testLogger(), edit)
}

// startAgent runs an in-process agent with the given resources,
// registered with masterAddr, until the test ends.
func startAgent(t *testing.T, masterAddr, res string) {
	clustertest.StartAgent(t, testLogger(), masterAddr, t.TempDir(), res)
}

// executeCLI runs mesos-execute with args (no environment) against the
// test's cluster, for at most a minute, and returns its exit code and
// what it printed.
func executeCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out, errOut bytes.Buffer
	code = runContext(ctx, args, nil, &out, &errOut)
	if ctx.Err() != nil {
		t.Errorf("mesos-execute %q did not end within a minute:\n%s\n%s", args, out.String(), errOut.String())
	}
	return code, out.String(), errOut.String()
}

// lines are the lines of out that start with prefix.
func lines(out, prefix string) []string {
	var found []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, prefix) {
			found = append(found, l)
		}
	}
	return found
}
