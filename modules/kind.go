package modules

import "strings"

// Kinds lists every kind the host knows, in DESIGN.md's order.
func Kinds() []Kind {
	return []Kind{
		KindAllocator, KindAuthenticator, KindHTTPAuthenticator, KindAuthorizer,
		KindIsolator, KindQoSController, KindResourceEstimator, KindContainerLogger,
		KindHook, KindMasterContender, KindMasterDetector, KindAnonymous,
	}
}

// Known reports whether k is one of Kinds.
func (k Kind) Known() bool {
	for _, known := range Kinds() {
		if k == known {
			return true
		}
	}
	return false
}

// ParseKind returns the kind named s, ignoring case ("allocator" is
// Allocator), or false when no kind has that name.
func ParseKind(s string) (Kind, bool) {
	for _, k := range Kinds() {
		if strings.EqualFold(s, string(k)) {
			return k, true
		}
	}
	return "", false
}

// ParseRuntime returns the runtime named s (builtin, plugin or wasm, in
// any case), or false.
func ParseRuntime(s string) (Runtime, bool) {
	for _, r := range []Runtime{RuntimeBuiltin, RuntimePlugin, RuntimeWASM} {
		if strings.EqualFold(s, string(r)) {
			return r, true
		}
	}
	return "", false
}
