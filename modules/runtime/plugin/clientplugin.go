package plugin

import (
	"context"
	"errors"

	goplugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/gomesos/mesos/modules/runtime/plugin/wire"
)

// conn is a dispensed plugin: the gRPC connection to the process, a
// context that ends when the process is gone, and go-plugin's broker for
// kinds whose calls need the plugin to call back.
type conn struct {
	cc     *grpc.ClientConn
	done   context.Context
	broker *goplugin.GRPCBroker
}

// clientPlugin is the host side of a kind's (or the Module) service in
// go-plugin's terms: every kind dispenses the same conn, and the kind's
// adapter builds its stub on it.
type clientPlugin struct {
	goplugin.NetRPCUnsupportedPlugin
}

func (clientPlugin) GRPCServer(*goplugin.GRPCBroker, *grpc.Server) error {
	return errors.New("the plugin runtime is a host: it serves no plugin")
}

func (clientPlugin) GRPCClient(ctx context.Context, b *goplugin.GRPCBroker, cc *grpc.ClientConn) (any, error) {
	return &conn{cc: cc, done: ctx, broker: b}, nil
}

// pluginSet is what the host dispenses at one API version.
func pluginSet(k *kindInfo) goplugin.PluginSet {
	return goplugin.PluginSet{wire.ModulePluginName: clientPlugin{}, wire.KindPluginName(k.kind): clientPlugin{}}
}

// versionedPlugins offers every API version of the kind the host speaks.
func versionedPlugins(k *kindInfo) map[int]goplugin.PluginSet {
	out := map[int]goplugin.PluginSet{}
	for v := k.versions.Min; v <= k.versions.Max; v++ {
		out[v] = pluginSet(k)
	}
	return out
}
