package master

import (
	"time"

	"github.com/gomesos/mesos/core/proto/masterpb"
)

// setLoggingLevel is SET_LOGGING_LEVEL: the new verbosity (Mesos's glog
// FLAGS_v, core/loglevel) holds for the call's duration, then the master
// goes back to 0.
func (m *Master) setLoggingLevel(s *masterpb.Call_SetLoggingLevel) {
	level := s.GetLevel()
	d := time.Duration(s.GetDuration().GetNanoseconds())
	m.log.Info("logging verbosity changed", "level", level, "duration", d)
	m.verbosity.SetFor(level, d, func() { m.log.Info("logging verbosity reverted", "level", 0) })
}
