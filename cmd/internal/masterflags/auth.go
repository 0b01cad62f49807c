package masterflags

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gomesos/mesos/builtin/authn"
	"github.com/gomesos/mesos/core/master"
	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/httpauthenticator"
)

// authenticationRealm is the realm of the master's HTTP endpoints (Mesos's
// READONLY_HTTP_AUTHENTICATION_REALM and READWRITE_... are both
// "mesos-master-..."; one realm keeps the challenge simple).
const authenticationRealm = "mesos"

// authentication sets up --authenticate_http_readonly and
// --authenticate_http_readwrite: requests to those endpoints must carry
// credentials that --http_authenticators accepts, the built-in "basic"
// (with --credentials) or an HttpAuthenticator module of that name.
func (f *Flags) authentication(cfg *master.Config, mods *masterModules, logger *slog.Logger) error {
	cfg.AuthenticateReadOnly = f.AuthenticateHTTPReadonly
	cfg.AuthenticateReadWrite = f.AuthenticateHTTPReadwrite
	if !f.AuthenticateHTTPReadonly && !f.AuthenticateHTTPReadwrite {
		return nil
	}
	name := strings.TrimSpace(f.HTTPAuthenticators)
	if strings.Contains(name, ",") {
		return errors.New("--http_authenticators: only one HTTP authenticator is supported")
	}
	var impl httpauthenticator.HTTPAuthenticator
	if mod, ok := mods.host.Lookup(name); ok {
		if mod.Kind() != modules.KindHTTPAuthenticator {
			return fmt.Errorf("--http_authenticators: module '%s' is a %s module, not a %s module", name, mod.Kind(), modules.KindHTTPAuthenticator)
		}
		a, ok := mod.Instance.Impl.(httpauthenticator.HTTPAuthenticator)
		if !ok {
			return fmt.Errorf("--http_authenticators: module '%s' does not implement the HttpAuthenticator contract", name)
		}
		impl = a
	} else {
		if name != "basic" {
			return fmt.Errorf("--http_authenticators: no HttpAuthenticator module named '%s' is loaded", name)
		}
		if f.Credentials == "" {
			return errors.New("No credentials provided for the default 'basic' HTTP authenticator: set --credentials")
		}
		list, err := authn.LoadCredentials(f.Credentials, logger)
		if err != nil {
			return fmt.Errorf("--credentials: %w", err)
		}
		impl = authn.NewBasicFrom(authn.NewCredentials(list), authenticationRealm)
	}
	cfg.Authenticate = func(r *http.Request) (string, error) {
		resp, err := impl.Authenticate(r.Context(), httpauthenticator.Request(authenticationRealm, r))
		if err == nil {
			err = httpauthenticator.Check(resp)
		}
		switch {
		case err != nil:
			return "", fmt.Errorf("authentication failed: %w", err)
		case resp.GetPrincipal() == nil:
			return "", errors.New("Unauthorized")
		}
		return resp.GetPrincipal().GetValue(), nil
	}
	return nil
}
