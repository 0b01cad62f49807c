package wire

import (
	"math"

	"google.golang.org/grpc"
)

// window is the HTTP/2 flow-control window of plugin connections: large,
// since host and plugin share a machine and an allocation cycle's reply
// is megabytes; with gRPC's default (64 KiB, grown by estimation) a big
// reply waits on window updates.
const window = 16 << 20

// ServerOptions are the gRPC server options of every plugin: no message
// size limit beyond protobuf's own (an allocation cycle at 50k agents is
// tens of megabytes), matching the client side, which go-plugin already
// sets to the maximum; and the large window.
func ServerOptions() []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.MaxRecvMsgSize(math.MaxInt32),
		grpc.MaxSendMsgSize(math.MaxInt32),
		grpc.InitialWindowSize(window),
		grpc.InitialConnWindowSize(window),
	}
}

// DialOptions are the host's side of ServerOptions.
func DialOptions() []grpc.DialOption {
	return []grpc.DialOption{
		grpc.WithInitialWindowSize(window),
		grpc.WithInitialConnWindowSize(window),
	}
}
