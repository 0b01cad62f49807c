package agent

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/decorate"
	"github.com/gomesos/mesos/modules/host"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
	"github.com/gomesos/mesos/modules/kinds/httpauthenticator"
)

// selectAuth resolves --authorizer (with --acls) and, when either
// --authenticate_http_* flag is on, --http_authenticators (with
// --http_credentials), as Mesos's agent does: the built-in "local"
// authorizer needs ACLs (without them nothing is authorized), another
// name is an Authorizer module and the ACLs are ignored; the built-in
// "basic" authenticator needs credentials. Both are decorated: a failing
// call denies (fail closed).
func (m *agentModules) selectAuth(ctx context.Context, cfg *Config) error {
	if err := m.selectAuthorizer(ctx, cfg); err != nil {
		return err
	}
	if !cfg.AuthenticateHTTPReadOnly && !cfg.AuthenticateHTTPReadWrite {
		return nil
	}
	name := strings.TrimSpace(cfg.HTTPAuthenticators)
	if name == "" {
		name = "basic"
	}
	if strings.Contains(name, ",") {
		return errors.New("--http_authenticators: only one HTTP authenticator is supported")
	}
	var params map[string]string
	if _, loaded := m.host.Lookup(name); !loaded && name == "basic" {
		if cfg.HTTPCredentials == "" {
			return errors.New("No credentials provided for the default 'basic' HTTP authenticator: set --http_credentials")
		}
		params = map[string]string{"credentials": cfg.HTTPCredentials}
	}
	mod, err := m.ensureModule(ctx, "--http_authenticators", modules.KindHTTPAuthenticator, name, params)
	if err != nil {
		return err
	}
	impl, ok := mod.Instance.Impl.(httpauthenticator.HTTPAuthenticator)
	if !ok {
		return fmt.Errorf("--http_authenticators: module '%s' does not implement the HttpAuthenticator contract", name)
	}
	m.authenticate = func(r *http.Request, realm string) (*httpauthenticator.AuthenticateResponse, error) {
		req := httpauthenticator.Request(realm, r)
		resp, err := decorate.Call(r.Context(), mod.Decorator, "Authenticate", func(ctx context.Context) (*httpauthenticator.AuthenticateResponse, error) {
			return impl.Authenticate(ctx, req)
		})
		if err == nil {
			err = httpauthenticator.Check(resp)
		}
		return resp, err
	}
	return nil
}

func (m *agentModules) selectAuthorizer(ctx context.Context, cfg *Config) error {
	name := strings.TrimSpace(cfg.Authorizer)
	if name == "" {
		name = "local"
	}
	if strings.Contains(name, ",") {
		return errors.New("--authorizer: Multiple authorizers not supported")
	}
	var params map[string]string
	if name == "local" {
		if strings.TrimSpace(cfg.ACLs) == "" {
			return nil
		}
		params = map[string]string{"acls": cfg.ACLs}
	} else if cfg.ACLs != "" {
		m.log.Warn("ignoring --acls, since --authorizer names an authorizer other than 'local'", "authorizer", name)
	}
	mod, err := m.ensureModule(ctx, "--authorizer", modules.KindAuthorizer, name, params)
	if err != nil {
		return err
	}
	impl, ok := mod.Instance.Impl.(authorizer.Authorizer)
	if !ok {
		return fmt.Errorf("--authorizer: module '%s' does not implement the Authorizer contract", name)
	}
	m.authorizer = decorate.NewAuthorizer(mod.Decorator, impl)
	m.log.Info("authorizing requests", "authorizer", name)
	return nil
}

// ensureModule is selectModule for a built-in that takes parameters.
func (m *agentModules) ensureModule(ctx context.Context, flag string, k modules.Kind, name string, params map[string]string) (*host.Module, error) {
	if params == nil {
		return m.selectModule(ctx, flag, k, name)
	}
	if _, ok := m.catalog.Lookup(k, name); !ok {
		return nil, fmt.Errorf("%s: no built-in %s named '%s'", flag, k, name)
	}
	mod, err := m.host.Ensure(ctx, modules.Spec{Library: "builtin", Name: name, Kind: k, Runtime: modules.RuntimeBuiltin, Parameters: params})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	return mod, nil
}
