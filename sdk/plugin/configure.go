package plugin

import (
	"context"
	"errors"

	goplugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/gomesos/mesos/modules/runtime/plugin/wire"
)

// serverPlugin is the plugin side of one service in go-plugin's terms.
type serverPlugin struct {
	goplugin.NetRPCUnsupportedPlugin
	register func(*grpc.Server)
}

func (p *serverPlugin) GRPCServer(_ *goplugin.GRPCBroker, s *grpc.Server) error {
	p.register(s)
	return nil
}

func (p *serverPlugin) GRPCClient(context.Context, *goplugin.GRPCBroker, *grpc.ClientConn) (any, error) {
	return nil, errors.New("the module SDK serves plugins; it is not a host")
}

// moduleServer serves the Module service: the host's Configure.
type moduleServer struct {
	wire.UnimplementedModuleServer
	mod    Module
	srv    *served
	byName bool // several modules: the name must match
}

func registerModule(s *grpc.Server, mod Module, srv *served, byName bool) {
	wire.RegisterModuleServer(s, &moduleServer{mod: mod, srv: srv, byName: byName})
}

func (m *moduleServer) Configure(ctx context.Context, req *wire.ConfigureRequest) (*wire.ConfigureResponse, error) {
	if k := req.GetKind(); k != "" && k != string(m.mod.kind) {
		return nil, status.Errorf(codes.FailedPrecondition, "module %q is a %s, not a %s", m.mod.name, m.mod.kind, k)
	}
	if m.byName && req.GetName() != m.mod.name {
		return nil, status.Errorf(codes.NotFound, "this process serves module %q, not %q", m.mod.name, req.GetName())
	}
	if _, err := call(ctx, "Configure", func() (*wire.ConfigureResponse, error) {
		return nil, m.srv.configure(req.GetParameters())
	}); err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "module %q: %v", m.mod.name, status.Convert(err).Message())
	}
	resp := &wire.ConfigureResponse{Name: m.mod.name, Kind: string(m.mod.kind), Sdk: wire.SDKName}
	for _, v := range m.mod.versions {
		resp.ApiVersions = append(resp.ApiVersions, int32(v))
	}
	return resp, nil
}
