package masterflags

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gomesos/mesos/core/master"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/decorate"
	"github.com/gomesos/mesos/modules/kinds/authenticator"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
)

// authorization sets up --acls and --authorizers as Mesos's master does:
// the built-in "local" authorizer decides by the --acls ACLs, and without
// --acls there is no authorizer (everything is allowed); another name is
// an Authorizer module, and --acls is then ignored. The authorizer is
// decorated: a call that fails, times out or panics denies (fail closed).
func (f *Flags) authorization(cfg *master.Config, mods *masterModules, logger *slog.Logger) error {
	name := strings.TrimSpace(f.Authorizers)
	if strings.Contains(name, ",") {
		return errors.New("--authorizers: Multiple authorizers not supported")
	}
	var params map[string]string
	if name == "local" {
		if len(f.ACLs) == 0 {
			return nil
		}
		params = map[string]string{"acls": string(f.ACLs)}
	} else if len(f.ACLs) > 0 {
		logger.Warn("ignoring --acls, since --authorizers names an authorizer other than 'local'", "authorizers", name)
	}
	mod, err := mods.ensure(context.Background(), "authorizers", modules.KindAuthorizer, name, params)
	if err != nil {
		return err
	}
	impl, ok := mod.Instance.Impl.(authorizer.Authorizer)
	if !ok {
		return fmt.Errorf("--authorizers: module '%s' does not implement the Authorizer contract", name)
	}
	cfg.Authorizer = decorate.NewAuthorizer(mod.Decorator, impl)
	logger.Info("authorizing requests", "authorizer", name)
	return nil
}

// agentAuthentication sets up --authenticate_agents: an agent's SUBSCRIBE
// carries its --credential as HTTP Basic credentials, which the
// --authenticators authenticator checks (the built-in crammd5 against
// --credentials, or an Authenticator module), decorated.
func (f *Flags) agentAuthentication(ctx context.Context, mods *masterModules) (func(*http.Request) (string, error), error) {
	name := strings.TrimSpace(f.Authenticators)
	if strings.Contains(name, ",") {
		return nil, errors.New("--authenticators: Multiple authenticators not supported")
	}
	var params map[string]string
	if name == "crammd5" {
		if _, loaded := mods.host.Lookup(name); !loaded {
			if f.Credentials == "" {
				return nil, errors.New("--authenticate_agents with the default 'crammd5' authenticator needs --credentials")
			}
			params = map[string]string{"credentials": f.Credentials}
		}
	}
	mod, err := mods.ensure(ctx, "authenticators", modules.KindAuthenticator, name, params)
	if err != nil {
		return nil, err
	}
	impl, ok := mod.Instance.Impl.(authenticator.Authenticator)
	if !ok {
		return nil, fmt.Errorf("--authenticators: module '%s' does not implement the Authenticator contract", name)
	}
	return func(r *http.Request) (string, error) {
		principal, secret, ok := r.BasicAuth()
		if !ok {
			return "", errors.New("the agent presented no credential (set --credential on the agent)")
		}
		req := &authenticator.AuthenticateRequest{
			Credential: &mesospb.Credential{Principal: &principal, Secret: &secret},
			Peer:       r.RemoteAddr,
		}
		resp, err := decorate.Call(r.Context(), mod.Decorator, "Authenticate", func(ctx context.Context) (*authenticator.AuthenticateResponse, error) {
			return impl.Authenticate(ctx, req)
		})
		switch {
		case err != nil:
			return "", fmt.Errorf("authentication failed: %w", err)
		case !resp.GetAuthenticated():
			return "", fmt.Errorf("authentication failed for principal '%s': %s", principal, resp.GetMessage())
		}
		return resp.GetPrincipal(), nil
	}, nil
}
