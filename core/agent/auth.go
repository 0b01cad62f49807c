package agent

import (
	"context"
	"net/http"
)

// Authentication of the agent's own endpoints, as Mesos's agent does it:
// --authenticate_http_readonly guards the endpoints that read (/state,
// /flags, /metrics/snapshot, /monitor/statistics, /files/*) in the realm
// mesos-agent-readonly, --authenticate_http_readwrite the operator API
// (/api/v1) in mesos-agent-readwrite. /health and /version stay open, as
// in Mesos. The principal a request authenticated as travels in its
// context to the authorization checks (authz.go).

const (
	readOnlyRealm  = "mesos-agent-readonly"
	readWriteRealm = "mesos-agent-readwrite"
)

type principalKey struct{}

// principalOf is the principal a request authenticated as; "" when it did
// not (the authorizer's ANY subject).
func principalOf(ctx context.Context) string {
	p, _ := ctx.Value(principalKey{}).(string)
	return p
}

// readOnly guards an endpoint that reads.
func (a *Agent) readOnly(h http.HandlerFunc) http.Handler {
	return a.authenticated(a.cfg.AuthenticateHTTPReadOnly, readOnlyRealm, h)
}

// readWrite guards an endpoint that changes things.
func (a *Agent) readWrite(h http.HandlerFunc) http.Handler {
	return a.authenticated(a.cfg.AuthenticateHTTPReadWrite, readWriteRealm, h)
}

// authenticated answers 401 (with the authenticator's challenges) or 403
// to a request that does not authenticate in realm, when required; it
// passes the others on with their principal.
func (a *Agent) authenticated(required bool, realm string, h http.Handler) http.Handler {
	if !required || a.mods.authenticate == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if next, done := a.executorBearer(w, r, realm); done {
			if next != nil {
				h.ServeHTTP(w, next)
			}
			return
		}
		resp, err := a.mods.authenticate(r, realm)
		switch {
		case err != nil:
			a.log.Warn("HTTP authentication failed; refusing", "path", r.URL.Path, "error", err)
			w.Header().Set("WWW-Authenticate", `Basic realm="`+realm+`"`)
			http.Error(w, "Authentication failed: "+err.Error(), http.StatusUnauthorized)
		case resp.GetForbidden() != nil:
			http.Error(w, resp.GetForbidden().GetBody(), http.StatusForbidden)
		case resp.GetUnauthorized() != nil:
			u := resp.GetUnauthorized()
			challenges := u.GetChallenges()
			if len(challenges) == 0 {
				challenges = []string{`Basic realm="` + realm + `"`}
			}
			for _, c := range challenges {
				w.Header().Add("WWW-Authenticate", c)
			}
			http.Error(w, u.GetBody(), http.StatusUnauthorized)
		default:
			ctx := context.WithValue(r.Context(), principalKey{}, resp.GetPrincipal().GetValue())
			h.ServeHTTP(w, r.WithContext(ctx))
		}
	})
}
