// Command brokenplugin is a test plugin that misbehaves on demand
// (environment BROKEN_MODE): it serves the bin-packing allocator and
//
//	crash      exits in the middle of every Allocate that allocates
//	panic      panics in every Allocate that allocates
//	hang       never answers an Allocate that allocates
//	garbage    answers Allocate with bytes that are not a response
//	junk       writes junk to stderr (malformed JSON log lines, binary)
//	           and then works
//	cookie     uses another magic cookie
//	v99        speaks only version 99 of the Allocator API
//	hook       serves a do-nothing Hook module instead
//	exit       exits at once, before the handshake
//
// With BROKEN_MARKER set, it exits at start-up whenever that file exists
// (to make restarts fail).
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	goplugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/modules/kinds/allocator"
	"github.com/gomesos/mesos/modules/kinds/hook"
	"github.com/gomesos/mesos/modules/runtime/plugin/wire"
	"github.com/gomesos/mesos/sdk/examples/plugin/binpack-allocator/binpack"
	"github.com/gomesos/mesos/sdk/plugin"
)

func main() {
	mode := os.Getenv("BROKEN_MODE")
	if m := os.Getenv("BROKEN_MARKER"); m != "" {
		if _, err := os.Stat(m); err == nil {
			fmt.Fprintln(os.Stderr, "marker file present: exiting")
			os.Exit(4)
		}
	}
	switch mode {
	case "exit":
		fmt.Fprintln(os.Stderr, "exiting at once")
		os.Exit(2)
	case "cookie":
		goplugin.Serve(&goplugin.ServeConfig{
			HandshakeConfig:  goplugin.HandshakeConfig{MagicCookieKey: "SOME_OTHER_HOST", MagicCookieValue: "x"},
			VersionedPlugins: map[int]goplugin.PluginSet{1: {"Allocator": &nothing{}}},
			GRPCServer:       goplugin.DefaultGRPCServer,
		})
		return
	case "v99":
		goplugin.Serve(&goplugin.ServeConfig{
			HandshakeConfig:  wire.Handshake(),
			VersionedPlugins: map[int]goplugin.PluginSet{99: {"Allocator": &nothing{}, wire.ModulePluginName: &nothing{}}},
			GRPCServer:       goplugin.DefaultGRPCServer,
		})
		return
	case "hook":
		plugin.Serve(plugin.Hook("nop", func(map[string]string) (hook.Hook, error) { return hook.Nop{}, nil }))
		return
	case "junk":
		fmt.Fprintln(os.Stderr, `{"@message": 1, "@level": 5}`)
		fmt.Fprintln(os.Stderr, `{"@level": "info"}`)
		fmt.Fprintln(os.Stderr, `[1, 2, 3]`)
		os.Stderr.Write([]byte{0xff, 0xfe, 0, 1, 2, '\n'})
	}
	var opts plugin.Options
	if mode == "garbage" {
		opts.GRPCServerOptions = append(opts.GRPCServerOptions, grpc.ForceServerCodec(garbageCodec{}))
	}
	plugin.ServeWith(opts, plugin.Allocator("broken", func(map[string]string) (allocator.Allocator, error) {
		return &broken{Allocator: binpack.New(), mode: mode}, nil
	}))
}

type broken struct {
	*binpack.Allocator
	mode string
}

func (b *broken) Allocate(ctx context.Context, req *allocator.AllocateRequest) (*allocator.AllocateResponse, error) {
	if req.GetAllocate() {
		switch b.mode {
		case "crash":
			fmt.Fprintln(os.Stderr, "crashing in Allocate")
			os.Exit(3)
		case "panic":
			panic("broken allocator")
		case "hang":
			time.Sleep(time.Hour)
		}
	}
	return b.Allocator.Allocate(ctx, req)
}

// nothing is a plugin that serves nothing.
type nothing struct {
	goplugin.NetRPCUnsupportedPlugin
}

func (nothing) GRPCServer(*goplugin.GRPCBroker, *grpc.Server) error { return nil }
func (nothing) GRPCClient(context.Context, *goplugin.GRPCBroker, *grpc.ClientConn) (any, error) {
	return nil, nil
}

// garbageCodec answers an Allocate that allocates with bytes that do not
// decode.
type garbageCodec struct{}

func (garbageCodec) Name() string { return "proto" }

func (garbageCodec) Marshal(v any) ([]byte, error) {
	if r, ok := v.(*allocator.AllocateResponse); ok && len(r.GetAllocations()) > 0 {
		return []byte{0xff, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02}, nil
	}
	return proto.Marshal(v.(proto.Message))
}

func (garbageCodec) Unmarshal(data []byte, v any) error {
	return proto.Unmarshal(data, v.(proto.Message))
}
