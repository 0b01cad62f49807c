package plugin

import (
	"context"

	"google.golang.org/grpc"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/mastercontender"
	"github.com/gomesos/mesos/modules/kinds/mastercontender/mastercontendergrpc"
)

// MasterContender serves a mastercontender.MasterContender built by build from the module's
// parameters.
func MasterContender(name string, build func(params map[string]string) (mastercontender.MasterContender, error)) Module {
	return newModule(name, modules.KindMasterContender, []int{mastercontender.APIVersion}, build,
		func(s *grpc.Server, _ int, impl *slot[mastercontender.MasterContender]) {
			mastercontendergrpc.RegisterMasterContenderServer(s, &masterContenderServer{impl: impl})
		})
}

// masterContenderServer serves a mastercontender.MasterContender; calls run concurrently.
type masterContenderServer struct {
	mastercontendergrpc.UnimplementedMasterContenderServer
	impl *slot[mastercontender.MasterContender]
}

func (s *masterContenderServer) Contend(ctx context.Context, req *mastercontender.ContendRequest) (*mastercontender.ContendResponse, error) {
	return serveCall(ctx, s.impl, "Contend", req, mastercontender.MasterContender.Contend)
}

func (s *masterContenderServer) Watch(ctx context.Context, req *mastercontender.WatchRequest) (*mastercontender.WatchResponse, error) {
	return serveCall(ctx, s.impl, "Watch", req, mastercontender.MasterContender.Watch)
}

func (s *masterContenderServer) Withdraw(ctx context.Context, req *mastercontender.WithdrawRequest) (*mastercontender.WithdrawResponse, error) {
	return serveCall(ctx, s.impl, "Withdraw", req, mastercontender.MasterContender.Withdraw)
}
