// Package httpauthenticator is the contract of the HttpAuthenticator module
// kind: the Go interface the master's and agent's HTTP servers call, and
// the messages (generated from httpauthenticator.proto) it is called with.
// Built-in, go-plugin and WASM HTTP authenticators all implement this one
// interface.
package httpauthenticator

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
)

// APIVersion is the version of this contract. A change to the meaning of a
// message or call bumps it; the host and a module agree on the highest
// version both speak when the module is loaded.
const APIVersion = 1

// HTTPAuthenticator authenticates HTTP requests. It is called concurrently.
type HTTPAuthenticator interface {
	// Scheme names the authentication scheme ("Basic").
	Scheme(ctx context.Context, req *SchemeRequest) (*SchemeResponse, error)
	// Authenticate answers with exactly one of a principal, a 401 or a
	// 403. An error means the request could not be judged (the server
	// answers 401).
	Authenticate(ctx context.Context, req *AuthenticateRequest) (*AuthenticateResponse, error)
}

// ErrInvalidResult is wrapped by Check's errors.
var ErrInvalidResult = errors.New("invalid HTTP authentication result")

// Check holds an answer to the rule that exactly one of principal,
// unauthorized and forbidden is set.
func Check(resp *AuthenticateResponse) error {
	n := 0
	for _, set := range []bool{resp.GetPrincipal() != nil, resp.GetUnauthorized() != nil, resp.GetForbidden() != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return fmt.Errorf("%w: %d of principal, unauthorized and forbidden are set, want 1", ErrInvalidResult, n)
	}
	return nil
}

// Authenticated is the answer for a request from principal.
func Authenticated(principal string) *AuthenticateResponse {
	return &AuthenticateResponse{Principal: &Principal{Value: principal}}
}

// Challenge is a 401 answer with the given WWW-Authenticate challenges.
func Challenge(body string, challenges ...string) *AuthenticateResponse {
	return &AuthenticateResponse{Unauthorized: &Unauthorized{Challenges: challenges, Body: body}}
}

// Refuse is a 403 answer.
func Refuse(body string) *AuthenticateResponse {
	return &AuthenticateResponse{Forbidden: &Forbidden{Body: body}}
}

// Headers converts an http.Header, sorted by name so that requests are
// deterministic.
func Headers(h http.Header) []*Header {
	out := make([]*Header, 0, len(h))
	for name, values := range h {
		out = append(out, &Header{Name: http.CanonicalHeaderKey(name), Values: slices.Clone(values)})
	}
	slices.SortFunc(out, func(a, b *Header) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	return out
}

// Request builds the request for r in realm.
func Request(realm string, r *http.Request) *AuthenticateRequest {
	return &AuthenticateRequest{
		Realm:         realm,
		Method:        r.Method,
		Url:           r.URL.RequestURI(),
		Headers:       Headers(r.Header),
		RemoteAddress: r.RemoteAddr,
	}
}

// Values returns the values of the header called name (any case).
func (r *AuthenticateRequest) Values(name string) []string {
	name = http.CanonicalHeaderKey(name)
	var out []string
	for _, h := range r.GetHeaders() {
		if http.CanonicalHeaderKey(h.GetName()) == name {
			out = append(out, h.GetValues()...)
		}
	}
	return out
}
