// Package kinds is the host's table of module kinds: for each, the range of
// its contract's versions the host speaks and how to check that a loaded
// module implements the contract's Go interface. The host and every
// runtime's loader consult it when they negotiate a module's API version.
package kinds

import (
	"fmt"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	"github.com/gomesos/mesos/modules/kinds/anonymous"
	"github.com/gomesos/mesos/modules/kinds/authenticator"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
	"github.com/gomesos/mesos/modules/kinds/containerlogger"
	"github.com/gomesos/mesos/modules/kinds/hook"
	"github.com/gomesos/mesos/modules/kinds/httpauthenticator"
	"github.com/gomesos/mesos/modules/kinds/isolator"
	"github.com/gomesos/mesos/modules/kinds/mastercontender"
	"github.com/gomesos/mesos/modules/kinds/masterdetector"
	"github.com/gomesos/mesos/modules/kinds/qoscontroller"
	"github.com/gomesos/mesos/modules/kinds/resourceestimator"
)

// Info describes one kind.
type Info struct {
	Kind modules.Kind
	// Versions is the range of the kind's contract the host speaks: from
	// the oldest it still serves to the kind package's APIVersion.
	Versions modules.Versions
}

// Lookup returns what the host knows of kind k.
func Lookup(k modules.Kind) (Info, bool) {
	v, ok := maxVersion(k)
	if !ok {
		return Info{}, false
	}
	lo := 1
	if k == modules.KindHook {
		lo = hook.MinAPIVersion
	}
	return Info{Kind: k, Versions: modules.Versions{Min: lo, Max: v}}, true
}

func maxVersion(k modules.Kind) (int, bool) {
	switch k {
	case modules.KindAllocator:
		return allocator.APIVersion, true
	case modules.KindAnonymous:
		return anonymous.APIVersion, true
	case modules.KindAuthenticator:
		return authenticator.APIVersion, true
	case modules.KindAuthorizer:
		return authorizer.APIVersion, true
	case modules.KindContainerLogger:
		return containerlogger.APIVersion, true
	case modules.KindHook:
		return hook.APIVersion, true
	case modules.KindHTTPAuthenticator:
		return httpauthenticator.APIVersion, true
	case modules.KindIsolator:
		return isolator.APIVersion, true
	case modules.KindMasterContender:
		return mastercontender.APIVersion, true
	case modules.KindMasterDetector:
		return masterdetector.APIVersion, true
	case modules.KindQoSController:
		return qoscontroller.APIVersion, true
	case modules.KindResourceEstimator:
		return resourceestimator.APIVersion, true
	}
	return 0, false
}

// HostVersions returns the versions of kind k's contract the host speaks;
// the error wraps modules.ErrUnknownKind.
func HostVersions(k modules.Kind) (modules.Versions, error) {
	info, ok := Lookup(k)
	if !ok {
		return modules.Versions{}, fmt.Errorf("%w %q", modules.ErrUnknownKind, k)
	}
	return info.Versions, nil
}

// Check reports whether impl implements kind k's Go interface; the error
// wraps modules.ErrContract.
func Check(k modules.Kind, impl any) error {
	if impl == nil {
		return fmt.Errorf("%w: the module has no implementation", modules.ErrContract)
	}
	var ok bool
	switch k {
	case modules.KindAllocator:
		_, ok = impl.(allocator.Allocator)
	case modules.KindAnonymous:
		_, ok = impl.(anonymous.Anonymous)
	case modules.KindAuthenticator:
		_, ok = impl.(authenticator.Authenticator)
	case modules.KindAuthorizer:
		_, ok = impl.(authorizer.Authorizer)
	case modules.KindContainerLogger:
		_, ok = impl.(containerlogger.ContainerLogger)
	case modules.KindHook:
		_, ok = impl.(hook.Hook)
	case modules.KindHTTPAuthenticator:
		_, ok = impl.(httpauthenticator.HTTPAuthenticator)
	case modules.KindIsolator:
		_, ok = impl.(isolator.Isolator)
	case modules.KindMasterContender:
		_, ok = impl.(mastercontender.MasterContender)
	case modules.KindMasterDetector:
		_, ok = impl.(masterdetector.MasterDetector)
	case modules.KindQoSController:
		_, ok = impl.(qoscontroller.QoSController)
	case modules.KindResourceEstimator:
		_, ok = impl.(resourceestimator.ResourceEstimator)
	default:
		return fmt.Errorf("%w %q", modules.ErrUnknownKind, k)
	}
	if !ok {
		return fmt.Errorf("%w: %T is not a %s", modules.ErrContract, impl, k)
	}
	return nil
}
