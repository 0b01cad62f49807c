package plugin

import (
	"context"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/runtime/plugin/wire"
)

// configure names the module to the plugin and gives it its parameters;
// it returns the kind the module declares.
func (ln *launcher) configure(ctx context.Context, cc *grpc.ClientConn, version int) (modules.Kind, error) {
	ctx, cancel := context.WithTimeout(ctx, ln.opts.StartTimeout)
	defer cancel()
	resp, err := wire.NewModuleClient(cc).Configure(ctx, &wire.ConfigureRequest{
		Library:    ln.spec.Library,
		Name:       ln.spec.Name,
		Kind:       string(ln.kind.kind),
		ApiVersion: int32(version),
		Parameters: ln.spec.Parameters,
	})
	if err != nil {
		st := status.Convert(err)
		switch st.Code() {
		case codes.FailedPrecondition:
			return "", fmt.Errorf("%w: %s", modules.ErrKindMismatch, st.Message())
		case codes.NotFound:
			return "", fmt.Errorf("%w: %s", modules.ErrNotFound, st.Message())
		case codes.Unimplemented:
			return "", fmt.Errorf("the plugin serves no Module service (not built with the module SDK?): %s", st.Message())
		case codes.InvalidArgument:
			return "", fmt.Errorf("the module rejected its configuration: %s", st.Message())
		}
		return "", fmt.Errorf("configuring the module: %w", err)
	}
	declared := modules.Kind(resp.GetKind())
	if declared != ln.kind.kind {
		return "", fmt.Errorf("%w: the module is a %s, not a %s", modules.ErrKindMismatch, declared, ln.kind.kind)
	}
	return declared, nil
}
