// Command local-authorizer is the built-in local authorizer
// (builtin/authz, Mesos's LocalAuthorizer) compiled unchanged into a WASM
// module. Its parameter "acls" holds the ACLs as JSON, as Mesos's does; a
// path to a file of ACLs works too when the manifest grants the module
// that directory ("grants": ["fs-ro=/etc/mesos"]).
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o local-authorizer.wasm .
package main

import (
	"context"
	"errors"
	"log/slog"
	"os"

	"github.com/gomesos/mesos/builtin/authz"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
	"github.com/gomesos/mesos/sdk/wasm"
	wasmauthorizer "github.com/gomesos/mesos/sdk/wasm/authorizer"
)

type module struct{ local *authz.Local }

var errNotConfigured = errors.New("local-authorizer: not configured")

// Configure implements wasm.Configurer: the authorizer is made from the
// module's parameters; its warnings go to stderr, which the host logs.
func (m *module) Configure(p wasm.Params) error {
	l, err := authz.NewLocalWith(p.Parameters, slog.New(slog.NewTextHandler(os.Stderr, nil)))
	m.local = l
	return err
}

func (m *module) Authorized(ctx context.Context, req *authorizer.AuthorizedRequest) (*authorizer.AuthorizedResponse, error) {
	if m.local == nil {
		return nil, errNotConfigured
	}
	return m.local.Authorized(ctx, req)
}

func (m *module) ApproveObjects(ctx context.Context, req *authorizer.ApproveObjectsRequest) (*authorizer.ApproveObjectsResponse, error) {
	if m.local == nil {
		return nil, errNotConfigured
	}
	return m.local.ApproveObjects(ctx, req)
}

func init() { wasmauthorizer.Register(&module{}) }

func main() {}
