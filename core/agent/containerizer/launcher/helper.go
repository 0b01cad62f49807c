package launcher

import (
	"fmt"
	"os"
)

// The hidden modes of the binary, selected by an environment variable the
// launcher sets (and that nothing else sets).
const (
	helperEnv     = "GOMESOS_CONTAINERIZER_HELPER"
	modeSupervise = "supervise"
	modeExec      = "exec"

	// argv[0] of the helpers, for ps.
	supervisorArg0 = "mesos-containerizer-supervisor"
	execArg0       = "mesos-containerizer-exec"
)

// MaybeRunHelper runs the container supervisor (or its exec step) when the
// binary was started as one, and then exits; otherwise it returns at once.
// Every binary that launches containers (the agent, mesos-local, test
// binaries through TestMain) calls it first thing in main, before flags
// are parsed or goroutines started.
func MaybeRunHelper() {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		return
	}
	if len(os.Args) < 2 {
		fmt.Fprintf(os.Stderr, "%s: missing runtime directory argument\n", os.Args[0])
		os.Exit(2)
	}
	dir := os.Args[1]
	switch mode {
	case modeSupervise:
		os.Exit(supervise(dir))
	case modeExec:
		os.Exit(execCommand(dir))
	default:
		fmt.Fprintf(os.Stderr, "%s: unknown helper mode %q\n", os.Args[0], mode)
		os.Exit(2)
	}
}
