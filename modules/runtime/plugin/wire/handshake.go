package wire

import (
	goplugin "github.com/hashicorp/go-plugin"

	"github.com/gomesos/mesos/modules"
)

// The magic cookie: a plugin started without it (by hand, or by another
// go-plugin host) refuses to run. It is not a security measure.
const (
	MagicCookieKey   = "GOMESOS_MODULE_PLUGIN"
	MagicCookieValue = "9f3b6c1e-5a7d-4e21-8c0b-d2f4a6e8b1c3"
)

// Handshake is the go-plugin handshake both sides use. The protocol
// version is left out: VersionedPlugins carries the kind's API versions.
func Handshake() goplugin.HandshakeConfig {
	return goplugin.HandshakeConfig{MagicCookieKey: MagicCookieKey, MagicCookieValue: MagicCookieValue}
}

// ModulePluginName is the name under which the Module service is
// dispensed.
const ModulePluginName = "module"

// KindPluginName is the name under which a kind's service is dispensed.
func KindPluginName(k modules.Kind) string { return string(k) }

// SDKName names this SDK in ConfigureResponse.sdk and descriptions.
const SDKName = "gomesos-sdk-go/1"
