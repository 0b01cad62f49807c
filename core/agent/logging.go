package agent

import (
	"time"

	"github.com/gomesos/mesos/core/proto/agentpb"
)

// setLoggingLevel is SET_LOGGING_LEVEL, on the loop: the new verbosity
// holds for the call's duration, then the agent goes back to 0, as Mesos's
// Logging::set_level does. A later call replaces an earlier one and its
// revert.
func (a *Agent) setLoggingLevel(s *agentpb.Call_SetLoggingLevel) {
	level := s.GetLevel()
	d := time.Duration(s.GetDuration().GetNanoseconds())
	a.verbosity.Set(level)
	a.verbosityGen++
	gen := a.verbosityGen
	a.log.Info("logging verbosity changed", "level", level, "duration", d)
	if level == 0 {
		return
	}
	a.after(d, func() {
		if a.verbosityGen == gen {
			a.verbosity.Set(0)
			a.log.Info("logging verbosity reverted", "level", 0)
		}
	})
}
