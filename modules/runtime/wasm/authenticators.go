package wasm

import (
	"context"

	"github.com/gomesos/mesos/modules/kinds/authenticator"
	"github.com/gomesos/mesos/modules/kinds/httpauthenticator"
	"github.com/gomesos/mesos/modules/runtime/wasm/abi"
)

// The authenticators suit WASM when their credentials come with the
// module (parameters, or a file under an fs-ro grant): checking one is a
// pure function. Those backed by a directory service hold connections and
// suit plugins.

// authenticatorClient is authenticator.Authenticator over a WASM module.
type authenticatorClient struct {
	c            *client
	authenticate uint32
}

var _ authenticator.Authenticator = (*authenticatorClient)(nil)

func newAuthenticatorClient(c *client) any {
	return &authenticatorClient{c: c, authenticate: abi.MethodNumber(c.m.kind.service, "Authenticate")}
}

func (a *authenticatorClient) Authenticate(ctx context.Context, req *authenticator.AuthenticateRequest) (*authenticator.AuthenticateResponse, error) {
	return unary[authenticator.AuthenticateResponse](ctx, a.c, a.authenticate, req)
}

// httpAuthenticatorClient is httpauthenticator.HTTPAuthenticator over a
// WASM module.
type httpAuthenticatorClient struct {
	c                    *client
	scheme, authenticate uint32
}

var _ httpauthenticator.HTTPAuthenticator = (*httpAuthenticatorClient)(nil)

func newHTTPAuthenticatorClient(c *client) any {
	sd := c.m.kind.service
	return &httpAuthenticatorClient{c: c,
		scheme:       abi.MethodNumber(sd, "Scheme"),
		authenticate: abi.MethodNumber(sd, "Authenticate"),
	}
}

func (h *httpAuthenticatorClient) Scheme(ctx context.Context, req *httpauthenticator.SchemeRequest) (*httpauthenticator.SchemeResponse, error) {
	return unary[httpauthenticator.SchemeResponse](ctx, h.c, h.scheme, req)
}

func (h *httpAuthenticatorClient) Authenticate(ctx context.Context, req *httpauthenticator.AuthenticateRequest) (*httpauthenticator.AuthenticateResponse, error) {
	return unary[httpauthenticator.AuthenticateResponse](ctx, h.c, h.authenticate, req)
}
