package plugin

import (
	"context"
	"crypto/tls"
	"net"
	"time"

	goplugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health/grpc_health_v1"
)

// probeTimeout bounds the check of a process to reattach to.
const probeTimeout = 2 * time.Second

// probe checks that a plugin process listens at addr, completes the TLS
// handshake with the recorded certificates and answers go-plugin's health
// check.
func probe(ctx context.Context, addr net.Addr, tlsCfg *tls.Config) error {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	dial := func(ctx context.Context, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, addr.Network(), addr.String())
	}
	cc, err := grpc.NewClient("passthrough:///plugin", grpc.WithContextDialer(dial),
		grpc.WithTransportCredentials(credentials.NewTLS(tlsCfg)))
	if err != nil {
		return err
	}
	defer cc.Close()
	_, err = grpc_health_v1.NewHealthClient(cc).Check(ctx, &grpc_health_v1.HealthCheckRequest{Service: goplugin.GRPCServiceName})
	return err
}
