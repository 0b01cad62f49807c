// Command credentials-authenticator is the built-in authenticators of
// builtin/authn compiled unchanged into one WASM module of two kinds: an
// HttpAuthenticator (HTTP Basic, Mesos's "basic") and an Authenticator
// (CRAM-MD5, Mesos's "crammd5"), both checking the credentials of the
// parameter "credentials" (a JSON array, as Mesos's module parameter). As
// the module has two kinds, its manifest entry names the one it is loaded
// as ("kind": "HttpAuthenticator").
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o credentials-authenticator.wasm .
package main

import (
	"context"
	"errors"
	"log/slog"
	"os"

	"github.com/gomesos/mesos/builtin/authn"
	"github.com/gomesos/mesos/modules/kinds/authenticator"
	"github.com/gomesos/mesos/modules/kinds/httpauthenticator"
	"github.com/gomesos/mesos/sdk/wasm"
	wasmauthenticator "github.com/gomesos/mesos/sdk/wasm/authenticator"
	wasmhttpauthenticator "github.com/gomesos/mesos/sdk/wasm/httpauthenticator"
)

var errNotConfigured = errors.New("credentials-authenticator: not configured")

// stderr is where the authenticators' warnings go; the host logs it.
func stderr() *slog.Logger { return slog.New(slog.NewTextHandler(os.Stderr, nil)) }

type basic struct{ b *authn.Basic }

func (m *basic) Configure(p wasm.Params) (err error) {
	m.b, err = authn.NewBasicWith(p.Parameters, stderr())
	return err
}

func (m *basic) Scheme(ctx context.Context, req *httpauthenticator.SchemeRequest) (*httpauthenticator.SchemeResponse, error) {
	if m.b == nil {
		return nil, errNotConfigured
	}
	return m.b.Scheme(ctx, req)
}

func (m *basic) Authenticate(ctx context.Context, req *httpauthenticator.AuthenticateRequest) (*httpauthenticator.AuthenticateResponse, error) {
	if m.b == nil {
		return nil, errNotConfigured
	}
	return m.b.Authenticate(ctx, req)
}

type crammd5 struct{ c *authn.CRAMMD5 }

func (m *crammd5) Configure(p wasm.Params) (err error) {
	m.c, err = authn.NewCRAMMD5With(p.Parameters, stderr())
	return err
}

func (m *crammd5) Authenticate(ctx context.Context, req *authenticator.AuthenticateRequest) (*authenticator.AuthenticateResponse, error) {
	if m.c == nil {
		return nil, errNotConfigured
	}
	return m.c.Authenticate(ctx, req)
}

func init() {
	wasmhttpauthenticator.Register(&basic{})
	wasmauthenticator.Register(&crammd5{})
}

func main() {}
