package main

import (
	"strings"

	"github.com/gomesos/mesos/cmd/internal/agentflags"
	"github.com/gomesos/mesos/cmd/internal/masterflags"
	"github.com/gomesos/mesos/core/flags"
)

// daemonArgs are the command-line flags mesos-local passes on.
type daemonArgs struct {
	master, agents []string
}

// splitArgs sorts the command line: mesos-local's own flags stay (as does
// anything that is not a flag, or a flag nobody declares, which its own
// loading then rejects); the others go to the master and/or the agents,
// whichever declares them.
func splitArgs(args []string, local *flags.FlagSet) (own, forMaster, forAgents []string) {
	master := flags.NewFlagSet("master")
	masterflags.Define(master)
	agent, _ := agentflags.New()
	for _, arg := range args {
		name, ok := flagName(arg)
		if !ok || name == "help" || name == "version" || declared(local, name) {
			own = append(own, arg)
			continue
		}
		m, a := declared(master, name), declared(agent, name)
		if m {
			forMaster = append(forMaster, arg)
		}
		if a {
			forAgents = append(forAgents, arg)
		}
		if !m && !a {
			own = append(own, arg)
		}
	}
	return own, forMaster, forAgents
}

// flagName is the flag an argument sets: --name=value, --name, --no-name.
func flagName(arg string) (string, bool) {
	body, ok := strings.CutPrefix(arg, "--")
	if !ok || body == "" {
		return "", false
	}
	name, _, _ := strings.Cut(body, "=")
	return strings.ToLower(strings.TrimSpace(name)), true
}

// declared reports whether fs declares name, also as the negated --no-name
// form of a boolean.
func declared(fs *flags.FlagSet, name string) bool {
	if fs.Lookup(name) != nil {
		return true
	}
	base, negated := strings.CutPrefix(name, "no-")
	return negated && fs.Lookup(base) != nil
}
