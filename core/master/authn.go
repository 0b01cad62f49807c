package master

import (
	"context"
	"errors"
	"net/http"

	"github.com/gomesos/mesos/modules/kinds/authorizer"
)

// Authentication of HTTP requests: operators (Config.Authenticate),
// schedulers (Config.AuthenticateFramework) and agents
// (Config.AuthenticateAgent). The principal a request authenticated as
// travels in its context to the authorization checks (authz.go).

// AuthenticationError is an authentication failure as an authenticator
// answers it: 401 with its WWW-Authenticate challenges, or 403 (Forbidden)
// with a body. Other errors from an authenticate function are answered 401
// with a Basic challenge.
type AuthenticationError struct {
	Forbidden  bool
	Challenges []string
	Body       string
}

func (e *AuthenticationError) Error() string {
	if e.Body != "" {
		return e.Body
	}
	if e.Forbidden {
		return "Forbidden"
	}
	return "Unauthorized"
}

type principalKey struct{}

// withPrincipal records the authenticated principal of a request.
func withPrincipal(r *http.Request, principal string) *http.Request {
	if principal == "" {
		return r
	}
	return r.WithContext(context.WithValue(r.Context(), principalKey{}, principal))
}

// principalOf is the principal a request authenticated as; "" when it did
// not (the authorizer's ANY subject).
func principalOf(ctx context.Context) string {
	p, _ := ctx.Value(principalKey{}).(string)
	return p
}

// authenticate runs authn on r. On success it returns r with the principal
// in its context; on failure it answers 401 (or 403) itself and returns
// nil.
func authenticate(w http.ResponseWriter, r *http.Request, authn func(*http.Request) (string, error), realm string) *http.Request {
	principal, err := authn(r)
	if err == nil {
		return withPrincipal(r, principal)
	}
	var ae *AuthenticationError
	if !errors.As(err, &ae) {
		w.Header().Set("WWW-Authenticate", `Basic realm="`+realm+`"`)
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return nil
	}
	if ae.Forbidden {
		http.Error(w, ae.Body, http.StatusForbidden)
		return nil
	}
	challenges := ae.Challenges
	if len(challenges) == 0 {
		challenges = []string{`Basic realm="` + realm + `"`}
	}
	for _, c := range challenges {
		w.Header().Add("WWW-Authenticate", c)
	}
	http.Error(w, ae.Error(), http.StatusUnauthorized)
	return nil
}

// authenticatedRequest checks an operator request's credentials when the
// endpoint's realm requires them (--authenticate_http_readonly or
// --authenticate_http_readwrite). It returns the request with its
// principal, or nil after answering 401 or 403.
func (m *Master) authenticatedRequest(w http.ResponseWriter, r *http.Request, readWrite bool) *http.Request {
	required := m.cfg.AuthenticateReadOnly
	if readWrite {
		required = m.cfg.AuthenticateReadWrite
	}
	if !required || m.cfg.Authenticate == nil {
		return r
	}
	return authenticate(w, r, m.cfg.Authenticate, "mesos")
}

// agentRealm is the realm of the agent protocol's challenge.
const agentRealm = "mesos-master-agent"

// admitAgentRequest checks an agent's SUBSCRIBE: its credential when
// --authenticate_agents is on (401 otherwise, so the agent retries as
// Mesos's does), then REGISTER_AGENT for its principal when an authorizer
// is set (403, a refusal for good). It answers the refusal itself and logs
// it, and reports whether the agent may go on.
func (m *Master) admitAgentRequest(w http.ResponseWriter, r *http.Request) bool {
	principal := ""
	if m.cfg.AuthenticateAgent != nil {
		p, err := m.cfg.AuthenticateAgent(r)
		if err != nil {
			m.log.Warn("Refusing registration of agent because it is not authenticated",
				"agent", r.RemoteAddr, "error", err)
			w.Header().Set("WWW-Authenticate", `Basic realm="`+agentRealm+`"`)
			http.Error(w, "Agent is not authenticated: "+err.Error(), http.StatusUnauthorized)
			return false
		}
		principal = p
		m.log.Info("Authenticated agent", "principal", principal, "agent", r.RemoteAddr)
	}
	ok, err := m.authorize(r.Context(), principal, authorizer.Action_REGISTER_AGENT, nil)
	if !ok {
		reason := "Not authorized to register agent"
		if err != nil {
			reason = "Authorization failure: " + err.Error()
		}
		m.log.Warn("Refusing registration of agent because it is not authorized",
			"agent", r.RemoteAddr, "principal", principal, "reason", reason)
		http.Error(w, reason, http.StatusForbidden)
		return false
	}
	return true
}
