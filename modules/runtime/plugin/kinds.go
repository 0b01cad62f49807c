package plugin

import (
	"slices"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/decorate"
	"github.com/gomesos/mesos/modules/kinds"
)

// kindInfo is what the runtime knows of one kind.
type kindInfo struct {
	kind modules.Kind
	// versions of the kind's contract the host speaks (the kind
	// catalog's); each is a go-plugin protocol version.
	versions modules.Versions
	// policy gives the calls' deadlines (the decorators' table, so that a
	// runtime used on its own keeps the same ones).
	policy decorate.Policy
	// restartOnError: a failed call leaves the module's state unknown (an
	// allocator that may have applied half a batch of events), so the
	// process is restarted and re-fed whatever the failure.
	restartOnError bool
	// detachable: with Options.StateDir the process outlives the daemon
	// and the next daemon reattaches to it.
	detachable bool
	// waitThrough are the calls that wait for a restarted process and are
	// made again instead of failing when the process crashes under them:
	// calls that block by design and mean the same on a new process.
	waitThrough []string
	// newImpl builds the kind's Go interface over a supervisor; it may
	// set the supervisor's reinit.
	newImpl func(s *supervisor) any
}

// adapter is the runtime's side of one kind.
type adapter struct {
	newImpl        func(*supervisor) any
	restartOnError bool
	detachable     bool
	waitThrough    []string
}

// adapters are the kind adapters of this runtime.
func adapters() map[modules.Kind]adapter {
	return map[modules.Kind]adapter{
		modules.KindAllocator:         {newImpl: newAllocatorClient, restartOnError: true},
		modules.KindIsolator:          {newImpl: newIsolatorClient, detachable: true, waitThrough: []string{"Watch"}},
		modules.KindHook:              {newImpl: newHookClient},
		modules.KindAnonymous:         {newImpl: newAnonymousClient},
		modules.KindAuthenticator:     {newImpl: newAuthenticatorClient},
		modules.KindHTTPAuthenticator: {newImpl: newHTTPAuthenticatorClient},
		modules.KindAuthorizer:        {newImpl: newAuthorizerClient},
		modules.KindQoSController:     {newImpl: newQoSControllerClient},
		modules.KindResourceEstimator: {newImpl: newResourceEstimatorClient},
		modules.KindContainerLogger:   {newImpl: newContainerLoggerClient},
		// A contender's Watch is not waited through: its lease dies with the
		// process, which the master must hear about.
		modules.KindMasterContender: {newImpl: newMasterContenderClient},
		modules.KindMasterDetector:  {newImpl: newMasterDetectorClient, waitThrough: []string{"Detect"}},
	}
}

// kindTable is every kind this runtime runs, with the host's versions
// from the kind catalog.
func kindTable() map[modules.Kind]*kindInfo {
	out := map[modules.Kind]*kindInfo{}
	for k, a := range adapters() {
		info, ok := kinds.Lookup(k)
		if !ok {
			continue
		}
		out[k] = &kindInfo{
			kind: k, versions: info.Versions, policy: decorate.PolicyFor(k),
			restartOnError: a.restartOnError, detachable: a.detachable, waitThrough: a.waitThrough,
			newImpl: a.newImpl,
		}
	}
	return out
}

// waitsThrough reports whether method waits through restarts.
func (k *kindInfo) waitsThrough(method string) bool { return slices.Contains(k.waitThrough, method) }

// unbounded reports whether method blocks by design (no deadline).
func (k *kindInfo) unbounded(method string) bool { return slices.Contains(k.policy.Unbounded, method) }
