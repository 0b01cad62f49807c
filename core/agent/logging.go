package agent

import (
	"time"

	"github.com/gomesos/mesos/core/proto/agentpb"
)

// setLoggingLevel is SET_LOGGING_LEVEL: the new verbosity (core/loglevel)
// holds for the call's duration, then the agent goes back to 0, as
// Mesos's Logging::set_level does.
func (a *Agent) setLoggingLevel(s *agentpb.Call_SetLoggingLevel) {
	level := s.GetLevel()
	d := time.Duration(s.GetDuration().GetNanoseconds())
	a.log.Info("logging verbosity changed", "level", level, "duration", d)
	a.verbosity.SetFor(level, d, func() { a.log.Info("logging verbosity reverted", "level", 0) })
}
