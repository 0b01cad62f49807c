package agent

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gomesos/mesos/core/agent/executorauth"
	"github.com/gomesos/mesos/core/proto/executorpb"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
)

// Executor authentication, as Mesos's agent does it (authentication.md,
// "Executor"). With --jwt_secret_key the agent gives every executor it
// launches a token (MESOS_EXECUTOR_AUTHENTICATION_TOKEN) signed with the
// key, whose claims are the executor's framework, executor and container
// ids. With --authenticate_http_executors as well:
//
//   - every /api/v1/executor request must carry "Authorization: Bearer
//     <token>" (401 with a Bearer challenge in the mesos-agent-executor
//     realm otherwise), and a call must be made by the executor its token
//     names, in its current container (403 otherwise: Mesos's
//     verifyExecutorClaims);
//   - the operator API (/api/v1, realm mesos-agent-readwrite) accepts the
//     token too, when --authenticate_http_readwrite asks for credentials:
//     the request's subject is then the token's claims, which the local
//     authorizer lets act on the containers nested under the executor's
//     own (LAUNCH/WAIT/KILL/REMOVE_NESTED_CONTAINER,
//     LAUNCH_NESTED_CONTAINER_SESSION, ATTACH_CONTAINER_OUTPUT) and
//     nothing else (builtin/authz, Mesos's implicit executor approver).
//
// Tokens hold no expiry (Mesos sets none) and need no state: an agent
// restarted with the same key accepts the tokens of the executors it
// recovers.

// executorAuth is the agent's key and whether executors must use it.
type executorAuth struct {
	key      []byte
	required bool
}

// newExecutorAuth loads --jwt_secret_key; nil without one. Executor
// authentication without a key stops the agent, with Mesos's message.
func newExecutorAuth(cfg *Config, log *slog.Logger) (*executorAuth, error) {
	if cfg.JWTSecretKey == "" {
		if cfg.AuthenticateHTTPExecutors {
			return nil, executorauth.ErrNoKey
		}
		return nil, nil
	}
	key, warning, err := executorauth.LoadKey(cfg.JWTSecretKey)
	if err != nil {
		return nil, fmt.Errorf("agent: %w", err)
	}
	if warning != "" {
		log.Warn(warning)
	}
	return &executorAuth{key: key, required: cfg.AuthenticateHTTPExecutors}, nil
}

// executorToken is the token of an executor's environment; "" without a
// key.
func (a *Agent) executorToken(frameworkID string, e *executor) string {
	if a.execAuth == nil {
		return ""
	}
	tok, err := executorauth.Sign(executorauth.ExecutorClaims(frameworkID, e.id, e.containerID.GetValue()), a.execAuth.key)
	if err != nil {
		// Only an empty key fails, which newExecutorAuth refuses.
		a.log.Error("failed to sign the executor's authentication token", "executor", e.id, "error", err)
		return ""
	}
	return tok
}

// executorClaimsKey carries the claims of a request authenticated by an
// executor's token.
type executorClaimsKey struct{}

func executorClaimsOf(ctx context.Context) map[string]string {
	c, _ := ctx.Value(executorClaimsKey{}).(map[string]string)
	return c
}

// subjectOf is the authorizer's subject of a request: an executor by its
// claims (no principal value, as in Mesos), else its principal.
func subjectOf(ctx context.Context) *authorizer.Subject {
	if c := executorClaimsOf(ctx); c != nil {
		return &authorizer.Subject{Claims: maps.Clone(c)}
	}
	return authorizer.Principal(principalOf(ctx))
}

// authenticateExecutor checks an /api/v1/executor request's token when
// executors must authenticate: it returns the token's claims (nil when
// authentication is off), or answers 401 and reports false.
func (a *Agent) authenticateExecutor(w http.ResponseWriter, r *http.Request) (map[string]string, bool) {
	if a.execAuth == nil || !a.execAuth.required {
		return nil, true
	}
	claims, err := executorauth.Authenticate(r.Header.Get("Authorization"), executorauth.Realm, a.execAuth.key, time.Now())
	if err != nil {
		writeUnauthorized(w, err)
		return nil, false
	}
	return claims, true
}

// writeUnauthorized is libprocess's Unauthorized: 401 with the challenge
// and no body.
func writeUnauthorized(w http.ResponseWriter, err error) {
	challenge := fmt.Sprintf("Bearer realm=%q", executorauth.Realm)
	if u, ok := err.(*executorauth.Unauthorized); ok {
		challenge = u.Challenge
	}
	w.Header().Set("WWW-Authenticate", challenge)
	w.WriteHeader(http.StatusUnauthorized)
}

// verifyExecutorClaims is Mesos's verifyExecutorClaims: a call must be
// made by the executor its token names, from that executor's current
// container (a token of an earlier run does not do). nil when claims is
// nil (authentication off). The caller has found the executor (its
// containerID); HEARTBEAT, which Mesos answers before looking at the
// executor, is not checked.
func verifyExecutorClaims(claims map[string]string, call *executorpb.Call, containerID string) error {
	if claims == nil {
		return nil
	}
	fwID, execID := call.GetFrameworkId().GetValue(), call.GetExecutorId().GetValue()
	if claims[executorauth.ClaimFramework] != fwID {
		return fmt.Errorf("Authenticated principal '%s' does not contain an 'fid' claim with the framework ID %s, which is set in the call",
			claimsString(claims), fwID)
	}
	if claims[executorauth.ClaimExecutor] != execID {
		return fmt.Errorf("Authenticated principal '%s' does not contain an 'eid' claim with the executor ID %s, which is set in the call",
			claimsString(claims), execID)
	}
	if claims[executorauth.ClaimContainer] != containerID {
		return fmt.Errorf("Authenticated principal '%s' does not contain a 'cid' claim with the correct active ContainerID",
			claimsString(claims))
	}
	return nil
}

// claimsString prints a claims-only principal as libprocess does.
func claimsString(claims map[string]string) string {
	var b strings.Builder
	b.WriteString("{claims: {")
	for i, k := range slices.Sorted(maps.Keys(claims)) {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k + ": " + claims[k])
	}
	b.WriteString("}}")
	return b.String()
}

// executorBearer authenticates, in the operator API's realm, a request
// that presents an executor's token (what Mesos's JWT authenticator does
// beside the operator's authenticator there): done reports that it was
// one; next is the request with the executor's claims to serve, or nil
// when it was refused (401 written). Other requests go to the realm's
// authenticator.
func (a *Agent) executorBearer(w http.ResponseWriter, r *http.Request, realm string) (next *http.Request, done bool) {
	if a.execAuth == nil || !a.execAuth.required || realm != readWriteRealm {
		return nil, false
	}
	header := r.Header.Get("Authorization")
	if !executorauth.HasBearer(header) {
		return nil, false
	}
	claims, err := executorauth.Authenticate(header, realm, a.execAuth.key, time.Now())
	if err != nil {
		a.log.Warn("refused an executor's token on the operator API", "path", r.URL.Path, "error", err)
		if u, ok := err.(*executorauth.Unauthorized); ok {
			w.Header().Add("WWW-Authenticate", u.Challenge)
		}
		w.Header().Add("WWW-Authenticate", `Basic realm="`+realm+`"`)
		w.WriteHeader(http.StatusUnauthorized)
		return nil, true
	}
	return r.WithContext(context.WithValue(r.Context(), executorClaimsKey{}, claims)), true
}
