package masterflags

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gomesos/mesos/builtin/authn"
	"github.com/gomesos/mesos/core/master"
	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/decorate"
	"github.com/gomesos/mesos/modules/host"
	"github.com/gomesos/mesos/modules/kinds/httpauthenticator"
)

// The realms of the master's HTTP authentication, as Mesos names them:
// operators' endpoints (one realm for read-only and read-write keeps the
// challenge simple) and the scheduler API.
const (
	authenticationRealm          = "mesos"
	frameworkAuthenticationRealm = "mesos-master-scheduler"
)

// authentication sets up the master's authentication and authorization:
// --authenticate_http_readonly and --authenticate_http_readwrite
// (operators, with --http_authenticators), --authenticate_http_frameworks
// (schedulers, with --http_framework_authenticators),
// --authenticate_agents (agents, with --authenticators) and
// --authenticate_frameworks, which guards only libprocess-driver
// frameworks, which this master does not serve (see frameworkAuthentication);
// then --acls and --authorizers (authorization.go).
func (f *Flags) authentication(cfg *master.Config, mods *masterModules, logger *slog.Logger) error {
	cfg.AuthenticateReadOnly = f.AuthenticateHTTPReadonly
	cfg.AuthenticateReadWrite = f.AuthenticateHTTPReadwrite
	if f.AuthenticateHTTPReadonly || f.AuthenticateHTTPReadwrite {
		authn, err := f.httpAuthentication(mods, "http_authenticators", f.HTTPAuthenticators, authenticationRealm, logger)
		if err != nil {
			return err
		}
		cfg.Authenticate = authn
	}
	if f.AuthenticateHTTPFrameworks {
		name := f.HTTPFrameworkAuthenticators
		if strings.TrimSpace(name) == "" {
			name = "basic"
		}
		authn, err := f.httpAuthentication(mods, "http_framework_authenticators", name, frameworkAuthenticationRealm, logger)
		if err != nil {
			return err
		}
		cfg.AuthenticateFramework = authn
	}
	if f.AuthenticateFrameworks {
		logger.Warn("--authenticate_frameworks governs frameworks that register through the libprocess scheduler driver " +
			"(SASL), which this master does not serve; HTTP frameworks are authenticated only with --authenticate_http_frameworks, as in Mesos")
	}
	if f.AuthenticateAgents {
		authn, err := f.agentAuthentication(context.Background(), mods)
		if err != nil {
			return err
		}
		cfg.AuthenticateAgent = authn
	}
	return f.authorization(cfg, mods, logger)
}

// httpAuthentication makes the authenticate function of an HTTP realm:
// the built-in "basic" (with --credentials) or an HttpAuthenticator module
// of that name, decorated (deadline, metrics; a failure is a 401).
func (f *Flags) httpAuthentication(mods *masterModules, flag, name, realm string, logger *slog.Logger) (func(*http.Request) (string, error), error) {
	name = strings.TrimSpace(name)
	if strings.Contains(name, ",") {
		return nil, fmt.Errorf("--%s: only one HTTP authenticator is supported", flag)
	}
	var impl httpauthenticator.HTTPAuthenticator
	var dec *decorate.Decorator
	if mod, ok := mods.host.Lookup(name); ok {
		if mod.Kind() != modules.KindHTTPAuthenticator {
			return nil, fmt.Errorf("--%s: module '%s' is a %s module, not a %s module", flag, name, mod.Kind(), modules.KindHTTPAuthenticator)
		}
		a, ok := mod.Instance.Impl.(httpauthenticator.HTTPAuthenticator)
		if !ok {
			return nil, fmt.Errorf("--%s: module '%s' does not implement the HttpAuthenticator contract", flag, name)
		}
		impl, dec = a, mod.Decorator
	} else {
		if name != "basic" {
			return nil, fmt.Errorf("--%s: no HttpAuthenticator module named '%s' is loaded", flag, name)
		}
		if f.Credentials == "" {
			return nil, errors.New("No credentials provided for the default 'basic' HTTP authenticator: set --credentials")
		}
		list, err := authn.LoadCredentials(f.Credentials, logger)
		if err != nil {
			return nil, fmt.Errorf("--credentials: %w", err)
		}
		impl = authn.NewBasicFrom(authn.NewCredentials(list), realm)
	}
	return func(r *http.Request) (string, error) {
		req := httpauthenticator.Request(realm, r)
		call := func(ctx context.Context) (*httpauthenticator.AuthenticateResponse, error) {
			return impl.Authenticate(ctx, req)
		}
		var resp *httpauthenticator.AuthenticateResponse
		var err error
		if dec != nil {
			resp, err = decorate.Call(r.Context(), dec, "Authenticate", call)
		} else {
			resp, err = call(r.Context())
		}
		if err == nil {
			err = httpauthenticator.Check(resp)
		}
		switch {
		case err != nil:
			return "", fmt.Errorf("authentication failed: %w", err)
		case resp.GetForbidden() != nil:
			return "", &master.AuthenticationError{Forbidden: true, Body: resp.GetForbidden().GetBody()}
		case resp.GetUnauthorized() != nil:
			u := resp.GetUnauthorized()
			return "", &master.AuthenticationError{Challenges: u.GetChallenges(), Body: u.GetBody()}
		}
		return resp.GetPrincipal().GetValue(), nil
	}, nil
}

// ensure returns the module a flag names: a loaded module of kind k, or the
// built-in of that name loaded now with params (decorated, and shown in
// /modules like any module).
func (m *masterModules) ensure(ctx context.Context, flag string, k modules.Kind, name string, params map[string]string) (*host.Module, error) {
	if mod, ok := m.host.Lookup(name); ok {
		if mod.Kind() != k {
			return nil, fmt.Errorf("--%s: module '%s' is a %s module, not a %s module", flag, name, mod.Kind(), k)
		}
		return mod, nil
	}
	if _, ok := m.catalog.Lookup(k, name); !ok {
		return nil, fmt.Errorf("--%s: no %s module named '%s' is loaded (loaded: %s) and none is built in (built-in: %s)",
			flag, k, name, m.names(k), m.builtinNames(k))
	}
	mod, err := m.host.Ensure(ctx, modules.Spec{Library: "builtin", Name: name, Kind: k, Runtime: modules.RuntimeBuiltin, Parameters: params})
	if err != nil {
		return nil, fmt.Errorf("--%s: %w", flag, err)
	}
	return mod, nil
}
